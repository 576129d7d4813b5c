//! A dataset's settings compiled once (schema validator, digest) and applied to each output:
//! schema → order statistics → minimum group size → noise.

mod groups;
mod order;
mod pointer;

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::{NoiseError, Settings, SettingsError, noise};

/// Largest schema file read: 64 KiB.
pub const MAX_SCHEMA_BYTES: u64 = 64 * 1024;

/// A dataset's privacy settings, validated and compiled. Build one per dataset when the node
/// starts; [`Policy::apply`] takes `&self` and is shared by every request.
#[derive(Debug)]
pub struct Policy {
    settings: Settings,
    schema: Option<(Value, jsonschema::Validator)>,
    digest: [u8; 32],
}

/// Why a policy cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The settings break a documented limit.
    #[error("invalid privacy settings")]
    Settings(#[from] SettingsError),
    /// The schema file cannot be read, or is larger than [`MAX_SCHEMA_BYTES`].
    #[error("cannot read the schema `{path}`")]
    SchemaFile {
        /// The path as resolved.
        path: std::path::PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The schema is not JSON.
    #[error("the schema is not JSON")]
    SchemaJson(#[source] serde_json::Error),
    /// The schema is not a valid JSON Schema (or references another document).
    #[error("invalid JSON Schema: {0}")]
    Schema(String),
}

/// What the policy did to one output. Exhaustive: a caller must handle each case.
#[derive(Debug, Clone, PartialEq)]
pub enum Shaped {
    /// Nothing to do: no control but the budgets is set; the output leaves as written.
    Unchanged,
    /// The output passed; these bytes (re-encoded JSON, groups suppressed, noise added) leave
    /// instead of what the guest wrote.
    Rewritten(Vec<u8>),
    /// The output may not leave.
    Blocked(Blocked),
}

/// Why an output was blocked. The node keeps the reason (log, audit); the agent is told only
/// that the privacy policy blocked it, since a module choosing which rule to break could
/// otherwise send more than one bit per query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Blocked {
    /// The output is not JSON though the controls need it.
    NotJson,
    /// The output does not match the declared schema.
    Schema,
    /// The output names an order statistic of a refused column.
    OrderStatistic,
    /// The value at the groups pointer is neither an array nor an object.
    Groups,
    /// A group is below the minimum size and the owner chose to block.
    SmallGroup,
    /// A value declared for noise is not a number.
    NotNumeric,
}

impl Blocked {
    /// A short stable name (`schema`, `small_group`, …) for logs and metrics.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotJson => "not_json",
            Self::Schema => "schema",
            Self::OrderStatistic => "order_statistic",
            Self::Groups => "groups",
            Self::SmallGroup => "small_group",
            Self::NotNumeric => "not_numeric",
        }
    }
}

impl Policy {
    /// Validates `settings` and compiles `schema` (the JSON Schema document the settings'
    /// `schema` path names, already read; `None` when it names none).
    pub fn new(settings: Settings, schema: Option<Value>) -> Result<Self, PolicyError> {
        settings.validate()?;
        let schema = schema
            .map(|s| {
                let validator = jsonschema::validator_for(&s)
                    .map_err(|e| PolicyError::Schema(e.to_string()))?;
                Ok::<_, PolicyError>((s, validator))
            })
            .transpose()?;
        let mut hash = Sha256::new();
        hash.update(serde_json::to_vec(&settings).map_err(PolicyError::SchemaJson)?);
        if let Some((schema, _)) = &schema {
            hash.update([0]);
            hash.update(serde_json::to_vec(schema).map_err(PolicyError::SchemaJson)?);
        }
        Ok(Self {
            settings,
            schema,
            digest: hash.finalize().into(),
        })
    }

    /// Reads the schema the settings name (relative to `base`, at most [`MAX_SCHEMA_BYTES`])
    /// and builds the policy.
    pub fn load(settings: Settings, base: &std::path::Path) -> Result<Self, PolicyError> {
        let schema = match &settings.schema {
            None => None,
            Some(relative) => {
                let path = base.join(relative);
                let text = read_bounded(&path)
                    .map_err(|source| PolicyError::SchemaFile { path, source })?;
                Some(serde_json::from_slice(&text).map_err(PolicyError::SchemaJson)?)
            }
        };
        Self::new(settings, schema)
    }

    /// The settings as configured.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The compiled schema document, when one is declared.
    pub fn schema(&self) -> Option<&Value> {
        self.schema.as_ref().map(|(s, _)| s)
    }

    /// SHA-256 of the settings and the schema document (both as JSON): what receipts and the
    /// capability document bind.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Applies the controls to one output (the guest's stdout) in the order schema → order
    /// statistics → minimum group size → noise. Costs one JSON parse and re-encoding, one schema
    /// validation, and one OpenDP calibration and draw per noised value.
    ///
    /// Fails only when OpenDP fails (its random source, or a calibration): the output must
    /// then not leave.
    pub fn apply(&self, output: &[u8]) -> Result<Shaped, NoiseError> {
        let s = &self.settings;
        if !s.shapes_output() {
            return Ok(Shaped::Unchanged);
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(output) else {
            return Ok(Shaped::Blocked(Blocked::NotJson));
        };
        if let Some((_, validator)) = &self.schema
            && !validator.is_valid(&value)
        {
            return Ok(Shaped::Blocked(Blocked::Schema));
        }
        if order::names_refused(&value, &s.order_statistics_refused) {
            return Ok(Shaped::Blocked(Blocked::OrderStatistic));
        }
        if let Some(k) = s.min_group_size
            && let Err(blocked) =
                groups::enforce(&mut value, &s.groups, &s.group_count, k, s.small_groups)
        {
            return Ok(Shaped::Blocked(blocked));
        }
        for entry in &s.noise {
            let path = pointer::parse(&entry.pointer);
            let matched = pointer::count(&value, &path);
            if matched == 0 {
                continue;
            }
            let epsilon = entry.epsilon / matched as f64;
            let mechanism = noise::calibrate(entry.sensitivity(), epsilon)?;
            let mut failure = None;
            let all_numbers = pointer::each(&mut value, &path, &mut |v| {
                let Some(x) = v.as_f64() else {
                    return false;
                };
                match noise::release(&mechanism, x, entry.lower, entry.upper) {
                    Ok(noisy) => *v = Value::from(noise::round(noisy, entry.decimals)),
                    Err(e) => failure = Some(e),
                }
                failure.is_none()
            });
            if let Some(e) = failure {
                return Err(e);
            }
            if !all_numbers {
                return Ok(Shaped::Blocked(Blocked::NotNumeric));
            }
        }
        Ok(Shaped::Rewritten(value.to_string().into_bytes()))
    }
}

fn read_bounded(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut text = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_SCHEMA_BYTES + 1)
        .read_to_end(&mut text)?;
    if text.len() as u64 > MAX_SCHEMA_BYTES {
        return Err(std::io::Error::other("schema file above 64 KiB"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests;
