/** Stream handling and retry pacing of the client (the same rules as `nmp_client`). */

import { create, toBinary } from '@bufbuild/protobuf'
import type { Stream } from '@libp2p/interface'

import { NmpError, TransportError } from '../errors.js'
import { CancelSchema } from '../gen/nmp/v1/service_pb.js'
import { writeFrame } from './frames.js'

/** Most times a request is resent when its stream failed before the node answered: 5. */
export const MAX_RESENDS = 5
/** Most times an `OVERLOADED` request is sealed and sent again: 8. */
export const MAX_OVERLOAD_RETRIES = 8
/** An `OVERLOADED` pause is this many times a failed stream's: 5 (50 ms doubling). */
export const OVERLOAD_BACKOFF_FACTOR = 5
/** Longest pause between two `OVERLOADED` retries: 1 s. */
export const MAX_OVERLOAD_PAUSE_MS = 1_000

/**
 * The pause before resend `attempt`: 10 ms doubling, plus up to 15 ms of jitter taken from the
 * (random) request id so that agents refused together do not return together.
 */
export function backoffMs (attempt: number, requestId: Uint8Array): number {
  return 10 * 2 ** Math.min(attempt, 10) + ((requestId[attempt] ?? 0) % 16)
}

/**
 * Cancels the job on `stream`: writes a `Cancel` frame for `requestId` (when the request was
 * sent whole), half-closes so it is flushed, and resets the stream after at most 1 s.
 */
export async function cancelStream (stream: Stream, requestId: Uint8Array | undefined): Promise<void> {
  try {
    if (requestId !== undefined && stream.writeStatus === 'writable') {
      const timeout = AbortSignal.timeout(1_000)
      await writeFrame(stream, toBinary(CancelSchema, create(CancelSchema, { requestId })), timeout)
      await stream.close({ signal: timeout })
    }
  } catch {
    // The stream is reset below either way.
  } finally {
    stream.abort(new Error('cancelled by the agent'))
  }
}

/** Closes a finished stream in the background (resets it if it does not close in time). */
export function finish (stream: Stream): void {
  if (stream.status !== 'open') return
  stream.close({ signal: AbortSignal.timeout(1_000) }).catch((err: Error) => { stream.abort(err) })
}

/** Races `promise` against `signal`. */
export async function withSignal<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const abort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', abort, { once: true })
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', abort) })
  })
}

/** `err` as an {@link NmpError} (an unexpected failure becomes a transport error). */
export function asNmpError (err: unknown, peer: string): NmpError {
  if (err instanceof NmpError) return err
  return new TransportError(peer, err instanceof Error ? err.message : String(err), { cause: err })
}
