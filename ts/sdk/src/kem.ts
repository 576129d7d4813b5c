/** Node KEM keys of suite 1 (docs/crypto.md, "Node KEM keys"): checking and encapsulating. */

import { x25519 } from '@noble/curves/ed25519.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'

import { concat, equal, sha256 } from './bytes.js'
import type { KemPublicKey } from './gen/nmp/v1/capability_pb.js'

/** Length of an X25519 key. */
export const X25519_BYTES = 32
/** Length of an ML-KEM-768 encapsulation key. */
export const ML_KEM_768_PUBLIC_BYTES = 1184
/** Length of an ML-KEM-768 ciphertext. */
export const ML_KEM_768_CIPHERTEXT_BYTES = 1088
/** Length of a KEM key id. */
export const KEY_ID_BYTES = 16

/** `SHA-256(x25519 || ml_kem_768)[0..16]`. */
export async function keyId (x25519Public: Uint8Array, mlKem: Uint8Array): Promise<Uint8Array> {
  return (await sha256(concat(x25519Public, mlKem))).slice(0, KEY_ID_BYTES)
}

/** Why a published KEM key has the wrong shape (lengths, key id), or `undefined`. */
export async function kemKeyShapeProblem (key: KemPublicKey): Promise<string | undefined> {
  for (const [field, bytes, expected] of [
    ['x25519', key.x25519, X25519_BYTES],
    ['ml_kem_768', key.mlKem768, ML_KEM_768_PUBLIC_BYTES],
    ['key_id', key.keyId, KEY_ID_BYTES]
  ] as const) {
    if (bytes.length !== expected) return `\`${field}\` is ${bytes.length} bytes, expected ${expected}`
  }
  if (!equal(key.keyId, await keyId(key.x25519, key.mlKem768))) return 'key id does not match the keys'
  return undefined
}

/**
 * Why a published KEM key is unusable (`KemKeyError`), or `undefined` when it is well formed:
 * its shape, the FIPS 203 modulus check of the ML-KEM key, and an X25519 key of low order.
 */
export async function kemKeyProblem (key: KemPublicKey): Promise<string | undefined> {
  const shape = await kemKeyShapeProblem(key)
  if (shape !== undefined) return shape
  try {
    ml_kem768.encapsulate(key.mlKem768, new Uint8Array(32))
  } catch {
    return 'invalid ML-KEM-768 encapsulation key'
  }
  if (diffieHellman(Uint8Array.of(1, ...new Uint8Array(31)), key.x25519) === undefined) {
    return 'low-order X25519 public key'
  }
  return undefined
}

/** `X25519(secret, public)`, `undefined` when the result is all zero (a low-order point). */
function diffieHellman (secret: Uint8Array, publicKey: Uint8Array): Uint8Array | undefined {
  try {
    const shared = x25519.getSharedSecret(secret, publicKey)
    return shared.some((b) => b !== 0) ? shared : undefined
  } catch {
    return undefined
  }
}

/** The agent's half of one hybrid key exchange. */
export interface Encapsulation {
  /** `E = X25519(e, 9)`. */
  ephemeral: Uint8Array
  /** The ML-KEM-768 ciphertext. */
  ciphertext: Uint8Array
  /** `ss_k`. */
  mlKemShared: Uint8Array
  /** `ss_x`. */
  x25519Shared: Uint8Array
}

/**
 * Encapsulates to `key` (of the right shape) with the ephemeral X25519 secret `e` and the
 * ML-KEM message `m`; a string saying why when the X25519 secret is all zero (a low-order key)
 * or the ML-KEM key fails the FIPS 203 modulus check.
 */
export function encapsulate (key: KemPublicKey, e: Uint8Array, m: Uint8Array): Encapsulation | string {
  const x25519Shared = diffieHellman(e, key.x25519)
  if (x25519Shared === undefined) return 'low-order X25519 public key'
  let encapsulated
  try {
    encapsulated = ml_kem768.encapsulate(key.mlKem768, m)
  } catch {
    return 'invalid ML-KEM-768 encapsulation key'
  }
  return { ephemeral: x25519.getPublicKey(e), ciphertext: encapsulated.cipherText, mlKemShared: encapsulated.sharedSecret, x25519Shared }
}
