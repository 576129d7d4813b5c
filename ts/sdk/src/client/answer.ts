/** What a node returned, after every check passed; and what an agent asks it to run. */

import type { EgressSummary } from '../gen/nmp/v1/egress_pb.js'
import { EgressVerdict } from '../gen/nmp/v1/egress_pb.js'
import type { GuardianReport } from '../gen/nmp/v1/guardian_pb.js'
import type { RequestedLimits, Status } from '../gen/nmp/v1/logic_pb.js'
import { Outcome } from '../gen/nmp/v1/receipt_pb.js'
import type { Receipt, ReceiptBody } from '../gen/nmp/v1/receipt_pb.js'
import type { NmpError } from '../errors.js'

/** A module to run against a capability, with its input and the limits asked for. */
export interface Logic {
  /** The capability to run against, e.g. `demo.hospital/patients`. */
  capability: string
  /** The WebAssembly module (a WASI preview 1 command). */
  wasm: Uint8Array
  /** The bytes the guest reads on stdin [default: none]. */
  input?: Uint8Array | undefined
  /** Limits asked of the node, each clamped to its own; 0 = node default [default: all 0]. */
  limits?: RequestedLimits | undefined
}

/**
 * A node's verified answer: it opened under this request's response key, and the receipt
 * verified against the node, the module, the input and the output, matches the request and
 * binds every field here. Every outcome is an answer, including a rejection by the node's
 * Guardian, a trap and a blocked output: look at `outcome`.
 */
export interface Answer {
  /** The node that answered and signed (base58 PeerId). */
  peer: string
  /** How the job ended, in the protocol's coarse terms. */
  outcome: Outcome
  /** The guest's stdout as it left the node; empty when nothing was allowed to leave. */
  output: Uint8Array
  /** The guest's stderr, when the node's policy returns it. */
  stderr: Uint8Array
  /** The node's Guardian report on the module. */
  guardian: GuardianReport
  /** The egress filter's verdict and the categories it found. */
  egress: EgressSummary
  /** The signed receipt as received (store it; `verifyReceipt` checks it again later). */
  receipt: Receipt
  /** The verified receipt body. */
  receiptBody: ReceiptBody
  /** The status events in the order they arrived. */
  statuses: Status[]
}

/** One node's part of a fan-out: its verified answer, or why there is none. */
export type NodeAnswer =
  | { peer: string, ok: true, answer: Answer }
  | { peer: string, ok: false, error: NmpError }

/** The lower-case name of an outcome, e.g. `egress_blocked`. */
export function outcomeName (outcome: Outcome): string {
  return (Outcome[outcome] ?? 'UNSPECIFIED').toLowerCase()
}

/** The lower-case name of an egress verdict, e.g. `blocked`. */
export function verdictName (verdict: EgressVerdict): string {
  return (EgressVerdict[verdict] ?? 'UNSPECIFIED').toLowerCase()
}
