/** What both entry points (Node.js and browser) export, besides `connect`. */

export * from './crypto.js'
export { outcomeName, verdictName } from './client/answer.js'
export type { Answer, Logic, NodeAnswer } from './client/answer.js'
export { IDENTIFY_WAIT_MS, NmpClient } from './client/client.js'
export {
  DEFAULT_EXECUTE_TIMEOUT_MS, DEFAULT_MAX_STREAMS_PER_NODE, DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS
} from './client/options.js'
export type { ClientOptions, Discovery, ExecuteEvent, ExecuteOptions, Preflight } from './client/options.js'
export { MAX_STATUS_EVENTS } from './client/exchange.js'
export type { Provider } from './client/exchange.js'
export { WRITE_CHUNK_BYTES } from './client/frames.js'
export { INFO_PROTOCOL, KAD_PROTOCOL, LOGIC_PROTOCOL } from './client/mesh.js'
export type { TransportFactory } from './client/mesh.js'
