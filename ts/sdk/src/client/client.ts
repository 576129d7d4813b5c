/**
 * {@link NmpClient}: an agent on the mesh — discovery, verified capability documents and
 * execution with every check of docs/protocol.md ("What an agent checks"). Mirrors
 * `nmp_client::NmpClient`: the same retry and per-node stream rules.
 */

import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'

import { capabilityKey, verifyDocument } from '../capability.js'
import {
  AbortedError, MeshError, NmpError, NodeError, NoProvidersError, NotServedError, RejectedError,
  TimeoutError, TransportError, UntrustedError
} from '../errors.js'
import { SignedCapabilityDocumentSchema } from '../gen/nmp/v1/capability_pb.js'
import { GuardianVerdict } from '../gen/nmp/v1/guardian_pb.js'
import { DescribeRequestSchema } from '../gen/nmp/v1/service_pb.js'
import { ErrorCode, LogicRequestSchema } from '../gen/nmp/v1/logic_pb.js'
import { Identity } from '../identity.js'
import { MAX_DOCUMENT_BYTES } from '../limits.js'
import type { Answer, Logic, NodeAnswer } from './answer.js'
import type { ClientOptions, Discovery, ExecuteEvent, ExecuteOptions, Preflight } from './options.js'
import { DEFAULT_EXECUTE_TIMEOUT_MS, DEFAULT_MAX_STREAMS_PER_NODE, DEFAULT_QUERY_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './options.js'
import { asNmpError, backoffMs, cancelStream, finish, MAX_OVERLOAD_PAUSE_MS, MAX_OVERLOAD_RETRIES, MAX_RESENDS, OVERLOAD_BACKOFF_FACTOR, withSignal } from './streams.js'
import { receive, sealFor, serves, usableKey, MAX_RESPONSE_FRAME_BYTES } from './exchange.js'
import type { Provider } from './exchange.js'
import { FrameError, FrameReader, writeFrame } from './frames.js'
import { createMesh, INFO_PROTOCOL, KAD_PROTOCOL, LOGIC_PROTOCOL } from './mesh.js'
import type { MeshServices, TransportFactory } from './mesh.js'
import { sleep, Slots } from './slots.js'

/** A cached document is refetched this long before it or its newest KEM key expires: 30 s. */
const REFRESH_MARGIN_MS = 30_000n
/** Longest wait, after a dial, for the peer to identify itself: 2 s. */
export const IDENTIFY_WAIT_MS = 2_000
/** Slack on the describe frame: the signature and the protobuf framing. */
const DOCUMENT_FRAME_SLACK = 1024

/** The client's clock: unix time in milliseconds. */
function nowMs (): bigint {
  return BigInt(Date.now())
}

/** An agent on the mesh. Start one with `connect()` (Node.js or browser entry point). */
export class NmpClient {
  /** The agent's identity. */
  readonly identity: Identity
  /** The agent's libp2p node (for advanced use: addresses, events). */
  readonly libp2p: Libp2p<MeshServices>
  readonly #options: Required<Omit<ClientOptions, 'identity' | 'bootstrap' | 'trustedNodes' | 'preflight'>>
  readonly #trusted: Set<string> | undefined
  readonly #preflight: Preflight | undefined
  readonly #documents = new Map<string, Provider>()
  readonly #slots: Slots

  private constructor (identity: Identity, libp2p: Libp2p<MeshServices>, options: ClientOptions) {
    this.identity = identity
    this.libp2p = libp2p
    this.#options = {
      privateAddresses: options.privateAddresses ?? true,
      executeTimeoutMs: options.executeTimeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      maxStreamsPerNode: options.maxStreamsPerNode ?? DEFAULT_MAX_STREAMS_PER_NODE
    }
    this.#trusted = options.trustedNodes === undefined ? undefined : new Set(options.trustedNodes)
    this.#preflight = options.preflight
    this.#slots = new Slots(this.#options.maxStreamsPerNode)
  }

  /**
   * Starts the agent's node over `transports` and dials the bootstrap peers (an unreachable one
   * is not an error: lookups then find nothing). Throws {@link MeshError} when libp2p cannot
   * start or a bootstrap address is malformed.
   */
  static async create (options: ClientOptions & { transports: TransportFactory[] }): Promise<NmpClient> {
    const identity = options.identity ?? Identity.generate()
    let libp2p
    try {
      libp2p = await createMesh({ identity, transports: options.transports, privateAddresses: options.privateAddresses ?? true })
    } catch (cause) {
      throw new MeshError('the mesh could not start', undefined, { cause })
    }
    const client = new NmpClient(identity, libp2p, options)
    await Promise.all((options.bootstrap ?? []).map(async (addr) => {
      try {
        await client.dial(addr)
      } catch (err) {
        if (err instanceof MeshError && err.cause instanceof SyntaxError) throw err
      }
    }))
    return client
  }

  /** The agent's PeerId (base58), as nodes see it. */
  get peerId (): string {
    return this.identity.toString()
  }

  /** Stops the agent's node. */
  async stop (): Promise<void> {
    await this.libp2p.stop()
  }

  /**
   * Dials `addr` (a multiaddr ending in `/p2p/<PeerId>`) and returns the peer's PeerId once
   * it has identified itself (so the DHT knows it speaks Kademlia), or after
   * {@link IDENTIFY_WAIT_MS} when it does not. Throws {@link MeshError}.
   */
  async dial (addr: string, signal?: AbortSignal): Promise<string> {
    let target
    try {
      target = multiaddr(addr)
    } catch (cause) {
      throw new MeshError(`not a multiaddr: ${addr}`, undefined, { cause: new SyntaxError(String(cause)) })
    }
    const identified = new Set<string>()
    let wake: (() => void) | undefined
    const listener = (event: CustomEvent<{ peerId: PeerId }>): void => {
      identified.add(event.detail.peerId.toString())
      wake?.()
    }
    this.libp2p.addEventListener('peer:identify', listener)
    try {
      const connection = await this.libp2p.dial(target, { signal: this.#deadline(this.#options.requestTimeoutMs, signal) })
      const peer = connection.remotePeer.toString()
      const known = await this.libp2p.peerStore.get(connection.remotePeer).catch(() => undefined)
      if (!identified.has(peer) && known?.protocols.includes(KAD_PROTOCOL) !== true) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDENTIFY_WAIT_MS)
          wake = () => { if (identified.has(peer)) { clearTimeout(timer); resolve() } }
        })
      }
      return peer
    } catch (cause) {
      throw new MeshError(`cannot dial ${addr}`, undefined, { cause })
    } finally {
      this.libp2p.removeEventListener('peer:identify', listener)
    }
  }

  /** Whether logic may be sent to `peer`: always without a pin, else only to pinned nodes. */
  trusts (peer: string): boolean {
    return this.#trusted === undefined || this.#trusted.has(peer)
  }

  /**
   * The pre-flight check: runs the configured hook on `wasm` and throws {@link RejectedError}
   * when it refuses. Without a hook every module passes (the node's Guardian still judges it).
   */
  async preflight (wasm: Uint8Array): Promise<void> {
    if (this.#preflight === undefined) return
    const report = await this.#preflight(wasm)
    if (report.verdict !== GuardianVerdict.ACCEPTED && report.verdict !== 'accepted') throw new RejectedError(report)
  }

  /**
   * Fetches `peer`'s capability document over `/nmp/info/1` and verifies it against `peer`
   * (signature, expiry, every KEM key) before anything in it is used; caches it until shortly
   * before it expires. Throws {@link MeshError} or {@link DocumentError}.
   */
  async describe (peer: string, signal?: AbortSignal): Promise<Provider> {
    const peerId = this.#peerId(peer)
    const deadline = this.#deadline(this.#options.requestTimeoutMs, signal)
    let signed
    try {
      const stream = await this.libp2p.dialProtocol(peerId, INFO_PROTOCOL, { signal: deadline })
      try {
        await writeFrame(stream, toBinary(DescribeRequestSchema, create(DescribeRequestSchema)), deadline)
        const frame = await withSignal(new FrameReader(stream, MAX_DOCUMENT_BYTES + DOCUMENT_FRAME_SLACK).next(), deadline)
        if (frame === undefined) throw new FrameError('the stream ended without a document')
        signed = fromBinary(SignedCapabilityDocumentSchema, frame)
      } finally {
        finish(stream)
      }
    } catch (cause) {
      throw new MeshError(`cannot describe ${peer}`, peer, { cause })
    }
    const document = await verifyDocument(signed, peerId.toMultihash().bytes, nowMs())
    const provider: Provider = { peer, peerId: peerId.toMultihash().bytes, document }
    this.#documents.set(peer, provider)
    return provider
  }

  /** The cached document of `peer` while it and a KEM key stay valid, else a fresh one. */
  async #provider (peer: string, signal: AbortSignal): Promise<Provider> {
    const freshUntil = nowMs() + REFRESH_MARGIN_MS
    const cached = this.#documents.get(peer)
    if (cached !== undefined && cached.document.expiresAtMs > freshUntil && usableKey(cached.document, freshUntil) !== undefined) return cached
    return await this.describe(peer, signal)
  }

  /**
   * Finds the nodes that announce `capability` in the DHT (a provider record under
   * {@link capabilityKey}) and describes each, concurrently. Throws {@link MeshError} when the
   * name is too long or the lookup itself fails; an empty discovery means nobody provides it.
   */
  async discover (capability: string, signal?: AbortSignal): Promise<Discovery> {
    const deadline = this.#deadline(this.#options.queryTimeoutMs, signal)
    const key = await capabilityKey(capability)
    const peers = new Set<string>()
    try {
      for await (const event of this.libp2p.services.dht.findProviders(key, { signal: deadline })) {
        if (event.name !== 'PROVIDER') continue
        for (const provider of event.providers) {
          if (provider.multiaddrs.length > 0) await this.libp2p.peerStore.merge(provider.id, { multiaddrs: provider.multiaddrs })
          peers.add(provider.id.toString())
        }
      }
    } catch (cause) {
      if (!(deadline.aborted && peers.size > 0)) throw new MeshError(`provider lookup of \`${capability}\` failed`, undefined, { cause })
    }
    const discovery: Discovery = { providers: [], failed: [] }
    await Promise.all([...peers].map(async (peer) => {
      try {
        const provider = await this.describe(peer, signal)
        if (!serves(provider, capability)) throw new NotServedError(peer, capability)
        if (!this.trusts(peer)) throw new UntrustedError(peer)
        discovery.providers.push(provider)
      } catch (err) {
        discovery.failed.push({ peer, error: asNmpError(err, peer) })
      }
    }))
    return discovery
  }

  /**
   * Runs `logic` on `peer`: pre-flight, seal, send, stream, open, verify. Returns the answer
   * only when its receipt verifies against the node, the module, the input and the output and
   * matches this request; otherwise throws a typed {@link NmpError} and the output is discarded.
   */
  async execute (peer: string, logic: Logic, options: ExecuteOptions = {}): Promise<Answer> {
    await this.preflight(logic.wasm)
    return await this.#runOn(peer, logic, options)
  }

  /**
   * {@link NmpClient.execute} as an async iterator: each status event, then the answer.
   * Leaving the loop early cancels the job (its stream is reset).
   */
  async * events (peer: string, logic: Logic, options: Omit<ExecuteOptions, 'onStatus'> = {}): AsyncGenerator<ExecuteEvent, void, undefined> {
    const queue: ExecuteEvent[] = []
    let wake: (() => void) | undefined
    let settled: { error: unknown } | undefined
    const left = new AbortController()
    const signal = options.signal === undefined ? left.signal : AbortSignal.any([options.signal, left.signal])
    void this.execute(peer, logic, {
      ...options,
      signal,
      onStatus: (from, status) => { queue.push({ kind: 'status', peer: from, status }); wake?.() }
    }).then(
      (answer) => { queue.push({ kind: 'answer', answer }); settled = { error: undefined }; wake?.() },
      (error: unknown) => { settled = { error }; wake?.() })
    try {
      for (;;) {
        const next = queue.shift()
        if (next !== undefined) {
          yield next
          continue
        }
        if (settled !== undefined) {
          if (settled.error !== undefined) throw settled.error
          return
        }
        await new Promise<void>((resolve) => { wake = resolve })
      }
    } finally {
      if (settled === undefined) left.abort(new Error('the caller left the event loop'))
    }
  }

  /**
   * Discovers every provider of `logic.capability` and runs `logic` on each, concurrently. The
   * module is checked once first. Throws {@link RejectedError}, {@link NoProvidersError} or
   * {@link MeshError}; otherwise one {@link NodeAnswer} per provider, including failed ones.
   */
  async executeAll (logic: Logic, options: ExecuteOptions = {}): Promise<NodeAnswer[]> {
    await this.preflight(logic.wasm)
    const discovery = await this.discover(logic.capability, options.signal)
    return await this.executeDiscovered(discovery, logic, options)
  }

  /** Runs `logic` on every provider of a {@link Discovery}, concurrently. */
  async executeDiscovered (discovery: Discovery, logic: Logic, options: ExecuteOptions = {}): Promise<NodeAnswer[]> {
    await this.preflight(logic.wasm)
    if (discovery.providers.length === 0 && discovery.failed.length === 0) throw new NoProvidersError(logic.capability)
    const answers = await Promise.all(discovery.providers.map(async ({ peer }): Promise<NodeAnswer> => {
      try {
        return { peer, ok: true, answer: await this.#runOn(peer, logic, options) }
      } catch (err) {
        return { peer, ok: false, error: asNmpError(err, peer) }
      }
    }))
    return [...answers, ...discovery.failed.map(({ peer, error }): NodeAnswer => ({ peer, ok: false, error }))]
  }

  async #runOn (peer: string, logic: Logic, options: ExecuteOptions): Promise<Answer> {
    if (!this.trusts(peer)) throw new UntrustedError(peer)
    const timeoutMs = options.timeoutMs ?? this.#options.executeTimeoutMs
    const deadline = this.#deadline(timeoutMs, options.signal)
    const stopped = (err: unknown): NmpError => options.signal?.aborted === true
      ? new AbortedError(peer, { cause: options.signal.reason })
      : deadline.aborted ? new TimeoutError(peer, timeoutMs) : asNmpError(err, peer)
    try {
      const provider = await this.#provider(peer, deadline)
      const release = await this.#slots.acquire(peer, deadline)
      try {
        for (let overloaded = 0; ; overloaded++) {
          try {
            return await this.#send(provider, logic, deadline, options.onStatus)
          } catch (err) {
            // The node is saturated and says so before running anything: ask again later,
            // sealed anew (the refused request id may already sit in its replay cache).
            if (!(err instanceof NodeError && err.nodeCode === ErrorCode.OVERLOADED && overloaded < MAX_OVERLOAD_RETRIES)) throw err
            await sleep(Math.min(backoffMs(overloaded, new Uint8Array(0)) * OVERLOAD_BACKOFF_FACTOR, MAX_OVERLOAD_PAUSE_MS), deadline)
          }
        }
      } finally {
        release()
      }
    } catch (err) {
      throw stopped(err)
    }
  }

  /** Seals once and sends, resending the same sealed request while its stream fails early. */
  async #send (provider: Provider, logic: Logic, signal: AbortSignal, onStatus?: ExecuteOptions['onStatus']): Promise<Answer> {
    const peer = provider.peer
    const sealed = await sealFor(this.identity, provider, logic, nowMs())
    const request = toBinary(LogicRequestSchema, sealed.request)
    for (let attempt = 0; ; attempt++) {
      const answered = { value: false }
      try {
        let stream: Stream
        try {
          stream = await this.libp2p.dialProtocol(this.#peerId(peer), LOGIC_PROTOCOL, { signal })
        } catch (cause) {
          throw new MeshError(`cannot open a logic stream to ${peer}`, peer, { cause })
        }
        let written = false
        // Aborting cancels the job: a `Cancel` frame once the request is out (Yamux reports a
        // reset to the node as a half-close, which no longer cancels), then the stream closes.
        const cancel = (): void => { void cancelStream(stream, written ? sealed.request.requestId : undefined) }
        signal.addEventListener('abort', cancel, { once: true })
        try {
          await writeFrame(stream, request, signal)
          written = true
          return await withSignal(receive(provider, sealed, new FrameReader(stream, MAX_RESPONSE_FRAME_BYTES),
            (status) => onStatus?.(peer, status), answered), signal)
        } catch (err) {
          if (err instanceof NmpError || signal.aborted) throw err
          throw new TransportError(peer, err instanceof Error ? err.message : String(err), { cause: err })
        } finally {
          signal.removeEventListener('abort', cancel)
          if (!signal.aborted) finish(stream)
        }
      } catch (err) {
        const early = err instanceof TransportError || (err instanceof MeshError && !signal.aborted)
        if (!early || answered.value || attempt >= MAX_RESENDS || signal.aborted) throw err
        await sleep(backoffMs(attempt, sealed.request.requestId), signal)
      }
    }
  }

  #peerId (peer: string): PeerId {
    try {
      return peerIdFromString(peer)
    } catch (cause) {
      throw new MeshError(`not a PeerId: ${peer}`, peer, { cause })
    }
  }

  /** A signal that fires after `ms` or when `signal` does. */
  #deadline (ms: number, signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(ms)
    return signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  }
}
