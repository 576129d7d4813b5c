//! Whether a value under a classified key is what the key says: phone, person identifier, card,
//! name and credential shapes, and the field rule that fires.

use super::credential_keys::NON_VALUES;
use super::key_class::KeyClass;
use super::masks::{is_mask, is_placeholder, placeholder_phrase};
use super::{FieldRule, Source, Value, identifier_shaped};
use crate::detect::check::entropy;

/// A phone number as a field value: 7-15 digits, written only with digits, spaces, `+ ( ) - . /`
/// and an extension (`x123`, `ext. 12`).
pub(crate) fn phone_shaped(text: &str) -> bool {
    let body = text
        .split_once(['x', 'X'])
        .or_else(|| text.split_once("ext"))
        .map_or(text, |(b, _)| b)
        .trim();
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +()-./_~|".contains(&b))
        && !crate::detect::check::date_like(body)
        && body.parse::<f64>().map_or(true, |_| !body.contains('.'))
}

/// A person's identifier as a field value: identifier-shaped with at least five digits
/// (`XEH123456789`, `1EG4-TE5-MK73`, `378246598`), or a number of at least six digits.
pub(super) fn person_id_shaped(value: Value<'_>) -> bool {
    match value {
        Value::Str(s) => {
            let s = s.trim();
            let digits = s.bytes().filter(u8::is_ascii_digit).count();
            let numeric = s
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b' ');
            (identifier_shaped(s) && digits >= 5 || numeric && digits >= 6 || pan_shaped(s))
                && !crate::detect::check::date_like(s)
        }
        Value::Num(n) => n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit()),
        Value::Null | Value::Other => false,
    }
}

/// An Indian PAN: five letters, four digits, a letter (`ABCPD1234E`).
pub(crate) fn pan_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase()
}

/// The text a value of at least eight characters of the base64 alphabet decodes to (standard or
/// URL-safe, padding optional), when it is printable ASCII with a digit.
fn base64_text(text: &str) -> Option<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let body = text.trim_end_matches('=');
    if body.len() < 8
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
    {
        return None;
    }
    let bytes = STANDARD_NO_PAD
        .decode(body)
        .or_else(|_| URL_SAFE_NO_PAD.decode(body))
        .ok()?;
    let decoded = String::from_utf8(bytes).ok()?;
    (decoded.bytes().all(|b| (0x20..0x7f).contains(&b))
        && decoded.bytes().any(|b| b.is_ascii_digit()))
    .then_some(decoded)
}

/// Evaluates the identity and credential rules for a value under a key of class `class`.
pub(crate) fn evaluate(class: KeyClass, value: Value<'_>, source: Source) -> Option<FieldRule> {
    let text = match value {
        Value::Str(s) | Value::Num(s) => s.trim(),
        Value::Null | Value::Other => return None,
    };
    if text.is_empty() || is_placeholder(text) {
        return None;
    }
    // Full-width digits and zero-width characters do not hide an identifier, a phone number or a
    // date from its key.
    let identity = matches!(
        class,
        KeyClass::PersonId | KeyClass::Phone | KeyClass::Dob | KeyClass::Piece { .. }
    );
    if identity && let Some(folded) = crate::decode::folded(text) {
        let value = match value {
            Value::Num(_) => Value::Num(&folded),
            _ => Value::Str(&folded),
        };
        return evaluate(class, value, source);
    }
    if let KeyClass::Piece { phone } = class {
        return text
            .bytes()
            .any(|b| b.is_ascii_digit())
            .then_some(if phone {
                FieldRule::Phone
            } else {
                FieldRule::PersonId
            });
    }
    if identity {
        // Base64 does not hide one either (`{"bsn": "Mzc4MjQ2NTk4"}`).
        return identity_value(class, value, text).or_else(|| {
            base64_text(text)
                .and_then(|decoded| identity_value(class, Value::Str(&decoded), &decoded))
        });
    }
    let Value::Str(_) = value else {
        return None;
    };
    let has_letter = || text.chars().any(char::is_alphabetic);
    match class {
        KeyClass::Plain
        | KeyClass::Restricted { .. }
        | KeyClass::Dob
        | KeyClass::Phone
        | KeyClass::PersonId
        | KeyClass::Piece { .. } => None,
        // In free text `address = /ip4/...` is code or config; a postal address has words.
        KeyClass::Address => (has_letter() && (source == Source::Json || text.contains(' ')))
            .then_some(FieldRule::Address),
        KeyClass::Name => has_letter().then_some(FieldRule::Name),
        KeyClass::Role => role_name(text).then_some(FieldRule::Name),
        KeyClass::GenericName => {
            (source == Source::Json && person_name(text)).then_some(FieldRule::Name)
        }
        KeyClass::Secret {
            aws,
            suffix,
            password,
        } => {
            let aws_shaped = text.len() == 40
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+');
            if aws && aws_shaped {
                Some(FieldRule::AwsSecret)
            } else {
                let shaped = if password {
                    password_like(text)
                } else {
                    credential_like(text)
                };
                (suffix && shaped).then_some(FieldRule::Credential)
            }
        }
    }
}

/// The identity rule (person identifier, phone, date of birth) a value under such a key
/// triggers, if it is shaped like one.
fn identity_value(class: KeyClass, value: Value<'_>, text: &str) -> Option<FieldRule> {
    if class == KeyClass::PersonId {
        // A holder's column or key (`beneficiary`) may hold the holder's name.
        return if person_id_shaped(value) {
            Some(FieldRule::PersonId)
        } else {
            matches!(value, Value::Str(_))
                .then(|| role_name(text))
                .and_then(|name| name.then_some(FieldRule::Name))
        };
    }
    if class == KeyClass::Phone {
        return phone_shaped(text).then_some(FieldRule::Phone);
    }
    if class == KeyClass::Dob {
        return text
            .bytes()
            .any(|b| b.is_ascii_digit())
            .then_some(FieldRule::Dob);
    }
    None
}

/// Two to four capitalised alphabetic words that are a person's name when a key names a
/// person's part in a record ([`crate::detect::names::role_name`]): `Martin French`,
/// `Declan Small`; not `Zendesk Suite` or `Acme GmbH`.
fn role_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split_whitespace().collect();
    text.len() <= 64 && crate::detect::names::role_name(&parts)
}

/// Two to four capitalised alphabetic words that could be a person's name
/// ([`crate::detect::names::name_like`]): `Maria José Alvarez`, not `Cohort A`, `mean age` or `Emergency
/// Department`.
pub(super) fn person_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split_whitespace().collect();
    crate::detect::names::name_like(&parts)
        && (2..=4).contains(&parts.len())
        && text.len() <= 64
        && parts.iter().all(|p| {
            let mut chars = p.chars();
            chars.next().is_some_and(char::is_uppercase)
                && p.chars().count() >= 2
                && p.chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '.')
        })
}

/// `alice_secret.diffie_hellman`: a member access in quoted code, not a password.
pub(super) fn dotted_identifier(text: &str) -> bool {
    let mut parts = text.split('.');
    let ident = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_');
    text.contains('.') && parts.all(ident)
}

/// A credential-shaped value in free text (a password a phrase names): [`credential_like`],
/// not an English word or a word joined to a number by `_` (`rotation`, `policy_v2`), with a
/// digit or a symbol.
pub(crate) fn credential_value(text: &str) -> bool {
    let symbol_or_digit = text
        .bytes()
        .any(|b| b.is_ascii_digit() || b.is_ascii_punctuation());
    credential_like(text) && symbol_or_digit && !text.contains("://") && !is_mask(text)
}

/// Words after a key's head that give its value's format, encoding, form or version.
pub(super) const FORMAT_WORDS: &[&str] = &[
    "b64",
    "base64",
    "hex",
    "base",
    "value",
    "val",
    "raw",
    "str",
    "string",
    "bytes",
    "pem",
    "der",
    "encoded",
    "current",
    "primary",
    "secondary",
    "iso",
    "iso8601",
    "formatted",
    "fmt",
    "text",
    "utc",
];

/// A key's words without the trailing words that give the value's format, encoding, form or
/// version (`iso`, `b64`, `hex`, `value`, `v2`, `2`).
pub(super) fn value_head(key_words: &[String]) -> &[String] {
    let version = |w: &str| {
        let n = w.strip_prefix('v').unwrap_or(w);
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    };
    let mut end = key_words.len();
    while end > 1
        && (FORMAT_WORDS.contains(&key_words[end - 1].as_str()) || version(&key_words[end - 1]))
    {
        end -= 1;
    }
    &key_words[..end]
}

/// A value under a key that names a password: [`credential_like`] with a lower entropy floor
/// (2.5 bits/character: `Answer-morning44` is a password there), letters and a digit or symbol.
pub(super) fn password_like(text: &str) -> bool {
    let letters = text.bytes().any(|b| b.is_ascii_alphabetic());
    let other = text.bytes().any(|b| !b.is_ascii_alphabetic());
    credential_like(text) || letters && other && credential_shaped(text, 2.5)
}

/// A credential-shaped value: at least 8 characters, two character classes, 3 bits/char of
/// entropy, and not a mask, a variable reference, a path or a "none" word.
pub(super) fn credential_like(text: &str) -> bool {
    credential_shaped(text, 3.0)
}

/// [`credential_like`] with the entropy floor `min_entropy` (bits/character).
pub(super) fn credential_shaped(text: &str, min_entropy: f64) -> bool {
    let folded: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let masked = text
        .chars()
        .filter(|c| matches!(c, '*' | '•' | '#' | 'x' | 'X'))
        .count()
        * 2
        > text.chars().count();
    let reference = text.starts_with("${")
        || text.starts_with('$')
            && text.len() < 64
            && text[1..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_')
        || text.starts_with('%') && text.ends_with('%')
        || text.starts_with('<') && text.ends_with('>')
        || text.starts_with('/')
        || text.starts_with('~')
        || text.starts_with("./");
    // Source code quoted in logs or docs (`hash_password::<Sha256>(...)`, `token: init()`).
    let code = ["::", "()", "->", "=>"].iter().any(|t| text.contains(t))
        || text.starts_with([':', '<', '(', '&', '*'])
            && text[1..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.:() ".contains(&b))
        || dotted_identifier(text);
    let classes = [
        text.bytes().any(|b| b.is_ascii_lowercase()),
        text.bytes().any(|b| b.is_ascii_uppercase()),
        text.bytes().any(|b| b.is_ascii_digit()),
        text.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|c| **c)
    .count();
    text.len() >= 8
        && !masked
        && !placeholder_phrase(text)
        && !reference
        && !code
        && !NON_VALUES.contains(&folded.as_str())
        && classes >= 2
        && entropy(text) >= min_entropy
}
