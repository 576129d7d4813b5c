//! The inputs of the `values` benchmark (and of the `egress_dump` example, which records their
//! verdicts): an index of synthetic patients and honest 1 MiB JSON and CSV outputs.

use std::time::Instant;

use nmp_egress::ValueIndex;

/// splitmix64: every run indexes and scans the same bytes.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const FIRST: &[&str] = &[
    "Amelia", "Noah", "Olivia", "Liam", "Emma", "Mateo", "Priya", "Wei",
];
const LAST: &[&str] = &[
    "Smith", "Garcia", "Nguyen", "Patel", "Okafor", "Schmidt", "Kim",
];

fn ssn(rng: &mut Rng) -> String {
    format!(
        "{:03}-{:02}-{:04}",
        1 + rng.below(898),
        1 + rng.below(99),
        1 + rng.below(9999)
    )
}

/// The index of `patients` synthetic patients (id, SSN, name with a number: no form is letters
/// alone), and the time its build took.
pub(crate) fn build(patients: u64) -> (ValueIndex, std::time::Duration) {
    let mut rng = Rng(0x4E4D_5031);
    let started = Instant::now();
    let mut builder = ValueIndex::builder();
    for id in 1..=patients {
        let first = FIRST[rng.below(FIRST.len() as u64) as usize];
        let last = LAST[rng.below(LAST.len() as u64) as usize];
        builder.add(&format!("P{id:09}")).expect("within the limit");
        builder.add(&ssn(&mut rng)).expect("within the limit");
        builder
            .add(&format!("{first} {last}{}", rng.below(1000)))
            .expect("within the limit");
    }
    let index = builder.build(patients);
    (index, started.elapsed())
}

/// An honest 1 MiB aggregate: counts, means, dates, codes and ids that are not patients'.
pub(crate) fn json_output(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::from(r#"{"query":"admissions by ward","rows":["#);
    while out.len() < 1 << 20 {
        out.push_str(&format!(
            r#"{{"ward":"W{}","month":"2026-{:02}-01","admissions":{},"mean_cost_usd":{}.{:02},"order":"{}","codes":["I10","E11.9"],"note":"values below 5 are suppressed"}},"#,
            rng.below(40),
            1 + rng.below(12),
            rng.below(5000),
            rng.below(9000),
            rng.below(100),
            rng.next() % 10_000_000_000_000_000
        ));
    }
    out.pop();
    out.push_str("]}");
    out.into_bytes()
}

/// An honest 1 MiB CSV extract of the same figures.
pub(crate) fn csv_output(rng: &mut Rng) -> Vec<u8> {
    let mut out = String::from("ward,month,admissions,mean_cost_usd,order\n");
    while out.len() < 1 << 20 {
        out.push_str(&format!(
            "W{},2026-{:02}-01,{},{}.{:02},{}\n",
            rng.below(40),
            1 + rng.below(12),
            rng.below(5000),
            rng.below(9000),
            rng.below(100),
            rng.next() % 10_000_000_000_000_000
        ));
    }
    out.into_bytes()
}
