#!/bin/sh
# Regenerates what the TypeScript client takes from ../../proto/pvmd/v1/pvmd.proto:
# a copy of the .proto (loaded at run time by @grpc/proto-loader) and its
# TypeScript message types in src/gen (proto-loader-gen-types, with the same
# options src/client.ts loads it with). Needs `npm ci` first. The results are
# committed; building the client needs none of this.
set -eu
cd "$(dirname "$0")"
mkdir -p proto/pvmd/v1
cp ../../proto/pvmd/v1/pvmd.proto proto/pvmd/v1/pvmd.proto
rm -rf src/gen
node_modules/.bin/proto-loader-gen-types --grpcLib=@grpc/grpc-js \
  --longs=String --enums=Number --defaults --oneofs --includeComments \
  -I proto -O src/gen pvmd/v1/pvmd.proto
echo "generated: proto/pvmd/v1/pvmd.proto $(find src/gen -name '*.ts' | sort | tr '\n' ' ')"
