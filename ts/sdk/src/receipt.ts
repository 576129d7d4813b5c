/**
 * Signed receipts (docs/crypto.md, "Receipts"): {@link verifyReceipt} checks one exactly as
 * `nmp_crypto::receipt::verify` does, standalone (no client, no network).
 */

import { fromBinary } from '@bufbuild/protobuf'

import { equal, sha256, toHex } from './bytes.js'
import { ReceiptError } from './errors.js'
import { ReceiptBodySchema, ReceiptKind } from './gen/nmp/v1/receipt_pb.js'
import type { Receipt, ReceiptBody } from './gen/nmp/v1/receipt_pb.js'
import { isPeerId, peerIdText, verifySigned } from './identity.js'
import { MAX_RECEIPT_BODY_BYTES } from './limits.js'

/** The receipt body version this SDK verifies: 2. */
export const RECEIPT_VERSION = 2

/** What the verifier expects of a receipt; each absent field is not checked. */
export interface ReceiptExpectations {
  /** PeerId bytes of the node that must have signed. */
  node?: Uint8Array | undefined
  /** SHA-256 of the module sent. */
  moduleSha256?: Uint8Array | undefined
  /** The stdout bytes received (their SHA-256 must be the receipt's output digest). */
  output?: Uint8Array | undefined
}

/**
 * Verifies `receipt` and returns its body. Checks, in order: outer kind `SIGNED`, body size
 * (64 KiB), decoding, `version = 2`, body kind equals outer kind, the node PeerId, the strict
 * Ed25519 signature over `"nmp/v1/receipt\0" || body`, then the expectations: node, the three
 * digests are 32 bytes, module SHA-256, output SHA-256. Throws {@link ReceiptError} with the
 * reason of the first check that fails.
 */
export async function verifyReceipt (receipt: Receipt, expected: ReceiptExpectations = {}): Promise<ReceiptBody> {
  const peer = expected.node === undefined ? undefined : peerIdText(expected.node)
  const fail = (reason: ConstructorParameters<typeof ReceiptError>[0], detail?: string): never => {
    throw new ReceiptError(reason, peer, detail)
  }
  if (receipt.kind !== ReceiptKind.SIGNED) fail('unsupported_kind', `kind ${receipt.kind}`)
  if (receipt.body.length > MAX_RECEIPT_BODY_BYTES) fail('too_large', `${receipt.body.length} bytes, limit ${MAX_RECEIPT_BODY_BYTES}`)
  let body: ReceiptBody | undefined
  try {
    body = fromBinary(ReceiptBodySchema, receipt.body)
  } catch {
    return fail('malformed_body')
  }
  if (body.version !== RECEIPT_VERSION) fail('unsupported_version', `version ${body.version}`)
  if (body.kind !== receipt.kind) fail('unsupported_kind', `body kind ${body.kind}`)
  if (!isPeerId(body.nodePeerId)) {
    fail('malformed', '`node_peer_id` is not a PeerId')
  }
  if (!verifySigned(body.nodePeerId, 'receipt', receipt.body, receipt.signature)) fail('bad_signature')
  if (expected.node !== undefined && !equal(expected.node, body.nodePeerId)) {
    fail('wrong_node', `signed by ${peerIdText(body.nodePeerId)}`)
  }
  for (const [field, digest] of [['module_sha256', body.moduleSha256], ['output_sha256', body.outputSha256], ['input_sha256', body.inputSha256]] as const) {
    if (digest.length !== 32) fail('malformed', `\`${field}\` is not a 32-byte SHA-256 digest`)
  }
  if (expected.moduleSha256 !== undefined && !equal(expected.moduleSha256, body.moduleSha256)) {
    fail('wrong_image', `receipt is for module ${toHex(body.moduleSha256)}, expected ${toHex(expected.moduleSha256)}`)
  }
  if (expected.output !== undefined) {
    const actual = await sha256(expected.output)
    if (!equal(actual, body.outputSha256)) fail('output_mismatch', `output digest ${toHex(actual)} does not match the receipt's ${toHex(body.outputSha256)}`)
  }
  return body
}
