//! The server's messages use the curly apostrophe (’) the web pages use, never the straight one ('): a field message
//! or a problem's `detail` reaches the visitor's or the member of staff's screen as it is. This reads the sources of
//! `domain` (where the rules word their refusals) and `api` (problem details), so a message added later is checked
//! too, whichever code path would show it.

use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn no_message_the_server_sends_has_a_straight_apostrophe() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["domain/src", "api/src"] {
        rust_files(&crates.join(dir), &mut files).unwrap_or_else(|error| panic!("{dir}: {error}"));
    }
    let mut literals = 0;
    let mut problems = Vec::new();
    for file in &files {
        // The OpenAPI document's prose is documentation for integrators, not a message.
        if file.file_name().is_some_and(|name| name == "openapi.rs") {
            continue;
        }
        let source = fs::read_to_string(file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        for (line, text) in messages(&source) {
            literals += 1;
            if has_straight_apostrophe(&text) {
                problems.push(format!("{}:{line}: {text:?}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "use ’ rather than ' in:\n{}", problems.join("\n"));
    assert!(literals > 1000, "only {literals} string literals read: is the scan still reading the sources?");
}

#[test]
fn the_scan_finds_messages_and_skips_comments_tests_chars_and_api_docs() {
    let source = r##"
        // the prisoner's comment
        fn f<'a>(x: &'a str) -> char { let c = '\''; let d = 'x'; g("the prisoner's name"); 'y' }
        const A: &str = "first \
            line's end";
        const R: &str = r#"it's raw"#;
        #[utoipa::path(params(("id" = Uuid, Path, description = "The visit's id")))]
        #[cfg(test)]
        mod tests { const T: &str = "a test's text"; }
    "##;
    let found: Vec<String> = messages(source).into_iter().map(|(_, text)| text).collect();
    assert!(found.contains(&"the prisoner's name".to_string()), "{found:?}");
    assert!(found.iter().any(|text| text.contains("line's end")), "{found:?}");
    assert!(!found.iter().any(|text| text.contains("visit's id") || text.contains("test's")), "{found:?}");
    assert!(has_straight_apostrophe("the prisoner's name"));
    assert!(!has_straight_apostrophe("the prisoner’s name"));
    assert!(!has_straight_apostrophe("state = 'booked'"));
}

/// A letter, a straight apostrophe and a letter: "prisoner's", "wedi'i", never SQL's `'booked'`.
fn has_straight_apostrophe(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(3).any(|w| w[0].is_alphabetic() && w[1] == '\'' && w[2].is_alphabetic())
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

/// The plain string literals of a source file with their line numbers: not in comments, not raw strings (SQL and
/// JSON), not the OpenAPI prose of a `description = "..."`, and nothing from the first `#[cfg(test)]` on.
fn messages(source: &str) -> Vec<(usize, String)> {
    let source = source.split("#[cfg(test)]").next().unwrap_or_default();
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let (mut at, mut line) = (0, 1);
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        if c == '\n' {
            line += 1;
            at += 1;
        } else if c == '/' && next == Some('/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && next == Some('*') {
            while at + 1 < chars.len() && !(chars[at] == '*' && chars[at + 1] == '/') {
                line += usize::from(chars[at] == '\n');
                at += 1;
            }
            at += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !is_ident(chars.get(at.wrapping_sub(1))) {
            // A raw string: r"..." or r#"..."#, skipped whole.
            let mut hashes = 0;
            at += 1;
            while chars.get(at) == Some(&'#') {
                hashes += 1;
                at += 1;
            }
            if chars.get(at) != Some(&'"') {
                continue;
            }
            at += 1;
            while at < chars.len() && !(chars[at] == '"' && (0..hashes).all(|h| chars.get(at + 1 + h) == Some(&'#'))) {
                line += usize::from(chars[at] == '\n');
                at += 1;
            }
            at += 1 + hashes;
        } else if c == '"' {
            let start_line = line;
            let line_start = chars[..at].iter().rposition(|c| *c == '\n').map_or(0, |i| i + 1);
            let before: String = chars[line_start..at].iter().collect();
            let documentation = before.trim_end().trim_end_matches('=').trim_end().ends_with("description");
            let mut text = String::new();
            at += 1;
            while at < chars.len() && chars[at] != '"' {
                if chars[at] == '\\' {
                    at += 1;
                    match chars.get(at) {
                        // A line continuation: the next line's leading space is not part of the text.
                        Some('\n') => {
                            line += 1;
                            while chars.get(at + 1).is_some_and(|c| c.is_whitespace()) {
                                line += usize::from(chars[at + 1] == '\n');
                                at += 1;
                            }
                        }
                        Some(escaped) => text.push(*escaped),
                        None => {}
                    }
                } else {
                    line += usize::from(chars[at] == '\n');
                    text.push(chars[at]);
                }
                at += 1;
            }
            at += 1;
            if !documentation {
                found.push((start_line, text));
            }
        } else if c == '\'' {
            // A char literal ('x', '\'', '\n') or a lifetime ('a, 'static): neither holds a message.
            if next == Some('\\') {
                at += 2;
                while at < chars.len() && chars[at] != '\'' {
                    at += 1;
                }
                at += 1;
            } else if chars.get(at + 2) == Some(&'\'') {
                at += 3;
            } else {
                at += 1;
            }
        } else {
            at += 1;
        }
    }
    found
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}
