//! Data-aware egress: an index of the values a dataset must never let out, built by the node
//! when it commits the dataset, and matched against every output after the scanner's decoders.

mod find;
mod normal;
mod shape;

use std::hash::{BuildHasher as _, RandomState};

pub(crate) use find::{Scratch, find};
use normal::Tokens;
use shape::{Shape, Shapes};

/// Shortest form indexed, in bytes of the normalised text: 4. Shorter values (`flu`, `F`, `42`)
/// identify nobody and would match everywhere.
pub const MIN_FORM_LEN: usize = 4;

/// Longest form indexed, in bytes of the normalised text: 64. Longer values (free text) are not
/// identifiers, and the bound caps the work per output position.
pub const MAX_FORM_LEN: usize = 64;

/// Fewest digits for a value's digits-only form: 6 (`P-000123` also indexes `000123`).
pub const MIN_FORM_DIGITS: usize = 6;

/// A form found in at least this many rows, and in more than one row in [`COMMON_PER_ROWS`], is
/// too common to identify anyone (a diagnosis, a city) and is not indexed: 8.
pub const COMMON_MIN_ROWS: u64 = 8;

/// See [`COMMON_MIN_ROWS`]: 1,000, so a form is common from 8 rows in a dataset of up to 8,000
/// rows and from 0.1 % of the rows in a larger one.
pub const COMMON_PER_ROWS: u64 = 1_000;

/// Most form occurrences one build holds before it stops with [`ValuesError::TooManyValues`]:
/// 256 Mi (2 GiB of hashes while building). Default for [`ValueIndex::builder`].
pub const MAX_FORM_OCCURRENCES: usize = 256 << 20;

/// Why an index could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValuesError {
    /// The indexed columns hold more value forms than the builder's limit.
    #[error("more than {limit} indexed value forms")]
    TooManyValues {
        /// The limit that was reached.
        limit: usize,
    },
}

/// The salted hashes of a dataset's restricted values. Built once per commitment with
/// [`ValueIndex::builder`], then shared read-only by every scan ([`crate::Scanner::scan_with`]).
///
/// Each value added is normalised (Unicode compatibility forms, look-alike letters, accents,
/// zero-width characters, case, other scripts' digits) and cut into tokens, maximal runs of
/// letters or of digits. Its forms are its tokens joined (`699-88-1425` is `699881425`) and,
/// with at least [`MIN_FORM_DIGITS`] digits, its digits alone (`P000000001` is also
/// `000000001`). Each form is hashed with the standard library's keyed hasher (SipHash-1-3
/// today) under a key drawn at random when the builder is made; only the 64-bit hashes are
/// kept, sorted, behind a directory of buckets of about eight: 8.5 bytes per form, no value in
/// clear, and a key that never leaves the process. A lookup is exact up to a hash collision,
/// which one probe meets with probability `forms / 2^64`.
///
/// An output holds a value when some run of its adjacent tokens, joined, or its reversal, is an
/// indexed form: the value under any key, in any position, with any separators between its
/// pieces, reversed, or (through the scanner) split across array elements or sibling values.
///
/// ```
/// use nmp_egress::ValueIndex;
///
/// let mut builder = ValueIndex::builder();
/// builder.add("699-88-1425")?;
/// builder.add("flu")?; // too short to identify anyone: not indexed
/// let index = builder.build(2);
/// assert_eq!(index.len(), 1);
/// assert!(index.find("ref 5241.88.996".as_bytes()).is_some());
/// assert!(index.find("699881426".as_bytes()).is_none());
/// # Ok::<(), nmp_egress::ValuesError>(())
/// ```
#[derive(Clone)]
pub struct ValueIndex {
    hasher: RandomState,
    /// Sorted, distinct hashes of every indexed form.
    hashes: Vec<u64>,
    /// `hashes[dir[b]..dir[b + 1]]` are the hashes whose top `bits` bits are `b`.
    dir: Vec<u32>,
    bits: u32,
    /// Bit `n` is set when some form is `n` bytes long.
    lens: u128,
    /// The shapes of the forms (runs of letters and digits), to skip runs no form can match.
    shapes: Shapes,
    /// Form occurrences left out as too common.
    common: usize,
}

impl std::fmt::Debug for ValueIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueIndex")
            .field("forms", &self.hashes.len())
            .field("bytes", &self.memory_bytes())
            .finish_non_exhaustive()
    }
}

/// Collects a dataset's values, then builds its [`ValueIndex`].
#[derive(Debug)]
pub struct ValueIndexBuilder {
    hasher: RandomState,
    tokens: Tokens,
    occurrences: Vec<u64>,
    lens: u128,
    shapes: Shapes,
    shape: Shape,
    limit: usize,
}

impl ValueIndexBuilder {
    /// Adds one cell of an indexed column. Values too short or too long to index are skipped.
    ///
    /// Fails once the cells added hold more than the builder's limit of forms.
    pub fn add(&mut self, value: &str) -> Result<(), ValuesError> {
        for form in normal::forms(
            value,
            &mut self.tokens,
            (MIN_FORM_LEN, MAX_FORM_LEN, MIN_FORM_DIGITS),
        ) {
            if self.occurrences.len() == self.limit {
                return Err(ValuesError::TooManyValues { limit: self.limit });
            }
            self.lens |= 1u128 << form.len();
            self.shapes.add(&form, &mut self.shape);
            self.occurrences.push(self.hasher.hash_one(form.as_bytes()));
        }
        Ok(())
    }

    /// The index of every form added, without those found in too many of the dataset's `rows`
    /// (see [`COMMON_MIN_ROWS`]). Sorts the occurrences: `O(n log n)` for `n` occurrences.
    pub fn build(mut self, rows: u64) -> ValueIndex {
        let common_at = COMMON_MIN_ROWS.max(rows / COMMON_PER_ROWS + 1);
        self.occurrences.sort_unstable();
        let mut hashes = Vec::new();
        let mut common = 0;
        for run in self.occurrences.chunk_by(|a, b| a == b) {
            if (run.len() as u64) < common_at {
                hashes.push(run[0]);
            } else {
                common += run.len();
            }
        }
        drop(self.occurrences);
        hashes.shrink_to_fit();
        // About eight hashes per bucket: one or two cache lines per lookup.
        let bits = (hashes.len() / 8).max(1).ilog2().min(28);
        let mut dir = vec![0u32; (1 << bits) + 1];
        for &h in &hashes {
            dir[bucket(h, bits) + 1] += 1;
        }
        for b in 1..dir.len() {
            dir[b] += dir[b - 1];
        }
        ValueIndex {
            hasher: self.hasher,
            hashes,
            dir,
            bits,
            lens: self.lens,
            shapes: self.shapes,
            common,
        }
    }
}

fn bucket(hash: u64, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        (hash >> (64 - bits)) as usize
    }
}

impl ValueIndex {
    /// A builder with a fresh random key, holding at most [`MAX_FORM_OCCURRENCES`] forms.
    pub fn builder() -> ValueIndexBuilder {
        Self::builder_with_limit(MAX_FORM_OCCURRENCES)
    }

    /// A builder with a fresh random key, holding at most `limit` forms.
    pub fn builder_with_limit(limit: usize) -> ValueIndexBuilder {
        ValueIndexBuilder {
            hasher: RandomState::new(),
            tokens: Tokens::default(),
            occurrences: Vec::new(),
            lens: 0,
            shapes: Shapes::default(),
            shape: Shape::default(),
            limit,
        }
    }

    /// Distinct forms indexed.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// `true` when nothing is indexed (every output passes it).
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Form occurrences left out because they were too common.
    pub fn common(&self) -> usize {
        self.common
    }

    /// Heap bytes the index holds.
    pub fn memory_bytes(&self) -> usize {
        self.hashes.capacity() * size_of::<u64>() + self.dir.capacity() * size_of::<u32>()
    }

    /// The source bytes of the first run of adjacent tokens of `text` that, joined or
    /// reversed, is an indexed form; `None` when there is none. Does not decode anything (the
    /// scanner does, see [`crate::Scanner::scan_with`]). Linear in the length of `text`.
    pub fn find(&self, text: &[u8]) -> Option<std::ops::Range<usize>> {
        find(&[self], text, &mut Scratch::default())
    }

    /// `true` when `form` (normalised bytes) is indexed.
    pub(crate) fn contains(&self, form: &[u8]) -> bool {
        if self.lens & (1u128 << form.len()) == 0 {
            return false;
        }
        let h = self.hasher.hash_one(form);
        let b = bucket(h, self.bits);
        let run = &self.hashes[self.dir[b] as usize..self.dir[b + 1] as usize];
        run.contains(&h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_occurrence_limit_holds_at_and_past_its_boundary() {
        let mut builder = ValueIndex::builder_with_limit(3);
        builder.add("P000000001").unwrap(); // two forms
        builder.add("699-88-1425").unwrap(); // the third
        assert!(matches!(
            builder.add("699-88-1426"),
            Err(ValuesError::TooManyValues { limit: 3 })
        ));
    }

    #[test]
    fn common_forms_are_left_out_from_the_threshold_on() {
        let mut builder = ValueIndex::builder();
        for _ in 0..COMMON_MIN_ROWS - 1 {
            builder.add("Riverton").unwrap();
        }
        for _ in 0..COMMON_MIN_ROWS {
            builder.add("hypertension").unwrap();
        }
        let index = builder.build(100);
        assert_eq!((index.len(), index.common()), (1, COMMON_MIN_ROWS as usize));
        assert!(index.find(b"riverton").is_some());
        assert!(index.find(b"hypertension").is_none());
        // In a large dataset the threshold is a share of the rows.
        let mut builder = ValueIndex::builder();
        for _ in 0..COMMON_MIN_ROWS {
            builder.add("Riverton").unwrap();
        }
        assert_eq!(builder.build(100 * COMMON_PER_ROWS).len(), 1);
    }

    #[test]
    fn form_lengths_hold_at_their_boundaries() {
        let mut builder = ValueIndex::builder();
        for value in [
            "abc",
            "abcd",
            &"x".repeat(MAX_FORM_LEN),
            &"y".repeat(MAX_FORM_LEN + 1),
        ] {
            builder.add(value).unwrap();
        }
        let index = builder.build(4);
        assert_eq!(index.len(), 2);
        assert!(index.find(b"ABCD").is_some());
        assert!(index.find("x".repeat(MAX_FORM_LEN).as_bytes()).is_some());
    }
}
