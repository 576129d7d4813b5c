// The envelope and receipt known-answer vectors of crates/nmp-crypto/tests/vectors, byte for byte.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { create, fromBinary, toBinary } from '@bufbuild/protobuf'

import { fromHex, Identity, pb, ResponseKey, sealWith, toHex, verifyReceipt } from '../src/crypto.js'
import { repo } from './support/paths.js'

interface Case {
  name: string
  inputs: Record<string, string | number | { timeout_ms: number, memory_bytes: number, fuel: number }>
  intermediates: Record<string, string>
  response: Record<string, string>
}

const envelope = JSON.parse(readFileSync(repo('crates/nmp-crypto/tests/vectors/envelope.json'), 'utf8')) as { cases: Case[] }
const receiptVector = JSON.parse(readFileSync(repo('crates/nmp-crypto/tests/vectors/receipt.json'), 'utf8')) as Record<string, string>

const hex = (c: Case, key: string): Uint8Array => fromHex(c.inputs[key] as string)

for (const c of envelope.cases) {
  test(`envelope vector \`${c.name}\`: every intermediate and the request byte for byte`, async () => {
    const limits = c.inputs.limits as { timeout_ms: number, memory_bytes: number, fuel: number }
    const agent = Identity.fromSeed(hex(c, 'agent_secret'))
    assert.equal(toHex(agent.peerId), c.inputs.agent_peer_id)
    assert.equal(agent.toString(), c.inputs.agent_peer_id_base58)
    const nodeKey = create(pb.KemPublicKeySchema, {
      keyId: hex(c, 'node_kem_key_id'),
      x25519: hex(c, 'node_kem_x25519'),
      mlKem768: hex(c, 'node_kem_ml_kem_768'),
      notAfterMs: BigInt(c.inputs.node_kem_not_after_ms as number)
    })
    const sealed = await sealWith({
      agent,
      nodePeerId: hex(c, 'node_peer_id'),
      nodeKey,
      requestId: hex(c, 'request_id'),
      capability: c.inputs.capability as string,
      timestampMs: BigInt(c.inputs.timestamp_ms as number),
      limits: create(pb.RequestedLimitsSchema, { timeoutMs: BigInt(limits.timeout_ms), memoryBytes: BigInt(limits.memory_bytes), fuel: BigInt(limits.fuel) })
    }, hex(c, 'payload_wasm'), hex(c, 'payload_input'), {
      ephemeral: hex(c, 'seed_ephemeral'),
      mlKemM: hex(c, 'seed_ml_kem_m'),
      nonce: hex(c, 'nonce')
    })
    const i = c.intermediates
    const mine = sealed.intermediates
    assert.equal(toHex(mine.payloadEncoded), i.payload_encoded)
    assert.equal(toHex(sealed.request.envelope!.x25519Ephemeral), i.x25519_ephemeral)
    assert.equal(toHex(sealed.request.envelope!.mlKemCiphertext), i.ml_kem_ciphertext)
    assert.equal(toHex(mine.x25519Shared), i.x25519_shared)
    assert.equal(toHex(mine.mlKemShared), i.ml_kem_shared)
    assert.equal(toHex(mine.transcript), i.transcript)
    assert.equal(toHex(mine.transcriptHash), i.transcript_hash)
    assert.equal(toHex(mine.requestKey), i.request_key)
    assert.equal(toHex(mine.responseKey), i.response_key)
    assert.equal(toHex(mine.aad), i.aad)
    assert.equal(toHex(sealed.request.envelope!.ciphertext), i.ciphertext)
    assert.equal(toHex(mine.signedMessage), i.signed_message)
    assert.equal(toHex(sealed.request.agentSignature), i.agent_signature)
    assert.equal(toHex(toBinary(pb.LogicRequestSchema, sealed.request)), i.logic_request)

    // The response direction: the node's sealed answer opens, and sealing it again with the
    // vector's nonce gives the same bytes.
    const r = c.response
    const sealedResponse = fromBinary(pb.SealedResponseSchema, fromHex(r.sealed_response!))
    const payload = await sealed.responseKey.open(sealedResponse)
    assert.equal(toHex(payload.stdout), r.stdout)
    assert.equal(toHex(payload.stderr), r.stderr)
    assert.equal(toHex(toBinary(pb.ResponsePayloadSchema, payload)), r.encoded)
    const again = await sealed.responseKey.seal(payload, fromHex(r.nonce!))
    assert.equal(toHex(again.ciphertext), r.ciphertext)
    assert.equal(toHex(toBinary(pb.SealedResponseSchema, again)), r.sealed_response)

    // Any changed byte, or another request's key, is `tampered`.
    const flipped = fromBinary(pb.SealedResponseSchema, fromHex(r.sealed_response!))
    flipped.ciphertext[0]! ^= 1
    await assert.rejects(sealed.responseKey.open(flipped), { code: 'RESPONSE', reason: 'tampered' })
    const other = new ResponseKey(mine.responseKey, new Uint8Array(16))
    await assert.rejects(other.open(sealedResponse), { code: 'RESPONSE', reason: 'tampered' })
    await assert.rejects(sealed.responseKey.open(create(pb.SealedResponseSchema, { nonce: new Uint8Array(11), ciphertext: sealedResponse.ciphertext })), { reason: 'truncated' })
    await assert.rejects(sealed.responseKey.open(create(pb.SealedResponseSchema, { nonce: new Uint8Array(13), ciphertext: sealedResponse.ciphertext })), { reason: 'malformed' })
  })
}

test('receipt vector: the signature is reproduced and verifyReceipt accepts it', async () => {
  const v = receiptVector
  const node = Identity.fromSeed(fromHex(v.node_secret!))
  assert.equal(toHex(node.peerId), v.node_peer_id)
  assert.equal(toHex(node.sign('receipt', fromHex(v.body_encoded!))), v.signature)
  const receipt = fromBinary(pb.ReceiptSchema, fromHex(v.receipt!))
  assert.equal(toHex(toBinary(pb.ReceiptSchema, receipt)), v.receipt)
  const body = await verifyReceipt(receipt, { node: node.peerId, output: fromHex(v.output!) })
  assert.equal(toHex(toBinary(pb.ReceiptBodySchema, body)), v.body_encoded)
  assert.equal(body.capability, 'demo.hospital/patients')
})

test('verifyReceipt refuses each failure with its reason, in order', async () => {
  const v = receiptVector
  const node = Identity.fromSeed(fromHex(v.node_secret!))
  const receipt = (): pb.Receipt => fromBinary(pb.ReceiptSchema, fromHex(v.receipt!))
  const output = fromHex(v.output!)
  const refuse = async (r: pb.Receipt, reason: string, expected = {}): Promise<void> => {
    await assert.rejects(verifyReceipt(r, expected), (err: { code: string, reason: string }) => err.code === 'RECEIPT' && err.reason === reason)
  }
  const tee = receipt(); tee.kind = pb.ReceiptKind.TEE
  await refuse(tee, 'unsupported_kind')
  const big = receipt(); big.body = new Uint8Array(64 * 1024 + 1)
  await refuse(big, 'too_large')
  const garbage = receipt(); garbage.body = Uint8Array.of(0xff, 0xff, 0xff)
  await refuse(garbage, 'malformed_body')
  const signature = receipt(); signature.signature[7]! ^= 1
  await refuse(signature, 'bad_signature')
  const body = receipt(); body.body[body.body.length - 1]! ^= 1
  await refuse(body, 'bad_signature')
  await refuse(receipt(), 'wrong_node', { node: Identity.generate().peerId })
  await refuse(receipt(), 'wrong_image', { moduleSha256: new Uint8Array(32) })
  await refuse(receipt(), 'output_mismatch', { output: Uint8Array.of(...output, 0x20) })
  // A version-1 body, validly signed, is refused for its version.
  const v1 = fromBinary(pb.ReceiptBodySchema, fromHex(v.body_encoded!)); v1.version = 1
  const v1Bytes = toBinary(pb.ReceiptBodySchema, v1)
  await refuse(create(pb.ReceiptSchema, { kind: pb.ReceiptKind.SIGNED, body: v1Bytes, signature: node.sign('receipt', v1Bytes) }), 'unsupported_version')
})
