// Package e2e tests the pvmd binary as its users run it: it builds
// cmd/pvmd, starts `pvmd serve` on a loopback TCP port and a unix socket,
// and talks to it over gRPC as a JAM node would (sessions, host calls,
// conformance vectors on every engine, bad input, load, metrics, TLS,
// shutdown). The vector test needs ../shared (or $PVMD_SHARED) and skips
// without it.
//
// Benchmarks measure the host-call round trip on one session over TCP and
// over the unix socket, and Instantiate of a cached program:
//
//	go test -run '^$' -bench . -benchtime 100000x ./e2e
//
// Environment:
//   - PVMD_E2E_RACE=1 builds the daemon with the race detector.
//   - PVMD_E2E_PROFILE=DIR with PVMD_PPROF=true writes the daemon's CPU
//     profile during the host-call benchmark to DIR/daemon-NETWORK.pprof.
package e2e
