/**
 * One protobuf message per frame on libp2p streams: an unsigned LEB128 varint length, then the
 * bytes (docs/protocol.md, "Framing and limits"). Writes go out in bounded chunks so the
 * muxer never sends a Yamux DATA frame larger than rust-yamux accepts.
 */

import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'

/**
 * Largest piece handed to the stream at once, and so the largest Yamux DATA frame it becomes:
 * 64 KiB (rust-yamux refuses frame bodies over 1 MiB and drops the whole connection).
 */
export const WRITE_CHUNK_BYTES = 64 * 1024

/** A varint is at most 10 bytes; a length needs at most 5 (frames are under 4 GiB). */
const MAX_VARINT_BYTES = 5

/** The varint length prefix of a `length`-byte frame. */
export function lengthPrefix (length: number): Uint8Array {
  const out: number[] = []
  let n = length
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/**
 * Writes one frame in chunks of at most {@link WRITE_CHUNK_BYTES}, handing the stream the next
 * chunk only once it has passed the previous one to the muxer: the stream's buffer never holds
 * more than one chunk, so no DATA frame is larger than one chunk.
 */
export async function writeFrame (stream: Stream, message: Uint8Array, signal?: AbortSignal): Promise<void> {
  const framed = new Uint8ArrayList(lengthPrefix(message.length), message)
  for (let at = 0; at < framed.byteLength; at += WRITE_CHUNK_BYTES) {
    await flushed(stream, signal)
    stream.send(framed.subarray(at, Math.min(at + WRITE_CHUNK_BYTES, framed.byteLength)))
  }
}

/**
 * Resolves once the stream's write buffer is empty and it needs no drain. `stream.onDrain()`
 * cannot serve here: in @libp2p/utils 7.4 its promise is never renewed after the first drain,
 * so later calls return at once and the buffer grows into one send-window-sized frame (which
 * rust-yamux refuses, dropping the connection).
 */
async function flushed (stream: Stream, signal?: AbortSignal): Promise<void> {
  while (stream.writableNeedsDrain || stream.writeBufferLength > 0) {
    signal?.throwIfAborted()
    await new Promise<void>((resolve, reject) => {
      const done = (): void => { cleanup(); resolve() }
      const closed = (): void => { cleanup(); reject(new FrameError('the stream closed while writing')) }
      const abort = (): void => { cleanup(); reject(signal?.reason) }
      const cleanup = (): void => {
        stream.removeEventListener('drain', done)
        stream.removeEventListener('idle', done)
        stream.removeEventListener('close', closed)
        signal?.removeEventListener('abort', abort)
      }
      stream.addEventListener('drain', done)
      stream.addEventListener('idle', done)
      stream.addEventListener('close', closed)
      signal?.addEventListener('abort', abort)
    })
  }
}

/** Why a frame could not be read. */
export class FrameError extends Error {
  override readonly name = 'FrameError'
}

/** Reads frames off a stream, refusing one longer than `maxBytes` from its prefix alone. */
export class FrameReader {
  readonly #source: AsyncIterator<Uint8Array | Uint8ArrayList>
  readonly #buffer = new Uint8ArrayList()
  readonly #maxBytes: number

  constructor (stream: AsyncIterable<Uint8Array | Uint8ArrayList>, maxBytes: number) {
    this.#source = stream[Symbol.asyncIterator]()
    this.#maxBytes = maxBytes
  }

  /** The next frame, or `undefined` when the stream ended cleanly between frames. */
  async next (): Promise<Uint8Array | undefined> {
    let length: number | undefined
    for (;;) {
      if (length === undefined) length = this.#length()
      if (length !== undefined && this.#buffer.byteLength >= length) {
        const frame = this.#buffer.subarray(0, length)
        this.#buffer.consume(length)
        return frame
      }
      const { done, value } = await this.#source.next()
      if (done === true) {
        if (this.#buffer.byteLength === 0 && length === undefined) return undefined
        throw new FrameError('the stream ended inside a frame')
      }
      this.#buffer.append(value)
    }
  }

  /** Parses and consumes the length prefix when it is complete; checks it against the limit. */
  #length (): number | undefined {
    let length = 0
    for (let i = 0; i < Math.min(this.#buffer.byteLength, MAX_VARINT_BYTES); i++) {
      const byte = this.#buffer.get(i)
      length += (byte & 0x7f) * 2 ** (7 * i)
      if ((byte & 0x80) === 0) {
        if (length > this.#maxBytes) throw new FrameError(`a frame of ${length} bytes, limit ${this.#maxBytes}`)
        this.#buffer.consume(i + 1)
        return length
      }
    }
    if (this.#buffer.byteLength >= MAX_VARINT_BYTES) throw new FrameError('a frame length prefix longer than 5 bytes')
    return undefined
  }
}
