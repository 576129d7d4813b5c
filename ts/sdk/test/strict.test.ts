// Ed25519 verification is dalek's `verify_strict`, not noble's ZIP-215 default: cases built here
// where the two differ (small-order key, mixed-order key, non-canonical S and R), and the shared
// vector file both implementations answer.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'

import { concat, randomBytes, utf8 } from '../src/bytes.js'
import { fromHex, verifyStrict } from '../src/crypto.js'
import { repo } from './support/paths.js'

const Point = ed25519.Point
const L = Point.Fn.ORDER
const message = utf8('nmp/v1/receipt\0a body')

function le (bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

function toLe (n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) { out[i] = Number(n & 0xffn); n >>= 8n }
  return out
}

/** A point of order 8 (the torsion subgroup's generator). */
const torsion = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa')

/** Signs `msg` for public key `a` = `secret`·B (+ `extra`), with a random nonce: `(R, S)`. */
function signWith (secret: bigint, a: Uint8Array, msg: Uint8Array): Uint8Array {
  const r = le(randomBytes(32)) % L
  const rBytes = Point.BASE.multiply(r).toBytes()
  const k = le(sha512(concat(rBytes, a, msg))) % L
  return concat(rBytes, toLe((r + k * secret) % L))
}

test('a valid signature verifies, and one flipped bit does not', () => {
  const seed = randomBytes(32)
  const pub = ed25519.getPublicKey(seed)
  const sig = ed25519.sign(message, seed)
  assert.equal(verifyStrict(pub, message, sig), true)
  const bad = sig.slice(); bad[40]! ^= 1
  assert.equal(verifyStrict(pub, message, bad), false)
  assert.equal(verifyStrict(pub, utf8('other'), sig), false)
  assert.equal(verifyStrict(pub.subarray(1), message, sig), false)
  assert.equal(verifyStrict(pub, message, sig.subarray(1)), false)
})

test('non-canonical S (S + L) is refused', () => {
  const seed = randomBytes(32)
  const pub = ed25519.getPublicKey(seed)
  const sig = ed25519.sign(message, seed)
  const s = le(sig.subarray(32)) + L
  assert.ok(s < 2n ** 256n)
  assert.equal(verifyStrict(pub, message, concat(sig.subarray(0, 32), toLe(s))), false)
})

test('a small-order key with R = identity, S = 0 verifies under ZIP-215 for any message, never strictly', () => {
  const identity = Point.ZERO.toBytes()
  const sig = concat(identity, new Uint8Array(32))
  for (const key of [identity, torsion.toBytes(), torsion.multiply(2n).toBytes()]) {
    assert.equal(ed25519.verify(sig, message, key), true, 'noble default (ZIP-215) accepts')
    assert.equal(verifyStrict(key, message, sig), false)
  }
})

test('a small-order R is refused', () => {
  const seed = randomBytes(32)
  const pub = ed25519.getPublicKey(seed)
  const sig = concat(torsion.toBytes(), new Uint8Array(32))
  assert.equal(verifyStrict(pub, message, sig), false)
})

test('a mixed-order key passes the cofactored check and fails the cofactorless one', () => {
  let differ = 0
  for (let i = 0; i < 16; i++) {
    const secret = le(randomBytes(32)) % L
    const a = Point.BASE.multiply(secret).add(torsion).toBytes()
    const msg = concat(message, Uint8Array.of(i))
    const sig = signWith(secret, a, msg)
    assert.equal(ed25519.verify(sig, msg, a), true, 'noble default (cofactored) accepts')
    if (!verifyStrict(a, msg, sig)) differ++
    // Without the torsion component the same construction is a valid strict signature.
    const clean = Point.BASE.multiply(secret).toBytes()
    assert.equal(verifyStrict(clean, msg, signWith(secret, clean, msg)), true)
  }
  // The cofactorless equation holds only when 8 divides k: about 1 case in 8.
  assert.ok(differ >= 8, `${differ} of 16 refused`)
})

test('a non-canonical R encoding is refused', () => {
  // y = p + 1 encodes the identity non-canonically; any R must match its canonical encoding.
  const seed = randomBytes(32)
  const pub = ed25519.getPublicKey(seed)
  const sig = ed25519.sign(message, seed)
  const p = 2n ** 255n - 19n
  const y = le(sig.subarray(0, 32)) & ((1n << 255n) - 1n)
  if (y + p < 2n ** 255n) {
    const nonCanonical = toLe((y + p) | (le(sig.subarray(0, 32)) & (1n << 255n)))
    assert.equal(verifyStrict(pub, message, concat(nonCanonical, sig.subarray(32))), false)
  }
  assert.equal(verifyStrict(pub, message, concat(toLe(p + 1n), new Uint8Array(32))), false)
})

interface SharedVector { name: string, public_key: string, message: string, signature: string, strict: 'accept' | 'reject', zip215: 'accept' | 'reject' }

test('the shared strict-Ed25519 vectors (crates/nmp-crypto/tests/vectors/ed25519-strict.json): every strict answer, and noble\'s default gives the ZIP-215 one', () => {
  const file = JSON.parse(readFileSync(repo('crates/nmp-crypto/tests/vectors/ed25519-strict.json'), 'utf8')) as { vectors: SharedVector[] }
  assert.ok(file.vectors.length >= 19)
  for (const v of file.vectors) {
    const [key, msg, sig] = [fromHex(v.public_key), fromHex(v.message), fromHex(v.signature)]
    assert.equal(verifyStrict(key, msg, sig), v.strict === 'accept', `${v.name}: strict`)
    let zip215: boolean
    try { zip215 = ed25519.verify(sig, msg, key) } catch { zip215 = false }
    assert.equal(zip215, v.zip215 === 'accept', `${v.name}: zip215 (informative)`)
  }
})
