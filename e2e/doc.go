// Package e2e tests the pvmd binary as its users run it: it builds
// cmd/pvmd, starts `pvmd serve` on a loopback TCP port and a unix socket,
// and talks to it over gRPC as a JAM node would (sessions, host calls,
// conformance vectors, bad input, load, metrics, shutdown). Benchmarks
// measure the host-call round trip over both transports.
package e2e
