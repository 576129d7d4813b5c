/** Per-node stream slots: an agent never opens more logic streams to one node than it admits. */

/** A counting semaphore per key. */
export class Slots {
  readonly #limit: number
  readonly #used = new Map<string, number>()
  readonly #waiting = new Map<string, Array<() => void>>()

  /** At most `limit` holders per key at once. */
  constructor (limit: number) {
    if (!(limit >= 1)) throw new RangeError('at least one stream per node')
    this.#limit = limit
  }

  /** Waits for a slot of `key` (or for `signal`); returns the function that frees it. */
  async acquire (key: string, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted()
    if ((this.#used.get(key) ?? 0) >= this.#limit) {
      await new Promise<void>((resolve, reject) => {
        const queue = this.#waiting.get(key) ?? []
        const wake = (): void => { signal.removeEventListener('abort', abort); resolve() }
        const abort = (): void => {
          const at = queue.indexOf(wake)
          if (at >= 0) queue.splice(at, 1)
          reject(signal.reason)
        }
        queue.push(wake)
        this.#waiting.set(key, queue)
        signal.addEventListener('abort', abort, { once: true })
      })
    } else {
      this.#used.set(key, (this.#used.get(key) ?? 0) + 1)
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.get(key)?.shift()
      // A waiter inherits the slot; otherwise the count drops.
      if (next !== undefined) next()
      else {
        const used = (this.#used.get(key) ?? 1) - 1
        if (used === 0) this.#used.delete(key)
        else this.#used.set(key, used)
      }
      if (this.#waiting.get(key)?.length === 0) this.#waiting.delete(key)
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it fires first. */
export async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const abort = (): void => { clearTimeout(timer); reject(signal.reason) }
    const timer = setTimeout(() => { signal.removeEventListener('abort', abort); resolve() }, ms)
    signal.addEventListener('abort', abort, { once: true })
  })
}
