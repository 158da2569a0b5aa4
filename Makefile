# The commands the README opens with, and the ones CI runs.
GO ?= go
# The shared data (vectors, benchmark programs): $PVMD_SHARED, or ../shared.
PVMD_SHARED ?= $(abspath ../shared)
export PVMD_SHARED

.PHONY: all build test test-go test-clients vet fmt-check bench fuzz demo

all: build

build:
	$(GO) build -o bin/pvmd ./cmd/pvmd

# Start the daemon on a unix socket, run the demo client against it, stop it.
demo: build
	@dir=$$(mktemp -d); sock=$$dir/pvmd.sock; \
	bin/pvmd serve --listen unix://$$sock --metrics-addr "" --log-level warn & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$dir' EXIT; \
	for i in $$(seq 100); do bin/pvmd health --addr unix://$$sock --timeout 1s >/dev/null 2>&1 && break; sleep 0.1; done; \
	echo "pvmd is serving on unix://$$sock"; \
	bin/pvmd demo --addr unix://$$sock

# The whole test suite: static checks, the client libraries against the real
# daemon, then every Go test (unit, vectors, fuzz corpora, e2e against the
# real binary, the C ABI). Needs ../shared for the vector tests; the client
# suites need what clients/install-deps.sh installs.
test: vet fmt-check test-clients test-go

test-go:
	$(GO) test -count=1 -timeout 15m ./...

test-clients:
	clients/test.sh

vet:
	$(GO) vet ./...
	GOARCH=arm64 $(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Speed of the engines over ../shared/bench (medians: use -count and benchstat),
# then, in the same sitting, the benchmark loops' bound on this CPU at its
# current clock and mixed's loop as PolkaVM lays it out (recompile/DESIGN.md).
bench:
	$(GO) test -run '^$$' -bench Programs -count 5 ./vm/engines
	$(GO) test -run '^$$' -bench LoopBound -count 5 ./recompile

# Each fuzz target for FUZZTIME (default 5m).
FUZZTIME ?= 5m
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDecodeCodeBlob -fuzztime $(FUZZTIME) ./vm/program
	$(GO) test -run '^$$' -fuzz FuzzDecodeStandard -fuzztime $(FUZZTIME) ./vm/program
	$(GO) test -run '^$$' -fuzz FuzzRun -fuzztime $(FUZZTIME) ./vm/interp
