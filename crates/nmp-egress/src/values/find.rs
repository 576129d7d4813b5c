//! Finding indexed values in an output: every run of adjacent tokens, joined, and its reversal.

use std::ops::Range;

use super::normal::Tokens;
use super::shape::Shape;
use super::{MAX_FORM_LEN, ValueIndex};

/// Buffers one scan reuses for every text it matches.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    tokens: Tokens,
    window: Vec<u8>,
    reversed: String,
    shape: Shape,
}

/// The source bytes of the first run of adjacent tokens of `text` that, joined or reversed, is
/// a form in one of `indexes`. Work is linear in the number of tokens times [`MAX_FORM_LEN`].
pub(crate) fn find(
    indexes: &[&ValueIndex],
    text: &[u8],
    scratch: &mut Scratch,
) -> Option<Range<usize>> {
    if indexes.iter().all(|i| i.is_empty()) {
        return None;
    }
    let Scratch {
        tokens,
        window,
        reversed,
        shape,
    } = scratch;
    tokens.read(text);
    let lens = indexes.iter().fold(0u128, |acc, i| acc | i.lens);
    for first in 0..tokens.len() {
        window.clear();
        shape.clear();
        for last in first..tokens.len() {
            let token = tokens.get(last).as_bytes();
            if window.len() + token.len() > MAX_FORM_LEN {
                break;
            }
            window.extend_from_slice(token);
            shape.push(token[0].is_ascii_digit(), token.len());
            if lens & (1u128 << window.len()) == 0 {
                continue;
            }
            let forward = indexes
                .iter()
                .any(|i| i.shapes.may_hold(shape.forward()) && i.contains(window));
            let hit = forward || {
                let backward = shape.backward();
                indexes.iter().any(|i| i.shapes.may_hold(backward)) && {
                    let joined = std::str::from_utf8(window).expect("tokens are whole characters");
                    reversed.clear();
                    reversed.extend(joined.chars().rev());
                    indexes
                        .iter()
                        .any(|i| i.shapes.may_hold(backward) && i.contains(reversed.as_bytes()))
                }
            };
            if hit {
                return Some(tokens.spans[first].1.start..tokens.spans[last].1.end);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(values: &[&str]) -> ValueIndex {
        let mut b = ValueIndex::builder();
        for v in values {
            b.add(v).unwrap();
        }
        b.build(values.len() as u64)
    }

    fn found<'t>(index: &ValueIndex, text: &'t str) -> Option<&'t str> {
        find(&[index], text.as_bytes(), &mut Scratch::default()).map(|r| &text[r])
    }

    #[test]
    fn finds_a_value_in_any_shape() {
        let idx = index(&["699-88-1425", "P000000001", "Mateo Young"]);
        assert_eq!(found(&idx, "x 699881425 y"), Some("699881425"));
        assert_eq!(found(&idx, "v=699.88.14.25"), Some("699.88.14.25"));
        assert_eq!(found(&idx, "5241-88-996"), Some("5241-88-996"));
        assert_eq!(
            found(&idx, "[6,9,9,8,8,1,4,2,5]"),
            Some("6,9,9,8,8,1,4,2,5")
        );
        assert_eq!(
            found(&idx, "６９９８８１４２５"),
            Some("６９９８８１４２５")
        );
        assert_eq!(found(&idx, "id:000000001"), Some("000000001"));
        assert_eq!(found(&idx, "by MATEO_young!"), Some("MATEO_young"));
        assert_eq!(found(&idx, "gnuoy oetam"), Some("gnuoy oetam"));
    }

    #[test]
    fn other_numbers_and_words_pass() {
        let idx = index(&["699-88-1425", "P000000001", "Mateo Young"]);
        assert_eq!(found(&idx, "699881426 and 6998814250"), None);
        assert_eq!(found(&idx, r#"{"count": 1000000001, "mateo": 3}"#), None);
        assert_eq!(found(&index(&[]), "699881425"), None);
    }
}
