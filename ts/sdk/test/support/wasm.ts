// Byte helpers for building test modules.

export { concat, randomBytes } from '../../src/bytes.js'

/** A LEB128 varint of `n` padded to exactly `width` bytes. */
export function lengthPrefixOf (n: number, width: number): Uint8Array {
  const out = new Uint8Array(width)
  for (let i = 0; i < width; i++) {
    out[i] = (n & 0x7f) | (i < width - 1 ? 0x80 : 0)
    n = Math.floor(n / 128)
  }
  if (n !== 0) throw new RangeError('does not fit')
  return out
}
