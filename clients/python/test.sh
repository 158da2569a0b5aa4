#!/bin/sh
# Runs the Python client's tests against the real daemon (built from this
# repository with `go build`, or $PVMD_BIN). Needs /usr/bin/python3 with
# Debian's python3-grpcio and python3-protobuf.
set -eu
cd "$(dirname "$0")"
exec /usr/bin/python3 -m unittest discover -s . -t . -p 'test_*.py' "$@"
