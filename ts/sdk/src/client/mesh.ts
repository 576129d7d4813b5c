/**
 * The agent's libp2p node: Noise, Yamux, identify, ping and a Kademlia client on
 * `/nmp/kad/1.0.0`, over the transports the caller gives (TCP and WebSocket in Node.js,
 * WebSocket in browsers).
 */

import '../polyfill.js'

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId, Transport } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import type { KadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { createLibp2p } from 'libp2p'

import type { Identity } from '../identity.js'

/** The Kademlia protocol of the `nmp.v1` mesh. */
export const KAD_PROTOCOL = '/nmp/kad/1.0.0'
/** The logic protocol. */
export const LOGIC_PROTOCOL = '/nmp/logic/1'
/** The capability-document protocol. */
export const INFO_PROTOCOL = '/nmp/info/1'

/** A transport factory as js-libp2p takes it (`tcp()`, `webSockets()`). */
export type TransportFactory = (components: any) => Transport

/** The services the agent's node runs. */
export type MeshServices = {
  dht: KadDHT
  identify: unknown
  ping: unknown
}

/** How the agent's node is built. */
export interface MeshOptions {
  /** The agent's identity (its libp2p key). */
  identity: Identity
  /** Transports to dial with. */
  transports: TransportFactory[]
  /**
   * Keep private and loopback addresses (DHT answers, dialling): needed on loopback and LANs
   * [default: true]. Set false on the public internet.
   */
  privateAddresses: boolean
}

/** Starts the agent's node (it listens on nothing: an agent only dials out). */
export async function createMesh (options: MeshOptions): Promise<Libp2p<MeshServices>> {
  return await createLibp2p({
    privateKey: privateKeyFromRaw(options.identity.libp2pRaw()),
    addresses: { listen: [] },
    transports: options.transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: options.privateAddresses
      ? { denyDialMultiaddr: () => false }
      : {},
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: KAD_PROTOCOL,
        clientMode: true,
        peerInfoMapper: options.privateAddresses ? passthroughMapper : removePrivateAddressesMapper
      })
    }
  })
}

/** The PeerId of `peer` as base58 text. */
export function peerText (peer: PeerId): string {
  return peer.toString()
}
