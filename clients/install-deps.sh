#!/bin/sh
# Installs what the Python, TypeScript and C++ clients need to build and test
# on Debian 12 / Ubuntu (apt packages; npm ci for the TypeScript client).
# Go (to build pvmd) is not installed here: see the top-level README.
# Then run ./test.sh.
set -eu
cd "$(dirname "$0")"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

pkgs="python3 python3-grpcio python3-protobuf
      protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
      g++ cmake make pkg-config"
# Node.js 18 or newer with npm; Debian's is fine if there is none.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  pkgs="$pkgs nodejs npm"
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $pkgs

(cd typescript && npm ci --no-audit --no-fund)
echo "client dependencies installed"
