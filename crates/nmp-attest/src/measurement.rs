//! [`Measurement`]: what the hardware measured, and the agent's [`AllowList`] of trusted code.

use std::{collections::BTreeMap, fmt, str::FromStr};

use crate::Kind;

/// The identity of the code inside the enclave, as the verified evidence states it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Measurement {
    /// Nitro platform configuration registers: index to SHA-384 value, all-zero PCRs left out
    /// (PCR0 is the enclave image, PCR1 the kernel, PCR2 the application, PCR8 the signing
    /// certificate).
    Nitro {
        /// The non-zero PCRs.
        pcrs: BTreeMap<u16, Vec<u8>>,
    },
    /// SGX enclave identity.
    Sgx {
        /// MRENCLAVE: the hash of the enclave's initial pages.
        mr_enclave: [u8; 32],
        /// MRSIGNER: the hash of the key that signed the enclave.
        mr_signer: [u8; 32],
    },
    /// TDX trust domain identity.
    Tdx {
        /// MRTD: the hash of the TD's initial image.
        mr_td: [u8; 48],
        /// RTMR0-3: run-time measurement registers (firmware, kernel, application).
        rtmr: [[u8; 48]; 4],
    },
    /// SEV-SNP launch measurement of the guest.
    SevSnp {
        /// MEASUREMENT: SHA-384 over the guest's launch state.
        measurement: [u8; 48],
    },
}

impl Measurement {
    /// The kind of evidence this measurement came from.
    pub fn kind(&self) -> Kind {
        match self {
            Measurement::Nitro { .. } => Kind::Nitro,
            Measurement::Sgx { .. } => Kind::SgxDcap,
            Measurement::Tdx { .. } => Kind::Tdx,
            Measurement::SevSnp { .. } => Kind::SevSnp,
        }
    }
}

impl fmt::Display for Measurement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measurement::Nitro { pcrs } => {
                f.write_str("nitro:")?;
                let mut first = true;
                for (index, value) in pcrs {
                    let sep = if first { "" } else { "," };
                    write!(f, "{sep}pcr{index}={}", hex::encode(value))?;
                    first = false;
                }
                Ok(())
            }
            Measurement::Sgx {
                mr_enclave,
                mr_signer,
            } => write!(
                f,
                "sgx:mrenclave={},mrsigner={}",
                hex::encode(mr_enclave),
                hex::encode(mr_signer)
            ),
            Measurement::Tdx { mr_td, .. } => write!(f, "tdx:mrtd={}", hex::encode(mr_td)),
            Measurement::SevSnp { measurement } => {
                write!(f, "sev-snp:measurement={}", hex::encode(measurement))
            }
        }
    }
}

/// One trusted code identity. Every value it names must match; a value it does not name is not
/// checked (a Nitro entry listing only PCR0 accepts any PCR1).
///
/// Written as text `KIND:NAME=HEX[,NAME=HEX...]`: `nitro:pcr0=..[,pcr1=..]`,
/// `sgx:mrenclave=..[,mrsigner=..]`, `sgx:mrsigner=..`, `tdx:mrtd=..[,rtmr0=..]`,
/// `sev-snp:measurement=..` (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    kind: Kind,
    values: BTreeMap<String, Vec<u8>>,
}

impl Allowed {
    /// Whether `measurement` is of this entry's kind and has every value it names.
    pub fn matches(&self, measurement: &Measurement) -> bool {
        measurement.kind() == self.kind
            && self
                .values
                .iter()
                .all(|(name, want)| value(measurement, name).is_some_and(|have| have == want))
    }
}

/// The value named `name` in `measurement` (`pcrN`, `mrenclave`, `mrsigner`, `mrtd`,
/// `rtmrN`, `measurement`).
fn value<'a>(measurement: &'a Measurement, name: &str) -> Option<&'a [u8]> {
    match measurement {
        Measurement::Nitro { pcrs } => {
            let index: u16 = name.strip_prefix("pcr")?.parse().ok()?;
            pcrs.get(&index).map(Vec::as_slice)
        }
        Measurement::Sgx {
            mr_enclave,
            mr_signer,
        } => match name {
            "mrenclave" => Some(mr_enclave),
            "mrsigner" => Some(mr_signer),
            _ => None,
        },
        Measurement::Tdx { mr_td, rtmr } => match name {
            "mrtd" => Some(mr_td),
            _ => {
                let index: usize = name.strip_prefix("rtmr")?.parse().ok()?;
                rtmr.get(index).map(|r| r.as_slice())
            }
        },
        Measurement::SevSnp { measurement } => (name == "measurement").then_some(measurement),
    }
}

/// Why an allow-list entry did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllowedError {
    /// The entry is not `KIND:NAME=HEX[,NAME=HEX...]` with a known kind.
    #[error("allow-list entry `{0}` is not KIND:NAME=HEX[,NAME=HEX...]")]
    Syntax(String),
    /// The kind has no value of that name, or the value is not hex of the right length.
    #[error(
        "allow-list entry names `{name}`, which a {kind} measurement does not have in that form"
    )]
    Value {
        /// The entry's kind.
        kind: Kind,
        /// The value's name.
        name: String,
    },
}

impl FromStr for Allowed {
    type Err = AllowedError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || AllowedError::Syntax(s.to_owned());
        let (kind, rest) = s.split_once(':').ok_or_else(syntax)?;
        let kind: Kind = kind.parse().map_err(|_| syntax())?;
        let mut values = BTreeMap::new();
        for pair in rest.split(',') {
            let (name, hex_value) = pair.split_once('=').ok_or_else(syntax)?;
            let bad = || AllowedError::Value {
                kind,
                name: name.to_owned(),
            };
            let bytes = hex::decode(hex_value).map_err(|_| bad())?;
            if expected_len(kind, name) != Some(bytes.len()) {
                return Err(bad());
            }
            values.insert(name.to_owned(), bytes);
        }
        Ok(Allowed { kind, values })
    }
}

fn expected_len(kind: Kind, name: &str) -> Option<usize> {
    let indexed = |prefix: &str, max: u16| {
        name.strip_prefix(prefix)
            .and_then(|i| i.parse::<u16>().ok())
            .is_some_and(|i| i <= max)
    };
    match kind {
        Kind::Nitro if indexed("pcr", 31) => Some(48),
        Kind::SgxDcap if name == "mrenclave" || name == "mrsigner" => Some(32),
        Kind::Tdx if name == "mrtd" || indexed("rtmr", 3) => Some(48),
        Kind::SevSnp if name == "measurement" => Some(48),
        _ => None,
    }
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.kind)?;
        let pairs: Vec<String> = self
            .values
            .iter()
            .map(|(name, value)| format!("{name}={}", hex::encode(value)))
            .collect();
        f.write_str(&pairs.join(","))
    }
}

/// The code identities an agent trusts. A measurement passes when any entry matches it; the
/// empty list (the default) trusts nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<Allowed>);

impl AllowList {
    /// A list of these entries.
    pub fn new(entries: impl IntoIterator<Item = Allowed>) -> Self {
        AllowList(entries.into_iter().collect())
    }

    /// Whether any entry matches `measurement`.
    pub fn allows(&self, measurement: &Measurement) -> bool {
        self.0.iter().any(|entry| entry.matches(measurement))
    }

    /// The entries.
    pub fn entries(&self) -> &[Allowed] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snp(byte: u8) -> Measurement {
        Measurement::SevSnp {
            measurement: [byte; 48],
        }
    }

    #[test]
    fn entries_parse_print_and_match() {
        let text = format!("sev-snp:measurement={}", hex::encode([7; 48]));
        let entry: Allowed = text.parse().unwrap();
        assert_eq!(entry.to_string(), text);
        let list = AllowList::new([entry]);
        assert!(list.allows(&snp(7)));
        assert!(!list.allows(&snp(8)));
        assert!(!AllowList::default().allows(&snp(7)));
    }

    #[test]
    fn nitro_entries_check_only_the_pcrs_they_name() {
        let entry: Allowed = format!("nitro:pcr0={}", hex::encode([1; 48]))
            .parse()
            .unwrap();
        let mut pcrs = BTreeMap::from([(0, vec![1; 48]), (1, vec![2; 48])]);
        assert!(entry.matches(&Measurement::Nitro { pcrs: pcrs.clone() }));
        pcrs.remove(&0);
        assert!(!entry.matches(&Measurement::Nitro { pcrs }));
        assert!(!entry.matches(&snp(1)));
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "sev-snp",
            "nope:measurement=00",
            "sev-snp:measurement",
            "sev-snp:measurement=zz",
            "sev-snp:measurement=0000",
            "sgx:mrtd=00",
            "nitro:pcr32=00",
            "tdx:rtmr4=00",
        ] {
            assert!(bad.parse::<Allowed>().is_err(), "{bad}");
        }
    }
}
