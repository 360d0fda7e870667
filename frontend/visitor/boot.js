// Starts the visitor web client. A file rather than an inline script, so the Content-Security-Policy can refuse
// every inline script (script-src 'self' 'wasm-unsafe-eval').
import init from "/pkg/frontend.js";
init({ module_or_path: "/pkg/frontend_bg.wasm" });
