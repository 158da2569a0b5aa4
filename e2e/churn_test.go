package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm/isa"
)

// TestCodeChurn has many sessions compile many different programs at once
// into a cache too small to keep them, so programs are compiled, evicted and
// released concurrently while others run: the daemon must stay up and every
// run must give the right answer.
func TestCodeChurn(t *testing.T) {
	const sessions, programs = 16, 20
	d := startDaemon(t, "--cache-bytes", "64KiB")
	client := d.dial(t, "unix")
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s, err := st.OpenSession(ctx, client)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			for k := range programs {
				// A distinct program per session and round: φ7 ← i·1000 + k, halt.
				want := uint64(i*1000 + k)
				blob := isa.NewAsm(isa.GP08).I(
					isa.Ins{Op: isa.LoadImm, A: 7, Imm: int64(want)},
					isa.Ins{Op: isa.JumpInd, A: 0, Imm: 0}).MustBlob()
				inst, err := s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(blob), Gas: 1000,
					Registers: st.Registers(map[int]uint64{0: st.HaltAddress})})
				if err != nil {
					t.Errorf("session %d program %d: %v", i, k, err)
					return
				}
				resp, err := s.Run(inst.GetInstanceId(), nil, nil)
				ex := resp.GetExited()
				if err != nil || ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT || ex.GetRegisters()[7] != want {
					t.Errorf("session %d program %d: %v %v", i, k, resp, err)
					return
				}
				if err := s.Destroy(inst.GetInstanceId()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	d.healthy(t)
	m := d.scrape(t)
	if ev := m.get("pvmd_code_cache_evictions_total"); ev == 0 {
		t.Errorf("no evictions: the cache did not churn (%s)", fmt.Sprint(m.get("pvmd_code_cache_bytes")))
	}
	if miss := m.get("pvmd_code_cache_misses_total"); miss < sessions*programs {
		t.Errorf("%v cache misses, want one per distinct program (%d)", miss, sessions*programs)
	}
}
