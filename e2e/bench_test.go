package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm/isa"
)

// BenchmarkHostCallRoundTrip measures one host call on one session: the
// guest's ecalli reaches the client as HostCall, the client sends Resume,
// the guest loops to its next ecalli. Reported: p50 and p99 round trip and
// host calls per second.
//
//	go test -run '^$' -bench HostCallRoundTrip -benchtime 100000x ./e2e
func BenchmarkHostCallRoundTrip(b *testing.B) {
	d := startDaemon(b)
	for _, network := range []string{"tcp", "unix"} {
		b.Run(network, func(b *testing.B) {
			s := open(b, d.dial(b, network))
			inst := check[*pb.Instantiated](b)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.TightLoop(isa.GP08)),
				Gas: 50_000_000_000, Registers: st.Registers(map[int]uint64{7: 1})}))
			id := inst.GetInstanceId()
			if resp := check[*pb.SessionResponse](b)(s.Run(id, nil, nil)); resp.GetHostCall() == nil {
				b.Fatalf("want a host call: %v", resp)
			}
			resume := &pb.Resume{InstanceId: id}
			lat := make([]time.Duration, 0, b.N)
			stopProfile := d.profile(b, network)
			defer stopProfile()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				t0 := time.Now()
				resp, err := s.Resume(resume)
				lat = append(lat, time.Since(t0))
				if err != nil || resp.GetHostCall() == nil {
					b.Fatalf("want a host call: %v %v", resp, err)
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			reportLatency(b, lat, elapsed, "hostcalls/s")
			checkErr(b, s.Close())
		})
	}
}

// BenchmarkInstantiateRoundTrip measures Instantiate + Destroy of a cached
// program over the unix socket (two round trips), as a client sees it.
func BenchmarkInstantiateRoundTrip(b *testing.B) {
	d := startDaemon(b)
	s := open(b, d.dial(b, "unix"))
	req := &pb.Instantiate{Program: st.CodeBlob(st.HostCallLoop(isa.GP08)), Gas: 1000, Registers: st.Registers(nil),
		PageMap: []*pb.PageRange{{Address: st.DataPage, Length: 4096, Access: rw}}}
	check[*pb.Instantiated](b)(s.Instantiate(req)) // into the cache
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		t0 := time.Now()
		inst, err := s.Instantiate(req)
		lat = append(lat, time.Since(t0))
		if err != nil || !inst.GetFromCache() {
			b.Fatalf("instantiate: %v %v", inst, err)
		}
		checkErr(b, s.Destroy(inst.GetInstanceId()))
	}
	b.StopTimer()
	reportLatency(b, lat, time.Since(start), "instantiate+destroy/s")
}

// profile, when PVMD_E2E_PROFILE=DIR is set (and the daemon was started
// with PVMD_PPROF=true in the environment), records the daemon's CPU
// profile while the benchmark runs into DIR/daemon-NAME.pprof.
func (d *daemon) profile(b *testing.B, name string) (stop func()) {
	dir := os.Getenv("PVMD_E2E_PROFILE")
	if dir == "" {
		return func() {}
	}
	base := strings.TrimSuffix(d.metrics, "/metrics")
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get(base + "/debug/pprof/profile?seconds=3")
		if err != nil {
			b.Logf("profile: %v", err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(filepath.Join(dir, "daemon-"+name+".pprof"))
		if err != nil {
			b.Logf("profile: %v", err)
			return
		}
		defer f.Close()
		io.Copy(f, resp.Body)
	}()
	return func() { <-done }
}

func reportLatency(b *testing.B, lat []time.Duration, elapsed time.Duration, rateUnit string) {
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), rateUnit)
}
