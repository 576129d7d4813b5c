/** How a client is configured, per client and per call, and what its calls return. */

import type { NmpError, PreflightReport } from '../errors.js'
import type { Status } from '../gen/nmp/v1/logic_pb.js'
import type { Identity } from '../identity.js'
import type { Answer } from './answer.js'
import type { Provider } from './exchange.js'

/** Default deadline of one whole execution: 120 s. */
export const DEFAULT_EXECUTE_TIMEOUT_MS = 120_000
/** Default deadline of a describe request, a dial and opening a stream: 10 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
/** Default deadline of one DHT lookup: 30 s. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000
/** Default logic streams open at once to one node (the node's default per-peer limit): 8. */
export const DEFAULT_MAX_STREAMS_PER_NODE = 8
/** The pre-flight hook: judges a module before anything is sent. */
export type Preflight = (wasm: Uint8Array) => PreflightReport | Promise<PreflightReport>

/** How a client joins the mesh. */
export interface ClientOptions {
  /** The agent's identity, which signs every request [default: a fresh one]. */
  identity?: Identity
  /** Bootstrap peers: multiaddrs ending in `/p2p/<PeerId>` [default: none]. */
  bootstrap?: string[]
  /** Keep private and loopback addresses (needed on loopback and LANs) [default: true]. */
  privateAddresses?: boolean
  /** Deadline of one whole execution [default: {@link DEFAULT_EXECUTE_TIMEOUT_MS}]. */
  executeTimeoutMs?: number
  /** Deadline of a dial, a describe and opening a stream [default: {@link DEFAULT_REQUEST_TIMEOUT_MS}]. */
  requestTimeoutMs?: number
  /** Deadline of one DHT lookup [default: {@link DEFAULT_QUERY_TIMEOUT_MS}]. */
  queryTimeoutMs?: number
  /** Logic streams open at once to one node [default: {@link DEFAULT_MAX_STREAMS_PER_NODE}]. */
  maxStreamsPerNode?: number
  /** Pins the nodes logic may be sent to (base58 PeerIds) [default: no pin]. */
  trustedNodes?: string[]
  /**
   * The pre-flight check run on every module before sending [default: none — this package
   * carries no Guardian; pass `@nmp/guardian`'s check here].
   */
  preflight?: Preflight
}

/** Per-call options of an execution. */
export interface ExecuteOptions {
  /** Cancels the call: the stream is reset, which cancels the job on the node. */
  signal?: AbortSignal
  /** This call's deadline [default: the client's execute timeout]. */
  timeoutMs?: number
  /** Called with each status event as it arrives. */
  onStatus?: (peer: string, status: Status) => void
}

/** One event of {@link NmpClient.events}: a status, then the verified answer. */
export type ExecuteEvent = { kind: 'status', peer: string, status: Status } | { kind: 'answer', answer: Answer }

/** Verified providers of a capability, and the ones that failed, with why. */
export interface Discovery {
  /** Providers whose documents verified and list the capability (and are trusted). */
  providers: Provider[]
  /** Providers that could not be described, do not serve it, or are not trusted. */
  failed: Array<{ peer: string, error: NmpError }>
}
