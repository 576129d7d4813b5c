/** The wire limits of `nmp_wire::limits` (docs/protocol.md, "Framing and limits"). */

/** Largest frame on a libp2p stream: 24 MiB. */
export const MAX_FRAME_BYTES = 24 * 1024 * 1024
/** Largest module: 16 MiB. */
export const MAX_MODULE_BYTES = 16 * 1024 * 1024
/** Largest input: 4 MiB. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024
/** Length of a request id: 16 bytes. */
export const REQUEST_ID_BYTES = 16
/** Longest capability name: 256 bytes. */
export const MAX_CAPABILITY_BYTES = 256
/** Largest capability document: 1 MiB. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024
/** Largest receipt body: 64 KiB. */
export const MAX_RECEIPT_BODY_BYTES = 64 * 1024
