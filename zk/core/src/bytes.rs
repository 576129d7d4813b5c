//! A bounds-checked reader over untrusted bytes, shared by the job and journal decoders.

/// The bytes ran out before a field ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Truncated;

/// Reads big-endian fields from the front of a byte slice; never allocates.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Truncated> {
        if n > self.rest.len() {
            return Err(Truncated);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Truncated> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Truncated> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Truncated> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Truncated> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A `u32` length followed by that many bytes.
    pub(crate) fn chunk(&mut self) -> Result<&'a [u8], Truncated> {
        let len = self.u32()?;
        self.take(len as usize)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_refuses_past_the_end() {
        let mut r = Reader::new(&[1, 0, 2, 0, 0, 0, 1, 9]);
        assert_eq!(r.u8(), Ok(1));
        assert_eq!(r.u16(), Ok(2));
        assert_eq!(r.chunk(), Ok(&[9][..]));
        assert!(r.is_empty());
        assert_eq!(r.u8(), Err(Truncated));
        let mut r = Reader::new(&[0, 0, 0, 5, 1]);
        assert_eq!(r.chunk(), Err(Truncated));
    }
}
