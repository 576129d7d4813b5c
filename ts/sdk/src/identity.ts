/**
 * Ed25519 identities (docs/crypto.md, "Identities" and "Signatures"): one key is a peer's
 * libp2p PeerId and its NMP signing key; every signature is over a purpose prefix and the
 * message, and verification is exactly ed25519-dalek's `verify_strict`.
 */

import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { base58btc } from 'multiformats/bases/base58'
import { decode as decodeMultihash } from 'multiformats/hashes/digest'

import { concat, equal, randomBytes, utf8 } from './bytes.js'

/** The purpose of a signature; its prefix is signed before the message. */
export type Domain = 'request' | 'receipt' | 'capability'

const PREFIX: Record<Domain, Uint8Array> = {
  request: utf8('nmp/v1/request\0'),
  receipt: utf8('nmp/v1/receipt\0'),
  capability: utf8('nmp/v1/capability\0')
}

/** `0x00 0x24` (identity multihash, 36 bytes) `0x08 0x01 0x12 0x20` (protobuf Ed25519 key). */
const PEER_ID_PREFIX = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20)

/** Length of a PeerId that inlines an Ed25519 key. */
export const PEER_ID_BYTES = 38

/** The PeerId bytes of an Ed25519 public key. */
export function peerIdOf (publicKey: Uint8Array): Uint8Array {
  return concat(PEER_ID_PREFIX, publicKey)
}

/**
 * The Ed25519 public key inside PeerId bytes, or `undefined` when they are not an identity
 * multihash of a protobuf Ed25519 key (a PeerId that hashes its key cannot be verified).
 */
export function publicKeyOf (peerId: Uint8Array): Uint8Array | undefined {
  if (peerId.length !== PEER_ID_BYTES || !equal(peerId.subarray(0, 6), PEER_ID_PREFIX)) return undefined
  return peerId.slice(6)
}

/**
 * Whether `bytes` parse as a PeerId at all (an identity multihash of at most 42 bytes or a
 * sha2-256 multihash), as rust-libp2p's `PeerId::from_bytes` decides; only Ed25519 identity
 * PeerIds can verify a signature ({@link publicKeyOf}).
 */
export function isPeerId (bytes: Uint8Array): boolean {
  try {
    const digest = decodeMultihash(bytes)
    return (digest.code === 0x00 && digest.digest.length <= 42) || (digest.code === 0x12 && digest.digest.length === 32)
  } catch {
    return false
  }
}

/** The base58btc text of PeerId bytes (`12D3KooW...`). */
export function peerIdText (peerId: Uint8Array): string {
  return base58btc.baseEncode(peerId)
}

/** The PeerId bytes of base58btc text; throws when it is not base58. */
export function peerIdFromText (text: string): Uint8Array {
  return base58btc.baseDecode(text)
}

/** An Ed25519 key: the agent's PeerId and the key that signs its requests. */
export class Identity {
  /** The 32-byte secret seed. */
  readonly #seed: Uint8Array
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array
  /** The PeerId bytes (38). */
  readonly peerId: Uint8Array

  private constructor (seed: Uint8Array) {
    this.#seed = seed
    this.publicKey = ed25519.getPublicKey(seed)
    this.peerId = peerIdOf(this.publicKey)
  }

  /** A fresh identity from the platform RNG. */
  static generate (): Identity {
    return new Identity(randomBytes(32))
  }

  /** The identity of a 32-byte secret seed. */
  static fromSeed (seed: Uint8Array): Identity {
    if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes')
    return new Identity(seed.slice())
  }

  /** libp2p's raw private key bytes (`seed || public key`), for `privateKeyFromRaw`. */
  libp2pRaw (): Uint8Array {
    return concat(this.#seed, this.publicKey)
  }

  /** The PeerId as base58btc text. */
  toString (): string {
    return peerIdText(this.peerId)
  }

  /** Ed25519 over the domain's prefix and `message`. */
  sign (domain: Domain, message: Uint8Array): Uint8Array {
    return ed25519.sign(concat(PREFIX[domain], message), this.#seed)
  }
}

const Point = ed25519.Point
const ORDER = Point.Fn.ORDER

function littleEndian (bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] ?? 0)
  return n
}

/**
 * Ed25519 verification exactly as ed25519-dalek's `verify_strict`: `S` canonical, neither the
 * public key `A` nor `R` of small order, and the cofactorless equation `R = [S]B - [k]A`
 * checked on the encoding of `R` (so a non-canonical `R` fails). `A` is decoded as dalek does
 * (a non-canonical `y` is reduced) and hashed as given. noble's own `verify` is ZIP-215 or
 * cofactored and accepts signatures dalek refuses.
 */
export function verifyStrict (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  const rBytes = signature.subarray(0, 32)
  const s = littleEndian(signature.subarray(32))
  if (s >= ORDER) return false
  let a, r
  try {
    a = Point.fromBytes(publicKey, true)
    r = Point.fromBytes(rBytes, true)
  } catch {
    return false
  }
  if (a.isSmallOrder() || r.isSmallOrder()) return false
  const k = littleEndian(sha512(concat(rBytes, publicKey, message))) % ORDER
  const sb = s === 0n ? Point.ZERO : Point.BASE.multiply(s)
  const ka = k === 0n ? Point.ZERO : a.multiplyUnsafe(k)
  return equal(sb.subtract(ka).toBytes(), rBytes)
}

/** Whether `signature` is `peerId`'s over the domain's prefix and `message` (strict). */
export function verifySigned (peerId: Uint8Array, domain: Domain, message: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKeyOf(peerId)
  return key !== undefined && verifyStrict(key, concat(PREFIX[domain], message), signature)
}
