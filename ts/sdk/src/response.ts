/** The response direction (docs/crypto.md, "The sealed response"). */

import { create, fromBinary, toBinary } from '@bufbuild/protobuf'

import { aesGcmOpen, aesGcmSeal } from './aead.js'
import { concat, lp, randomBytes, utf8 } from './bytes.js'
import { ResponseError } from './errors.js'
import { ResponsePayloadSchema, SealedResponseSchema } from './gen/nmp/v1/envelope_pb.js'
import type { ResponsePayload, SealedResponse } from './gen/nmp/v1/envelope_pb.js'
import { MAX_FRAME_BYTES } from './limits.js'

/** Length of an AES-256-GCM nonce. */
export const NONCE_BYTES = 12
/** Length of an AES-256-GCM tag, the smallest ciphertext. */
export const TAG_BYTES = 16

const RESPONSE_AAD_LABEL = utf8('nmp/v1/envelope/response-aad\0')

/** `"nmp/v1/envelope/response-aad\0" || lp(request_id)`. */
export function responseAad (requestId: Uint8Array): Uint8Array {
  return concat(RESPONSE_AAD_LABEL, lp(requestId))
}

/** The response-direction AES-256-GCM key of one exchange, bound to its request id. */
export class ResponseKey {
  readonly #key: Uint8Array
  /** The request this key answers. */
  readonly requestId: Uint8Array

  /** The key `k_rsp` of the exchange that sent `requestId`. */
  constructor (key: Uint8Array, requestId: Uint8Array) {
    this.#key = key.slice()
    this.requestId = requestId.slice()
  }

  /**
   * Opens the node's sealed answer. Throws {@link ResponseError}: `truncated` (a short nonce or
   * a ciphertext under 16 bytes), `malformed` (a long nonce), `too_large` (over 24 MiB),
   * `tampered` (any changed byte, another request's answer) or `malformed_payload`.
   */
  async open (sealed: SealedResponse, peer?: string): Promise<ResponsePayload> {
    if (sealed.nonce.length < NONCE_BYTES) throw new ResponseError('truncated', peer)
    if (sealed.nonce.length > NONCE_BYTES) throw new ResponseError('malformed', peer)
    if (sealed.ciphertext.length < TAG_BYTES) throw new ResponseError('truncated', peer)
    if (sealed.ciphertext.length > MAX_FRAME_BYTES) throw new ResponseError('too_large', peer)
    const plaintext = await aesGcmOpen(this.#key, sealed.nonce, responseAad(this.requestId), sealed.ciphertext)
    if (plaintext === undefined) throw new ResponseError('tampered', peer)
    try {
      return fromBinary(ResponsePayloadSchema, plaintext)
    } catch {
      throw new ResponseError('malformed_payload', peer)
    }
  }

  /** Seals an answer under this key (the node's side; for tests and lying-node scenarios). */
  async seal (payload: ResponsePayload, nonce: Uint8Array = randomBytes(NONCE_BYTES)): Promise<SealedResponse> {
    const plaintext = toBinary(ResponsePayloadSchema, payload)
    return create(SealedResponseSchema, {
      nonce,
      ciphertext: await aesGcmSeal(this.#key, nonce, responseAad(this.requestId), plaintext)
    })
  }
}
