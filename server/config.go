package server

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm"
)

// Limits bound what clients can make the server do. Zero means no limit
// (except MaxMessageBytes, where zero means the default).
type Limits struct {
	// MaxMessageBytes bounds every request and response.
	MaxMessageBytes int
	// MaxSessions bounds the sessions open at once.
	MaxSessions int
	// MaxInstancesPerSession bounds the instances alive in one session.
	MaxInstancesPerSession int
	// MaxInstances bounds the instances alive in the whole server (each
	// reserves 4 GiB of virtual address space).
	MaxInstances int
	// MaxGuestMemoryPerInstance bounds the guest memory one instance maps.
	MaxGuestMemoryPerInstance uint64
	// MaxGuestMemoryTotal bounds the guest memory all instances map.
	MaxGuestMemoryTotal uint64
	// MaxGasPerRun bounds the gas an instance may be given.
	MaxGasPerRun int64
	// IdleSessionTimeout closes a session that sends no request for this long.
	IdleSessionTimeout time.Duration
	// MaxRangesPerInstance bounds the separate mapped ranges of one
	// instance's guest memory (each costs the process kernel mappings).
	MaxRangesPerInstance int
	// MaxMappings bounds the kernel memory mappings all instances may use,
	// by estimate. The kernel limits a process to vm.max_map_count (65530 by
	// default) and the daemon fails when it runs out, so the default is
	// three quarters of it.
	MaxMappings int
}

// DefaultLimits are the limits of a server started without flags.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes:           64 << 20,
		MaxSessions:               1024,
		MaxInstancesPerSession:    64,
		MaxInstances:              1024,
		MaxGuestMemoryPerInstance: 1 << 30,
		MaxGuestMemoryTotal:       16 << 30,
		MaxGasPerRun:              100_000_000_000,
		IdleSessionTimeout:        10 * time.Minute,
		MaxRangesPerInstance:      4096,
		MaxMappings:               defaultMaxMappings(),
	}
}

// defaultMaxMappings is three quarters of the kernel's per-process mapping
// limit, leaving the rest to the Go runtime and libraries.
func defaultMaxMappings() int {
	n := 65530
	if b, err := os.ReadFile("/proc/sys/vm/max_map_count"); err == nil {
		if v, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && v > 0 {
			n = v
		}
	}
	return n / 4 * 3
}

// Config configures a Server.
type Config struct {
	Limits
	// CacheBytes bounds the code cache.
	CacheBytes int64
	// Version is reported by Info.
	Version string
	// Logger receives the server's logs (slog.Default() when nil).
	Logger *slog.Logger
	// Registry receives the metrics (a new registry when nil).
	Registry *prometheus.Registry
	// Engines are the engines to offer, fastest first (every engine this
	// build has when nil; see engines.go).
	Engines []vm.Engine
}

// DefaultConfig is the configuration of a server started without flags.
func DefaultConfig() Config {
	return Config{Limits: DefaultLimits(), CacheBytes: 256 << 20, Version: "dev"}
}

func (c *Config) validate() error {
	l := &c.Limits
	if l.MaxMessageBytes == 0 {
		l.MaxMessageBytes = DefaultLimits().MaxMessageBytes
	}
	switch {
	case l.MaxMessageBytes < 64<<10:
		return fmt.Errorf("max message size %d is below 64 KiB", l.MaxMessageBytes)
	case l.MaxSessions < 0, l.MaxInstancesPerSession < 0, l.MaxInstances < 0, l.MaxRangesPerInstance < 0, l.MaxMappings < 0:
		return fmt.Errorf("negative session, instance or mapping limit")
	case l.MaxGasPerRun < 0:
		return fmt.Errorf("negative gas limit %d", l.MaxGasPerRun)
	case l.IdleSessionTimeout < 0:
		return fmt.Errorf("negative idle session timeout %s", l.IdleSessionTimeout)
	case c.CacheBytes < 0:
		return fmt.Errorf("negative code cache size %d", c.CacheBytes)
	}
	return nil
}

func (l *Limits) proto(cacheBytes int64) *pb.Limits {
	return &pb.Limits{
		MaxMessageBytes:           uint64(l.MaxMessageBytes),
		MaxSessions:               uint64(l.MaxSessions),
		MaxInstancesPerSession:    uint64(l.MaxInstancesPerSession),
		MaxInstances:              uint64(l.MaxInstances),
		MaxGuestMemoryPerInstance: l.MaxGuestMemoryPerInstance,
		MaxGuestMemoryTotal:       l.MaxGuestMemoryTotal,
		MaxGasPerRun:              l.MaxGasPerRun,
		IdleSessionTimeout:        durationpb.New(l.IdleSessionTimeout),
		CodeCacheBytes:            uint64(cacheBytes),
		MaxRangesPerInstance:      uint64(l.MaxRangesPerInstance),
	}
}
