// A node that lies, for the agent's checks (the TypeScript port of crates/nmp-client/tests/it/
// forged.rs). It is a whole node in miniature on js-libp2p: it holds its own KEM key and
// identity, signs its capability document, opens each request for its response key and seals
// an answer with a receipt it signs — honestly, or changed in one way. Lies on the wire are
// made without the key, as anyone on the path could. A mock that lives only in the tests.

import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { Libp2p, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { x25519 } from '@noble/curves/ed25519.js'
import { sha256 as sha256Sync } from '@noble/hashes/sha2.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { createLibp2p } from 'libp2p'

import { randomBytes, sha256, utf8 } from '../../src/bytes.js'
import { FrameReader, writeFrame } from '../../src/client/frames.js'
import { aesGcmOpen } from '../../src/aead.js'
import { deriveKeys, requestAad, transcriptOf } from '../../src/envelope.js'
import { Identity, keyId, pb, ResponseKey } from '../../src/crypto.js'
import { PATIENTS } from './node.js'

/** How the node changes its answer. */
export type Lie =
  | 'honest' | 'receipt_signature' | 'sealed_ciphertext' | 'drop_output' | 'change_outcome'
  | 'change_verdict' | 'replay_receipt' | 'replay_sealed' | 'foreign_status' | 'no_result' | 'hang'
  | 'too_many_statuses' | 'other_policy' | 'other_signer' | 'other_agent' | 'expired_document'
  // Not lies: load the node may shed (the agent must retry), or keeps shedding: every request
  // refused as overloaded before it is read, so with no request id, as a node whose inbound byte
  // budget is full does.
  | 'reset_first' | 'overloaded_first' | 'refuse_unread'

/** The output every honest answer carries. */
export const OUTPUT = utf8('{"count":42}')

/** A running liar: its dial address, PeerId, and the request ids it was sent, in order. */
export interface Liar { addr: string, peer: string, requests: string[], stop: () => Promise<void> }

/** Starts a node telling `lie` on 127.0.0.1. */
export async function liar (lie: Lie): Promise<Liar> {
  const identity = Identity.generate()
  const xSecret = randomBytes(32)
  const mlSeed = randomBytes(64)
  const { publicKey: mlPublic, secretKey: mlSecret } = ml_kem768.keygen(mlSeed)
  const xPublic = x25519.getPublicKey(xSecret)
  const now = BigInt(Date.now())
  const kemKey = create(pb.KemPublicKeySchema, { keyId: await keyId(xPublic, mlPublic), x25519: xPublic, mlKem768: mlPublic, notAfterMs: now + 3_600_000n })
  const policyDigest = sha256Sync(utf8('liar policy'))
  const ruleSetDigest = sha256Sync(utf8('liar rules'))
  const document = toBinary(pb.CapabilityDocumentSchema, create(pb.CapabilityDocumentSchema, {
    version: 1,
    nodePeerId: identity.peerId,
    datasets: [{ name: 'patients', capability: PATIENTS, format: 'csv' }],
    policy: { open: true, guardianPolicyDigest: policyDigest, egressRuleSetDigest: ruleSetDigest },
    kemKeys: [kemKey],
    issuedAtMs: now,
    expiresAtMs: lie === 'expired_document' ? now - 1n : now + 3_600_000n
  }))
  const signedDocument = create(pb.SignedCapabilityDocumentSchema, { document, signature: identity.sign('capability', document) })

  let previous: { payload: pb.ResponsePayload, sealed: pb.SealedResponse } | undefined
  const requests: string[] = []
  let streams = 0

  /** Both direction keys of `request`, as the node derives them. */
  function keys (request: pb.LogicRequest): { requestKey: Uint8Array, responseKey: Uint8Array } {
    const envelope = request.envelope!
    const x25519Shared = x25519.getSharedSecret(xSecret, envelope.x25519Ephemeral)
    const mlKemShared = ml_kem768.decapsulate(envelope.mlKemCiphertext, mlSecret)
    const hash = sha256Sync(transcriptOf(request, kemKey, envelope.x25519Ephemeral, envelope.mlKemCiphertext))
    return deriveKeys(hash, mlKemShared, x25519Shared)
  }

  function responseKey (request: pb.LogicRequest): ResponseKey {
    return new ResponseKey(keys(request).responseKey, request.requestId)
  }

  /** The honest answer to `request` running `wasm` on `input`. */
  async function answer (request: pb.LogicRequest, wasm: Uint8Array, input: Uint8Array): Promise<pb.ResponsePayload> {
    const guardian = create(pb.GuardianReportSchema, { verdict: pb.GuardianVerdict.ACCEPTED, moduleSha256: await sha256(wasm), policyDigest, moduleSize: BigInt(wasm.length) })
    const egress = create(pb.EgressSummarySchema, { verdict: pb.EgressVerdict.PASS, ruleSetDigest })
    const signer = lie === 'other_signer' ? Identity.generate() : identity
    const body = toBinary(pb.ReceiptBodySchema, create(pb.ReceiptBodySchema, {
      version: 2,
      kind: pb.ReceiptKind.SIGNED,
      requestId: request.requestId,
      capability: request.capability,
      nodePeerId: signer.peerId,
      agentPeerId: lie === 'other_agent' ? Identity.generate().peerId : request.agentPeerId,
      moduleSha256: await sha256(wasm),
      inputSha256: await sha256(input),
      outputSha256: await sha256(OUTPUT),
      guardianPolicyDigest: lie === 'other_policy' ? sha256Sync(utf8('another policy')) : policyDigest,
      egressVerdict: pb.EgressVerdict.PASS,
      egressRuleSetDigest: ruleSetDigest,
      outcome: pb.Outcome.COMPLETED,
      issuedAtMs: BigInt(Date.now()),
      stderrSha256: await sha256(new Uint8Array(0)),
      guardianReportSha256: await sha256(toBinary(pb.GuardianReportSchema, guardian))
    }))
    const receipt = create(pb.ReceiptSchema, { kind: pb.ReceiptKind.SIGNED, body, signature: signer.sign('receipt', body) })
    return create(pb.ResponsePayloadSchema, { stdout: OUTPUT, outcome: pb.Outcome.COMPLETED, guardian, egress, receipt })
  }

  /** The result frame for `request`, with the lie applied; `undefined` sends none. */
  async function result (request: pb.LogicRequest, opened: pb.LogicPayload): Promise<pb.SealedResponse | undefined> {
    const key = responseKey(request)
    const payload = await answer(request, opened.wasm, opened.input)
    switch (lie) {
      case 'no_result': case 'hang': return undefined
      case 'receipt_signature': payload.receipt!.signature[7]! ^= 1; break
      case 'drop_output': payload.stdout = new Uint8Array(0); break
      case 'change_outcome': payload.outcome = pb.Outcome.TIMED_OUT; break
      case 'change_verdict': payload.egress!.verdict = pb.EgressVerdict.REDACTED; break
      case 'replay_receipt': case 'replay_sealed': {
        const old = previous
        if (old === undefined) {
          const sealed = await key.seal(payload)
          previous = { payload, sealed }
          return sealed
        }
        previous = undefined
        if (lie === 'replay_sealed') return old.sealed
        return await key.seal(old.payload)
      }
      default: break
    }
    const sealed = await key.seal(payload)
    if (lie === 'sealed_ciphertext') sealed.ciphertext[3]! ^= 1
    return sealed
  }

  const node: Libp2p = await createLibp2p({
    privateKey: privateKeyFromRaw(identity.libp2pRaw()),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
  await node.handle('/nmp/info/1', async (stream: Stream) => {
    await new FrameReader(stream, 1024).next()
    await writeFrame(stream, toBinary(pb.SignedCapabilityDocumentSchema, signedDocument))
    await stream.close()
  })
  await node.handle('/nmp/logic/1', async (stream: Stream) => {
    const first = streams++ === 0
    const frame = await new FrameReader(stream, 32 * 1024 * 1024).next()
    if (frame === undefined) return
    const request = fromBinary(pb.LogicRequestSchema, frame)
    requests.push(Buffer.from(request.requestId).toString('hex'))
    // A failure before any response: the first stream is reset once its request was read.
    if (lie === 'reset_first' && first) { stream.abort(new Error('shed')); return }
    if (lie === 'refuse_unread') {
      const refusal = create(pb.ErrorSchema, { code: pb.ErrorCode.OVERLOADED, message: 'the node\'s inbound byte budget is exhausted' })
      await writeFrame(stream, toBinary(pb.LogicResponseSchema, create(pb.LogicResponseSchema, { event: { case: 'error', value: refusal } })))
      await stream.close()
      return
    }
    const opened = await openPayload(request)
    const send = async (event: pb.LogicResponse['event'], requestId = request.requestId): Promise<void> => {
      await writeFrame(stream, toBinary(pb.LogicResponseSchema, create(pb.LogicResponseSchema, { requestId, event })))
    }
    if (lie === 'overloaded_first' && requests.length === 1) {
      await send({ case: 'error', value: create(pb.ErrorSchema, { code: pb.ErrorCode.OVERLOADED, message: 'queue full' }) })
      await stream.close()
      return
    }
    const statuses = lie === 'too_many_statuses' ? 65 : 2
    for (let i = 0; i < statuses; i++) {
      const requestId = lie === 'foreign_status' ? Uint8Array.from(request.requestId, (b, j) => j === 0 ? b ^ 1 : b) : request.requestId
      await send({ case: 'status', value: create(pb.StatusSchema, { stage: pb.Stage.RUNNING }) }, requestId)
    }
    const sealed = await result(request, opened)
    if (sealed !== undefined) await send({ case: 'result', value: create(pb.LogicResultSchema, { sealed }) })
    if (lie === 'hang') return await new Promise<void>(() => {})
    await stream.close()
  }, { maxInboundStreams: 64 })

  /** Opens the request's envelope with the request key (the payload, to bind the receipt). */
  async function openPayload (request: pb.LogicRequest): Promise<pb.LogicPayload> {
    const envelope = request.envelope!
    const { requestKey } = keys(request)
    const plaintext = await aesGcmOpen(requestKey, envelope.nonce, requestAad(request), envelope.ciphertext)
    return fromBinary(pb.LogicPayloadSchema, plaintext!)
  }

  const addr = node.getMultiaddrs()[0]!.toString()
  return { addr, peer: identity.toString(), requests, stop: async () => { await node.stop() } }
}
