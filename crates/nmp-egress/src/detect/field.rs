//! Rules that look at a key and its value together: restricted schema keys, identity fields
//! (date of birth, address, person name) and credential assignments with an entropy check.

use super::check::entropy;

/// Keys whose value is a date of birth.
const DOB_KEYS: &[&str] = &[
    "dob",
    "dobdate",
    "birthdt",
    "geburtsdatum",
    "fechanacimiento",
    "fechadenacimiento",
    "datanascita",
    "datadinascita",
    "datenaissance",
    "datedenaissance",
    "geboortedatum",
    "fodselsdato",
    "fødselsdato",
    "syntymaaika",
    "syntymäaika",
    "dataurodzenia",
    "datanascimento",
    "datadenascimento",
    "födelsedatum",
    "fodelsedatum",
    "dateofbirth",
    "birthdate",
    "birthday",
    "birthdt",
    "born",
    "bornon",
    "birth",
];
/// Keys whose value is a postal address.
const ADDRESS_KEYS: &[&str] = &[
    "address",
    "streetaddress",
    "street",
    "addressline",
    "addressline1",
    "addressline2",
    "homeaddress",
    "mailingaddress",
    "postaladdress",
    "residentialaddress",
    "billingaddress",
    "shippingaddress",
];
/// Keys whose value is a person's name, whatever it looks like.
const NAME_KEYS: &[&str] = &[
    "firstname",
    "lastname",
    "fullname",
    "surname",
    "givenname",
    "familyname",
    "middlename",
    "maidenname",
    "forename",
    "patientname",
];
/// Keys (their words joined) whose value is a phone number.
const PHONE_WORDS: &[&str] = &[
    "phone",
    "phones",
    "telephone",
    "tel",
    "mobile",
    "cell",
    "cellphone",
    "fax",
    "msisdn",
    "callback",
    "whatsapp",
    "landline",
];
/// Keys (their words joined) that name a person's identifier: national ids of many countries
/// and health-plan, insurance and record numbers. Matched as a run of the key's words, so
/// `patient_member_id` and `bsnNummer` match; the value must be identifier-shaped.
const PERSON_ID_KEYS: &[&str] = &[
    "memberid",
    "membernumber",
    "memberno",
    "subscriberid",
    "subscribernumber",
    "policynumber",
    "policyno",
    "policyid",
    "claimid",
    "claimnumber",
    "claimno",
    "insuranceid",
    "insurancenumber",
    "beneficiaryid",
    "enrolleeid",
    "medicareid",
    "medicarenumber",
    "medicaidid",
    "nhsnumber",
    "nhsno",
    "healthplanid",
    "chartnumber",
    "recordnumber",
    "bsn",
    "burgerservicenummer",
    "pesel",
    "cpf",
    "nino",
    "ninumber",
    "nationalinsurancenumber",
    "nationalinsuranceno",
    "socialinsurancenumber",
    "sinnumber",
    "nir",
    "insee",
    "numerosecuritesociale",
    "numsecu",
    "codicefiscale",
    "taxcode",
    "personnummer",
    "personalnumber",
    "hetu",
    "henkilotunnus",
    "personalidentitycode",
    "fodselsnummer",
    "fødselsnummer",
    "cprnummer",
    "cprnumber",
    "aadhaar",
    "aadhar",
    "pannumber",
    "steuerid",
    "steueridentifikationsnummer",
    "steuernummer",
    "nationalid",
    "idnumber",
    "personalid",
    "citizenid",
    "governmentid",
    "identitynumber",
    "identitycard",
    "idcard",
    "documentnumber",
    "socialsecurityno",
    "accountnumber",
    "accountno",
    "acctno",
    "acctnumber",
    "bankaccount",
    "bankaccountnumber",
    "routingnumber",
    "sortcode",
    "bban",
    "kontonummer",
    "rekeningnummer",
    "numeroconto",
    "rijksregisternummer",
    "nationalregisternumber",
    "numeronational",
    "insz",
    "ahvnummer",
    "ahvn13",
    "curp",
    "clavecurp",
    "nric",
    "hkid",
    "taxfilenumber",
    "ppsn",
    "ppsnumber",
    "ppsno",
    "tckn",
    "tckimlikno",
    "kimlikno",
    "mynumber",
    "kojinbango",
    "individualnumber",
    "codnumericpersonal",
    "residentregistrationnumber",
    "juminnumber",
    "juminbeonho",
    "residentid",
    "shenfenzheng",
    "idcardno",
    "itin",
    "taxpayerid",
    "rodnecislo",
    "birthnumber",
    "versichertennummer",
    "kvnr",
    "healthcardnumber",
    "mykad",
    "cuil",
    "cuit",
    "svnr",
    "sozialversicherungsnummer",
    "isikukood",
    "asmenskodas",
    "personaskods",
    "oib",
    "egn",
    "nik",
    "jmbg",
    "emso",
    "amka",
    "cedula",
    "healthcardno",
    "insurancecardnumber",
];
/// Person-identifier keys that count only as the whole key (short, or words in other uses).
const PERSON_ID_WHOLE_KEYS: &[&str] = &[
    "sin",
    "cf",
    "pan",
    "dni",
    "nie",
    "nif",
    "cpr",
    "pnr",
    "fnr",
    "idnr",
    "mbi",
    "uid",
    "aba",
    "acct",
    "iban",
    "account",
    "routing",
    "routingno",
    "rut",
    "ahv",
    "avs",
    "tfn",
    "cnp",
    "rrn",
    "tin",
    "cin",
    "ohip",
];
/// Bare holder words that name a person's identifier as a JSON key or in text
/// (`{"member": "W123456789"}`), but not as a CSV column, which may as well hold their names
/// or counts.
pub(crate) const HOLDER_KEYS: &[&str] = &[
    "member",
    "subscriber",
    "insured",
    "beneficiary",
    "enrollee",
    "applicant",
    "claimant",
    "citizen",
];

/// Head words of keys whose value is an organisation, a place or a thing named after people
/// (`payer`, `sponsor_name`, `hospital`, `method`).
const ORGANISATION_HEADS: &[&str] = &[
    "payer",
    "payor",
    "sponsor",
    "vendor",
    "supplier",
    "organization",
    "organisation",
    "org",
    "company",
    "employer",
    "insurer",
    "carrier",
    "manufacturer",
    "brand",
    "bank",
    "hospital",
    "facility",
    "institution",
    "firm",
    "agency",
    "university",
    "school",
    "clinic",
    "lab",
    "laboratory",
    "pharmacy",
    "product",
    "drug",
    "medication",
    "award",
    "prize",
    "method",
    "test",
    "model",
    "device",
    "publisher",
    "journal",
    "network",
    "plan",
    "program",
    "programme",
    "department",
    "ward",
    "unit",
    "city",
    "town",
    "county",
    "state",
    "country",
    "region",
    "street",
    "site",
    "item",
    "area",
    "district",
    "team",
    "store",
    "branch",
    "venue",
    "building",
    "center",
    "centre",
];

/// `true` when the key's head (before a final `name`, `title` or `label`) names an
/// organisation, a place or a thing ([`ORGANISATION_HEADS`]).
pub(crate) fn organisation_key(key_words: &[String]) -> bool {
    let head = match key_words {
        [.., head, last] if matches!(last.as_str(), "name" | "names" | "title" | "label") => head,
        [.., head] => head,
        [] => return false,
    };
    ORGANISATION_HEADS.contains(&head.as_str())
}

/// A key that names a member's reference or code (`member_ref`, `subscriberCode`): a person's
/// identifier when its value is shaped like one.
pub(crate) fn holder_ref(key_words: &[String]) -> bool {
    let [.., holder, last] = key_words else {
        return false;
    };
    HOLDER_KEYS.contains(&holder.as_str()) && matches!(last.as_str(), "ref" | "reference" | "code")
}
/// Key endings that name a credential.
const CREDENTIAL_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "token",
    "credential",
    "credentials",
    "authorization",
    "signingkey",
    "encryptionkey",
];
/// Key endings that name a password (also credential endings).
const PASSWORD_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "passcode",
    "passwort",
    "kennwort",
    "contrasena",
    "contraseña",
    "wachtwoord",
    "senha",
    "haslo",
    "hasło",
    "salasana",
    "losenord",
    "passord",
    "adgangskode",
    "motdepasse",
];
/// Last words of a key that name a password on their own (`db_pass`, `userPw`), matched as a
/// whole word so `bypass` and `compass` are not credential keys.
const PASSWORD_WORDS: &[&str] = &["pass", "pw", "pword", "passwd", "pwd"];
/// Words before a final `key` that make the key hold key material (`hmac_key`, `session_key`,
/// `master_key`), not name a key (`sort_key`, `primary_key`, `cache_key`).
const KEY_MATERIAL: &[&str] = &[
    "hmac",
    "session",
    "master",
    "shared",
    "app",
    "aes",
    "auth",
    "license",
    "licence",
    "client",
    "consumer",
    "webhook",
    "jwt",
    "cookie",
    "crypto",
    "cipher",
    "des",
    "rsa",
    "ed25519",
    "mac",
    "encryption",
    "signing",
    "decryption",
    "secret",
    "private",
    "access",
    "api",
    "service",
    "wrapping",
    "data",
    "root",
    "admin",
    "deploy",
    "ssh",
    "gpg",
    "pgp",
    "integration",
    "partner",
];
/// Key words that make a credential-word key name something *about* a credential (a pagination
/// or cursor token, a key's id, name, type, fingerprint algorithm or rotation period), not hold it.
const NOT_CREDENTIAL: &[&str] = &[
    "page",
    "next",
    "prev",
    "previous",
    "cursor",
    "continuation",
    "pagination",
    "resume",
    "sync",
    "count",
    "type",
    "ttl",
    "expiry",
    "expires",
    "length",
    "len",
    "rotation",
    "period",
    "algorithm",
    "algo",
    "fingerprint",
    "name",
    "kind",
    "format",
    "policy",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "id",
    "ids",
    "version",
    "hint",
    "strength",
];
/// Key words that make a key hold a pagination or sync position (`next_cursor`, `endCursor`,
/// `nextPageToken`, `scroll_id`, `after`): an opaque value there is a position, not a secret.
const CURSOR_WORDS: &[&str] = &[
    "cursor",
    "cursors",
    "next",
    "prev",
    "previous",
    "after",
    "before",
    "since",
    "page",
    "pagination",
    "paging",
    "continuation",
    "continue",
    "scroll",
    "marker",
    "resume",
    "sync",
    "offset",
    "starting",
    "ending",
    "bookmark",
    "watermark",
    "checkpoint",
    "evaluated",
];

/// `true` when the key's words name a pagination or sync position.
pub(crate) fn cursor_key(key_words: &[String]) -> bool {
    key_words.iter().any(|w| CURSOR_WORDS.contains(&w.as_str()))
}

/// Values that stand for "no credential here".
const NON_VALUES: &[&str] = &[
    "redacted",
    "hidden",
    "masked",
    "hashed",
    "encrypted",
    "tokenized",
    "tokenised",
    "removed",
    "suppressed",
    "omitted",
    "withheld",
    "excluded",
    "dropped",
    "pseudonymized",
    "pseudonymised",
    "anonymized",
    "anonymised",
    "none",
    "null",
    "undefined",
    "notset",
    "changeit",
    "na",
];

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
fn secret_reference(s: &str) -> bool {
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
fn prefix_mask(s: &str) -> bool {
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
fn mask_char(c: char) -> bool {
    matches!(c, '*' | '•' | '#' | 'x' | 'X')
}

/// A mask, whole or keeping at most four digits (`********`, `XXX-XX-XXXX`, `***-**-6789`,
/// `************1234`): masked characters at least as many as the visible ones.
fn partial_mask(s: &str) -> bool {
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
const PLACEHOLDER_WORDS: &[&str] = &[
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
fn placeholder_phrase(s: &str) -> bool {
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
    /// A phone number key (`phone`, `mobile_no`, `fax`).
    Phone,
    /// A key naming a person's identifier (`member_id`, `bsn`, `codice_fiscale`).
    PersonId,
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
        .any(|w| w != "policy" && super::keys::is_stat_word(w));
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
const HOLDER_WORDS: &[&str] = &[
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
const ID_WORDS: &[&str] = &[
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
fn holder_id(key_words: &[String]) -> bool {
    let holder = key_words.iter().any(|w| HOLDER_WORDS.contains(&w.as_str()));
    let last = key_words.last().map_or("", String::as_str);
    holder && (ID_WORDS.contains(&last) || last == "mrn")
}

/// Words that may follow a phone word in a phone key (`phone_number`, `phone_e164`,
/// `phoneHome`); any other word after it makes the key describe the number (`phone_country`,
/// `phone_verified`).
const PHONE_TAIL: &[&str] = &[
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
fn phone_head(key_words: &[String]) -> bool {
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
fn glued_id_word(word: &str) -> bool {
    ["no", "nr", "num", "number", "id"].iter().any(|suffix| {
        word.strip_suffix(suffix).is_some_and(|stem| {
            stem.len() >= 3
                && (PERSON_ID_KEYS.contains(&stem) || PERSON_ID_WHOLE_KEYS.contains(&stem))
        })
    })
}

/// `true` when a contiguous run of `key_words` concatenates to one of `keys`.
fn contains_run(key_words: &[String], keys: &[&str]) -> bool {
    let limit = key_words.len().min(8);
    (0..limit).any(|start| {
        let mut run = String::new();
        key_words[start..limit].iter().any(|w| {
            run.push_str(w);
            keys.contains(&run.as_str())
        })
    })
}

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
            .all(|b| b.is_ascii_digit() || b" +()-./".contains(&b))
        && !super::check::date_like(body)
        && body.parse::<f64>().map_or(true, |_| !body.contains('.'))
}

/// A person's identifier as a field value: identifier-shaped with at least five digits
/// (`XEH123456789`, `1EG4-TE5-MK73`, `378246598`), or a number of at least six digits.
fn person_id_shaped(value: Value<'_>) -> bool {
    match value {
        Value::Str(s) => {
            let s = s.trim();
            let digits = s.bytes().filter(u8::is_ascii_digit).count();
            let numeric = s
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b' ');
            (identifier_shaped(s) && digits >= 5 || numeric && digits >= 6 || pan_shaped(s))
                && !super::check::date_like(s)
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

/// Evaluates the identity and credential rules for a value under a key of class `class`.
pub(crate) fn evaluate(class: KeyClass, value: Value<'_>, source: Source) -> Option<FieldRule> {
    let text = match value {
        Value::Str(s) | Value::Num(s) => s.trim(),
        Value::Null | Value::Other => return None,
    };
    if text.is_empty() || is_placeholder(text) {
        return None;
    }
    if class == KeyClass::PersonId {
        return person_id_shaped(value).then_some(FieldRule::PersonId);
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
    let Value::Str(_) = value else {
        return None;
    };
    let has_letter = || text.chars().any(char::is_alphabetic);
    match class {
        KeyClass::Plain
        | KeyClass::Restricted { .. }
        | KeyClass::Dob
        | KeyClass::Phone
        | KeyClass::PersonId => None,
        // In free text `address = /ip4/...` is code or config; a postal address has words.
        KeyClass::Address => (has_letter() && (source == Source::Json || text.contains(' ')))
            .then_some(FieldRule::Address),
        KeyClass::Name => has_letter().then_some(FieldRule::Name),
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

/// Two to four capitalised alphabetic words that could be a person's name
/// ([`super::names::name_like`]): `Maria José Alvarez`, not `Cohort A`, `mean age` or `Emergency
/// Department`.
fn person_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split_whitespace().collect();
    super::names::name_like(&parts)
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
fn dotted_identifier(text: &str) -> bool {
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
const FORMAT_WORDS: &[&str] = &[
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
fn value_head(key_words: &[String]) -> &[String] {
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
fn password_like(text: &str) -> bool {
    let letters = text.bytes().any(|b| b.is_ascii_alphabetic());
    let other = text.bytes().any(|b| !b.is_ascii_alphabetic());
    credential_like(text) || letters && other && credential_shaped(text, 2.5)
}

/// A credential-shaped value: at least 8 characters, two character classes, 3 bits/char of
/// entropy, and not a mask, a variable reference, a path or a "none" word.
fn credential_like(text: &str) -> bool {
    credential_shaped(text, 3.0)
}

/// [`credential_like`] with the entropy floor `min_entropy` (bits/character).
fn credential_shaped(text: &str, min_entropy: f64) -> bool {
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
