//! Path normalisation: the request path is either obviously clean or refused.
//!
//! Owns: the rules that keep promptwall from being an open proxy through path tricks:
//! no `.`/`..` segments, no empty segments (`//`), no backslash, no control bytes, and no
//! percent-encoded `/`, `\`, `.`, `%` or control bytes (decoded once; anything that would still
//! be suspicious after decoding is refused). Never: rewrites a path; what passes is forwarded
//! byte for byte. Called by: `service` (route step).

/// Why a path was refused (no path content in the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("the request path must start with `/`")]
    NotAbsolute,
    #[error("the request path contains an empty segment (`//`)")]
    EmptySegment,
    #[error("the request path contains a `.` or `..` segment")]
    DotSegment,
    #[error("the request path contains a forbidden character or encoding")]
    Forbidden,
}

/// Checks `path` (as received, still percent-encoded).
pub fn check(path: &str) -> Result<(), PathError> {
    let b = path.as_bytes();
    if b.first() != Some(&b'/') {
        return Err(PathError::NotAbsolute);
    }
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' | 0..=0x1f | 0x7f => return Err(PathError::Forbidden),
            b'%' => {
                let hex = b.get(i + 1..i + 3).ok_or(PathError::Forbidden)?;
                let s = std::str::from_utf8(hex).map_err(|_| PathError::Forbidden)?;
                let d = u8::from_str_radix(s, 16).map_err(|_| PathError::Forbidden)?;
                if matches!(d, b'/' | b'\\' | b'.' | b'%' | 0..=0x1f | 0x7f) {
                    return Err(PathError::Forbidden);
                }
                i += 3;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Skip the leading '/', then look at every segment. A trailing '/' is an empty segment too.
    for seg in path.get(1..).unwrap_or("").split('/') {
        match seg {
            "" => return Err(PathError::EmptySegment),
            "." | ".." => return Err(PathError::DotSegment),
            _ => {}
        }
    }
    Ok(())
}

/// Splits a checked path into `(provider, rest)`: `/openai/v1/x` -> (`openai`, `/v1/x`).
pub fn split_provider(path: &str) -> (&str, &str) {
    let p = path.get(1..).unwrap_or("");
    match p.find('/') {
        Some(i) => (p.get(..i).unwrap_or(""), p.get(i..).unwrap_or("")),
        None => (p, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tricks_are_refused() {
        for p in [
            "/openai/../x",
            "/openai/./v1",
            "/openai//v1",
            "/openai/%2e%2e/x",
            "/openai/%2E./x",
            "/openai/v1%2fchat",
            "/openai/v1%5Cchat",
            "/openai/v1%00",
            "/openai/%252e%252e/x",
            "/openai/v1\\x",
            "/openai/v1/",
            "openai/v1",
            "/openai/%zz",
            "/openai/%2",
        ] {
            assert!(check(p).is_err(), "{p} accepted");
        }
    }

    #[test]
    fn normal_paths_pass() {
        for p in [
            "/openai/v1/chat/completions",
            "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent",
            "/openai/v1/models/ft%3Agpt-4o",
            "/x",
        ] {
            assert_eq!(check(p), Ok(()), "{p}");
        }
        assert_eq!(split_provider("/openai/v1/x"), ("openai", "/v1/x"));
        assert_eq!(split_provider("/openai"), ("openai", ""));
    }
}
