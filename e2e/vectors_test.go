package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pvmd/pvmd/internal/shared"
	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm/vectors"
)

// vectorSets are the four conformance sets run through the daemon.
var vectorSets = []string{"w3f-pvm-v0.4/programs", "polkavm-gp07", "polkavm-gp080", "gas-cost-model/programs"}

// readOnlyWritePanics are the gas-cost-model cases that expect a panic on a
// write to a read-only page, where GP 0.8 (and pvmd) says page fault (see
// ../shared/vectors/README.md); pvmd must report the page fault.
var readOnlyWritePanics = []string{"inst_store_imm_u8_trap_read_only", "inst_store_u8_trap_read_only"}

// engineValues maps the engine names Info reports to the API's values.
var engineValues = map[string]pb.Engine{"interpreter": pb.Engine_ENGINE_INTERPRETER, "recompiler": pb.Engine_ENGINE_RECOMPILER}

// TestVectors runs every case of the four vector sets through Session, on
// every engine the daemon has (one session per set and engine, over the unix
// socket), and compares the outcome with the expected one.
func TestVectors(t *testing.T) {
	root := shared.Require(t, "vectors")
	d := startDaemon(t)
	client := d.dial(t, "unix")
	info := check[*pb.InfoResponse](t)(client.Info(context.Background(), &pb.InfoRequest{}))
	for _, name := range info.GetEngines() {
		engine, ok := engineValues[name]
		if !ok {
			t.Errorf("Info lists an engine the API cannot name: %q", name)
			continue
		}
		t.Run(name, func(t *testing.T) { runVectorSets(t, d, client, root, engine) })
	}
	d.waitMetric(t, "instances and sessions to be freed", func(m metrics) bool {
		return m.get("pvmd_instances_active") == 0 && m.get("pvmd_sessions_active") == 0
	})
}

func runVectorSets(t *testing.T, d *daemon, client pb.PvmdServiceClient, root string, engine pb.Engine) {
	var wg sync.WaitGroup
	for _, set := range vectorSets {
		files, err := vectors.Expand([]string{filepath.Join(root, set)})
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("%s: no vector files", set)
		}
		wg.Go(func() {
			s := open(t, client)
			ran := 0
			for _, path := range files {
				f, err := vectors.Load(path)
				if err != nil {
					t.Errorf("%s: %v", path, err)
					continue
				}
				var diffs []string
				switch {
				case f.Flat != nil:
					diffs, err = runFlat(s, f, engine)
				case len(f.Stepped.Steps) > 0:
					diffs, err = runStepped(s, f, engine)
				default:
					continue // block-cost tables only: nothing to run
				}
				ran++
				if err != nil {
					t.Errorf("%s (%s): %v", f.Name(), set, err)
				}
				if len(diffs) > 0 {
					t.Errorf("%s (%s): %s", f.Name(), set, strings.Join(diffs, "; "))
				}
			}
			if err := s.Close(); err != nil {
				t.Errorf("%s: closing the session: %v", set, err)
			}
			t.Logf("%s: %d cases run through the daemon", set, ran)
		})
	}
	wg.Wait()
}

func access(writable bool) pb.PageAccess {
	if writable {
		return pb.PageAccess_PAGE_ACCESS_READ_WRITE
	}
	return pb.PageAccess_PAGE_ACCESS_READ_ONLY
}

// spec is the ProgramSpec of a vector's code blob.
func spec(f *vectors.File, blob []byte, engine pb.Engine) *pb.ProgramSpec {
	return &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: blob}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB,
		Profile: vectors.ProfileFor(f).String(), Engine: engine}
}

func runFlat(s *st.Session, f *vectors.File, engine pb.Engine) ([]string, error) {
	v := f.Flat
	req := &pb.Instantiate{
		Program:   spec(f, v.Program, engine),
		Gas:       v.InitialGas,
		Registers: v.InitialRegs,
		EntryPc:   v.InitialPC,
	}
	for _, e := range v.InitialPageMap {
		req.PageMap = append(req.PageMap, &pb.PageRange{Address: e.Address, Length: uint64(e.Length), Access: access(e.Writable)})
	}
	for _, c := range v.InitialMemory {
		req.InitialMemory = append(req.InitialMemory, &pb.MemoryChunk{Address: c.Address, Data: c.Contents})
	}
	inst, err := s.Instantiate(req)
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	id := inst.GetInstanceId()
	defer s.Destroy(id)
	resp, err := s.Run(id, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	want := expectation{status: v.ExpectedStatus, pc: v.ExpectedPC, gas: v.ExpectedGas, regs: v.ExpectedRegs, memory: v.ExpectedMemory, fault: v.ExpectedPageFaultAddress}
	return want.compare(s, id, resp, v.InitialPageMap)
}

func runStepped(s *st.Session, f *vectors.File, engine pb.Engine) ([]string, error) {
	v := f.Stepped
	inst, err := s.Instantiate(&pb.Instantiate{
		Program: spec(f, v.Program, engine),
		Gas:     v.InitialGas,
		EntryPc: v.InitialPC,
	})
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	id := inst.GetInstanceId()
	defer s.Destroy(id)
	var mapped []vectors.PageMapEntry
	var last *pb.SessionResponse
	var diffs []string
	for k, step := range v.Steps {
		switch step.Kind {
		case "set-reg":
			err = s.SetRegisters(id, []*pb.RegisterValue{{Index: uint32(step.Reg), Value: step.Value}}, nil)
		case "map":
			err = s.MapPages(id, step.Address, uint64(step.Length), access(step.Writable))
			mapped = append(mapped, vectors.PageMapEntry{Address: step.Address, Length: step.Length, Writable: step.Writable})
		case "write":
			err = s.WriteMemory(id, step.Address, step.Contents, true)
		case "run":
			switch ex := last.GetExited(); {
			case last == nil:
				last, err = s.Run(id, nil, nil)
			case ex.GetStatus() == pb.ExitStatus_EXIT_STATUS_PAGE_FAULT || last.GetHostCall() != nil:
				last, err = s.Resume(&pb.Resume{InstanceId: id})
			default:
				// Halted, panicked or out of gas: the machine repeats its exit.
			}
		case "assert":
			want := expectation{status: step.Status, pc: step.PC, gas: step.Gas, regs: step.Regs, memory: step.Memory, fault: step.PageFaultAddress}
			if slices.Contains(readOnlyWritePanics, v.Name) && want.status == "panic" {
				want.status, want.fault = "page-fault", faultOf(last)
			}
			var d []string
			if d, err = want.compare(s, id, last, mapped); err == nil {
				for _, x := range d {
					diffs = append(diffs, fmt.Sprintf("step %d: %s", k, x))
				}
			}
		default:
			err = fmt.Errorf("unknown step kind %q", step.Kind)
		}
		if err != nil {
			return diffs, fmt.Errorf("step %d (%s): %w", k, step.Kind, err)
		}
	}
	return diffs, nil
}

func faultOf(resp *pb.SessionResponse) *uint32 {
	a := resp.GetExited().GetFaultAddress()
	return &a
}

// expectation is what a vector expects after a run.
type expectation struct {
	status string
	pc     uint32
	gas    int64
	regs   []uint64
	memory []vectors.MemoryChunk
	fault  *uint32
}

var statusNames = map[pb.ExitStatus]string{
	pb.ExitStatus_EXIT_STATUS_HALT:       "halt",
	pb.ExitStatus_EXIT_STATUS_PANIC:      "panic",
	pb.ExitStatus_EXIT_STATUS_OUT_OF_GAS: "out-of-gas",
	pb.ExitStatus_EXIT_STATUS_PAGE_FAULT: "page-fault",
}

// compare checks a Run/Resume response and the instance's state and memory
// (the non-zero bytes of the mapped ranges) against the expectation.
func (w *expectation) compare(s *st.Session, id uint64, resp *pb.SessionResponse, mapped []vectors.PageMapEntry) ([]string, error) {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	var gotStatus string
	var pc, fault uint32
	if hc := resp.GetHostCall(); hc != nil {
		gotStatus, pc = "host", hc.GetPc()
	} else {
		ex := resp.GetExited()
		gotStatus, pc, fault = statusNames[ex.GetStatus()], ex.GetPc(), ex.GetFaultAddress()
	}
	if gotStatus != w.status {
		add("status: got %q, want %q", gotStatus, w.status)
	}
	if pc != w.pc {
		add("pc: got %d, want %d", pc, w.pc)
	}
	state, err := s.GetState(id)
	if err != nil {
		return diffs, err
	}
	if state.GetGas() != w.gas {
		add("gas: got %d, want %d", state.GetGas(), w.gas)
	}
	for i := 0; i < len(w.regs) && i < len(state.GetRegisters()); i++ {
		if got := state.GetRegisters()[i]; got != w.regs[i] {
			add("r%d: got %#x, want %#x", i, got, w.regs[i])
		}
	}
	isFault := gotStatus == "page-fault"
	switch {
	case w.fault != nil && !isFault:
		add("page fault address: got none, want %#x", *w.fault)
	case w.fault == nil && isFault:
		add("page fault address: got %#x, want none", fault)
	case w.fault != nil && *w.fault != fault:
		add("page fault address: got %#x, want %#x", fault, *w.fault)
	}
	got := map[uint32]byte{}
	for _, e := range mapped {
		data, err := s.ReadMemory(id, e.Address, e.Length)
		if status.Code(err) == codes.FailedPrecondition {
			continue // unmapped since
		}
		if err != nil {
			return diffs, err
		}
		for i, b := range data {
			if b != 0 {
				got[e.Address+uint32(i)] = b
			}
		}
	}
	diffs = append(diffs, vectors.CompareMemory(got, w.memory)...)
	return diffs, nil
}
