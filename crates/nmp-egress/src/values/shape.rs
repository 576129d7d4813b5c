//! The shape of a form: whether it starts with a letter or a digit, and the byte length of each
//! of its runs of letters and of digits (`699881425` is digits 9, `mateoyoung123` letters 10
//! then digits 3). An index keeps the shapes of its forms, so a run of an output's tokens whose
//! shape no form has is not hashed and looked up at all: most runs of an honest output are
//! rejected from a small set that stays in cache, not from the large hash table.

use std::collections::HashSet;

use foldhash::fast::RandomState;

/// Most distinct shapes an index keeps; past it the index keeps none and every run is looked
/// up (the filter only saves time, it never decides a match).
pub(crate) const MAX_SHAPES: usize = 1 << 16;

/// A shape being read, one token at a time: a first byte `1` for a digit run first (`0` for
/// letters), then each run's byte length.
#[derive(Debug, Default)]
pub(crate) struct Shape {
    bytes: Vec<u8>,
    /// The shape of the same text read backwards.
    reversed: Vec<u8>,
}

impl Shape {
    /// Forgets the runs read so far.
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
    }

    /// Appends a token of `len` bytes (`len` at most [`super::MAX_FORM_LEN`]), digits or letters.
    pub(crate) fn push(&mut self, digits: bool, len: usize) {
        let len = u8::try_from(len).unwrap_or(u8::MAX);
        let runs = self.bytes.len().saturating_sub(1);
        let last_digits = (self.bytes.first() == Some(&1)) == (runs % 2 == 1);
        match self.bytes.last_mut() {
            Some(last) if runs > 0 && last_digits == digits => *last = last.saturating_add(len),
            _ => {
                if self.bytes.is_empty() {
                    self.bytes.push(u8::from(digits));
                }
                self.bytes.push(len);
            }
        }
    }

    /// The shape read so far.
    pub(crate) fn forward(&self) -> &[u8] {
        &self.bytes
    }

    /// The shape of the text read so far, reversed.
    pub(crate) fn backward(&mut self) -> &[u8] {
        self.reversed.clear();
        if let Some((&first, runs)) = self.bytes.split_first() {
            let last_digits = (first == 1) == (runs.len() % 2 == 1);
            self.reversed.push(u8::from(last_digits));
            self.reversed.extend(runs.iter().rev());
        }
        &self.reversed
    }
}

/// The shapes of every form of an index; `None` once there were more than [`MAX_SHAPES`].
#[derive(Debug, Clone)]
pub(crate) struct Shapes(Option<HashSet<Box<[u8]>, RandomState>>);

impl Default for Shapes {
    fn default() -> Self {
        Self(Some(HashSet::default()))
    }
}

impl Shapes {
    /// Adds the shape of `form` (normalised: letters and ASCII digits only).
    pub(crate) fn add(&mut self, form: &str, shape: &mut Shape) {
        let Some(set) = &mut self.0 else { return };
        shape.clear();
        for c in form.chars() {
            shape.push(c.is_ascii_digit(), c.len_utf8());
        }
        if !set.contains(shape.forward()) {
            set.insert(shape.forward().into());
        }
        if set.len() > MAX_SHAPES {
            self.0 = None;
        }
    }

    /// `false` only when no form has this shape.
    pub(crate) fn may_hold(&self, shape: &[u8]) -> bool {
        self.0.as_ref().is_none_or(|set| set.contains(shape))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(tokens: &[(bool, usize)]) -> (Vec<u8>, Vec<u8>) {
        let mut s = Shape::default();
        for &(digits, len) in tokens {
            s.push(digits, len);
        }
        (s.forward().to_vec(), s.backward().to_vec())
    }

    #[test]
    fn runs_of_one_class_merge_and_reverse() {
        assert_eq!(
            shape(&[(true, 3), (true, 2), (true, 4)]),
            (vec![1, 9], vec![1, 9])
        );
        assert_eq!(
            shape(&[(false, 5), (false, 5), (true, 3)]),
            (vec![0, 10, 3], vec![1, 3, 10])
        );
        assert_eq!(
            shape(&[(false, 1), (true, 9), (false, 2)]),
            (vec![0, 1, 9, 2], vec![0, 2, 9, 1])
        );
    }

    #[test]
    fn the_shape_set_gives_up_past_its_bound() {
        let mut shapes = Shapes::default();
        let mut scratch = Shape::default();
        shapes.add("699881425", &mut scratch);
        assert!(shapes.may_hold(&[1, 9]));
        assert!(!shapes.may_hold(&[1, 8]));
        // Nine alternating runs of 1-4 bytes each: 4^9 shapes to choose from.
        for n in 0..=MAX_SHAPES {
            let form: String = (0..9)
                .map(|run| {
                    let len = 1 + (n >> (2 * run)) % 4;
                    if run % 2 == 0 { "a" } else { "1" }.repeat(len)
                })
                .collect();
            shapes.add(&form, &mut scratch);
        }
        assert!(shapes.may_hold(&[1, 8]));
    }
}
