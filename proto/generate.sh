#!/bin/sh
# Regenerates the Go code for proto/pvmd/v1 and lints the API.
# Needs (versions in ../shared/TOOLCHAIN.md):
#   go install github.com/bufbuild/buf/cmd/buf@v1.70.0
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
#   go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
# The generated files are committed, so building pvmd needs none of these.
set -eu
cd "$(dirname "$0")"
PATH="$(go env GOPATH)/bin:$PATH"
buf lint
buf generate
if [ -n "$(gofmt -l pvmd)" ]; then echo "generated code is not gofmt-clean" >&2; exit 1; fi
echo "generated: $(ls pvmd/v1/*.pb.go | tr '\n' ' ')"
