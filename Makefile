# The commands the README opens with, and the ones CI runs.
GO ?= go
SHARED ?= $(abspath ../shared)
export PVMD_SHARED := $(SHARED)

.PHONY: all build test vet fmt-check bench fuzz demo

all: build

build:
	$(GO) build -o bin/pvmd ./cmd/pvmd

# The whole test suite: static checks, then every Go test (unit, vectors,
# e2e against the real binary). Needs ../shared for the vector tests.
test: vet fmt-check
	$(GO) test -count=1 -timeout 15m ./...

vet:
	$(GO) vet ./...
	GOARCH=arm64 $(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Speed of the engines over ../shared/bench (medians: use -count and benchstat).
bench:
	$(GO) test -run '^$$' -bench Programs -count 5 ./vm/engines

# Each fuzz target for FUZZTIME (default 5m).
FUZZTIME ?= 5m
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDecodeCodeBlob -fuzztime $(FUZZTIME) ./vm/program
	$(GO) test -run '^$$' -fuzz FuzzDecodeStandard -fuzztime $(FUZZTIME) ./vm/program
	$(GO) test -run '^$$' -fuzz FuzzRun -fuzztime $(FUZZTIME) ./vm/interp
