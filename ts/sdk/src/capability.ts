/**
 * Signed capability documents (docs/crypto.md, "Capability documents"): verified against the
 * node dialled before anything inside is used.
 */

import { fromBinary } from '@bufbuild/protobuf'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'

import { equal, sha256, utf8 } from './bytes.js'
import { DocumentError, MeshError } from './errors.js'
import { CapabilityDocumentSchema } from './gen/nmp/v1/capability_pb.js'
import type { CapabilityDocument, SignedCapabilityDocument } from './gen/nmp/v1/capability_pb.js'
import { isPeerId, peerIdText, verifySigned } from './identity.js'
import { kemKeyProblem } from './kem.js'
import { MAX_CAPABILITY_BYTES, MAX_DOCUMENT_BYTES } from './limits.js'

/** The capability document version this SDK reads: 1. */
export const DOCUMENT_VERSION = 1

/**
 * The DHT provider key of `capability` (docs/protocol.md, "Discovery"): the CIDv1 `raw` (0x55)
 * of `sha256("nmp/v1/cap/" + capability)`, whose multihash (`0x12 0x20` ‖ digest, 34 bytes) is
 * the key a node announces. Throws {@link MeshError} for a name longer than
 * {@link MAX_CAPABILITY_BYTES} (256 bytes of UTF-8), refused before any lookup as `nmp_net` does.
 */
export async function capabilityKey (capability: string): Promise<CID> {
  const name = utf8(capability)
  if (name.length > MAX_CAPABILITY_BYTES) throw new MeshError(`a capability name of ${name.length} bytes is longer than ${MAX_CAPABILITY_BYTES}`)
  return CID.createV1(0x55, createDigest(0x12, await sha256(utf8(`nmp/v1/cap/${capability}`))))
}

/**
 * Verifies a signed capability document as `nmp_crypto::capability::verify` does: size (1 MiB),
 * decoding, version, the strict signature of the node named inside, the expected node, expiry
 * (`expires_at_ms ≥ now`), at least one KEM key, and every KEM key well formed (lengths, key
 * id, the FIPS 203 modulus check, not a low-order X25519 point). Throws {@link DocumentError}.
 */
export async function verifyDocument (signed: SignedCapabilityDocument, expectedNode: Uint8Array | undefined, nowMs: bigint): Promise<CapabilityDocument> {
  const peer = expectedNode === undefined ? undefined : peerIdText(expectedNode)
  const bytes = signed.document
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new DocumentError('too_large', peer, `${bytes.length} bytes`)
  let document: CapabilityDocument
  try {
    document = fromBinary(CapabilityDocumentSchema, bytes)
  } catch {
    throw new DocumentError('malformed', peer)
  }
  if (document.version !== DOCUMENT_VERSION) throw new DocumentError('unsupported_version', peer, `version ${document.version}`)
  if (!isPeerId(document.nodePeerId)) throw new DocumentError('malformed_node', peer)
  if (!verifySigned(document.nodePeerId, 'capability', bytes, signed.signature)) throw new DocumentError('bad_signature', peer)
  if (expectedNode !== undefined && !equal(expectedNode, document.nodePeerId)) {
    throw new DocumentError('wrong_node', peer, `signed by ${peerIdText(document.nodePeerId)}`)
  }
  if (document.expiresAtMs < nowMs) throw new DocumentError('expired', peer, `expired at ${document.expiresAtMs} ms`)
  if (document.kemKeys.length === 0) throw new DocumentError('no_kem_key', peer)
  for (const [index, key] of document.kemKeys.entries()) {
    const problem = await kemKeyProblem(key)
    if (problem !== undefined) throw new DocumentError('bad_kem_key', peer, `key ${index}: ${problem}`)
  }
  return document
}
