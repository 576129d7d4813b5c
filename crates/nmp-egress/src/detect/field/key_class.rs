//! What a key says about its value: the class of a key from its normalised words.

use super::credential_keys::{
    CREDENTIAL_SUFFIXES, KEY_MATERIAL, NOT_CREDENTIAL, PASSWORD_SUFFIXES, PASSWORD_WORDS,
    cursor_key,
};
use super::identity_keys::{
    ADDRESS_KEYS, DOB_KEYS, HOLDER_KEYS, NAME_KEYS, PERSON_ID_KEYS, PERSON_ID_WHOLE_KEYS,
    PHONE_WORDS, holder_ref, role_key,
};
use super::judge::value_head;

/// What a key says about its value; computed once per distinct key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyClass {
    /// No field rule looks at this key.
    Plain,
    /// A restricted key: the rule index, and whether the key describes the column (a statistic
    /// or schema word qualifies it) rather than being it.
    Restricted {
        rule: usize,
        statistic: bool,
    },
    Dob,
    Address,
    /// A key that always holds a person's name (`lastName`).
    Name,
    /// The bare key `name`: a person's name only if the value looks like one.
    GenericName,
    /// A key naming a person by their part in a record (`assignee`, `approved_by`): a person's
    /// name if the value looks like one, in JSON and in text.
    Role,
    /// A phone number key (`phone`, `mobile_no`, `fax`).
    Phone,
    /// A key naming a person's identifier (`member_id`, `bsn`, `codice_fiscale`).
    PersonId,
    /// One numbered piece of a person's identifier or phone number (`bsn_1`, `mobile_part2`):
    /// any value with a digit is part of one.
    Piece {
        /// The pieces are of a phone number, not an identifier.
        phone: bool,
    },
    /// A credential key: `aws` when the key names an AWS secret key, `suffix` when it ends with a
    /// credential word, `password` when that word names a password.
    Secret {
        aws: bool,
        suffix: bool,
        password: bool,
    },
}

/// Classifies a (non-restricted) key by its normalised words.
pub(crate) fn classify(key_words: &[String]) -> KeyClass {
    // A key is read before the words that give its value's format or encoding (`dob_iso`,
    // `birthDateFormatted`, `encryption_key_b64`, `webhook_secret_v2`).
    let key_words = value_head(key_words);
    let joined = key_words.concat();
    let key = joined.as_str();
    // `policy` qualifies a restricted key (`ssn_policy`) but is a holder in `policy_number`.
    let stat = key_words
        .iter()
        .any(|w| w != "policy" && crate::detect::keys::is_stat_word(w));
    if DOB_KEYS.contains(&key)
        || key.ends_with("dateofbirth")
        || key.ends_with("birthdate")
        || !stat
            && key_words
                .last()
                .is_some_and(|w| DOB_KEYS.contains(&w.as_str()))
    {
        return KeyClass::Dob;
    }
    if ADDRESS_KEYS.contains(&key) {
        return KeyClass::Address;
    }
    if NAME_KEYS.contains(&key) {
        return KeyClass::Name;
    }
    if key == "name" {
        return KeyClass::GenericName;
    }
    if !stat && phone_head(key_words) {
        return KeyClass::Phone;
    }
    if !stat
        && (PERSON_ID_WHOLE_KEYS.contains(&key)
            || HOLDER_KEYS.contains(&key)
            || holder_ref(key_words)
            || contains_run(key_words, PERSON_ID_KEYS)
            || holder_id(key_words)
            || key_words.iter().any(|w| glued_id_word(w)))
    {
        return KeyClass::PersonId;
    }
    if !stat && role_key(key_words) {
        return KeyClass::Role;
    }
    let described = cursor_key(key_words)
        || key_words
            .iter()
            .any(|w| NOT_CREDENTIAL.contains(&w.as_str()));
    let aws = key.contains("secret")
        && (key_words.iter().any(|w| w == "aws") || key.contains("secretaccesskey"));
    // The head of a credential key is read before words that give the value's encoding or
    // version (`encryption_key_b64`, `webhook_secret_v2`, `secret_key_base`, `app_secret_2`).
    let head = key_words;
    let last = head.last().map_or("", String::as_str);
    // Key material: `key` after a key-material word, skipping an algorithm's size
    // (`hmac_sha256_key`, `aes256_key`).
    let material =
        |w: &String| KEY_MATERIAL.contains(&w.trim_end_matches(|c: char| c.is_ascii_digit()));
    let key_material = last == "key"
        && head[..head.len() - 1]
            .iter()
            .rev()
            .find(|w| !w.bytes().any(|b| b.is_ascii_digit()) || material(w))
            .is_some_and(material);
    let key_material = key_material
        || matches!(key, "kek" | "dek")
        || KEY_MATERIAL
            .iter()
            .any(|m| key.strip_suffix("key").is_some_and(|k| k.ends_with(m)));
    // An OpenID `id_token` is a credential (its `id` does not make it a key's id).
    let described = described && key != "idtoken";
    let password =
        PASSWORD_SUFFIXES.iter().any(|s| key.ends_with(s)) || PASSWORD_WORDS.contains(&last);
    let suffix = !described
        && (CREDENTIAL_SUFFIXES.iter().any(|s| key.ends_with(s))
            || password
            || key == "bearer"
            || key_material);
    if aws || suffix {
        KeyClass::Secret {
            aws,
            suffix,
            password: password && !described,
        }
    } else {
        KeyClass::Plain
    }
}

/// Words naming whose number a key holds: a health-plan member, subscriber, beneficiary or
/// insured person, a policy, claim, chart or account (HIPAA's "health plan beneficiary",
/// "account" and "medical record" numbers).
pub(super) const HOLDER_WORDS: &[&str] = &[
    "member",
    "subscriber",
    "beneficiary",
    "enrollee",
    "insured",
    "policyholder",
    "policy",
    "claim",
    "mrn",
    "insurance",
    "medicare",
    "medicaid",
    "chart",
    "account",
    "acct",
    "hicn",
    "guarantor",
    "dependent",
    "cardholder",
    "patient",
    "mbr",
    "memb",
    "applicant",
    "claimant",
    "citizen",
];
/// Last words of a key that make it a number or identifier.
pub(super) const ID_WORDS: &[&str] = &[
    "id",
    "ids",
    "number",
    "numbers",
    "no",
    "nr",
    "num",
    "identifier",
];

/// A key whose words name a holder (`member`, `policy`, ...) and end with an id word
/// (`insurance_member_number`, `policyRef`, `health_plan_beneficiary_identifier`).
pub(super) fn holder_id(key_words: &[String]) -> bool {
    let holder = key_words.iter().any(|w| HOLDER_WORDS.contains(&w.as_str()));
    let last = key_words.last().map_or("", String::as_str);
    holder && (ID_WORDS.contains(&last) || last == "mrn")
}

/// Words that may follow a phone word in a phone key (`phone_number`, `phone_e164`,
/// `phoneHome`); any other word after it makes the key describe the number (`phone_country`,
/// `phone_verified`).
pub(super) const PHONE_TAIL: &[&str] = &[
    "e164",
    "home",
    "work",
    "office",
    "mobile",
    "cell",
    "primary",
    "alt",
    "alternate",
    "main",
    "day",
    "evening",
    "personal",
    "private",
    "direct",
];

/// `true` when the key's head is a phone word: a phone word followed only by id words and the
/// words of [`PHONE_TAIL`].
pub(super) fn phone_head(key_words: &[String]) -> bool {
    // Telephony keys: the number a call or message went to or came from (`to_number`,
    // `caller_id`, `contact_number`, `sms_to`).
    let dialled = match key_words {
        [.., a, b] => {
            matches!(
                a.as_str(),
                "to" | "from"
                    | "recipient"
                    | "sender"
                    | "destination"
                    | "dest"
                    | "caller"
                    | "contact"
                    | "dialled"
                    | "dialed"
            ) && matches!(b.as_str(), "number" | "no" | "nr" | "num")
                || a == "caller" && b == "id"
                || a == "sms" && matches!(b.as_str(), "to" | "from")
        }
        [a] => matches!(a.as_str(), "callerid" | "ani" | "contactno"),
        [] => false,
    };
    dialled
        || key_words
            .iter()
            .rposition(|w| PHONE_WORDS.contains(&w.as_str()))
            .is_some_and(|i| {
                key_words[i + 1..]
                    .iter()
                    .all(|w| ID_WORDS.contains(&w.as_str()) || PHONE_TAIL.contains(&w.as_str()))
            })
}

/// A single word that is a person-identifier key with an id word glued to it (`aadhaarno`,
/// `bsnnr`, `pesel_number` written as one word).
pub(super) fn glued_id_word(word: &str) -> bool {
    ["no", "nr", "num", "number", "id"].iter().any(|suffix| {
        word.strip_suffix(suffix).is_some_and(|stem| {
            stem.len() >= 3
                && (PERSON_ID_KEYS.contains(&stem) || PERSON_ID_WHOLE_KEYS.contains(&stem))
        })
    })
}

/// `true` when a contiguous run of `key_words` concatenates to one of `keys`.
pub(super) fn contains_run(key_words: &[String], keys: &[&str]) -> bool {
    let limit = key_words.len().min(8);
    (0..limit).any(|start| {
        let mut run = String::new();
        key_words[start..limit].iter().any(|w| {
            run.push_str(w);
            keys.contains(&run.as_str())
        })
    })
}
