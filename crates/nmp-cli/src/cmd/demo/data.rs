//! The demo's synthetic hospital data: deterministic, fake patients (names, emails, SSNs,
//! ages, diagnoses, cities, costs), the same shape as `examples/logic/data/patients.csv`.

use std::{
    fs,
    io::{self, BufWriter, IsTerminal as _, Write as _},
    path::Path,
};

use anyhow::Context as _;

const COLUMNS: &str = "patient_id,name,email,ssn,age,sex,diagnosis,city,cost_usd";
const FIRST_NAMES: &[&str] = &[
    "Amelia", "Noah", "Olivia", "Liam", "Emma", "Mateo", "Ava", "Lucas", "Sofia", "Ethan",
    "Isabella", "Mason", "Mia", "Logan", "Harper", "Elijah", "Evelyn", "Aiden", "Abigail", "James",
    "Emily", "Benjamin", "Ella", "Daniel", "Grace", "Samuel", "Chloe", "Henry", "Zoe", "Omar",
    "Priya", "Wei", "Fatima", "Kenji", "Ana", "Yusuf", "Ingrid", "Diego",
];
const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Nguyen",
    "Patel",
    "Kim",
    "Okafor",
    "Schmidt",
];
const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];
const CITIES: &[&str] = &[
    "Springfield",
    "Riverton",
    "Lakeside",
    "Fairview",
    "Greenville",
    "Madison",
    "Georgetown",
    "Clinton",
    "Franklin",
    "Ashland",
];
/// (diagnosis, relative weight, typical age, typical cost in USD).
const DIAGNOSES: &[(&str, u64, i64, i64)] = &[
    ("hypertension", 24, 62, 1450),
    ("diabetes", 18, 58, 3200),
    ("asthma", 14, 34, 980),
    ("copd", 9, 67, 4100),
    ("migraine", 11, 39, 620),
    ("depression", 12, 41, 1750),
    ("arthritis", 12, 64, 2300),
];

/// splitmix64 (Steele, Lea and Flood): tiny, fast and deterministic.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// An integer near `centre`: the mean of three uniforms in `centre ± width`.
    fn spread(&mut self, centre: i64, width: i64) -> i64 {
        let span = 2 * width.unsigned_abs() + 1;
        let total: i64 = (0..3)
            .map(|_| i64::try_from(self.below(span)).unwrap_or(0) - width)
            .sum();
        centre + total.div_euclid(3)
    }
}

/// Writes `rows` patients to `dir/patients.csv` from `seed`, showing progress on a terminal
/// under `label`. Returns the file's size in bytes.
pub(super) fn write_patients(dir: &Path, seed: u64, rows: u64, label: &str) -> anyhow::Result<u64> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("patients.csv");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut rng = SplitMix64(seed);
    let tty = io::stderr().is_terminal();
    writeln!(out, "{COLUMNS}")?;
    for id in 1..=rows {
        write_row(&mut out, &mut rng, id)?;
        if tty && id % 10_000 == 0 {
            eprint!("\r      {label:<10} {:>3}%  {id:>10} rows", id * 100 / rows);
        }
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    let bytes = fs::metadata(&path)?.len();
    if tty {
        eprint!("\r\x1b[2K");
    }
    Ok(bytes)
}

fn write_row(out: &mut impl io::Write, rng: &mut SplitMix64, id: u64) -> io::Result<()> {
    let (first, last) = (rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
    let email_n = rng.below(100);
    let domain = rng.pick(EMAIL_DOMAINS);
    let mut roll = rng.below(DIAGNOSES.iter().map(|d| d.1).sum());
    let mut chosen = DIAGNOSES[0];
    for &diagnosis in DIAGNOSES {
        chosen = diagnosis;
        if roll < diagnosis.1 {
            break;
        }
        roll -= diagnosis.1;
    }
    let (diagnosis, _, age_centre, cost_centre) = chosen;
    let age = rng.spread(age_centre, 20).clamp(18, 95);
    let cost = rng.spread(cost_centre * 100, cost_centre * 60).max(5_000);
    let sex = if rng.below(2) == 0 { "F" } else { "M" };
    // A random SSN that passes the issuance rules, so the egress filter sees it as one.
    let area = match 1 + rng.below(898) {
        666 => 667,
        area => area,
    };
    let (group, serial) = (rng.below(99) + 1, rng.below(9999) + 1);
    let city = rng.pick(CITIES);
    writeln!(
        out,
        "P{id:09},{first} {last},{}.{}{email_n}@{domain},{area:03}-{group:02}-{serial:04},{age},{sex},{diagnosis},{city},{}.{:02}",
        first.to_lowercase(),
        last.to_lowercase(),
        cost / 100,
        cost % 100
    )
}
