// Starts the visitor web client on the pages the browser draws alone (index.html). A file rather than an inline
// script, so the Content-Security-Policy can refuse every inline script (script-src 'self' 'wasm-unsafe-eval').
// The module is fetched beside its JavaScript glue, and only when JavaScript runs (no preload in the page).
const wasm = fetch("/pkg/frontend_bg.wasm");
import("/pkg/frontend.js").then((glue) => glue.default({ module_or_path: wasm }));
