package e2e

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm/isa"
)

// TestLoad runs 64 concurrent sessions (half over TCP, half over the unix
// socket) of 100 runs each: instantiate, run to the host call, resume to the
// halt, destroy. Afterwards nothing is left alive, the daemon's goroutines
// are back to their baseline, and the metrics add up to the work done.
func TestLoad(t *testing.T) {
	const sessions, runs = 64, 100
	const gas = 100_000
	d := startDaemon(t)
	clients := map[string]pb.PvmdServiceClient{"tcp": d.dial(t, "tcp"), "unix": d.dial(t, "unix")}
	var auto string             // the engine "auto" resolves to: the first Info lists
	for _, c := range clients { // connect both before measuring the baseline
		auto = check[*pb.InfoResponse](t)(c.Info(context.Background(), &pb.InfoRequest{})).GetEngines()[0]
	}
	baseline := d.scrape(t).get("go_goroutines")
	if baseline <= 0 {
		t.Fatalf("no go_goroutines metric")
	}

	program := st.CodeBlob(st.HostCallLoop(isa.GP08))
	var gasUsed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range sessions {
		network := "tcp"
		if i%2 == 1 {
			network = "unix"
		}
		wg.Go(func() {
			if err := loadSession(clients[network], program, runs, gas, &gasUsed); err != nil {
				t.Errorf("session %d (%s): %v", i, network, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d sessions x %d runs in %s (%.0f round trips/s)", sessions, runs, elapsed, float64(sessions*runs*4)/elapsed.Seconds())

	m := d.waitMetric(t, "instances, sessions and goroutines back to the baseline", func(m metrics) bool {
		return m.get("pvmd_instances_active") == 0 && m.get("pvmd_sessions_active") == 0 &&
			m.get("pvmd_guest_memory_bytes") == 0 && m.get("pvmd_guest_memory_mappings") == 0 && m.get("go_goroutines") <= baseline
	})
	total := float64(sessions * runs)
	prof := []string{"engine", auto, "profile", "gp-0.8"}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"pvmd_runs_total", append([]string{"status", "host"}, prof...), total},
		{"pvmd_runs_total", append([]string{"status", "halt"}, prof...), total},
		{"pvmd_runs_total", []string{"status", "panic"}, 0},
		{"pvmd_host_calls_total", nil, total},
		{"pvmd_host_call_roundtrip_seconds", nil, total},
		{"pvmd_gas_consumed_total", prof, float64(gasUsed.Load())},
		// 64 sessions asked for the same program at once: compiled once.
		{"pvmd_code_cache_misses_total", nil, 1},
		{"pvmd_code_cache_hits_total", nil, total - 1},
		{"pvmd_compile_seconds", []string{"engine", auto}, 1},
		{"pvmd_code_cache_evictions_total", nil, 0},
		{"grpc_server_started_total", []string{"grpc_method", "Session"}, sessions},
		{"grpc_server_handled_total", []string{"grpc_method", "Session", "grpc_code", "OK"}, sessions},
		{"grpc_server_msg_received_total", []string{"grpc_method", "Session"}, total * 4},
		{"grpc_server_msg_sent_total", []string{"grpc_method", "Session"}, total * 4},
		{"grpc_server_handled_total", []string{"grpc_method", "Info", "grpc_code", "OK"}, 2},
	} {
		if got := m.get(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if b := m.get("pvmd_code_cache_bytes"); b <= 0 {
		t.Errorf("pvmd_code_cache_bytes = %v", b)
	}
	if t.Failed() {
		t.Logf("metrics: %v", m.names())
	}
}

func loadSession(c pb.PvmdServiceClient, program *pb.ProgramSpec, runs int, gas int64, gasUsed *atomic.Int64) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := st.OpenSession(ctx, c)
	if err != nil {
		return err
	}
	for r := range runs {
		inst, err := s.Instantiate(&pb.Instantiate{Program: program, Gas: gas, Registers: st.Registers(nil),
			PageMap: []*pb.PageRange{{Address: st.DataPage, Length: 4096, Access: rw}}})
		if err != nil {
			return fmt.Errorf("run %d: %w", r, err)
		}
		id := inst.GetInstanceId()
		resp, err := s.Run(id, nil, nil)
		if err != nil || resp.GetHostCall() == nil {
			return fmt.Errorf("run %d: want a host call: %v %v", r, resp, err)
		}
		resp, err = s.Resume(&pb.Resume{InstanceId: id}) // φ7 is 0: the loop ends
		if err != nil || resp.GetExited().GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT {
			return fmt.Errorf("run %d: want a halt: %v %v", r, resp, err)
		}
		gasUsed.Add(gas - resp.GetExited().GetGas())
		if err := s.Destroy(id); err != nil {
			return fmt.Errorf("run %d: %w", r, err)
		}
	}
	return s.Close()
}
