/** Byte helpers for the exact encodings of docs/crypto.md. */

const encoder = new TextEncoder()

/** UTF-8 bytes of `text`. */
export function utf8 (text: string): Uint8Array {
  return encoder.encode(text)
}

/** The concatenation of `parts`. */
export function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** `u32be(n)`. */
export function u32be (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

/** `i32be(n)`. */
export function i32be (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setInt32(0, n)
  return out
}

/** `u64be(n)`. */
export function u64be (n: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, n)
  return out
}

/** `lp(x) = u32be(len(x)) || x`. */
export function lp (bytes: Uint8Array): Uint8Array {
  return concat(u32be(bytes.length), bytes)
}

/** Whether `a` and `b` hold the same bytes. */
export function equal (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** Lower-case hex of `bytes`. */
export function toHex (bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The bytes of lower- or upper-case hex `text`; throws on odd length or a non-hex digit. */
export function fromHex (text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new TypeError('not hex')
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** SHA-256 of `bytes` through WebCrypto (fast on large payloads). */
export async function sha256 (bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
}

/** `n` bytes from the platform's cryptographic RNG. */
export function randomBytes (n: number): Uint8Array {
  const out = new Uint8Array(n)
  // getRandomValues fills at most 65,536 bytes per call.
  for (let at = 0; at < n; at += 65_536) globalThis.crypto.getRandomValues(out.subarray(at, at + 65_536))
  return out
}
