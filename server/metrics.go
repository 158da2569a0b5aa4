package server

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/pvmd/pvmd/cache"
	"github.com/pvmd/pvmd/vm"
)

// metrics are pvmd's own Prometheus metrics (the grpc_server_* ones come from
// go-grpc-middleware's provider, registered in NewGRPCServer).
type metrics struct {
	gasConsumed       *prometheus.CounterVec
	runs              *prometheus.CounterVec
	hostCalls         prometheus.Counter
	hostCallRoundtrip prometheus.Histogram
	compileSeconds    *prometheus.HistogramVec

	mu     sync.Mutex
	labels map[labelKey]*labelSet
}

type labelKey struct{ engine, profile string }

// labelSet holds the children of the labelled metrics for one engine and
// profile, resolved once so that runs do not look labels up.
type labelSet struct {
	gas  prometheus.Counter
	runs [vm.HostCall + 1]prometheus.Counter // by vm.Status
}

// gauges read the server's live counts when scraped.
type gauges struct {
	sessions, instances, guestMemory, mappings func() float64
	// guestMemoryLimit is --max-memory in bytes (0: no limit).
	guestMemoryLimit float64
}

func newMetrics(reg prometheus.Registerer, c *cache.Cache, g gauges) *metrics {
	m := &metrics{
		gasConsumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pvmd_gas_consumed_total",
			Help: "Gas consumed by guest programs.",
		}, []string{"engine", "profile"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pvmd_runs_total",
			Help: "Runs (Run, Resume and Invoke requests) by how they stopped: halt, panic, out-of-gas, page-fault or host (a host call).",
		}, []string{"engine", "profile", "status"}),
		hostCalls: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pvmd_host_calls_total",
			Help: "Host calls (ecalli) sent to clients.",
		}),
		hostCallRoundtrip: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pvmd_host_call_roundtrip_seconds",
			Help:    "Time from sending a HostCall to receiving the Resume that answers it.",
			Buckets: prometheus.ExponentialBuckets(5e-6, 2, 20), // 5µs .. 2.6s
		}),
		compileSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pvmd_compile_seconds",
			Help:    "Time to decode and compile a program on a code cache miss.",
			Buckets: prometheus.ExponentialBuckets(1e-5, 4, 12), // 10µs .. 42s
		}, []string{"engine"}),
		labels: make(map[labelKey]*labelSet),
	}
	cacheCounter := func(name, help string, get func(cache.Stats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return get(c.Stats()) })
	}
	reg.MustRegister(
		m.gasConsumed, m.runs, m.hostCalls, m.hostCallRoundtrip, m.compileSeconds,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pvmd_sessions_active", Help: "Sessions open now."}, g.sessions),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pvmd_instances_active",
			Help: "PVM instances alive now (in sessions and in Invoke calls)."}, g.instances),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pvmd_guest_memory_bytes",
			Help: "Guest memory mapped (accessible to the guest) by all instances."}, g.guestMemory),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pvmd_guest_memory_limit_bytes",
			Help: "Guest memory all instances together may map (--max-memory; 0 means no limit)."},
			func() float64 { return g.guestMemoryLimit }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pvmd_guest_memory_mappings",
			Help: "Kernel memory mappings the instances use, by estimate (limited by --max-mappings)."}, g.mappings),
		cacheCounter("pvmd_code_cache_hits_total", "Code cache lookups that found the program compiled (or waited for another request compiling it).",
			func(s cache.Stats) float64 { return float64(s.Hits) }),
		cacheCounter("pvmd_code_cache_misses_total", "Code cache lookups that compiled the program.",
			func(s cache.Stats) float64 { return float64(s.Misses) }),
		cacheCounter("pvmd_code_cache_evictions_total", "Programs evicted from the code cache.",
			func(s cache.Stats) float64 { return float64(s.Evictions) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pvmd_code_cache_bytes", Help: "Bytes of programs in the code cache."},
			func() float64 { return float64(c.Stats().Bytes) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pvmd_code_cache_entries", Help: "Programs in the code cache."},
			func() float64 { return float64(c.Stats().Entries) }),
	)
	return m
}

// registerRuntime adds the Go runtime and process collectors.
func registerRuntime(reg prometheus.Registerer) {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// labelsFor returns the metric children for an engine and profile.
func (m *metrics) labelsFor(engine, profile string) *labelSet {
	k := labelKey{engine, profile}
	m.mu.Lock()
	defer m.mu.Unlock()
	if ls, ok := m.labels[k]; ok {
		return ls
	}
	ls := &labelSet{gas: m.gasConsumed.WithLabelValues(engine, profile)}
	for st := vm.Halt; st <= vm.HostCall; st++ {
		ls.runs[st] = m.runs.WithLabelValues(engine, profile, st.String())
	}
	m.labels[k] = ls
	return ls
}
