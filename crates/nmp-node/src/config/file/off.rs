//! Keys of the node file that a setting can turn off take a number or the word `"off"`, never a
//! zero that means "off" in one place and "default" in another.

use std::{fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer,
    de::{self, IntoDeserializer, Unexpected},
};

/// A key's value: `"off"`, or a number (of at least 1 where `T` is a `NonZero` type; 0 is then
/// refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrOff<T> {
    /// `"off"`: the setting does not apply (no limit, no checks).
    Off,
    /// The number given.
    On(T),
}

impl<T> OrOff<T> {
    /// The number, or `None` when the setting is off.
    pub fn on(self) -> Option<T> {
        match self {
            Self::Off => None,
            Self::On(value) => Some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrOff<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Visitor(PhantomData))
    }
}

struct Visitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Visitor<T> {
    type Value = OrOff<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number of at least 1 or \"off\"")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        T::deserialize(value.into_deserializer()).map(OrOff::On)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        T::deserialize(value.into_deserializer()).map(OrOff::On)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        match value {
            "off" => Ok(OrOff::Off),
            other => Err(E::invalid_value(Unexpected::Str(other), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Key {
        key: OrOff<NonZeroU32>,
    }

    fn parse(value: &str) -> Result<OrOff<NonZeroU32>, toml::de::Error> {
        toml::from_str::<Key>(&format!("key = {value}\n")).map(|k| k.key)
    }

    #[test]
    fn a_number_of_at_least_one_or_off_and_nothing_else() {
        assert_eq!(parse("\"off\"").unwrap(), OrOff::Off);
        assert_eq!(parse("1").unwrap().on(), NonZeroU32::new(1));
        assert_eq!(parse("4294967295").unwrap().on(), NonZeroU32::new(u32::MAX));
        for refused in [
            "0",
            "-1",
            "4294967296",
            "\"Off\"",
            "\"unlimited\"",
            "true",
            "1.5",
        ] {
            assert!(parse(refused).is_err(), "{refused} was accepted");
        }
    }
}
