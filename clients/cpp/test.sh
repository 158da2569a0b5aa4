#!/bin/sh
# Builds the C++ client, its tests and benchmark (CMake, into $PVMD_CPP_BUILD,
# default ./build) and runs the tests with ctest against the real daemon
# (built from this repository with `go build`, or $PVMD_BIN).
set -eu
cd "$(dirname "$0")"
build="${PVMD_CPP_BUILD:-build}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure "$@"
