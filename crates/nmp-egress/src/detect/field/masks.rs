//! Values that stand for no value: the filter's own placeholders, masks, secret references and
//! placeholder phrases.

use super::credential_keys::NON_VALUES;

/// `true` for `[REDACTED:label]`, the filter's own placeholder.
pub(crate) fn is_placeholder(s: &str) -> bool {
    s.strip_prefix("[REDACTED:")
        .and_then(|r| r.strip_suffix(']'))
        .is_some_and(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// `true` for a value that stands in for data rather than being it: the empty string, a mask
/// (`********`, `XXX-XX-XXXX`), a redaction marker (`[REDACTED]`, `<redacted>`), an angle-bracket
/// or template placeholder (`<your-api-key>`, `{{PATIENT_EMAIL}}`, `${DB_PASSWORD}`,
/// `%(password)s`, `$(cat /run/secrets/db)`), a secret-store reference (`vault://...`,
/// `arn:aws:secretsmanager:...`) or a "none" word.
pub(crate) fn is_mask(s: &str) -> bool {
    let s = s.trim();
    let folded: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let wrapped = |open: &str, close: &str| {
        s.len() > open.len() + close.len() && s.starts_with(open) && s.ends_with(close)
    };
    let no_digits = !s.bytes().any(|b| b.is_ascii_digit());
    s.is_empty()
        || is_placeholder(s)
        || partial_mask(s)
        || placeholder_phrase(s)
        || (wrapped("[", "]") || wrapped("<", ">")) && no_digits
        || wrapped("{{", "}}")
        || wrapped("${", "}")
        || wrapped("$(", ")")
        || wrapped("%(", ")s")
        || wrapped("%", "%") && no_digits
        || secret_reference(s)
        || prefix_mask(s)
        || NON_VALUES.contains(&folded.as_str())
}

/// A reference to a secret store or the environment rather than a secret: `vault:...`,
/// `op://vault/item/field` (1Password), `azure-keyvault://...`, `arn:aws:secretsmanager:...`,
/// `projects/p/secrets/name/versions/latest` (Google Secret Manager), `secretRef:...`,
/// `env:NAME`, `ENV[NAME]`, `$NAME`.
pub(super) fn secret_reference(s: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "vault:",
        "arn:aws:secretsmanager:",
        "arn:aws:ssm:",
        "secretsmanager:",
        "ssm:",
        "keyvault:",
        "op://",
        "secretref:",
        "secretkeyref:",
        "env:",
        "k8s://",
        "gcp-secret://",
        "gsm://",
        "sm://",
        "doppler://",
        "infisical://",
        "bws://",
        "awssm://",
    ];
    let lower = s.to_ascii_lowercase();
    let scheme = lower.split_once("://").map_or("", |(scheme, _)| scheme);
    PREFIXES.iter().any(|p| lower.starts_with(p))
        || !lower.contains(char::is_whitespace)
            && (scheme.contains("vault") || scheme.contains("secret"))
        || lower.starts_with("projects/") && lower.contains("/secrets/")
        || s.len() < 64
            && s.strip_prefix('$').is_some_and(|v| {
                !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            })
        || lower.starts_with("env[")
        || lower.starts_with("secrets[")
}

/// A provider prefix followed only by a mask or an ellipsis (`sk_live_...`, `ghp_****`,
/// `AKIA****************`): the prefix says which kind of secret, the secret is gone.
pub(super) fn prefix_mask(s: &str) -> bool {
    let body = s.trim_end_matches(|c: char| mask_char(c) || c == '.' || c == '…');
    let masked = s.len() - body.len();
    masked >= 3
        && body.len() <= 12
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !body.bytes().any(|b| b.is_ascii_digit())
}

/// Characters that mask a value.
pub(super) fn mask_char(c: char) -> bool {
    matches!(c, '*' | '•' | '#' | 'x' | 'X')
}

/// A mask, whole or keeping at most four digits (`********`, `XXX-XX-XXXX`, `***-**-6789`,
/// `************1234`): masked characters at least as many as the visible ones.
pub(super) fn partial_mask(s: &str) -> bool {
    let masked = s.chars().filter(|&c| mask_char(c)).count();
    let visible = s
        .chars()
        .filter(|c| c.is_alphanumeric() && !mask_char(*c))
        .count();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    s.chars().all(|c| {
        mask_char(c)
            || c.is_ascii_digit()
            || matches!(c, '-' | '.' | '/' | ' ' | '_' | '+' | '(' | ')')
    }) && (masked > 0 || visible == 0)
        && digits <= 4
        && masked >= visible
}

/// Words that mark a value as a placeholder to be filled in.
pub(super) const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "my",
    "here",
    "replace",
    "change",
    "changeme",
    "me",
    "insert",
    "enter",
    "dummy",
    "fake",
    "example",
    "sample",
    "placeholder",
    "todo",
    "tbd",
    "fixme",
    "not",
    "real",
    "redacted",
];

/// A value made only of lowercase-insensitive words joined by `-`, `_`, `.` or spaces, one of
/// them a placeholder word and none with a digit (`your-token-here`, `REPLACE_ME`,
/// `<insert key>`, `not-a-real-secret`).
pub(super) fn placeholder_phrase(s: &str) -> bool {
    let words: Vec<String> = s
        .split(['-', '_', '.', ' ', '<', '>', '[', ']'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.len() >= 2
        && words
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        && words
            .iter()
            .any(|w| PLACEHOLDER_WORDS.contains(&w.as_str()))
}
