/**
 * Every way an SDK call fails, as typed errors with a stable `code` mirroring the kinds of
 * `nmp_client::Error`. Nothing that came with a failed call is trusted or returned.
 */

import type { ErrorCode } from './gen/nmp/v1/logic_pb.js'

/** The stable codes of {@link NmpError}; programs act on these, never on the message text. */
export type NmpErrorCode =
  | 'MESH' | 'NO_PROVIDERS' | 'DOCUMENT' | 'NOT_SERVED' | 'UNTRUSTED' | 'NO_KEM_KEY'
  | 'REJECTED' | 'SEAL' | 'TRANSPORT' | 'NODE' | 'PROTOCOL' | 'TIMEOUT' | 'ABORTED'
  | 'RESPONSE' | 'RECEIPT' | 'RECEIPT_MISMATCH'

/** The base class: `code` says which failure, `peer` (base58) which node when known. */
export class NmpError extends Error {
  /** Which failure; stable across versions. */
  readonly code: NmpErrorCode
  /** The node concerned (base58 PeerId), when known. */
  readonly peer: string | undefined

  constructor (code: NmpErrorCode, message: string, peer?: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.peer = peer
  }
}

/** The mesh failed: it could not start, a lookup failed, or a stream could not be opened. */
export class MeshError extends NmpError {
  constructor (message: string, peer?: string, options?: ErrorOptions) { super('MESH', message, peer, options) }
}

/** No node in the mesh announces the capability. */
export class NoProvidersError extends NmpError {
  constructor (readonly capability: string) { super('NO_PROVIDERS', `no provider found for \`${capability}\``) }
}

/** Why a capability document was refused (`capability::VerifyError`). */
export type DocumentReason =
  | 'too_large' | 'malformed' | 'unsupported_version' | 'malformed_node' | 'bad_signature'
  | 'wrong_node' | 'expired' | 'no_kem_key' | 'bad_kem_key'

/** The node's capability document failed verification (signature, expiry, keys). */
export class DocumentError extends NmpError {
  constructor (readonly reason: DocumentReason, peer?: string, detail?: string) {
    super('DOCUMENT', `capability document refused: ${reason}${detail === undefined ? '' : ` (${detail})`}`, peer)
  }
}

/** The node's verified document does not list the capability the logic asks for. */
export class NotServedError extends NmpError {
  constructor (peer: string, readonly capability: string) { super('NOT_SERVED', `${peer} does not serve \`${capability}\``, peer) }
}

/** The node is not one of the client's trusted nodes; nothing was sent to it. */
export class UntrustedError extends NmpError {
  constructor (peer: string) { super('UNTRUSTED', `${peer} is not a trusted node; nothing was sent to it`, peer) }
}

/** The node's document holds no KEM key that is still valid. */
export class NoKemKeyError extends NmpError {
  constructor (peer: string) { super('NO_KEM_KEY', `${peer} offers no KEM key valid now`, peer) }
}

/**
 * What a pre-flight check reports: `@nmp/guardian`'s `Report` (verdict `'accepted'` or
 * `'rejected'`) and the protocol's `GuardianReport` (verdict `GuardianVerdict`) both are one.
 */
export interface PreflightReport {
  /** `'accepted'` or `GuardianVerdict.ACCEPTED` (1) lets the module be sent; anything else refuses it. */
  verdict: number | string
  /** Why, in order; the first finding's message names the rejection. */
  findings: ReadonlyArray<{ code: string, message: string }>
}

/** The pre-flight check rejected the module; nothing was sent. */
export class RejectedError extends NmpError {
  constructor (readonly report: PreflightReport) {
    super('REJECTED', `the module was rejected before sending: ${report.findings[0]?.message ?? 'no finding'}`)
  }
}

/** Why a request could not be sealed (`envelope::SealError`). */
export type SealReason = 'invalid_node_key' | 'key_expired' | 'too_large' | 'empty_capability' | 'unsupported_receipt_kind' | 'bad_request_id'

/** The request could not be sealed; nothing was sent. */
export class SealError extends NmpError {
  constructor (readonly reason: SealReason, detail: string) { super('SEAL', `cannot seal the request: ${detail}`) }
}

/** The response stream from the node failed (a bad frame, a reset). */
export class TransportError extends NmpError {
  constructor (peer: string, detail: string, options?: ErrorOptions) { super('TRANSPORT', `response stream from ${peer} failed: ${detail}`, peer, options) }
}

/** The node refused the request or failed before an outcome; no receipt exists. */
export class NodeError extends NmpError {
  constructor (peer: string, readonly nodeCode: ErrorCode, readonly nodeMessage: string) {
    super('NODE', `${peer} refused the request (${nodeCode}): ${nodeMessage}`, peer)
  }
}

/** The node broke the protocol (no final event, a foreign request id, too many events...). */
export class ProtocolError extends NmpError {
  constructor (peer: string, readonly reason: string) { super('PROTOCOL', `${peer} broke the protocol: ${reason}`, peer) }
}

/** The node did not finish within the execute timeout; the stream was reset (cancelling the job). */
export class TimeoutError extends NmpError {
  constructor (peer: string | undefined, readonly afterMs: number) { super('TIMEOUT', `${peer ?? 'the node'} did not answer within ${afterMs} ms`, peer) }
}

/** The caller aborted (its `AbortSignal` fired); the stream was reset, cancelling the job. */
export class AbortedError extends NmpError {
  constructor (peer: string | undefined, options?: ErrorOptions) { super('ABORTED', 'the call was aborted', peer, options) }
}

/** Why a sealed response did not open (`envelope::OpenError`). */
export type ResponseReason = 'truncated' | 'malformed' | 'too_large' | 'tampered' | 'malformed_payload'

/** The sealed output did not open (tampered, or not for this request). */
export class ResponseError extends NmpError {
  constructor (readonly reason: ResponseReason, peer?: string) { super('RESPONSE', `the answer${peer === undefined ? '' : ` of ${peer}`} did not open: ${reason}`, peer) }
}

/** Why a receipt failed verification (`receipt::VerifyError`). */
export type ReceiptReason =
  | 'unsupported_kind' | 'too_large' | 'malformed_body' | 'malformed' | 'unsupported_version'
  | 'bad_signature' | 'wrong_node' | 'wrong_image' | 'output_mismatch'

/** The receipt failed verification: the answer is discarded. */
export class ReceiptError extends NmpError {
  constructor (readonly reason: ReceiptReason, peer?: string, detail?: string) {
    super('RECEIPT', `the receipt${peer === undefined ? '' : ` of ${peer}`} did not verify: ${reason}${detail === undefined ? '' : ` (${detail})`}`, peer)
  }
}

/** The receipt verifies but is not about this request (`field` differs): the answer is discarded. */
export class ReceiptMismatchError extends NmpError {
  constructor (peer: string, readonly field: string) { super('RECEIPT_MISMATCH', `the receipt of ${peer} does not match the request: \`${field}\` differs`, peer) }
}
