//! Rules that look at a key and its value together: restricted schema keys, identity fields
//! (date of birth, address, person name) and credential assignments with an entropy check.
//!
//! A key is classified by its words ([`key_class`], from the lists of [`identity_keys`] and
//! [`credential_keys`]); a value under it is judged ([`judge`]) unless it stands for no value
//! ([`masks`]).

mod credential_keys;
mod identity_keys;
mod judge;
mod key_class;
mod masks;

pub(crate) use credential_keys::cursor_key;
pub(crate) use identity_keys::{HOLDER_KEYS, holder_ref, organisation_key};
pub(crate) use judge::{credential_value, evaluate, pan_shaped};
pub(crate) use key_class::{KeyClass, classify};
pub(crate) use masks::{is_mask, is_placeholder};

/// Which field rule fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldRule {
    Dob,
    Address,
    Name,
    AwsSecret,
    Credential,
    Phone,
    PersonId,
}

/// A member's value as the field rules see it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    /// A string (or, in text, an unquoted value).
    Str(&'a str),
    /// A number, as written.
    Num(&'a str),
    /// `null`.
    Null,
    /// A boolean, array or object.
    Other,
}

/// Where the key/value pair was seen; generic `name` keys only count in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Json,
    Text,
}

/// A value shaped like a row's identifier rather than a statistic: at least three digits and not
/// a plain number (`0.98`, `12%`, `3400`) or a range of two (`1931-2019`), e.g. `M00412`,
/// `123-45-6789`, `1984-02-29`; or a string of nine or more digits and nothing else
/// (`"884467852"`: no count is written so).
pub(crate) fn identifier_shaped(s: &str) -> bool {
    let t = s.trim().trim_end_matches('%');
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let long_digits = digits >= 9 && t.bytes().all(|b| b.is_ascii_digit());
    // A range of two plain numbers (`1931-2019`, `40–49`, `0.1 to 0.4`) is a statistic.
    let range = ["-", "–", "/", " to ", ".."].iter().any(|sep| {
        t.split_once(sep).is_some_and(|(a, b)| {
            matches!((a.trim().parse::<f64>(), b.trim().parse::<f64>()), (Ok(a), Ok(b)) if a <= b)
        })
    });
    digits >= 3 && !range && (long_digits || t.parse::<f64>().is_err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::keys::words;

    #[test]
    fn masks_and_identifier_shapes() {
        for mask in [
            "********",
            "XXX-XX-XXXX",
            "***-**-6789",
            "************1234",
            "",
            "[REDACTED]",
        ] {
            assert!(is_mask(mask), "{mask}");
        }
        for value in [
            "123-45-6789",
            "***-45-6789",
            "4111111111111111",
            "x7Kp2QvR",
            "Tr0ub4dor&3x",
        ] {
            assert!(!is_mask(value), "{value}");
        }
        for id in [
            "M00412",
            "123-45-6789",
            "1984-02-29",
            "884467852",
            "MRN-0042913",
        ] {
            assert!(identifier_shaped(id), "{id}");
        }
        for stat in [
            "0.98",
            "12%",
            "3400",
            "1931-2019",
            "40-49",
            "0.1 to 0.4",
            "ok",
        ] {
            assert!(!identifier_shaped(stat), "{stat}");
        }
    }

    fn eval(key: &str, value: &str) -> Option<FieldRule> {
        evaluate(classify(&words(key)), Value::Str(value), Source::Json)
    }

    #[test]
    fn role_keys_and_disguised_identity_values() {
        assert_eq!(eval("approved_by", "Martin French"), Some(FieldRule::Name));
        assert_eq!(eval("assignee", "Martin Small"), Some(FieldRule::Name));
        assert_eq!(eval("assignee", "Zendesk Suite"), None);
        assert_eq!(eval("beneficiary", "Martin French"), Some(FieldRule::Name));
        assert_eq!(eval("partner", "Martin French"), None);
        assert_eq!(eval("bsn", "３７８２４６５９８"), Some(FieldRule::PersonId));
        assert_eq!(eval("bsn", "Mzc4MjQ2NTk4"), Some(FieldRule::PersonId));
        assert_eq!(eval("gov_id", "378246598"), Some(FieldRule::PersonId));
        assert_eq!(eval("fecha_nac", "07.08.1989"), Some(FieldRule::Dob));
        assert_eq!(eval("phone", "020_7946_0958"), Some(FieldRule::Phone));
    }

    #[test]
    fn identity_fields() {
        assert_eq!(eval("dateOfBirth", "1984-02-29"), Some(FieldRule::Dob));
        assert_eq!(
            eval("home_address", "12 Rue de la Paix"),
            Some(FieldRule::Address)
        );
        assert_eq!(eval("lastName", "O'Brien"), Some(FieldRule::Name));
        assert_eq!(eval("name", "Maria José Alvarez"), Some(FieldRule::Name));
        assert_eq!(eval("name", "Cohort A"), None);
        assert_eq!(eval("name", "Emergency Department"), None);
        assert_eq!(eval("name", "North Wing"), None);
        assert_eq!(eval("name", "Ksawery Sykała"), Some(FieldRule::Name));
        assert_eq!(eval("name", "mean age by ward"), None);
        assert_eq!(eval("ageBucket", "40-49"), None);
        // Format words after the head, telephony keys, phone keys by their head word.
        assert_eq!(eval("dob_iso", "1961-08-19"), Some(FieldRule::Dob));
        assert_eq!(eval("birth", "1961-08-19"), Some(FieldRule::Dob));
        assert_eq!(eval("birth_year", "1961"), None);
        assert_eq!(eval("to_number", "+1 415 555 0132"), Some(FieldRule::Phone));
        assert_eq!(eval("caller_id", "4155550132"), Some(FieldRule::Phone));
        assert_eq!(eval("phone_country", "+44"), None);
        // Holder words, glued id words, a member's reference; statistics about them pass.
        assert_eq!(eval("member", "W123456789"), Some(FieldRule::PersonId));
        assert_eq!(
            eval("member_ref", "T17558621 02"),
            Some(FieldRule::PersonId)
        );
        assert_eq!(eval("aadhaarno", "712931664518"), Some(FieldRule::PersonId));
        assert_eq!(
            eval("tc_kimlik_no", "97977955884"),
            Some(FieldRule::PersonId)
        );
        assert_eq!(eval("member", "Gold"), None);
        assert_eq!(eval("distinct_member_ids", "1234567"), None);
    }

    #[test]
    fn passwords_and_encoded_secret_keys() {
        // Under a password key a lower entropy floor: word-word-number passwords count.
        assert_eq!(
            eval("smtp_pass", "Answer-morning44"),
            Some(FieldRule::Credential)
        );
        assert_eq!(eval("db_pass", "iNyOuLcNFdi"), Some(FieldRule::Credential));
        assert_eq!(eval("password_strength", "weak-ish1"), None);
        assert_eq!(eval("password", "********"), None);
        // The head is read before encoding and version words, and past an algorithm's size.
        let key = "zL9vihqScgIo6rXtDb1rXv63kw1skSNaBTM9ALgYaMSB";
        for k in [
            "secret_key_base",
            "encryption_key_b64",
            "hmac_sha256_key",
            "webhook_secret_v2",
            "kek",
        ] {
            assert_eq!(eval(k, key), Some(FieldRule::Credential), "{k}");
        }
        assert_eq!(eval("sort_key_v2", key), None);
    }

    #[test]
    fn credentials() {
        assert_eq!(
            eval("db_password", "Tr0ub4dor&3x"),
            Some(FieldRule::Credential)
        );
        assert_eq!(
            eval("client_secret", "9f8e7d6c5b4a39281706f5e4"),
            Some(FieldRule::Credential)
        );
        assert_eq!(eval("password", "********"), None);
        assert_eq!(eval("token", "your-token-here"), None);
        assert_eq!(eval("api_key", "REPLACE_ME"), None);
        assert_eq!(
            eval("token", "correct-horse-battery-staple"),
            Some(FieldRule::Credential)
        );
        assert_eq!(eval("token", "cpuid_aes_sha::InitToken"), None);
        assert_eq!(eval("shared_secret", "alice_secret.diffie_hellman"), None);
        assert_eq!(eval("api_key", "${API_KEY}"), None);
        assert_eq!(eval("password", "[REDACTED:credential]"), None);
        assert_eq!(eval("tokenCount", "Tr0ub4dor&3x"), None);
        assert_eq!(eval("password_policy", "min 12 chars, 1 digit"), None);
        assert_eq!(
            eval(
                "next_page_token",
                "CiAKGjBpNDd2Nmp2Zml2cXRlYmVkMnMxcWwzMWQxMhAB"
            ),
            None
        );
        assert_eq!(eval("cursorToken", "c_8f3Kq92LmZx"), None);
        assert_eq!(eval("secret_name", "prod/db-password-v2"), None);
        assert_eq!(
            eval(
                "aws_secret_access_key",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            ),
            Some(FieldRule::AwsSecret)
        );
    }
}
