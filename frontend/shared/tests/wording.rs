//! Every piece of text in both apps has its English and its Welsh. The wording's one mechanism is the pair
//! (`tx("English", "Cymraeg")`, `lang.t(..)`, or a `("English", "Cymraeg")` constant handed to them), so this test
//! reads the apps' sources and checks each pair: both texts present, the Welsh not the English left in place, and
//! the curly apostrophe (’) the pages use rather than a straight one.

use std::fs;
use std::path::{Path, PathBuf};

/// Words that are the same in Welsh.
const SAME_IN_WELSH: &[&str] = &["staff", "Demo"];

#[test]
fn every_text_in_both_apps_has_english_and_welsh() {
    let frontend = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for app in ["shared/src", "visitor/src", "staff/src"] {
        let dir = frontend.join(app);
        rust_files(&dir, &mut files).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    }
    let mut pairs = 0;
    let mut problems = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        for (en, cy) in text_pairs(&source) {
            pairs += 1;
            if en.trim().is_empty() || cy.trim().is_empty() {
                problems.push(format!("{}: an empty text in ({en:?}, {cy:?})", file.display()));
            } else if en == cy && !SAME_IN_WELSH.contains(&en.as_str()) {
                problems.push(format!("{}: {en:?} is not in Welsh", file.display()));
            } else if en.contains('\'') || cy.contains('\'') {
                // The pages use the curly apostrophe (’) throughout: a straight one stands out beside it.
                problems.push(format!("{}: a straight apostrophe in ({en:?}, {cy:?}): use ’", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The scan found the wording (a change in how it is written would otherwise pass this test with nothing read).
    assert!(pairs > 400, "only {pairs} English/Welsh pairs found: is the wording still written as pairs?");
}

#[test]
fn the_scan_reads_calls_constants_and_pairs_split_over_lines() {
    let source = r#"tx("Back", "Yn ôl") lang.t(
        "Full",
        "Llawn",
    ) const X: (&str, &str) = ("Day", "Diwrnod"); set_attribute("tabindex", "-1"); format!("{}", "x")
        Issue::new(format!("closed-{i}"), "Enter the closed date", "Rhowch y dyddiad cau")"#;
    let found = text_pairs(source);
    let expected =
        [("Back", "Yn ôl"), ("Full", "Llawn"), ("Day", "Diwrnod"), ("Enter the closed date", "Rhowch y dyddiad cau")];
    assert_eq!(found, expected.map(|(en, cy)| (en.to_string(), cy.to_string())));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Every `tx(a, b)`, `.t(a, b)` and `(a, b)` tuple of two string literals, and the texts of the staff app's
/// `Issue::new(id, a, b)`; not other calls such as `set_attribute("tabindex", "-1")` or macros.
fn text_pairs(source: &str) -> Vec<(String, String)> {
    let bytes = source.as_bytes();
    let mut pairs = Vec::new();
    for (at, _) in source.match_indices('(') {
        let before = &source[..at];
        let is_text_call = before.ends_with("tx") || before.ends_with(".t");
        let is_tuple = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '!' || c == '>');
        let start = if before.ends_with("Issue::new") { after_first_argument(bytes, at + 1) } else { Some(at + 1) };
        if (is_text_call || is_tuple || before.ends_with("Issue::new"))
            && let Some(pair) = start.and_then(|start| literal_pair(bytes, start))
        {
            pairs.push(pair);
        }
    }
    pairs
}

/// `"a", "b")` (with any spacing and an optional trailing comma) from `at`.
fn literal_pair(bytes: &[u8], at: usize) -> Option<(String, String)> {
    let (en, at) = string_literal(bytes, skip_space(bytes, at))?;
    let at = skip_space(bytes, at);
    (bytes.get(at) == Some(&b',')).then_some(())?;
    let (cy, at) = string_literal(bytes, skip_space(bytes, at + 1))?;
    let mut at = skip_space(bytes, at);
    if bytes.get(at) == Some(&b',') {
        at = skip_space(bytes, at + 1);
    }
    (bytes.get(at) == Some(&b')')).then_some((en, cy))
}

/// Just after the comma that ends a call's first argument, which may hold calls and strings of its own.
fn after_first_argument(bytes: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 0;
    loop {
        match *bytes.get(at)? {
            b'"' => at = string_literal(bytes, at)?.1 - 1,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return None,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => return Some(at + 1),
            _ => {}
        }
        at += 1;
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// A plain string literal starting at `at`, and where it ends.
fn string_literal(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    (bytes.get(at) == Some(&b'"')).then_some(())?;
    let mut end = at + 1;
    while *bytes.get(end)? != b'"' {
        end += if bytes[end] == b'\\' { 2 } else { 1 };
    }
    Some((String::from_utf8_lossy(&bytes[at + 1..end]).into_owned(), end + 1))
}
