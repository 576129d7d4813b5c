//! The inputs of the `scan` benchmark (and of the `egress_dump` example, which records their
//! verdicts): clean JSON results, CSV extracts and prose reports of any size, and a corpus of
//! mixed outputs, generated deterministically.

/// A small deterministic generator (xorshift64*), so every run scans the same bytes.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WARDS: &[&str] = &[
    "ICU",
    "Cardiology",
    "Oncology",
    "Pediatrics",
    "Maternity",
    "Neurology",
];
const CODES: &[&str] = &[
    "I10", "E11.9", "J45.909", "N18.3", "F32.A", "K21.9", "M54.5",
];
const NOTES: &[&str] = &[
    "readmission rate stable compared with the previous quarter",
    "length of stay trending down after the new discharge protocol",
    "cohort excludes transfers and patients under 18",
    "values below 5 are suppressed for privacy",
];

fn row(rng: &mut Rng) -> String {
    format!(
        r#"{{"ward":"{}","month":"2026-{:02}","admissions":{},"mean_age":{}.{},"los_days":[{},{},{},{}],"top_codes":["{}","{}"],"note":"{}"}}"#,
        rng.pick(WARDS),
        1 + rng.below(12),
        rng.below(900),
        20 + rng.below(70),
        rng.below(10),
        rng.below(20),
        rng.below(20),
        rng.below(20),
        rng.below(20),
        rng.pick(CODES),
        rng.pick(CODES),
        rng.pick(NOTES)
    )
}

/// A clean aggregate result of about `size` bytes: what a well-behaved guest returns.
pub(crate) fn json_result(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = String::from(
        r#"{"query":"admissions by ward and month","generated":"2026-11-22T10:00:00Z","rows":["#,
    );
    while out.len() < size {
        if !out.ends_with('[') {
            out.push(',');
        }
        out.push_str(&row(rng));
    }
    out.push_str("]}");
    out.into_bytes()
}

/// A clean CSV extract of about `size` bytes: the rows of [`json_result`] as a table.
pub(crate) fn csv_extract(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = String::from("ward,month,admissions,mean_age,los_days,top_code,note\n");
    while out.len() < size {
        out += &format!(
            "{},2026-{:02},{},{}.{},{},{},\"{}\"\n",
            rng.pick(WARDS),
            1 + rng.below(12),
            rng.below(900),
            20 + rng.below(70),
            rng.below(10),
            rng.below(20),
            rng.pick(CODES),
            rng.pick(NOTES)
        );
    }
    out.into_bytes()
}

const TRENDS: &[&str] = &["rose", "fell", "held steady", "recovered"];

/// A clean prose report of about `size` bytes: sentences summarising the same figures.
pub(crate) fn prose_report(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = String::from("Quarterly admissions report\n\n");
    while out.len() < size {
        out += &format!(
            "In 2026-{:02} the {} ward admitted {} patients (mean age {}.{} years); \
             the readmission share {} to {}.{} %, and the most frequent code was {}. {}.\n",
            1 + rng.below(12),
            rng.pick(WARDS),
            rng.below(900),
            20 + rng.below(70),
            rng.below(10),
            rng.pick(TRENDS),
            rng.below(30),
            rng.below(10),
            rng.pick(CODES),
            rng.pick(NOTES)
        );
    }
    out.into_bytes()
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    bytes
        .chunks(3)
        .flat_map(|c| {
            let n = u32::from(c[0]) << 16
                | u32::from(*c.get(1).unwrap_or(&0)) << 8
                | u32::from(*c.get(2).unwrap_or(&0));
            (0..4).map(move |i| {
                if i <= c.len() {
                    A[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                }
            })
        })
        .collect()
}

/// One output of the mixed corpus, 1-64 KiB, of a random kind; one in twenty carries contraband.
pub(crate) fn mixed_output(rng: &mut Rng) -> Vec<u8> {
    let size = 1024 + rng.below(63 * 1024) as usize;
    let mut out = match rng.below(5) {
        0 => String::from_utf8(json_result(rng, size)).expect("ascii"),
        1 => (0..size / 180).map(|_| row(rng) + "\n").collect(),
        2 => {
            let mut s = String::from("ward,month,admissions,mean_age\n");
            while s.len() < size {
                s += &format!(
                    "{},2026-{:02},{},{}\n",
                    rng.pick(WARDS),
                    1 + rng.below(12),
                    rng.below(900),
                    20 + rng.below(70)
                );
            }
            s
        }
        3 => {
            let mut s = String::new();
            while s.len() < size {
                s += &format!(
                    "2026-11-22T10:{:02}:{:02}Z INFO worker={} task=aggregate ward={} rows={} elapsed_ms={}\n",
                    rng.below(60),
                    rng.below(60),
                    rng.below(16),
                    rng.pick(WARDS),
                    rng.below(10_000),
                    rng.below(999)
                );
            }
            s
        }
        _ => {
            let blob: Vec<u8> = (0..size * 3 / 4).map(|_| rng.next() as u8).collect();
            format!(
                r#"{{"attachment":"{}","mime":"application/octet-stream"}}"#,
                b64(&blob)
            )
        }
    };
    if rng.below(20) == 0 {
        out = out.replacen("ICU", "ICU jane.doe@example.org", 1);
    }
    out.into_bytes()
}

/// Mixed outputs of [`mixed_output`] adding up to at least `size` bytes.
pub(crate) fn mixed_corpus(rng: &mut Rng, size: usize) -> Vec<Vec<u8>> {
    let mut outputs = Vec::new();
    let mut total = 0;
    while total < size {
        let o = mixed_output(rng);
        total += o.len();
        outputs.push(o);
    }
    outputs
}
