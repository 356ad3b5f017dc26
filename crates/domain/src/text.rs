//! Shared checks for user-supplied text. Lengths are counted in Unicode scalar
//! values, so a title of 200 emoji is as long as a title of 200 ASCII letters.

pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Line breaks and tabs are legitimate in free text; every other control
/// character (Unicode category Cc: NUL, ESC and the rest of C0, DEL, C1) is
/// refused because it breaks terminals, logs and CSV exports. Format
/// characters such as the bidi overrides are category Cf and pass.
pub(crate) fn has_control_except_whitespace(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

pub(crate) fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}
