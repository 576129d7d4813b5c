/**
 * The sealed envelope, suite 1 (docs/crypto.md, "The envelope, suite 1"): the agent seals its
 * module and input to one node KEM key and signs the request; the node's answer comes back
 * under the response key only this exchange knows.
 */

import { create, toBinary } from '@bufbuild/protobuf'
import { expand, extract } from '@noble/hashes/hkdf.js'
import { sha256 as sha256Sync } from '@noble/hashes/sha2.js'

import { concat, i32be, lp, randomBytes, sha256, u32be, u64be, utf8 } from './bytes.js'
import { SealError } from './errors.js'
import type { KemPublicKey } from './gen/nmp/v1/capability_pb.js'
import { LogicPayloadSchema, SealedEnvelopeSchema } from './gen/nmp/v1/envelope_pb.js'
import { LogicRequestSchema, RequestedLimitsSchema } from './gen/nmp/v1/logic_pb.js'
import type { LogicRequest, RequestedLimits } from './gen/nmp/v1/logic_pb.js'
import { ReceiptKind } from './gen/nmp/v1/receipt_pb.js'
import type { Identity } from './identity.js'
import { encapsulate, kemKeyShapeProblem } from './kem.js'
import { MAX_CAPABILITY_BYTES, MAX_INPUT_BYTES, MAX_MODULE_BYTES, REQUEST_ID_BYTES } from './limits.js'
import { aesGcmSeal } from './aead.js'
import { NONCE_BYTES, ResponseKey } from './response.js'

/** The only envelope suite: X25519 + ML-KEM-768, HKDF-SHA256, AES-256-GCM. */
export const SUITE = 1

const TRANSCRIPT_LABEL = utf8('nmp/v1/envelope/transcript\0')
const AAD_LABEL = utf8('nmp/v1/envelope/aad\0')
const REQUEST_KEY_INFO = utf8('nmp/v1 request key')
const RESPONSE_KEY_INFO = utf8('nmp/v1 response key')

/** What the agent seals and to whom; every field ends up in the `LogicRequest`. */
export interface SealParams {
  /** The agent: its PeerId is `agent_peer_id` and it signs the request. */
  agent: Identity
  /** PeerId bytes of the node, as authenticated by its capability document. */
  nodePeerId: Uint8Array
  /** One of the node's KEM keys from its verified capability document. */
  nodeKey: KemPublicKey
  /** 16 random bytes, unique per agent. */
  requestId: Uint8Array
  /** The capability to run against (1–256 bytes of UTF-8). */
  capability: string
  /** The agent's clock, unix milliseconds. */
  timestampMs: bigint
  /** Limits asked of the node (0 = node default) [default: all 0]. */
  limits?: RequestedLimits | undefined
}

/** The three random values one seal consumes (fixed only in known-answer tests). */
export interface SealRandomness {
  /** The ephemeral X25519 secret `e` (32 bytes). */
  ephemeral: Uint8Array
  /** The ML-KEM message `m` (32 bytes). */
  mlKemM: Uint8Array
  /** The AES-GCM nonce (12 bytes). */
  nonce: Uint8Array
}

/** A sealed request, the key that opens its answer, and every intermediate value (for tests). */
export interface Sealed {
  /** The complete request to send. */
  request: LogicRequest
  /** Opens the node's `SealedResponse` to this request. */
  responseKey: ResponseKey
  /** The intermediate values of docs/crypto.md, named as in the known-answer vectors. */
  intermediates: Record<'payloadEncoded' | 'transcript' | 'transcriptHash' | 'requestKey' | 'responseKey' | 'aad' | 'signedMessage' | 'x25519Shared' | 'mlKemShared', Uint8Array>
}

function checkParams (params: SealParams, wasm: Uint8Array, input: Uint8Array): void {
  const capability = utf8(params.capability)
  if (capability.length === 0) throw new SealError('empty_capability', 'empty capability name')
  for (const [field, limit, actual] of [
    ['capability', MAX_CAPABILITY_BYTES, capability.length],
    ['wasm', MAX_MODULE_BYTES, wasm.length],
    ['input', MAX_INPUT_BYTES, input.length]
  ] as const) {
    if (actual > limit) throw new SealError('too_large', `\`${field}\` is ${actual} bytes, limit ${limit}`)
  }
  if (params.requestId.length !== REQUEST_ID_BYTES) throw new SealError('bad_request_id', 'a request id is 16 bytes')
}

/** Seals `wasm` and `input` to the node and signs the request as the agent. */
export async function seal (params: SealParams, wasm: Uint8Array, input: Uint8Array): Promise<Sealed> {
  return await sealWith(params, wasm, input, {
    ephemeral: randomBytes(32),
    mlKemM: randomBytes(32),
    nonce: randomBytes(NONCE_BYTES)
  })
}

/** {@link seal} with fixed randomness: only for known-answer tests (fixed seeds reuse secrets). */
export async function sealWith (params: SealParams, wasm: Uint8Array, input: Uint8Array, randomness: SealRandomness): Promise<Sealed> {
  checkParams(params, wasm, input)
  const key = params.nodeKey
  const problem = await kemKeyShapeProblem(key)
  if (problem !== undefined) throw new SealError('invalid_node_key', `unusable node KEM key: ${problem}`)
  if (params.timestampMs > key.notAfterMs) {
    throw new SealError('key_expired', `node KEM key expired at ${key.notAfterMs} ms, request time is ${params.timestampMs} ms`)
  }
  const kem = encapsulate(key, randomness.ephemeral, randomness.mlKemM)
  if (typeof kem === 'string') throw new SealError('invalid_node_key', `unusable node KEM key: ${kem}`)
  const limits = params.limits ?? create(RequestedLimitsSchema)
  const request = create(LogicRequestSchema, {
    requestId: params.requestId,
    capability: params.capability,
    nodePeerId: params.nodePeerId,
    agentPeerId: params.agent.peerId,
    timestampMs: params.timestampMs,
    limits,
    receiptKind: ReceiptKind.SIGNED
  })
  const transcript = transcriptOf(request, key, kem.ephemeral, kem.ciphertext)
  const transcriptHash = sha256Sync(transcript)
  const { requestKey, responseKey } = deriveKeys(transcriptHash, kem.mlKemShared, kem.x25519Shared)
  const aad = requestAad(request)
  const payloadEncoded = toBinary(LogicPayloadSchema, create(LogicPayloadSchema, { wasm, input }))
  const ciphertext = await aesGcmSeal(requestKey, randomness.nonce, aad, payloadEncoded)
  const signedMessage = concat(aad, transcriptHash, randomness.nonce, await sha256(ciphertext))
  request.agentSignature = params.agent.sign('request', signedMessage)
  request.envelope = create(SealedEnvelopeSchema, {
    suite: SUITE,
    kemKeyId: key.keyId,
    x25519Ephemeral: kem.ephemeral,
    mlKemCiphertext: kem.ciphertext,
    nonce: randomness.nonce,
    ciphertext
  })
  return {
    request,
    responseKey: new ResponseKey(responseKey, request.requestId),
    intermediates: { payloadEncoded, transcript, transcriptHash, requestKey, responseKey, aad, signedMessage, x25519Shared: kem.x25519Shared, mlKemShared: kem.mlKemShared }
  }
}

/** The transcript of suite 1: label, suite, then each field length-prefixed in a fixed order. */
export function transcriptOf (request: LogicRequest, key: KemPublicKey, ephemeral: Uint8Array, mlKemCiphertext: Uint8Array): Uint8Array {
  return concat(
    TRANSCRIPT_LABEL, u32be(SUITE), lp(request.requestId), u64be(request.timestampMs),
    lp(request.nodePeerId), lp(request.agentPeerId), lp(key.keyId), lp(key.x25519), lp(key.mlKem768),
    lp(ephemeral), lp(mlKemCiphertext))
}

/** `PRK = HKDF-Extract(salt = th, IKM = ss_k || ss_x)`, then one `HKDF-Expand` per direction. */
export function deriveKeys (transcriptHash: Uint8Array, mlKemShared: Uint8Array, x25519Shared: Uint8Array): { requestKey: Uint8Array, responseKey: Uint8Array } {
  const prk = extract(sha256Sync, concat(mlKemShared, x25519Shared), transcriptHash)
  return {
    requestKey: expand(sha256Sync, prk, REQUEST_KEY_INFO, 32),
    responseKey: expand(sha256Sync, prk, RESPONSE_KEY_INFO, 32)
  }
}

/** The request's associated data: its clear metadata (docs/crypto.md, "Associated data"). */
export function requestAad (request: LogicRequest): Uint8Array {
  const limits = request.limits ?? create(RequestedLimitsSchema)
  return concat(
    AAD_LABEL, lp(request.requestId), lp(utf8(request.capability)), lp(request.nodePeerId), lp(request.agentPeerId),
    u64be(request.timestampMs), u64be(limits.timeoutMs), u64be(limits.memoryBytes), u64be(limits.fuel),
    i32be(request.receiptKind))
}

