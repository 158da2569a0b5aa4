#!/bin/sh
# Regenerates gen/pvmd/v1/pvmd.{pb,grpc.pb}.{h,cc} from ../../proto/pvmd/v1/pvmd.proto
# (or into the folder given as the first argument). Needs protoc and
# grpc_cpp_plugin: apt-get install protobuf-compiler protobuf-compiler-grpc.
# The generated files are committed; they need the protobuf they were made
# with (3.21.x, Debian 12): with another protobuf, run this first.
set -eu
cd "$(dirname "$0")"
out="${1:-gen}"
mkdir -p "$out"
protoc -I ../../proto \
  --cpp_out="$out" \
  --grpc_out="$out" --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" \
  pvmd/v1/pvmd.proto
echo "generated: $(ls "$out"/pvmd/v1/* | tr '\n' ' ')"
