/**
 * `@nmp/sdk/browser`: the agent in a browser, over WebSocket only (`/ws` on loopback and LANs,
 * `/wss` from public pages). `connect()` starts an {@link NmpClient}.
 */

import './polyfill.js'

import { webSockets } from '@libp2p/websockets'

import { NmpClient } from './client/client.js'
import type { ClientOptions } from './client/options.js'
import type { TransportFactory } from './client/mesh.js'

export * from './api.js'

/** Starts an agent over WebSocket [pass `transports` to choose others]. */
export async function connect (options: ClientOptions & { transports?: TransportFactory[] } = {}): Promise<NmpClient> {
  return await NmpClient.create({ ...options, transports: options.transports ?? [webSockets()] })
}
