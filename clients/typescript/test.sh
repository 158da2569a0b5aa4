#!/bin/sh
# Runs the TypeScript client's tests against the real daemon (built from this
# repository with `go build`, or $PVMD_BIN). Needs `npm ci` first.
set -eu
cd "$(dirname "$0")"
exec npm test --silent
