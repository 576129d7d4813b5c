//! JSON pointers (RFC 6901) with one extension: a `*` segment matches every element of an
//! array and every member of an object. Used for the values the node adds noise to.

use serde_json::Value;

/// The unescaped segments of `pointer` (`~1` is `/`, `~0` is `~`); empty for the root.
pub(super) fn parse(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// How many values `path` matches in `value`.
pub(super) fn count(value: &Value, path: &[String]) -> usize {
    let Some((head, rest)) = path.split_first() else {
        return 1;
    };
    match (value, head.as_str()) {
        (Value::Array(items), "*") => items.iter().map(|v| count(v, rest)).sum(),
        (Value::Object(members), "*") => members.values().map(|v| count(v, rest)).sum(),
        (Value::Array(items), index) => index
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get(i))
            .map_or(0, |v| count(v, rest)),
        (Value::Object(members), key) => members.get(key).map_or(0, |v| count(v, rest)),
        _ => 0,
    }
}

/// Calls `f` on each value `path` matches, in document order, until it returns `false`;
/// returns `false` when it did.
pub(super) fn each(
    value: &mut Value,
    path: &[String],
    f: &mut impl FnMut(&mut Value) -> bool,
) -> bool {
    let Some((head, rest)) = path.split_first() else {
        return f(value);
    };
    match (value, head.as_str()) {
        (Value::Array(items), "*") => items.iter_mut().all(|v| each(v, rest, f)),
        (Value::Object(members), "*") => members.values_mut().all(|v| each(v, rest, f)),
        (Value::Array(items), index) => match index.parse::<usize>().ok() {
            Some(i) => items.get_mut(i).is_none_or(|v| each(v, rest, f)),
            None => true,
        },
        (Value::Object(members), key) => members.get_mut(key).is_none_or(|v| each(v, rest, f)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn wildcard_matches_every_element() {
        let mut v = json!({"groups": [{"n": 1}, {"n": 2}, {"m": 3}], "a/b": {"~": 4}});
        let path = parse("/groups/*/n");
        assert_eq!(count(&v, &path), 2);
        let mut seen = Vec::new();
        assert!(each(&mut v, &path, &mut |x| {
            seen.push(x.clone());
            true
        }));
        assert_eq!(seen, [json!(1), json!(2)]);
        assert_eq!(count(&v, &parse("/a~1b/~0")), 1);
        assert_eq!(count(&v, &parse("/groups/1/n")), 1);
        assert_eq!(count(&v, &parse("/groups/9/n")), 0);
        assert_eq!(count(&v, &parse("")), 1);
        let by_key = json!({"groups": {"flu": {"n": 1}, "cold": {"n": 2}}});
        assert_eq!(count(&by_key, &parse("/groups/*/n")), 2);
    }

    #[test]
    fn stops_when_told() {
        let mut v = json!([1, 2, 3]);
        let mut calls = 0;
        assert!(!each(&mut v, &parse("/*"), &mut |_| {
            calls += 1;
            false
        }));
        assert_eq!(calls, 1);
    }
}
