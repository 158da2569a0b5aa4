#!/bin/sh
# Regenerates pvmd/v1/pvmd_pb2*.py from ../../proto/pvmd/v1/pvmd.proto.
# Needs Debian's protoc and gRPC Python plugin:
#   apt-get install protobuf-compiler protobuf-compiler-grpc
# (python3-grpc-tools bundles a protoc too old for proto3 `optional`.)
# The generated files are committed; using the client needs none of this.
set -eu
cd "$(dirname "$0")"
protoc -I ../../proto \
  --python_out=. --pyi_out=. \
  --grpc_out=. --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" \
  pvmd/v1/pvmd.proto
echo "generated: $(ls pvmd/v1/*_pb2*.py* | tr '\n' ' ')"
