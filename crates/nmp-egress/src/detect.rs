//! The compiled rule set: regex rules (PII, secrets, custom patterns) run over text, and field
//! rules (restricted keys, identity fields, credentials) run over key/value pairs.

mod automaton;
mod check;
mod errors;
mod field;
mod ids;
mod keys;
mod names;
mod pairs;
mod pii;
mod secret;
mod world;

use std::collections::HashSet;
use std::ops::Range;

use regex::bytes::{Regex, RegexBuilder};

use crate::config::{Config, ConfigError};
use crate::report::Category;
use check::Validator;
pub(crate) use field::KeyClass;
use field::{FieldRule, classify, evaluate};
pub(crate) use field::{Source, Value, is_placeholder};
use field::{identifier_shaped, is_mask};
use keys::Qualifier;
pub(crate) use keys::{fold_confusable, invisible, words};
pub(crate) use names::lowercase_word;
pub(crate) use pairs::Pair;

/// A built-in regex rule.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) id: &'static str,
    pub(crate) label: &'static str,
    pub(crate) pattern: &'static str,
    pub(crate) validate: Option<Validator>,
}

/// Restricted keys that are always on (rule `key.builtin`), whatever the data owner configures.
pub(crate) const BUILTIN_KEYS: &[&str] = &[
    "ssn",
    "social_security_number",
    "mrn",
    "medical_record_number",
    "patient_id",
    "passport_number",
    "national_id",
    "tax_id",
    "drivers_license_number",
];

/// Rules that fire on key/value pairs rather than a regex.
const FIELD_RULES: &[(&str, &str, Category)] = &[
    ("pii.name", "name", Category::Pii),
    ("secret.credential", "credential", Category::Secret),
    ("secret.generic", "secret", Category::Secret),
    ("key.builtin", "restricted_key", Category::RestrictedKey),
    ("key.configured", "restricted_key", Category::RestrictedKey),
];

/// Rules that report an exhausted budget; they cannot be disabled.
pub(crate) const LIMIT_RULES: &[&str] = &[
    "limit.input_size",
    "limit.json_depth",
    "limit.decode_depth",
    "limit.expansion",
];

/// The rule of a dataset value found through a [`crate::ValueIndex`]; always registered.
pub(crate) const VALUE_RULE: &str = "dataset.value";

/// Lazy-DFA cache of the combined rule set, per thread: large enough that the automaton does
/// not thrash and fall back to the slower NFA simulation (with the multi-format address rules,
/// 8 MiB thrashed on mixed output and cost a third of the scan time).
const SET_DFA_CACHE: usize = 32 << 20;

/// Most bytes a custom pattern may compile to.
const CUSTOM_PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Every rule id that `disabled_rules` accepts, in a stable order.
pub fn rule_ids() -> Vec<&'static str> {
    let regex = pii::RULES.iter().chain(secret::RULES).map(|s| s.id);
    let mut ids: Vec<&'static str> = regex.chain(FIELD_RULES.iter().map(|f| f.0)).collect();
    ids.dedup();
    ids
}

/// One rule as reports and placeholders name it.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) category: Category,
    /// The regex source, for the rule-set digest (empty for field and limit rules).
    pub(crate) pattern: String,
}

/// A regex match that passed its validator.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) rule: usize,
    pub(crate) range: Range<usize>,
}

/// The compiled rule set of one [`crate::Scanner`].
#[derive(Debug)]
pub(crate) struct Detector {
    pub(crate) rules: Vec<Rule>,
    set: automaton::Automaton,
    regexes: Vec<(usize, Regex, Option<Validator>)>,
    allow: HashSet<Vec<u8>>,
    keys: keys::KeyMatcher<usize>,
    kv: Regex,
    /// [`pairs::OTHER_PATTERN`]: quoted values in errors, parenthesised pairs, query strings.
    kv_other: Regex,
    /// Rule index of each field rule, `None` when disabled.
    field_rules: [Option<usize>; 7],
    /// Rule index of `secret.generic` (a scan for runs, not a regex), `None` when disabled.
    generic: Option<usize>,
}

fn category_of(id: &str) -> Category {
    match id.split('.').next() {
        Some("pii") => Category::Pii,
        Some("secret") => Category::Secret,
        Some("key") => Category::RestrictedKey,
        Some("limit") => Category::Undecidable,
        Some("dataset") => Category::RestrictedValue,
        _ => Category::Custom,
    }
}

impl Detector {
    /// Compiles `config`'s rule set.
    pub(crate) fn new(config: &Config) -> Result<Self, ConfigError> {
        let known = rule_ids();
        if let Some(rule) = config
            .disabled_rules
            .iter()
            .find(|r| !known.contains(&r.as_str()))
        {
            return Err(ConfigError::UnknownRule { rule: rule.clone() });
        }
        let enabled = |id: &str| !config.disabled_rules.iter().any(|d| d == id);
        let mut rules = Vec::new();
        let index = |rules: &mut Vec<Rule>, id: &str, label: &str, pattern: &str| {
            rules
                .iter()
                .position(|r: &Rule| r.id == id)
                .inspect(|&i| {
                    // A rule with several patterns (`pii.address`): the digest covers them all.
                    if !pattern.is_empty() {
                        rules[i].pattern = format!("{}|{pattern}", rules[i].pattern);
                    }
                })
                .unwrap_or_else(|| {
                    let category = category_of(id);
                    rules.push(Rule {
                        id: id.into(),
                        label: label.into(),
                        category,
                        pattern: pattern.into(),
                    });
                    rules.len() - 1
                })
        };
        for limit in LIMIT_RULES {
            index(&mut rules, limit, "limit", "");
        }
        index(&mut rules, VALUE_RULE, "restricted_value", "");
        let mut regexes = Vec::new();
        for spec in pii::RULES
            .iter()
            .chain(secret::RULES)
            .filter(|s| enabled(s.id))
        {
            let rule = index(&mut rules, spec.id, spec.label, spec.pattern);
            // ASCII semantics keep the combined automaton small (the built-ins need no Unicode).
            let regex = Regex::new(&format!("(?-u){}", spec.pattern))
                .expect("built-in patterns compile (unit-tested)");
            regexes.push((rule, regex, spec.validate));
        }
        let mut seen = HashSet::new();
        for extra in &config.extra_patterns {
            let valid_id = (1..=32).contains(&extra.id.len())
                && extra
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid_id || !seen.insert(extra.id.as_str()) {
                return Err(ConfigError::InvalidPatternId {
                    id: extra.id.clone(),
                });
            }
            let regex = RegexBuilder::new(&extra.pattern)
                .size_limit(CUSTOM_PATTERN_SIZE_LIMIT)
                .build()
                .map_err(|source| ConfigError::InvalidPattern {
                    id: extra.id.clone(),
                    source,
                })?;
            let rule = index(
                &mut rules,
                &format!("custom.{}", extra.id),
                &extra.id,
                &extra.pattern,
            );
            regexes.push((rule, regex, None));
        }
        let patterns: Vec<&str> = regexes.iter().map(|(_, r, _)| r.as_str()).collect();
        let set =
            automaton::Automaton::new(&patterns, CUSTOM_PATTERN_SIZE_LIMIT * 8, SET_DFA_CACHE)
                .map_err(|source| ConfigError::InvalidPattern {
                    id: "*".into(),
                    source,
                })?;
        let field = |rules: &mut Vec<Rule>, id: &str, label: &str| {
            enabled(id).then(|| index(rules, id, label, ""))
        };
        let field_rules = [
            field(&mut rules, "pii.dob", "dob"),
            field(&mut rules, "pii.address", "address"),
            field(&mut rules, "pii.name", "name"),
            field(&mut rules, "secret.aws_secret_key", "aws_secret_key"),
            field(&mut rules, "secret.credential", "credential"),
            field(&mut rules, "pii.phone", "phone"),
            field(&mut rules, "pii.national_id", "national_id"),
        ];
        let generic = field(&mut rules, "secret.generic", "secret");
        if field_rules[2].is_some() {
            names::load();
        }
        let mut keys = keys::KeyMatcher::new();
        if let Some(builtin) = field(&mut rules, "key.builtin", "restricted_key") {
            for key in BUILTIN_KEYS {
                keys.insert(key, builtin);
            }
        }
        if let Some(configured) = field(&mut rules, "key.configured", "restricted_key") {
            for key in &config.restricted_keys {
                if !keys.insert(key, configured) {
                    return Err(ConfigError::EmptyRestrictedKey { key: key.clone() });
                }
            }
        }
        Ok(Self {
            rules,
            set,
            regexes,
            allow: config
                .allowlist
                .iter()
                .map(|v| v.as_bytes().to_vec())
                .collect(),
            keys,
            kv: Regex::new(pairs::PATTERN).expect("static key/value pattern compiles"),
            kv_other: Regex::new(pairs::OTHER_PATTERN).expect("static key/value pattern compiles"),
            field_rules,
            generic,
        })
    }

    /// Index of the limit rule `id` (one of [`LIMIT_RULES`], or [`VALUE_RULE`]).
    pub(crate) fn limit_rule(&self, id: &str) -> usize {
        self.rules
            .iter()
            .position(|r| r.id == id)
            .expect("limit rules are always registered")
    }

    /// `true` for the rules that do not count in a run of joined strings: two identifiers side
    /// by side (`trace_id`, `span_id`) joined look like one random token, and two values glued
    /// without a space (`Cedars Sinai` + `Los Angeles`) make no person's name.
    pub(crate) fn not_joined(&self, rule: usize) -> bool {
        self.generic == Some(rule) || self.field_rules[2] == Some(rule)
    }

    /// `true` when `key` names a pagination or sync position (`next_cursor`, `endCursor`): a
    /// keyless-secret match in its value is a position, not a secret.
    pub(crate) fn cursor_key(&self, key: &str) -> bool {
        field::cursor_key(&words(key))
    }

    /// `true` when `key` names an organisation (`payer`, `sponsor_name`, `hospital`): a name in
    /// its value is an organisation's (`Morgan Stanley`, `Johns Hopkins`), not a person's.
    pub(crate) fn organisation_key(&self, key: &str) -> bool {
        field::organisation_key(&words(key))
    }

    /// `true` when `key` is a bare holder word (`member`, `subscriber`): its object's members
    /// are read as a nested path (`member.id`).
    pub(crate) fn holder_key(&self, key: &str) -> bool {
        field::HOLDER_KEYS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(key))
    }

    /// `true` for the person-name rule (`pii.name`).
    pub(crate) fn is_name(&self, rule: usize) -> bool {
        self.field_rules[2] == Some(rule)
    }

    /// `true` for the keyless-secret rule (`secret.generic`).
    pub(crate) fn is_generic(&self, rule: usize) -> bool {
        self.generic == Some(rule)
    }

    /// `true` when `value` is on the allowlist.
    pub(crate) fn allowed(&self, value: &[u8]) -> bool {
        !self.allow.is_empty() && self.allow.contains(value)
    }

    /// Appends every validated regex hit in `text`.
    pub(crate) fn matches(&self, text: &[u8], out: &mut Vec<Hit>) {
        if let Some(rule) = self.field_rules[2] {
            let mut found = Vec::new();
            names::find(text, &mut found);
            out.extend(
                found
                    .into_iter()
                    .filter(|r| !self.allowed(&text[r.clone()]))
                    .map(|range| Hit { rule, range }),
            );
        }
        if let Some(rule) = self.generic {
            out.extend(
                check::base64_runs(text)
                    .filter(|r| check::generic_secret(text, r.clone()))
                    .filter(|r| !self.allowed(&text[r.clone()]))
                    .map(|range| Hit { rule, range }),
            );
        }
        for i in self.set.matching(text) {
            let (rule, regex, validate) = &self.regexes[i];
            for m in regex.find_iter(text) {
                let ok = validate.is_none_or(|v| v(text, m.range()));
                if ok
                    && !m.is_empty()
                    && !self.allowed(m.as_bytes())
                    && !is_placeholder_bytes(m.as_bytes())
                {
                    out.push(Hit {
                        rule: *rule,
                        range: m.range(),
                    });
                }
            }
        }
    }

    /// What `key` says about its value (restricted, an identity field, a credential, or plain),
    /// and whether it can complete a restricted key as the member of a nested path.
    pub(crate) fn classify(&self, key: &str) -> (KeyClass, bool) {
        let mut key_words = words(key);
        let piece = keys::drop_piece(&mut key_words);
        let class = match self.keys.lookup(&key_words) {
            Some((rule, q)) => KeyClass::Restricted {
                rule,
                statistic: q == Qualifier::Statistic,
            },
            // An abbreviation of a restricted key (`pid`) names the column only for an
            // identifier-shaped value, as a statistic key does.
            None => match (classify(&key_words), self.keys.abbreviation(&key_words)) {
                (KeyClass::Plain, Some(rule)) => KeyClass::Restricted {
                    rule,
                    statistic: true,
                },
                // One piece of a name (`name_0`) is a whole word of it.
                (KeyClass::GenericName, _) if piece => KeyClass::Name,
                (KeyClass::PersonId, _) if piece => KeyClass::Piece { phone: false },
                (KeyClass::Phone, _) if piece => KeyClass::Piece { phone: true },
                (KeyClass::Plain, _) => glued_piece(&key_words),
                (class, _) => class,
            },
        };
        (class, self.keys.completes(&key_words))
    }

    /// The rule a value under a key of class `class` triggers, if any.
    pub(crate) fn judge(&self, class: KeyClass, value: Value<'_>, source: Source) -> Option<usize> {
        let text = match value {
            Value::Str(s) | Value::Num(s) => Some(s),
            Value::Null => return None,
            Value::Other => None,
        };
        if class == KeyClass::Plain
            || text.is_some_and(|t| is_mask(t) || self.allowed(t.as_bytes()))
        {
            return None;
        }
        if let KeyClass::Restricted { rule, statistic } = class {
            // In text, `ssn: masked` or `dateOfBirth: year` describes the column.
            if source == Source::Text
                && matches!(value, Value::Str(s) if names::lowercase_word(s.trim()))
            {
                return None;
            }
            // A statistic about the column is not the column, unless its value is an identifier.
            let column = !statistic || matches!(value, Value::Str(s) if identifier_shaped(s));
            return column.then_some(rule);
        }
        let [dob, address, name, aws, credential, phone, person_id] = self.field_rules;
        match evaluate(class, value, source)? {
            FieldRule::Phone => phone,
            FieldRule::PersonId => person_id,
            FieldRule::Dob => dob,
            FieldRule::Address => address,
            FieldRule::Name => name,
            FieldRule::AwsSecret => aws.or(credential),
            FieldRule::Credential => credential,
        }
    }

    /// The rule a value split across the elements of an array under a key of class `class`
    /// triggers (`{"bsn": ["378", "246", "598"]}`): the scalar elements joined by spaces, judged
    /// as one value, for identity keys (person identifiers, phones, dates of birth) only.
    pub(crate) fn judge_parts(&self, class: KeyClass, joined: &str) -> Option<usize> {
        self.splits_value(class)
            .then(|| self.judge(class, Value::Str(joined), Source::Json))
            .flatten()
    }

    /// `true` for the key classes whose value may be split across an array
    /// ([`Self::judge_parts`]): person identifiers, phones and dates of birth.
    pub(crate) fn splits_value(&self, class: KeyClass) -> bool {
        matches!(
            class,
            KeyClass::PersonId | KeyClass::Phone | KeyClass::Dob | KeyClass::Piece { .. }
        )
    }

    /// The identity rule (date of birth, address, name) whose column a CSV header cell names.
    pub(crate) fn identity_column(&self, key: &str) -> Option<usize> {
        let [dob, address, name, _, _, phone, person_id] = self.field_rules;
        let key_words = words(key);
        if field::HOLDER_KEYS.contains(&key_words.concat().as_str())
            || field::holder_ref(&key_words)
        {
            return None;
        }
        match classify(&key_words) {
            KeyClass::Phone => phone,
            KeyClass::PersonId => person_id,
            KeyClass::Dob => dob,
            KeyClass::Address => address,
            KeyClass::Name => name,
            _ => None,
        }
    }

    /// `true` when a CSV header cell names a column whose cells are judged one by one
    /// ([`Self::cell`]) rather than blocking as a whole: a credential column (`password`,
    /// `db_pass`), which often holds masks or hashes, and a bare holder word or a holder's
    /// reference (`member`, `subscriber`, `member_ref`), which may hold names or counts.
    pub(crate) fn cell_column(&self, key: &str) -> bool {
        let key_words = words(key);
        matches!(
            classify(&key_words),
            KeyClass::Secret { suffix: true, .. } | KeyClass::Role
        ) || field::HOLDER_KEYS.contains(&key_words.concat().as_str())
            || field::holder_ref(&key_words)
    }

    /// What the column `key` ([`Self::cell_column`]) says about its cells; decided once per
    /// column, then each cell goes to [`Self::cell`].
    pub(crate) fn column_class(&self, key: &str) -> KeyClass {
        classify(&words(key))
    }

    /// The rule a cell of a column of class `class` ([`Self::column_class`]) triggers, if any.
    pub(crate) fn cell(&self, class: KeyClass, cell: &str) -> Option<usize> {
        self.judge(class, Value::Str(cell), Source::Text)
    }

    /// The restricted-key rule a bare key (a CSV header cell) names as a column, if any.
    pub(crate) fn restricted(&self, key: &str) -> Option<usize> {
        self.keys
            .lookup(&words(key))
            .and_then(|(rule, q)| (q == Qualifier::Column).then_some(rule))
    }

    /// Key/value assignments in free text (`password=...`, `"patientId": 7`); the caller
    /// classifies each key and judges its value.
    pub(crate) fn pairs<'t>(&'t self, text: &'t [u8]) -> impl Iterator<Item = Pair> + 't {
        let other = pairs::may_hold_other(text)
            .then(|| {
                self.kv_other
                    .find_iter(text)
                    .filter_map(|m| pairs::split_other(m.as_bytes(), m.start()))
            })
            .into_iter()
            .flatten();
        pairs::may_hold_assignment(text)
            .then(|| {
                self.kv
                    .find_iter(text)
                    .filter_map(|m| pairs::split(m.as_bytes(), m.start()))
            })
            .into_iter()
            .flatten()
            .chain(other)
    }
}

/// A key whose last word carries a glued piece number (`citizen_id0`, `dob2`,
/// `mispar_zehut1`): one piece of an identifier, a phone number or a date of birth when the key
/// without the number names one; otherwise [`KeyClass::Plain`].
fn glued_piece(key_words: &[String]) -> KeyClass {
    let Some((last, head)) = key_words.split_last() else {
        return KeyClass::Plain;
    };
    let stem = last.trim_end_matches(|c: char| c.is_ascii_digit());
    if stem.len() == last.len() || stem.len() < 2 {
        return KeyClass::Plain;
    }
    let mut stemmed = head.to_vec();
    stemmed.push(stem.to_owned());
    match classify(&stemmed) {
        KeyClass::PersonId => KeyClass::Piece { phone: false },
        KeyClass::Phone => KeyClass::Piece { phone: true },
        KeyClass::Dob => KeyClass::Dob,
        _ => KeyClass::Plain,
    }
}

fn is_placeholder_bytes(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_ok_and(is_placeholder)
}

/// Longest key (in bytes) of a free-text `key=value` pair that is evaluated.
pub(crate) const MAX_TEXT_KEY: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(text: &str) -> Vec<String> {
        let d = Detector::new(&Config::default()).unwrap();
        let mut out = Vec::new();
        d.matches(text.as_bytes(), &mut out);
        for p in d.pairs(text.as_bytes()) {
            let key = std::str::from_utf8(&text.as_bytes()[p.key]).unwrap();
            let value = std::str::from_utf8(&text.as_bytes()[p.value.clone()]).unwrap();
            if let Some(rule) = d.judge(d.classify(key).0, Value::Str(value), Source::Text) {
                out.push(Hit {
                    rule,
                    range: p.value,
                });
            }
        }
        out.iter().map(|h| d.rules[h.rule].id.clone()).collect()
    }

    #[test]
    fn every_rule_id_is_known_and_compiles() {
        let d = Detector::new(&Config::default()).unwrap();
        for id in rule_ids() {
            assert!(d.rules.iter().any(|r| r.id == id), "{id}");
        }
    }

    #[test]
    fn text_hits() {
        assert_eq!(hits("mail john.doe@example.org now"), ["pii.email"]);
        assert_eq!(
            hits("key AKIAIOSFODNN7EXAMPLE"),
            ["secret.aws_access_key_id"]
        );
        assert_eq!(hits("db_password=Tr0ub4dor#3x;"), ["secret.credential"]);
        assert_eq!(hits("version 1.2.3.4.5 at 12:30:45"), Vec::<String>::new());
        assert_eq!(hits("icon@2x.png"), Vec::<String>::new());
    }

    #[test]
    fn config_errors_are_typed() {
        let bad = Config {
            disabled_rules: vec!["pii.nope".into()],
            ..Config::default()
        };
        assert!(matches!(
            Detector::new(&bad),
            Err(ConfigError::UnknownRule { .. })
        ));
        let bad = Config {
            extra_patterns: vec![crate::ExtraPattern {
                id: "x".into(),
                pattern: "(".into(),
            }],
            ..Config::default()
        };
        assert!(matches!(
            Detector::new(&bad),
            Err(ConfigError::InvalidPattern { .. })
        ));
    }
}
