//! Minimum group size `k`: groups below it are suppressed or block the output.
//!
//! The sizes are the ones the output states (its `count` member): the node enforces `k` on what
//! the module reports, and cannot tell a module that misreports a size from an honest one.

use serde_json::Value;

use super::Blocked;
use crate::SmallGroups;

/// Enforces `k` on the groups at `pointer` (absent: nothing to do): an array of group objects,
/// or an object whose members are the groups by key. A group that is not an object or whose
/// `count` member is missing or not a number counts as below `k`.
pub(super) fn enforce(
    output: &mut Value,
    pointer: &str,
    count: &str,
    k: u64,
    small: SmallGroups,
) -> Result<(), Blocked> {
    let Some(groups) = output.pointer_mut(pointer) else {
        return Ok(());
    };
    // A size is compared as a float so that 4.5 is below 5 and 1e300 is not.
    let large = |g: &Value| {
        g.get(count)
            .and_then(Value::as_f64)
            .is_some_and(|n| n >= k as f64)
    };
    match (small, groups) {
        (SmallGroups::Suppress, Value::Array(groups)) => groups.retain(large),
        (SmallGroups::Suppress, Value::Object(groups)) => groups.retain(|_, g| large(g)),
        (SmallGroups::Block, Value::Array(groups)) if !groups.iter().all(large) => {
            return Err(Blocked::SmallGroup);
        }
        (SmallGroups::Block, Value::Object(groups)) if !groups.values().all(large) => {
            return Err(Blocked::SmallGroup);
        }
        (_, Value::Array(_) | Value::Object(_)) => {}
        _ => return Err(Blocked::Groups),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn output() -> Value {
        json!({"groups": [
            {"key": "a", "count": 5},
            {"key": "b", "count": 4},
            {"key": "c", "count": 4.5},
            {"key": "d"},
            {"key": "e", "count": "9"},
            7,
            {"key": "f", "count": 12}
        ]})
    }

    #[test]
    fn suppresses_below_k_and_malformed_groups() {
        let mut v = output();
        enforce(&mut v, "/groups", "count", 5, SmallGroups::Suppress).unwrap();
        let keys: Vec<_> = v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].clone())
            .collect();
        assert_eq!(keys, [json!("a"), json!("f")]);
    }

    #[test]
    fn blocks_when_the_owner_chose_to() {
        let mut v = output();
        let r = enforce(&mut v, "/groups", "count", 5, SmallGroups::Block);
        assert_eq!(r, Err(Blocked::SmallGroup));
        let mut ok = json!({"groups": [{"count": 5}, {"count": 6}]});
        enforce(&mut ok, "/groups", "count", 5, SmallGroups::Block).unwrap();
        assert_eq!(ok["groups"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn groups_keyed_by_name_are_suppressed_too() {
        let mut v = json!({"groups": {"flu": {"count": 9}, "rare": {"count": 1}, "odd": 3}});
        enforce(&mut v, "/groups", "count", 5, SmallGroups::Suppress).unwrap();
        assert_eq!(v, json!({"groups": {"flu": {"count": 9}}}));
        let mut v = json!({"groups": {"flu": {"count": 9}, "rare": {"count": 1}}});
        let r = enforce(&mut v, "/groups", "count", 5, SmallGroups::Block);
        assert_eq!(r, Err(Blocked::SmallGroup));
    }

    #[test]
    fn k_boundary_and_shapes() {
        let mut v = json!({"groups": [{"count": 1}]});
        enforce(&mut v, "/groups", "count", 1, SmallGroups::Block).unwrap();
        let mut absent = json!({"total": 3});
        enforce(&mut absent, "/groups", "count", 5, SmallGroups::Block).unwrap();
        let mut scalar = json!({"groups": 3});
        let r = enforce(&mut scalar, "/groups", "count", 5, SmallGroups::Suppress);
        assert_eq!(r, Err(Blocked::Groups));
    }
}
