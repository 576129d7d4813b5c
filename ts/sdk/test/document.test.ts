// Capability documents and sealing refuse what nmp-crypto refuses, each failure with its reason.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { create, toBinary } from '@bufbuild/protobuf'
import { x25519 } from '@noble/curves/ed25519.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'

import { capabilityKey, Identity, keyId, MeshError, pb, seal, verifyDocument } from '../src/crypto.js'
import { randomBytes, toHex } from '../src/bytes.js'

async function kemKey (x25519Public: Uint8Array = x25519.getPublicKey(randomBytes(32)), mlKem: Uint8Array = ml_kem768.keygen(randomBytes(64)).publicKey): Promise<pb.KemPublicKey> {
  return create(pb.KemPublicKeySchema, { keyId: await keyId(x25519Public, mlKem), x25519: x25519Public, mlKem768: mlKem, notAfterMs: 2_000n })
}

function signed (node: Identity, document: { kemKeys?: pb.KemPublicKey[], version?: number }): pb.SignedCapabilityDocument {
  const bytes = toBinary(pb.CapabilityDocumentSchema, create(pb.CapabilityDocumentSchema, { version: 1, nodePeerId: node.peerId, issuedAtMs: 1_000n, expiresAtMs: 2_000n, ...document }))
  return create(pb.SignedCapabilityDocumentSchema, { document: bytes, signature: node.sign('capability', bytes) })
}

/** A low-order X25519 point (order 8) and an ML-KEM key failing the modulus check. */
const LOW_ORDER = Uint8Array.from([0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00])
const badModulus = (): Uint8Array => { const k = ml_kem768.keygen(randomBytes(64)).publicKey; k.fill(0xff, 0, 2); return k }

test('a document verifies for its node, and each failure has its reason', async () => {
  const node = Identity.generate()
  const key = await kemKey()
  const good = signed(node, { kemKeys: [key] })
  const document = await verifyDocument(good, node.peerId, 1_500n)
  assert.equal(document.version, 1)
  const refuse = async (doc: pb.SignedCapabilityDocument, reason: string, expected: Uint8Array | undefined = node.peerId, now = 1_500n): Promise<void> => {
    await assert.rejects(verifyDocument(doc, expected, now), (err: { code: string, reason: string }) => err.code === 'DOCUMENT' && err.reason === reason)
  }
  await refuse(good, 'wrong_node', Identity.generate().peerId)
  await refuse(good, 'expired', node.peerId, 2_001n)
  const tampered = signed(node, { kemKeys: [key] }); tampered.signature[0]! ^= 1
  await refuse(tampered, 'bad_signature')
  await refuse(signed(node, {}), 'no_kem_key')
  const wrongId = await kemKey(); wrongId.keyId[0]! ^= 1
  await refuse(signed(node, { kemKeys: [wrongId] }), 'bad_kem_key')
  await refuse(signed(node, { kemKeys: [await kemKey(LOW_ORDER)] }), 'bad_kem_key')
  await refuse(signed(node, { kemKeys: [await kemKey(undefined, badModulus())] }), 'bad_kem_key')
  await refuse(signed(node, { kemKeys: [key], version: 2 }), 'unsupported_version')
  await refuse(create(pb.SignedCapabilityDocumentSchema, { document: new Uint8Array(1024 * 1024 + 1) }), 'too_large')
  await refuse(create(pb.SignedCapabilityDocumentSchema, { document: Uint8Array.of(0xff, 0xff) }), 'malformed')
})

test('sealing refuses a bad node key, an expired key, an empty or long capability and oversized payloads', async () => {
  const agent = Identity.generate()
  const node = Identity.generate()
  const params = { agent, nodePeerId: node.peerId, requestId: randomBytes(16), capability: 'c', timestampMs: 1_500n }
  const refuse = async (p: Parameters<typeof seal>[0], reason: string, wasm = new Uint8Array(8), input = new Uint8Array(0)): Promise<void> => {
    await assert.rejects(seal(p, wasm, input), (err: { code: string, reason: string }) => err.code === 'SEAL' && err.reason === reason)
  }
  await refuse({ ...params, nodeKey: await kemKey(LOW_ORDER) }, 'invalid_node_key')
  await refuse({ ...params, nodeKey: await kemKey(undefined, badModulus()) }, 'invalid_node_key')
  await refuse({ ...params, nodeKey: await kemKey(), timestampMs: 2_001n }, 'key_expired')
  await refuse({ ...params, nodeKey: await kemKey(), capability: '' }, 'empty_capability')
  await refuse({ ...params, nodeKey: await kemKey(), capability: 'x'.repeat(257) }, 'too_large')
  await refuse({ ...params, nodeKey: await kemKey() }, 'too_large', new Uint8Array(16 * 1024 * 1024 + 1))
  await refuse({ ...params, nodeKey: await kemKey() }, 'too_large', new Uint8Array(8), new Uint8Array(4 * 1024 * 1024 + 1))
  // At the limits it seals.
  const sealed = await seal({ ...params, nodeKey: await kemKey(), capability: 'x'.repeat(256) }, new Uint8Array(16 * 1024 * 1024), new Uint8Array(4 * 1024 * 1024))
  assert.equal(sealed.request.capability.length, 256)
})

test('the provider key of a capability is the worked example of docs/protocol.md, and a name past 256 bytes is refused', async () => {
  const key = await capabilityKey('demo.hospital/patients')
  assert.equal(toHex(key.multihash.bytes), '122072fedc2d2badbb6fd9347b70904a6b8c2e7e383a5ba9b644fd8ffb9488fb315d')
  assert.equal(key.toString(), 'bafkreids73oc2k5nxnx5snd3ocieu24mfz7dqos3vg3ej7mp7okir6zrlu')
  assert.equal(toHex((await capabilityKey('')).multihash.bytes), '122019fe720deea25b011b39124e7fe7fc6f3713ebdf315114fc41d611693108f2ac')
  await capabilityKey('a'.repeat(256))
  await assert.rejects(capabilityKey('a'.repeat(257)), (err: unknown) => err instanceof MeshError && err.code === 'MESH')
})
