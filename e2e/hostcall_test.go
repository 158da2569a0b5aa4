package e2e

import (
	"context"
	"encoding/binary"
	"testing"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm/isa"
)

const rw = pb.PageAccess_PAGE_ACCESS_READ_WRITE

func open(t testing.TB, c pb.PvmdServiceClient) *st.Session {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := st.OpenSession(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func check[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func checkErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostCalls drives guests that need the client over both transports:
// an ecalli loop whose memory and registers the client reads and writes, a
// page fault answered with MapPages, and an inner instance run while the
// outer one waits at a host call.
func TestHostCalls(t *testing.T) {
	d := startDaemon(t)
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			s := open(t, d.dial(t, network))
			loop := check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{
				Program:   st.CodeBlob(st.HostCallLoop(isa.GP08)),
				Gas:       1_000_000,
				Registers: st.Registers(nil),
				PageMap:   []*pb.PageRange{{Address: st.DataPage, Length: 4096, Access: rw}},
			}))
			id := loop.GetInstanceId()
			resp := check[*pb.SessionResponse](t)(s.Run(id, nil, nil))
			const rounds = 50
			for i := 1; i <= rounds; i++ {
				hc := resp.GetHostCall()
				if hc == nil || hc.GetCallId() != st.LoopCallID {
					t.Fatalf("round %d: want a host call, got %v", i, resp)
				}
				// The guest added 1 to the counter; the client adds 1000.
				counter := binary.LittleEndian.Uint64(check[[]byte](t)(s.ReadMemory(id, st.DataPage, 8)))
				if want := uint64(i + 1000*(i-1)); counter != want {
					t.Fatalf("round %d: counter %d, want %d", i, counter, want)
				}
				if hc.GetRegisters()[7] != uint64(i-1)*7 && i > 1 {
					t.Fatalf("round %d: φ7 = %d, want the %d the client set", i, hc.GetRegisters()[7], (i-1)*7)
				}
				next := uint64(i * 7)
				if i == rounds {
					next = 0
				}
				resp = check[*pb.SessionResponse](t)(s.Resume(&pb.Resume{
					InstanceId:   id,
					SetRegisters: []*pb.RegisterValue{{Index: 7, Value: next}},
					Gas:          st.Ptr(hc.GetGas() - 10), // a host call's cost
					MemoryWrites: []*pb.MemoryChunk{{Address: st.DataPage, Data: binary.LittleEndian.AppendUint64(nil, counter+1000)}},
				}))
			}
			if resp.GetExited().GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT {
				t.Fatalf("after the loop: %v", resp)
			}

			// A page fault, answered with MapPages and a write.
			f := check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.FaultThenHalt(isa.GP08)), Gas: 100, Registers: st.Registers(nil)}))
			resp = check[*pb.SessionResponse](t)(s.Run(f.GetInstanceId(), nil, nil))
			if ex := resp.GetExited(); ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_PAGE_FAULT || ex.GetFaultAddress() != st.FaultPage {
				t.Fatalf("want a page fault: %v", resp)
			}
			checkErr(t, s.MapPages(f.GetInstanceId(), st.FaultPage, 4096, pb.PageAccess_PAGE_ACCESS_READ_ONLY))
			checkErr(t, s.WriteMemory(f.GetInstanceId(), st.FaultPage, []byte{99}, true)) // read-only: needs force
			resp = check[*pb.SessionResponse](t)(s.Resume(&pb.Resume{InstanceId: f.GetInstanceId()}))
			if ex := resp.GetExited(); ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT || ex.GetRegisters()[7] != 100 {
				t.Fatalf("after MapPages: %v", resp)
			}

			// An inner machine while the outer waits at `invoke`.
			outer := check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.CallInner(isa.GP08)), Gas: 100, Registers: st.Registers(nil)}))
			resp = check[*pb.SessionResponse](t)(s.Run(outer.GetInstanceId(), nil, nil))
			if resp.GetHostCall().GetCallId() != st.InvokeCallID {
				t.Fatalf("outer: %v", resp)
			}
			inner := check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Adder(isa.GP08)), Gas: 100,
				Registers: st.Registers(map[int]uint64{7: 1 << 40, 8: 5})}))
			iresp := check[*pb.SessionResponse](t)(s.Run(inner.GetInstanceId(), nil, nil))
			if iresp.GetExited().GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT {
				t.Fatalf("inner: %v", iresp)
			}
			checkErr(t, s.Destroy(inner.GetInstanceId()))
			resp = check[*pb.SessionResponse](t)(s.Resume(&pb.Resume{InstanceId: outer.GetInstanceId(),
				SetRegisters: []*pb.RegisterValue{{Index: 7, Value: iresp.GetExited().GetRegisters()[7]}}}))
			if ex := resp.GetExited(); ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT || ex.GetRegisters()[7] != 1<<40+6 {
				t.Fatalf("outer after inner: %v", resp)
			}
			checkErr(t, s.Close())
		})
	}
	d.waitMetric(t, "instances and sessions to be freed", func(m metrics) bool {
		return m.get("pvmd_instances_active") == 0 && m.get("pvmd_sessions_active") == 0
	})
}
