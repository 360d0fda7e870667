#!/usr/bin/env bash
# Builds the Leptos web client into frontend/dist/ (index.html, style.css, pkg/frontend.js, pkg/frontend_bg.wasm),
# which the API server serves at `/`, and the staff back office beside it (staff.html, staff.css,
# staff-pkg/frontend_staff.js, staff-pkg/frontend_staff_bg.wasm), served under `/staff`. Two bundles, so visitors
# never download the staff screens. Safe to run again: every step is skipped or quick when nothing changed.
#
# The visitor bundle is split: frontend_bg.wasm holds the shell and the prison list (the first page); the later steps
# of the journey and the status page (Leptos lazy routes) are cut out by wasm-split-cli into pkg/split_journey.wasm
# and pkg/split_status.wasm (with the code they share in pkg/chunk_*.wasm), which pkg/__wasm_split.js fetches the
# first time the visitor reaches them.
#
# The staff bundle is split the same way: frontend_staff_bg.wasm holds the shell, the session and the sign-in page;
# staff-pkg/split_everyday.wasm (inbox, visit, search, day list, dashboard; fetched while the sign-in page is shown),
# split_timetable.wasm, split_book.wasm and split_admin.wasm are fetched when first opened.
#
# Honours CARGO_TARGET_DIR like any cargo command (default: the workspace's target/).
# The tools it needs (steps 1, 2, 2b and the npm packages) come from scripts/setup.sh, which installs what is missing.
# Every module gets a wasm-opt -Oz pass (binaryen from npm, installed by scripts/setup.sh); WASM_OPT=0 skips it. It
# became the default when the client was split into three crates (issue 11): without it the visitor's first page was
# 385 bytes (brotli) larger than before the split; with it, 171,456 -> 170,490 bytes, and every later module smaller.
# When binaryen cannot be installed the build warns and goes on without the pass.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

target=wasm32-unknown-unknown
profile=wasm-release
dist="$root/frontend/dist"
pkg="$dist/pkg"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# 1, 2 and 2b. The wasm32 target; a wasm-bindgen CLI of exactly the version in Cargo.lock (the generated JS and the
# library must agree); wasm-split-cli (from the crate wasm_split_cli_support), which cuts the visitor module at its lazy
# routes. scripts/setup.sh installs whichever is missing (under a lock: a concurrent set-up is waited for, not redone).
# shellcheck source=scripts/setup.sh
. "$root/scripts/setup.sh"
setup wasm-target wasm-bindgen wasm-split
wanted="$(setup_wasm_bindgen_version)"
wasm_bindgen="$(setup_wasm_bindgen_path)" || die "no wasm-bindgen $wanted in PATH or $cargo_bin"
echo "using $wasm_bindgen"
split_version="$setup_wasm_split_version"
wasm_split="$setup_wasm_split_bin"
binaryen_version="$setup_binaryen_version" # the size pass (step 5)

# 3. Compile the clients (frontend/visitor, package `frontend`; frontend/staff, package `frontend-staff`; both link
# frontend/shared). Both modules are linked with their relocations and symbols kept (--emit-relocs, no strip),
# which wasm-split-cli needs to cut them apart; `cargo rustc` gives those flags to the final link alone, so the
# dependencies are not rebuilt for them, and it takes one package at a time.
target_dir="${CARGO_TARGET_DIR:-$root/target}"
[[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
step "cargo rustc -p frontend --features hydrate --lib --crate-type cdylib --target $target --profile $profile (linked for wasm-split)"
cargo rustc -p frontend --features hydrate --lib --crate-type cdylib --target "$target" --profile "$profile" -- \
    -C link-arg=--emit-relocs -C strip=none
step "cargo rustc -p frontend-staff --lib --crate-type cdylib --target $target --profile $profile (linked for wasm-split)"
cargo rustc -p frontend-staff --lib --crate-type cdylib --target "$target" --profile "$profile" -- \
    -C link-arg=--emit-relocs -C strip=none
wasm="$target_dir/$target/$profile/frontend.wasm"
staff_wasm="$target_dir/$target/$profile/frontend_staff.wasm"
[[ -f "$wasm" ]] || die "cargo finished but $wasm is missing"
[[ -f "$staff_wasm" ]] || die "cargo finished but $staff_wasm is missing"

# 5 (on unless WASM_OPT=0; looked up before 4 because it decides whether 4 must run again). A working wasm-opt.
wasm_opt=""
if [[ "${WASM_OPT:-1}" != "0" ]]; then
    # From scripts/setup.sh, after govuk-frontend: its `npm ci` starts frontend/node_modules afresh.
    wasm_opt="$setup_wasm_opt_bin"
    setup govuk-frontend binaryen ||
        { echo "warning: no wasm-opt $binaryen_version; skipping the size pass" >&2; wasm_opt=""; }
fi

# Removes every custom section (function names, producers, target features) from WebAssembly modules, in place:
# the browser needs none of them. Node reads the module's section headers (no extra tool).
strip_custom_sections() {
    command -v node >/dev/null || die "node is needed to strip the split modules (Node.js 20 or newer)"
    node -e '
        const fs = require("fs");
        for (const file of process.argv.slice(1)) {
            const wasm = fs.readFileSync(file);
            const kept = [wasm.subarray(0, 8)]; // magic number and version
            let at = 8;
            while (at < wasm.length) {
                const start = at++;
                let size = 0, shift = 0, byte;
                do { byte = wasm[at++]; size += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
                at += size;
                if (wasm[start] !== 0) kept.push(wasm.subarray(start, at)); // section 0: custom
            }
            if (at !== wasm.length) throw new Error(`${file}: not a well-formed WebAssembly module`);
            fs.writeFileSync(file, Buffer.concat(kept));
        }' "$@"
}

# 4 and 5. Split the module at its lazy routes, generate the JS glue, then shrink the modules.
# Skipped when the input and the tools are unchanged.
# Arguments: the .wasm cargo built, the output directory, the name of the generated files, and `split` to split it.
bindgen() {
    local input="$1" out="$2" name="$3" split="${4:-}"
    local stamp_file="$out/.build-stamp"
    local stamp
    stamp="$(sha256sum "$input" | cut -d' ' -f1) wasm-bindgen=$wanted wasm-opt=${wasm_opt:+$binaryen_version}"
    stamp+=" wasm-split=${split:+$split_version}"
    if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" && -f "$out/$name.js" && -f "$out/${name}_bg.wasm" ]]; then
        step "wasm-bindgen and wasm-opt ($name): up to date"
        return 0
    fi
    rm -rf "$out"
    local main="$input" split_dir="$target_dir/wasm-split/$name"
    if [[ -n "$split" ]]; then
        step "wasm-split-cli ($name)"
        rm -rf "$split_dir"
        mkdir -p "$split_dir"
        # Writes $name.wasm (the main module, for wasm-bindgen), split_*.wasm and chunk_*.wasm (the lazy code) and
        # __wasm_split.js (their loader, which imports initSync from ./$name.js), all fetched from beside that file.
        "$wasm_split" "$input" "$split_dir" --target web --out-name "$name"
        main="$split_dir/$name.wasm"
    fi
    step "wasm-bindgen --target web ($name)"
    # --keep-lld-exports: the split modules call into the main one through exports wasm-bindgen would drop.
    "$wasm_bindgen" --target web --no-typescript --out-dir "$out" --out-name "$name" \
        ${split:+--keep-lld-exports --no-demangle --remove-name-section --remove-producers-section} "$main"
    if [[ -n "$split" ]]; then
        find "$split_dir" -maxdepth 1 -type f ! -name "$name.wasm" -exec cp {} "$out/" \;
        # wasm-bindgen strips the main module, but not these: their function names alone are half their size.
        step "strip custom sections (names, producers) from the split modules"
        strip_custom_sections "$out"/split_*.wasm "$out"/chunk_*.wasm
    fi
    # What wasm-bindgen leaves of them in the main module (the target_features section, about 100 bytes brotli).
    strip_custom_sections "$out/${name}_bg.wasm"
    if [[ -n "$wasm_opt" ]]; then
        local module
        for module in "$out"/*.wasm; do
            step "wasm-opt -Oz ($(basename "$module"))"
            "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
                --enable-mutable-globals --enable-reference-types --enable-multivalue \
                "$module" -o "$module.opt"
            mv "$module.opt" "$module"
        done
    fi
    echo "$stamp" >"$stamp_file"
}
bindgen "$wasm" "$pkg" frontend split
bindgen "$staff_wasm" "$dist/staff-pkg" frontend_staff split

# 6. The GOV.UK Design System stylesheet, from govuk-frontend as pinned in frontend/package-lock.json. Its compiled CSS
# names the GDS Transport font and the crown/crest images, which only GOV.UK may use: the font faces go, a system font
# stack takes their place, and the image references go.
step "govuk-frontend stylesheet"
govuk="$root/frontend/node_modules/govuk-frontend"
setup govuk-frontend
css_in="$govuk/dist/govuk/govuk-frontend.min.css"
[[ -f "$css_in" ]] || die "$css_in is missing; remove frontend/node_modules and run again"
sed -E \
    -e 's/@font-face\{[^}]*\}//g' \
    -e 's/font-family:GDS Transport,/font-family:system-ui,-apple-system,"Segoe UI",Roboto,/g' \
    -e 's#url\(/assets/images/[^)]*\)#none#g' \
    -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "$css_in" >"$dist/govuk-frontend.min.css"
if grep -q "GDS Transport\|/assets/" "$dist/govuk-frontend.min.css"; then
    die "the GOV.UK font or images are still named in $dist/govuk-frontend.min.css"
fi
echo "copied govuk-frontend.min.css without the GOV.UK font and crown"

# 7. The static files.
step "static files"
# The pages start their client from boot.js and staff-boot.js: the Content-Security-Policy allows no inline script.
cp frontend/visitor/index.html frontend/visitor/style.css frontend/visitor/boot.js "$dist/"
# The service's own icon (a calendar), not govuk-frontend's favicon: that is the crown, which only GOV.UK may use.
cp frontend/visitor/favicon.ico "$dist/"
cp frontend/staff/staff.html frontend/staff/staff.css frontend/staff/staff-boot.js "$dist/"
echo "copied index.html, style.css, favicon.ico, staff.html, staff.css, boot.js and staff-boot.js"

# 8. Brotli copies at the highest quality, which the server sends to browsers that accept Brotli (most): about a
# fifth smaller than the on-the-fly compression a server can afford per request. Node's zlib does it (no extra tool).
step "brotli -q 11 copies of the compiled assets"
command -v node >/dev/null || die "node is needed to compress the assets (Node.js 20 or newer)"
for file in "$pkg"/*.wasm "$pkg"/*.js "$dist/staff-pkg"/*.wasm "$dist/staff-pkg"/*.js "$dist"/*.css; do
    [[ -f "$file" ]] || continue
    if [[ "$file.br" -nt "$file" ]]; then
        echo "$(basename "$file").br up to date"
        continue
    fi
    node -e '
        const fs = require("fs"), zlib = require("zlib");
        const [input, output] = process.argv.slice(1);
        const data = fs.readFileSync(input);
        fs.writeFileSync(output, zlib.brotliCompressSync(data, { params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
            [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        } }));' "$file" "$file.br"
    printf '%-28s %9s bytes brotli-11\n' "$(basename "$file")" "$(stat -c %s "$file.br")"
done

# 9. What a visitor downloads.
step "sizes"
size_of() { printf '%-28s %9s bytes raw %9s bytes gzip\n' "$(basename "$1")" "$(stat -c %s "$1")" "$(gzip -9c "$1" | wc -c)"; }
size_of "$pkg/frontend_bg.wasm"
size_of "$pkg/frontend.js"
size_of "$pkg/__wasm_split.js"
size_of "$dist/govuk-frontend.min.css"
size_of "$dist/style.css"
echo "the later steps of the journey (fetched when first shown):"
for file in "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm; do
    [[ -f "$file" ]] && size_of "$file"
done
echo "staff only (under /staff), the sign-in page:"
size_of "$dist/staff-pkg/frontend_staff_bg.wasm"
size_of "$dist/staff-pkg/frontend_staff.js"
size_of "$dist/staff-pkg/__wasm_split.js"
size_of "$dist/staff.css"
echo "staff screens behind sign-in (the everyday ones fetched while the sign-in page is shown, the rest when opened):"
for file in "$dist/staff-pkg"/split_*.wasm "$dist/staff-pkg"/chunk_*.wasm; do
    [[ -f "$file" ]] && size_of "$file"
done
[[ -n "$wasm_opt" ]] || echo "(without wasm-opt: WASM_OPT=0 or binaryen missing)"

printf '\nBuilt the web client into %s\n' "${dist#"$root"/}"
