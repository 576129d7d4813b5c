//! The word lists behind the name rule: the embedded census name lists and English word list,
//! and the small closed classes of words that give a pair its context.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// One name list: lowercase ASCII name → `true` when it is also a common English word.
pub(super) type List = HashMap<&'static str, bool>;

/// Given names of the 1990 US census.
pub(super) static GIVEN: LazyLock<List> =
    LazyLock::new(|| parse(include_str!("../../../data/given-names.txt")));
/// The 50,000 most frequent surnames of the 1990 US census.
pub(super) static SURNAMES: LazyLock<List> =
    LazyLock::new(|| parse(include_str!("../../../data/surnames.txt")));
/// The lowercase ASCII words of Debian's `wamerican` list (no proper nouns).
pub(super) static ENGLISH: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../data/english-words.txt")
        .lines()
        .collect()
});

fn parse(text: &'static str) -> List {
    text.lines()
        .map(|l| match l.strip_suffix('*') {
            Some(name) => (name, true),
            None => (l, false),
        })
        .collect()
}

/// Capitalised words that the lowercase word list cannot mark as common words: months and days.
pub(super) const CALENDAR: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Lowercase surname particles that may stand between a given name and a surname
/// (`Maurits van den Velde`, `Ísis da Luz`, `María de la Cruz`).
pub(super) const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "do", "dos", "du", "la",
    "le", "ter", "ten", "zu", "y", "af", "al", "el", "bin", "ibn",
];

/// First words of place names (`San Diego`, `Los Angeles`, `Fort Worth`, `Saint Louis`): a pair
/// opening with one is a place, not a person.
pub(super) const PLACE_WORDS: &[&str] = &[
    "san", "santa", "santo", "sao", "los", "las", "el", "la", "le", "les", "saint", "st", "ste",
    "sainte", "fort", "port", "porto", "puerto", "mount", "mont", "monte", "lake", "rio", "bad",
    "sankt", "villa", "ciudad", "nueva", "nuevo", "costa", "cape", "glen", "new", "north", "south",
    "east", "west", "upper", "lower", "great", "little",
];

/// Titles and role words after which two unknown capitalised words are a person's name.
pub(super) const CUES: &[&str] = &[
    "patient",
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "prof",
    "nurse",
    "doctor",
    "sir",
    "madam",
    "mme",
    "mlle",
    "herr",
    "frau",
    "sr",
    "sra",
    "srta",
    "pan",
    "pani",
    "dhr",
    "mevr",
    "sig",
    "signora",
    "signor",
    "monsieur",
    "madame",
    "senhor",
    "senhora",
    "paciente",
    "patientin",
    "assignee",
    "caller",
    "physician",
    "clinician",
    "attending",
];

/// Common stems (endings) of the WHO's international nonproprietary drug names: a capitalised
/// word ending in one (`Lisinopril`, `Hydrochlorothiazide`, `Adalimumab`) is a drug, not a name.
pub(super) const DRUG_STEMS: &[&str] = &[
    "pril",
    "sartan",
    "olol",
    "alol",
    "statin",
    "formin",
    "gliptin",
    "glinide",
    "glitazone",
    "azide",
    "thiazide",
    "dipine",
    "mab",
    "nib",
    "cillin",
    "mycin",
    "cycline",
    "floxacin",
    "oxacin",
    "azole",
    "prazole",
    "tidine",
    "vir",
    "parin",
    "semide",
    "lukast",
    "afil",
    "triptan",
    "barbital",
    "azepam",
    "azolam",
    "caine",
    "sone",
    "olone",
    "terol",
    "tropium",
    "setron",
    "oxetine",
    "pramine",
    "triptyline",
    "peridol",
    "apine",
    "idone",
    "profen",
    "coxib",
    "fenac",
    "dronate",
    "gliflozin",
    "glutide",
    "penem",
    "ximab",
    "zumab",
    "umab",
];

/// Words after which two capitalised words that are neither listed names nor English words are
/// a person's name (`reviewed with Bianka Surdyk`, `the longest stay was Ksawery Sykała`); not
/// `from`, `to`, `in` or `at`, which introduce places, nor `by` (`sponsored by Novo Nordisk`).
pub(super) const WEAK_CUES: &[&str] = &["with", "for", "was", "by", "met"];

/// Lowercase words after a pair that only a person does (`Süleyman Schottin called twice`,
/// `Ilse Wagner phoned`): a cue as strong as a title before it.
pub(super) const PERSON_VERBS: &[&str] = &[
    "called",
    "phoned",
    "emailed",
    "texted",
    "said",
    "told",
    "asked",
    "complained",
    "died",
    "visited",
    "underwent",
    "signed",
    "declined",
    "consented",
    "attended",
    "missed",
];

/// Capitalised words that end a place's name (`Elizabeth City`, `Jackson Hole`, `Camden
/// Town`, `Alice Springs`): a pair ending in one, or followed by one, is no person.
pub(super) const PLACE_HEADS: &[&str] = &[
    "City", "Town", "Center", "Centre", "Garden", "Gardens", "Heights", "Falls", "Springs", "Hole",
    "County", "Square", "Junction", "Island", "Beach", "Valley", "Hills", "Township",
];

/// Lowercase words after which a pair of names is an eponym, not a person (`Mann Whitney test`,
/// `Kaplan Meier curves`, `Guillain Barre syndrome`).
/// Words after a pair that make it a company's name (`Thomas Ltd`, `Riehl Schuster AG`,
/// `Smith & Sons`): legal forms and the usual company words, compared case-sensitively.
pub(super) const ORG_SUFFIXES: &[&str] = &[
    "Inc",
    "Inc.",
    "Ltd",
    "Ltd.",
    "LLC",
    "LLP",
    "PLC",
    "plc",
    "GmbH",
    "AG",
    "KG",
    "SA",
    "S.A.",
    "SE",
    "NV",
    "N.V.",
    "BV",
    "B.V.",
    "AB",
    "ASA",
    "AS",
    "A/S",
    "ApS",
    "Oy",
    "Oyj",
    "SpA",
    "S.p.A.",
    "Srl",
    "S.r.l.",
    "SL",
    "S.L.",
    "Sp.",
    "Co",
    "Co.",
    "Corp",
    "Corp.",
    "Corporation",
    "Company",
    "Group",
    "Holdings",
    "Partners",
    "Associates",
    "Foundation",
    "Trust",
    "&",
    "Sons",
    "Brothers",
    "Bros.",
    "Bank",
    "Capital",
    "Consulting",
    "Industries",
    "International",
    "Laboratories",
    "Pharma",
    "Pharmaceuticals",
];

pub(super) const EPONYM_HEADS: &[&str] = &[
    "test",
    "tests",
    "method",
    "methods",
    "curve",
    "curves",
    "estimator",
    "estimate",
    "model",
    "models",
    "distribution",
    "index",
    "score",
    "scores",
    "scale",
    "criteria",
    "criterion",
    "syndrome",
    "disease",
    "procedure",
    "protocol",
    "algorithm",
    "analysis",
    "correction",
    "equation",
    "effect",
    "law",
    "theorem",
    "sign",
    "classification",
    "staging",
    "coefficient",
    "statistic",
    "plot",
    "transform",
    "filter",
    "operation",
    "maneuver",
    "manoeuvre",
];
