"""Asks a gRPC server what it serves through grpcio-reflection's client (v1alpha), as a Python
tool would, and prints one JSON object: the services listed, and the input and output types of
each method of nmp.v1.LogicMesh resolved from the file descriptors the server sent.

Usage: describe.py HOST:PORT
"""

import json
import sys

import grpc
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)


def main() -> None:
    with grpc.insecure_channel(sys.argv[1]) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        database = ProtoReflectionDescriptorDatabase(channel)
        services = sorted(database.get_services())
        service = DescriptorPool(database).FindServiceByName("nmp.v1.LogicMesh")
        methods = {
            method.name: [method.input_type.full_name, method.output_type.full_name]
            for method in service.methods
        }
    print(json.dumps({"services": services, "methods": methods}))


if __name__ == "__main__":
    main()
