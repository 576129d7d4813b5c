/**
 * `@nmp/sdk/crypto`: the envelope, receipts, capability documents and identities without the
 * networking (no libp2p), for verifiers and tools.
 */

export { fromHex, toHex } from './bytes.js'
export { capabilityKey, DOCUMENT_VERSION, verifyDocument } from './capability.js'
export { seal, sealWith, requestAad, SUITE } from './envelope.js'
export type { Sealed, SealParams, SealRandomness } from './envelope.js'
export * from './errors.js'
export { Identity, isPeerId, peerIdFromText, peerIdOf, peerIdText, publicKeyOf, verifySigned, verifyStrict } from './identity.js'
export type { Domain } from './identity.js'
export { keyId, kemKeyProblem } from './kem.js'
export * as limits from './limits.js'
export { RECEIPT_VERSION, verifyReceipt } from './receipt.js'
export type { ReceiptExpectations } from './receipt.js'
export { ResponseKey, responseAad } from './response.js'
export * as pb from './pb.js'
