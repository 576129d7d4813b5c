//! Order statistics over refused columns: an output that names one (`max_age`,
//! `{"age": {"p50": …}}`, `{"column": "age", "stat": "median"}`) is blocked.
//!
//! The check reads names, not values: a module that labels the maximum `x` passes it. A declared
//! schema that fixes the member names, and noise on the numbers, are what hold against such a
//! module.

use serde_json::Value;

/// Words that name an order statistic.
const ORDER_WORDS: &[&str] = &[
    "min",
    "minimum",
    "max",
    "maximum",
    "median",
    "percentile",
    "percentiles",
    "quantile",
    "quantiles",
    "quartile",
    "quartiles",
    "decile",
    "iqr",
    "range",
    "top",
    "bottom",
    "extreme",
    "highest",
    "lowest",
    "largest",
    "smallest",
    "oldest",
    "youngest",
    "rank",
];

/// `true` when some object of `value` (with the names of the objects enclosing it) names both
/// an order statistic and one of `columns`.
pub(super) fn names_refused(value: &Value, columns: &[String]) -> bool {
    if columns.is_empty() {
        return false;
    }
    let columns: Vec<String> = columns.iter().map(|c| spaced(c)).collect();
    walk(value, &columns, &Seen::default())
}

/// What the enclosing objects named.
#[derive(Debug, Clone, Default)]
struct Seen {
    order: bool,
    column: bool,
}

fn walk(value: &Value, columns: &[String], outer: &Seen) -> bool {
    let mut seen = outer.clone();
    let names: Vec<&str> = match value {
        Value::Object(members) => members
            .iter()
            .flat_map(|(k, v)| std::iter::once(k.as_str()).chain(v.as_str()))
            .collect(),
        _ => Vec::new(),
    };
    for name in names {
        seen.order |= words(name).any(|w| is_order_word(&w));
        let name = spaced(name);
        seen.column |= columns.iter().any(|c| name.contains(c.as_str()));
    }
    if seen.order && seen.column {
        return true;
    }
    match value {
        Value::Object(members) => members.values().any(|v| walk(v, columns, &seen)),
        Value::Array(items) => items.iter().any(|v| walk(v, columns, &seen)),
        _ => false,
    }
}

fn is_order_word(word: &str) -> bool {
    if ORDER_WORDS.contains(&word) {
        return true;
    }
    // p50, p99, q1, q3, pct90
    let digits = word.trim_start_matches(['p', 'q']).trim_start_matches("ct");
    digits.len() < word.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Lower-case words of a name, split at non-alphanumerics and camelCase humps.
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    let mut spaced = String::with_capacity(name.len() * 2);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && previous_lower {
            spaced.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        spaced.push(if c.is_alphanumeric() { c } else { ' ' });
    }
    spaced
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .into_iter()
}

/// A name's words between single spaces, with a space at each end (`blood_pressure` and
/// `bloodPressure` are both ` blood pressure `), so that a column matches whole words only.
fn spaced(name: &str) -> String {
    let mut out = String::from(" ");
    for word in words(name) {
        out.push_str(&word);
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn refused(v: Value) -> bool {
        names_refused(&v, &["age".to_owned(), "blood_pressure".to_owned()])
    }

    #[test]
    fn order_statistics_of_refused_columns_are_caught() {
        assert!(refused(json!({"max_age": 93})));
        assert!(refused(json!({"maxAge": 93})));
        assert!(refused(json!({"age": {"p50": 41}})));
        assert!(refused(
            json!({"stats": [{"column": "age", "stat": "median", "value": 41}]})
        ));
        assert!(refused(json!({"bloodPressureTop": 180})));
        assert!(refused(json!({"percentiles": {"age": [30, 40, 50]}})));
    }

    #[test]
    fn other_statistics_and_columns_pass() {
        assert!(!refused(json!({"mean_age": 41.2, "count": 10})));
        assert!(!refused(json!({"max_weight": 120})));
        assert!(!refused(json!({"max_average_weight": 120})));
        assert!(!refused(json!({"groups": [{"key": "flu", "count": 7}]})));
        assert!(!names_refused(&json!({"max_age": 1}), &[]));
    }
}
