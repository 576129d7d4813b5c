/**
 * One request and its answer: seal to the node's key, read the response stream, open the
 * output and check the receipt against everything the agent knows (docs/protocol.md, "What an
 * agent checks"). Mirrors `nmp_client::exchange`.
 */

import { fromBinary, toBinary } from '@bufbuild/protobuf'

import { equal, randomBytes, sha256 } from '../bytes.js'
import { seal } from '../envelope.js'
import { NoKemKeyError, NodeError, NotServedError, ProtocolError, ReceiptMismatchError } from '../errors.js'
import type { CapabilityDocument, KemPublicKey } from '../gen/nmp/v1/capability_pb.js'
import { GuardianReportSchema } from '../gen/nmp/v1/guardian_pb.js'
import { ErrorCode, LogicResponseSchema } from '../gen/nmp/v1/logic_pb.js'
import type { LogicRequest, LogicResult, Status } from '../gen/nmp/v1/logic_pb.js'
import { Outcome } from '../gen/nmp/v1/receipt_pb.js'
import type { Identity } from '../identity.js'
import { MAX_FRAME_BYTES, REQUEST_ID_BYTES } from '../limits.js'
import { verifyReceipt } from '../receipt.js'
import type { ResponseKey } from '../response.js'
import type { Answer, Logic } from './answer.js'
import type { FrameReader } from './frames.js'

/** Most status events one request may produce; a node sending more is cut off: 64. */
export const MAX_STATUS_EVENTS = 64

/** A node with its verified capability document. */
export interface Provider {
  /** The node (base58 PeerId). */
  peer: string
  /** Its PeerId bytes. */
  peerId: Uint8Array
  /** Its document, verified against the node and unexpired when fetched. */
  document: CapabilityDocument
}

/** A sealed request and what the agent must remember to check the answer. */
export interface SealedRequest {
  request: LogicRequest
  key: ResponseKey
  moduleSha256: Uint8Array
  inputSha256: Uint8Array
}

/** The KEM key of `document` valid longest, if one is valid past `afterMs`. */
export function usableKey (document: CapabilityDocument, afterMs: bigint): KemPublicKey | undefined {
  return document.kemKeys
    .filter((k) => k.notAfterMs > afterMs)
    .reduce<KemPublicKey | undefined>((best, k) => best === undefined || k.notAfterMs > best.notAfterMs ? k : best, undefined)
}

/** Whether the node's document lists `capability`. */
export function serves (provider: Provider, capability: string): boolean {
  return provider.document.datasets.some((d) => d.capability === capability)
}

/** Seals `logic` to `provider` at `nowMs` under a fresh random request id. */
export async function sealFor (agent: Identity, provider: Provider, logic: Logic, nowMs: bigint): Promise<SealedRequest> {
  if (!serves(provider, logic.capability)) throw new NotServedError(provider.peer, logic.capability)
  const nodeKey = usableKey(provider.document, nowMs)
  if (nodeKey === undefined) throw new NoKemKeyError(provider.peer)
  const input = logic.input ?? new Uint8Array(0)
  const sealed = await seal({
    agent,
    nodePeerId: provider.peerId,
    nodeKey,
    requestId: randomBytes(REQUEST_ID_BYTES),
    capability: logic.capability,
    timestampMs: nowMs,
    limits: logic.limits
  }, logic.wasm, input)
  return {
    request: sealed.request,
    key: sealed.responseKey,
    moduleSha256: await sha256(logic.wasm),
    inputSha256: await sha256(input)
  }
}

/**
 * Reads response frames to the end event, calling `onStatus` on each status, and returns the
 * verified answer. `answered` is set once the node has sent anything.
 */
export async function receive (
  provider: Provider,
  sealed: SealedRequest,
  frames: FrameReader,
  onStatus: (status: Status) => void,
  answered: { value: boolean }
): Promise<Answer> {
  const peer = provider.peer
  const statuses: Status[] = []
  for (;;) {
    const frame = await frames.next()
    if (frame === undefined) throw new ProtocolError(peer, 'the stream ended without a result')
    let response
    try {
      response = fromBinary(LogicResponseSchema, frame)
    } catch {
      throw new ProtocolError(peer, 'a response that does not decode')
    }
    answered.value = true
    // A node refuses a request it did not read (its inbound byte budget is full) with one error
    // carrying no request id; any other response must carry ours.
    const unread = response.requestId.length === 0 && response.event.case === 'error'
    if (!unread && !equal(response.requestId, sealed.request.requestId)) throw new ProtocolError(peer, 'a response for another request')
    const event = response.event
    switch (event.case) {
      case 'status':
        if (statuses.length >= MAX_STATUS_EVENTS) throw new ProtocolError(peer, 'too many status events')
        statuses.push(event.value)
        onStatus(event.value)
        break
      case 'result':
        return await verify(provider, sealed, event.value, statuses)
      case 'error':
        throw new NodeError(peer, knownCode(event.value.code), event.value.message)
      default:
        throw new ProtocolError(peer, 'a response without an event')
    }
  }
}

function knownCode (code: number): ErrorCode {
  return ErrorCode[code] === undefined ? ErrorCode.UNSPECIFIED : code
}

/** Opens the sealed result and verifies the receipt against this request and the payload. */
async function verify (provider: Provider, sealed: SealedRequest, result: LogicResult, statuses: Status[]): Promise<Answer> {
  const peer = provider.peer
  if (result.sealed === undefined) throw new ProtocolError(peer, 'a result without a sealed response')
  const payload = await sealed.key.open(result.sealed, peer)
  if (Outcome[payload.outcome] === undefined) throw new ProtocolError(peer, 'an unknown outcome')
  const { receipt, guardian, egress } = payload
  if (receipt === undefined) throw new ProtocolError(peer, 'a result without a receipt')
  if (guardian === undefined) throw new ProtocolError(peer, 'a result without a Guardian report')
  if (egress === undefined) throw new ProtocolError(peer, 'a result without an egress verdict')
  const body = await verifyReceipt(receipt, { node: provider.peerId, moduleSha256: sealed.moduleSha256, output: payload.stdout })
  const policy = provider.document.policy
  const checks: Array<[string, boolean]> = [
    ['request_id', equal(body.requestId, sealed.request.requestId)],
    ['agent_peer_id', equal(body.agentPeerId, sealed.request.agentPeerId)],
    ['input_sha256', equal(body.inputSha256, sealed.inputSha256)],
    ['capability', body.capability === sealed.request.capability],
    ['outcome', body.outcome === payload.outcome],
    ['stderr_sha256', equal(body.stderrSha256, await sha256(payload.stderr))],
    ['guardian_report_sha256', equal(body.guardianReportSha256, await sha256(toBinary(GuardianReportSchema, guardian, { writeUnknownFields: false })))],
    ['egress_verdict', body.egressVerdict === egress.verdict],
    ['egress_categories', body.egressCategories.length === egress.categories.length && body.egressCategories.every((c, i) => c === egress.categories[i])],
    ['egress_rule_set_digest', equal(body.egressRuleSetDigest, egress.ruleSetDigest)],
    ['guardian_policy_digest', policy === undefined || equal(policy.guardianPolicyDigest, body.guardianPolicyDigest)]
  ]
  const failed = checks.find(([, ok]) => !ok)
  if (failed !== undefined) throw new ReceiptMismatchError(peer, failed[0])
  return { peer, outcome: payload.outcome, output: payload.stdout, stderr: payload.stderr, guardian, egress, receipt, receiptBody: body, statuses }
}

/** Largest response frame: the protocol's frame limit (24 MiB). */
export const MAX_RESPONSE_FRAME_BYTES = MAX_FRAME_BYTES
