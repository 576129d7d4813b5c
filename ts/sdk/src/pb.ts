/** The generated `nmp.v1` protobuf-es types and schemas (from crates/nmp-wire/proto). */

export * from './gen/nmp/v1/capability_pb.js'
export * from './gen/nmp/v1/egress_pb.js'
export * from './gen/nmp/v1/envelope_pb.js'
export * from './gen/nmp/v1/guardian_pb.js'
export * from './gen/nmp/v1/logic_pb.js'
export * from './gen/nmp/v1/receipt_pb.js'
export * from './gen/nmp/v1/service_pb.js'
