// Starts the staff back office. A file rather than an inline script, so the Content-Security-Policy can refuse
// every inline script (script-src 'self' 'wasm-unsafe-eval').
import init from "/staff-pkg/frontend_staff.js";
init({ module_or_path: "/staff-pkg/frontend_staff_bg.wasm" });
