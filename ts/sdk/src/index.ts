/**
 * `@nmp/sdk`: the TypeScript agent of the Neural Mesh Protocol on js-libp2p (Node.js entry
 * point: TCP and WebSocket). `connect()` starts an {@link NmpClient}.
 */

import './polyfill.js'

import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'

import { NmpClient } from './client/client.js'
import type { ClientOptions } from './client/options.js'
import type { TransportFactory } from './client/mesh.js'

export * from './api.js'

/** Starts an agent over TCP and WebSocket [default transports; pass `transports` to choose]. */
export async function connect (options: ClientOptions & { transports?: TransportFactory[] } = {}): Promise<NmpClient> {
  return await NmpClient.create({ ...options, transports: options.transports ?? [tcp(), webSockets()] })
}
