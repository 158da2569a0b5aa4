package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/pvmd/pvmd/cache"
	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/recompile"
	"github.com/pvmd/pvmd/server"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

const rw = pb.PageAccess_PAGE_ACCESS_READ_WRITE

func start(t *testing.T, mod func(*server.Config)) (*st.Harness, *st.Session) {
	t.Helper()
	cfg := server.DefaultConfig()
	// Only the interpreter, so that "auto" and the missing-engine case do
	// not depend on which engines this build has.
	cfg.Engines = []vm.Engine{interp.New()}
	if mod != nil {
		mod(&cfg)
	}
	h := st.Start(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := st.OpenSession(ctx, h.Client)
	if err != nil {
		t.Fatal(err)
	}
	return h, s
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantCode(t *testing.T, err error, code codes.Code, substr string) {
	t.Helper()
	if status.Code(err) != code || !strings.Contains(status.Convert(err).Message(), substr) {
		t.Fatalf("got %v, want %s containing %q", err, code, substr)
	}
}

func loopInstance(t *testing.T, s *st.Session) *pb.Instantiated {
	t.Helper()
	return must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{
		Program:   st.CodeBlob(st.HostCallLoop(isa.GP08)),
		Gas:       1_000_000,
		Registers: st.Registers(nil),
		PageMap:   []*pb.PageRange{{Address: st.DataPage, Length: 4096, Access: rw}},
	}))
}

func TestHostCallLoop(t *testing.T) {
	h, s := start(t, nil)
	inst := loopInstance(t, s)
	if inst.GetFromCache() || inst.GetEngine() != "interpreter" || inst.GetProfile() != "gp-0.8" || len(inst.GetCodeHash()) != 32 {
		t.Fatalf("instantiated %v", inst)
	}
	id := inst.GetInstanceId()
	resp := must[*pb.SessionResponse](t)(s.Run(id, nil, nil))
	lastGas := int64(1_000_000)
	for i := 1; i <= 5; i++ {
		hc := resp.GetHostCall()
		if hc == nil || hc.GetCallId() != st.LoopCallID || hc.GetInstanceId() != id || len(hc.GetRegisters()) != 13 {
			t.Fatalf("round %d: %v", i, resp)
		}
		if hc.GetGas() >= lastGas {
			t.Fatalf("round %d: gas %d not below %d", i, hc.GetGas(), lastGas)
		}
		lastGas = hc.GetGas()
		// The guest's counter is in memory; read it, then bump it by 100.
		mem := must[[]byte](t)(s.ReadMemory(id, st.DataPage, 8))
		counter := binary.LittleEndian.Uint64(mem)
		if want := uint64(i + 100*(i-1)); counter != want {
			t.Fatalf("round %d: counter %d, want %d", i, counter, want)
		}
		state := must[*pb.InstanceState](t)(s.GetState(id))
		if state.GetRunState() != pb.RunState_RUN_STATE_AT_HOST_CALL || state.GetCallId() != st.LoopCallID || state.GetPc() != hc.GetPc() {
			t.Fatalf("state %v", state)
		}
		r7 := uint64(1)
		if i == 5 {
			r7 = 0 // stop the loop
		}
		resp = must[*pb.SessionResponse](t)(s.Resume(&pb.Resume{
			InstanceId:   id,
			SetRegisters: []*pb.RegisterValue{{Index: 7, Value: r7}, {Index: 9, Value: 0xabc}},
			MemoryWrites: []*pb.MemoryChunk{{Address: st.DataPage, Data: binary.LittleEndian.AppendUint64(nil, counter+100)}},
		}))
	}
	ex := resp.GetExited()
	if ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT || ex.GetRegisters()[9] != 0xabc {
		t.Fatalf("exit %v", resp)
	}
	// Run again from the entry: memory is kept.
	resp = must[*pb.SessionResponse](t)(s.Run(id, nil, st.Ptr[int64](1000)))
	if resp.GetHostCall() == nil {
		t.Fatalf("rerun: %v", resp)
	}
	if mem := must[[]byte](t)(s.ReadMemory(id, st.DataPage, 8)); binary.LittleEndian.Uint64(mem) != 506 {
		t.Fatalf("counter after rerun: %d", binary.LittleEndian.Uint64(mem))
	}
	// A verdict ends the run at the ecalli.
	resp = must[*pb.SessionResponse](t)(s.Resume(&pb.Resume{InstanceId: id, EndWith: pb.ExitStatus_EXIT_STATUS_PANIC}))
	if ex := resp.GetExited(); ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_PANIC || ex.GetPc() != resp.GetExited().GetPc() {
		t.Fatalf("verdict: %v", resp)
	}
	_, err := s.Resume(&pb.Resume{InstanceId: id})
	wantCode(t, err, codes.FailedPrecondition, "no host call or page fault pending (it is finished)")

	// The same program again comes from the cache, also by hash.
	again := loopInstance(t, s)
	if !again.GetFromCache() || again.GetInstanceId() == id {
		t.Fatalf("second instantiate: %v", again)
	}
	byHash := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: &pb.ProgramSpec{
		Program: &pb.ProgramSpec_CodeHash{CodeHash: inst.GetCodeHash()}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB}}))
	if !byHash.GetFromCache() {
		t.Fatalf("by hash: %v", byHash)
	}
	// By hash under another profile: built from the cached bytes.
	other := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: &pb.ProgramSpec{
		Program: &pb.ProgramSpec_CodeHash{CodeHash: inst.GetCodeHash()}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB, Profile: "gp-0.8/per-instruction"}}))
	if other.GetFromCache() || other.GetProfile() != "gp-0.8/per-instruction" {
		t.Fatalf("by hash, other profile: %v", other)
	}
	if stats := h.Server.Cache().Stats(); stats.Entries != 2 || stats.Hits != 2 || stats.Misses != 2 {
		t.Fatalf("cache stats %+v", stats)
	}
	if err := s.Destroy(id); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetState(id)
	wantCode(t, err, codes.NotFound, "get_state.instance_id: no instance 1 in this session")
}

func TestPageFaultAndInner(t *testing.T) {
	_, s := start(t, nil)
	// A page fault answered with MapPages.
	f := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.FaultThenHalt(isa.GP08)), Gas: 1000, Registers: st.Registers(nil)}))
	resp := must[*pb.SessionResponse](t)(s.Run(f.GetInstanceId(), nil, nil))
	if ex := resp.GetExited(); ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_PAGE_FAULT || ex.GetFaultAddress() != st.FaultPage {
		t.Fatalf("want a page fault at %#x: %v", st.FaultPage, resp)
	}
	_, err := s.Resume(&pb.Resume{InstanceId: f.GetInstanceId(), EndWith: pb.ExitStatus_EXIT_STATUS_HALT})
	wantCode(t, err, codes.FailedPrecondition, "only a host call can end the run")
	must[struct{}](t)(struct{}{}, s.MapPages(f.GetInstanceId(), st.FaultPage, 4096, rw))
	must[struct{}](t)(struct{}{}, s.WriteMemory(f.GetInstanceId(), st.FaultPage, []byte{41}, false))
	resp = must[*pb.SessionResponse](t)(s.Resume(&pb.Resume{InstanceId: f.GetInstanceId()}))
	if ex := resp.GetExited(); ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT || ex.GetRegisters()[7] != 42 {
		t.Fatalf("after mapping: %v", resp)
	}

	// An inner instance run while the outer one waits at a host call.
	outer := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.CallInner(isa.GP08)), Gas: 1000, Registers: st.Registers(nil)}))
	resp = must[*pb.SessionResponse](t)(s.Run(outer.GetInstanceId(), nil, nil))
	if resp.GetHostCall().GetCallId() != st.InvokeCallID {
		t.Fatalf("outer: %v", resp)
	}
	inner := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Adder(isa.GP08)), Gas: 100,
		Registers: st.Registers(map[int]uint64{7: 30, 8: 12})}))
	iresp := must[*pb.SessionResponse](t)(s.Run(inner.GetInstanceId(), nil, nil))
	sum := iresp.GetExited().GetRegisters()[7]
	if sum != 42 {
		t.Fatalf("inner: %v", iresp)
	}
	must[struct{}](t)(struct{}{}, s.Destroy(inner.GetInstanceId()))
	resp = must[*pb.SessionResponse](t)(s.Resume(&pb.Resume{InstanceId: outer.GetInstanceId(), SetRegisters: []*pb.RegisterValue{{Index: 7, Value: sum}}}))
	if ex := resp.GetExited(); ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT || ex.GetRegisters()[7] != 43 {
		t.Fatalf("outer after inner: %v", resp)
	}
}

func TestBadRequests(t *testing.T) {
	h, s := start(t, func(c *server.Config) {
		c.MaxInstancesPerSession = 3
		c.MaxGasPerRun = 1 << 20
		c.MaxGuestMemoryPerInstance = 1 << 20
	})
	loop := st.HostCallLoop(isa.GP08)
	inst := loopInstance(t, s)
	id := inst.GetInstanceId()
	cases := []struct {
		name string
		req  *pb.SessionRequest
		code codes.Code
		msg  string
	}{
		{"empty", &pb.SessionRequest{}, codes.InvalidArgument, "request: empty request"},
		{"truncated blob", instReq(&pb.Instantiate{Program: st.CodeBlob(loop[:len(loop)-3])}), codes.InvalidArgument, "instantiate.program.program_blob: malformed program"},
		{"absurd length", instReq(&pb.Instantiate{Program: st.CodeBlob([]byte{0, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})}), codes.InvalidArgument, "over the limit"},
		{"no format", instReq(&pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: loop}}}), codes.InvalidArgument, "instantiate.program.format"},
		{"no program", instReq(&pb.Instantiate{Program: &pb.ProgramSpec{Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB}}), codes.InvalidArgument, "instantiate.program.program: missing"},
		{"bad profile", instReq(&pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: loop}, Format: 1, Profile: "gp-9"}}), codes.InvalidArgument, "instantiate.program.profile: unknown profile"},
		{"no recompiler", instReq(&pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: loop}, Format: 1, Engine: pb.Engine_ENGINE_RECOMPILER}}), codes.FailedPrecondition, "instantiate.program.engine"},
		{"short hash", instReq(&pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_CodeHash{CodeHash: []byte{1, 2}}, Format: 1}}), codes.InvalidArgument, "a code hash is 32"},
		{"unknown hash", instReq(&pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_CodeHash{CodeHash: make([]byte, 32)}, Format: 1}}), codes.NotFound, "instantiate.program.code_hash: no program with hash"},
		{"registers", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), Registers: []uint64{1, 2}}), codes.InvalidArgument, "instantiate.registers: 2 values"},
		{"negative gas", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), Gas: -1}), codes.InvalidArgument, "instantiate.gas: -1 is negative"},
		{"too much gas", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), Gas: 1 << 30}), codes.ResourceExhausted, "over the limit of 1048576"},
		{"unaligned map", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), PageMap: []*pb.PageRange{{Address: 0x20001, Length: 4096, Access: rw}}}), codes.InvalidArgument, "instantiate.page_map[0].address"},
		{"low map", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), PageMap: []*pb.PageRange{{Address: 0x1000, Length: 4096, Access: rw}}}), codes.InvalidArgument, "can never be mapped"},
		{"map past 4G", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), PageMap: []*pb.PageRange{{Address: 0xffff_f000, Length: 8192, Access: rw}}}), codes.InvalidArgument, "past the 32-bit address space"},
		{"too much memory", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), PageMap: []*pb.PageRange{{Address: 0x20000, Length: 2 << 20, Access: rw}}}), codes.ResourceExhausted, "per instance"},
		{"initial memory unmapped", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), InitialMemory: []*pb.MemoryChunk{{Address: 0x50000, Data: []byte{1}}}}), codes.FailedPrecondition, "instantiate.initial_memory[0]: cannot write 1 bytes at 0x50000: page 0x50000 is not"},
		{"args for code blob", instReq(&pb.Instantiate{Program: st.CodeBlob(loop), Arguments: []byte{1}}), codes.InvalidArgument, "instantiate.arguments"},
		{"unknown instance", &pb.SessionRequest{Request: &pb.SessionRequest_Run{Run: &pb.Run{InstanceId: 99}}}, codes.NotFound, "run.instance_id: no instance 99"},
		{"resume not paused", &pb.SessionRequest{Request: &pb.SessionRequest_Resume{Resume: &pb.Resume{InstanceId: id}}}, codes.FailedPrecondition, "has no host call or page fault pending (it is ready)"},
		{"read unmapped", &pb.SessionRequest{Request: &pb.SessionRequest_ReadMemory{ReadMemory: &pb.ReadMemory{InstanceId: id, Address: 0x40000, Length: 4}}}, codes.FailedPrecondition, "page 0x40000 is not readable"},
		{"read low", &pb.SessionRequest{Request: &pb.SessionRequest_ReadMemory{ReadMemory: &pb.ReadMemory{InstanceId: id, Address: 0x100, Length: 4}}}, codes.FailedPrecondition, "never accessible"},
		{"read huge", &pb.SessionRequest{Request: &pb.SessionRequest_ReadMemory{ReadMemory: &pb.ReadMemory{InstanceId: id, Address: 0x20000, Length: 1 << 31}}}, codes.ResourceExhausted, "read_memory.length"},
		{"write unmapped", &pb.SessionRequest{Request: &pb.SessionRequest_WriteMemory{WriteMemory: &pb.WriteMemory{InstanceId: id, Address: 0x20ffc, Data: make([]byte, 8)}}}, codes.FailedPrecondition, "page 0x21000 is not writable"},
		{"write past 4G", &pb.SessionRequest{Request: &pb.SessionRequest_WriteMemory{WriteMemory: &pb.WriteMemory{InstanceId: id, Address: 0xffff_fffe, Data: make([]byte, 8)}}}, codes.InvalidArgument, "past the 32-bit address space"},
		{"map no access", &pb.SessionRequest{Request: &pb.SessionRequest_MapPages{MapPages: &pb.MapPages{InstanceId: id, Pages: &pb.PageRange{Address: 0x30000, Length: 4096}}}}, codes.InvalidArgument, "map_pages.pages.access"},
		{"map too much", &pb.SessionRequest{Request: &pb.SessionRequest_MapPages{MapPages: &pb.MapPages{InstanceId: id, Pages: &pb.PageRange{Address: 0x30000, Length: 1 << 20, Access: rw}}}}, codes.ResourceExhausted, "per instance"},
		{"bad register", &pb.SessionRequest{Request: &pb.SessionRequest_SetRegisters{SetRegisters: &pb.SetRegisters{InstanceId: id, Registers: []*pb.RegisterValue{{Index: 13}}}}}, codes.InvalidArgument, "set_registers.registers[0].index: register 13 does not exist"},
		{"run gas", &pb.SessionRequest{Request: &pb.SessionRequest_Run{Run: &pb.Run{InstanceId: id, Gas: st.Ptr[int64](-5)}}}, codes.InvalidArgument, "run.gas"},
	}
	for _, c := range cases {
		_, err := s.Do(c.req)
		if status.Code(err) != c.code || !strings.Contains(status.Convert(err).Message(), c.msg) {
			t.Errorf("%s: got %v, want %s containing %q", c.name, err, c.code, c.msg)
		}
	}
	// Instances per session: one exists; two more fit, the fourth does not.
	loopInstance(t, s)
	loopInstance(t, s)
	_, err := s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(loop)})
	wantCode(t, err, codes.ResourceExhausted, "the session has 3 instances")
	// The session still works after all that.
	resp := must[*pb.SessionResponse](t)(s.Run(id, nil, st.Ptr[int64](1000)))
	if resp.GetHostCall() == nil {
		t.Fatalf("run after errors: %v", resp)
	}
	// A failed Resume changes nothing and leaves the host call pending.
	_, err = s.Resume(&pb.Resume{InstanceId: id, SetRegisters: []*pb.RegisterValue{{Index: 7, Value: 0}},
		MemoryWrites: []*pb.MemoryChunk{{Address: st.DataPage, Data: []byte{9}}, {Address: 0x90000, Data: []byte{1}}}})
	wantCode(t, err, codes.FailedPrecondition, "resume.memory_writes[1]")
	if mem := must[[]byte](t)(s.ReadMemory(id, st.DataPage, 1)); mem[0] == 9 {
		t.Fatal("a failed Resume wrote memory")
	}
	if state := must[*pb.InstanceState](t)(s.GetState(id)); state.GetRunState() != pb.RunState_RUN_STATE_AT_HOST_CALL || state.GetRegisters()[7] != 0 {
		// r7 was 0 before; check it is still at the host call.
		t.Fatalf("state after failed resume: %v", state)
	}
	if got := h.Server.Cache().Stats().Entries; got != 1 {
		t.Fatalf("%d cache entries after bad programs", got)
	}
}

func instReq(i *pb.Instantiate) *pb.SessionRequest {
	return &pb.SessionRequest{Request: &pb.SessionRequest_Instantiate{Instantiate: i}}
}

func TestSessionEndFreesEverything(t *testing.T) {
	h, s := start(t, nil)
	for range 3 {
		loopInstance(t, s)
	}
	if _, err := s.Run(1, nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := gauge(t, h, "pvmd_instances_active"); n != 3 {
		t.Fatalf("instances_active = %v", n)
	}
	if n := gauge(t, h, "pvmd_guest_memory_bytes"); n != 3*4096 {
		t.Fatalf("guest_memory_bytes = %v", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitGauge(t, h, "pvmd_instances_active", 0)
	waitGauge(t, h, "pvmd_sessions_active", 0)
	waitGauge(t, h, "pvmd_guest_memory_bytes", 0)
	waitGauge(t, h, "pvmd_guest_memory_mappings", 0)
}

func TestClientVanishesMidRun(t *testing.T) {
	h, first := start(t, nil)
	first.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s := must[*st.Session](t)(st.OpenSession(ctx, h.Client))
	inst := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Spin(isa.GP08)), Gas: 100_000_000_000}))
	if err := s.Stream.Send(&pb.SessionRequest{Request: &pb.SessionRequest_Run{Run: &pb.Run{InstanceId: inst.GetInstanceId()}}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	waitGauge(t, h, "pvmd_instances_active", 0)
	waitGauge(t, h, "pvmd_sessions_active", 0)
}

func TestIdleTimeout(t *testing.T) {
	h, s := start(t, func(c *server.Config) { c.IdleSessionTimeout = 100 * time.Millisecond })
	loopInstance(t, s)
	time.Sleep(300 * time.Millisecond)
	_, err := s.GetState(1)
	wantCode(t, err, codes.DeadlineExceeded, "session idle for 100ms")
	waitGauge(t, h, "pvmd_instances_active", 0)
}

func TestSessionLimit(t *testing.T) {
	h, s := start(t, func(c *server.Config) { c.MaxSessions = 1 })
	loopInstance(t, s) // the first session is open
	s2 := must[*st.Session](t)(st.OpenSession(context.Background(), h.Client))
	_, err := s2.GetState(1)
	wantCode(t, err, codes.ResourceExhausted, "--max-sessions")
}

func TestUploadInvokeInfo(t *testing.T) {
	h, _ := start(t, func(c *server.Config) { c.Version = "test-1" })
	ctx := context.Background()
	info := must[*pb.InfoResponse](t)(h.Client.Info(ctx, &pb.InfoRequest{}))
	if info.GetVersion() != "test-1" || info.GetDefaultProfile() != "gp-0.8" || info.GetEngines()[0] != "interpreter" ||
		info.GetLimits().GetMaxMessageBytes() != 64<<20 || info.GetLimits().GetIdleSessionTimeout().AsDuration() != 10*time.Minute {
		t.Fatalf("info %v", info)
	}
	code := st.EchoArgs(isa.GP08)
	std := st.Standard([]byte("ro"), []byte("rw"), 1, 4096, code)
	up := must[*pb.UploadResponse](t)(h.Client.Upload(ctx, &pb.UploadRequest{Program: &pb.ProgramSpec{
		Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: std}, Format: pb.ProgramFormat_PROGRAM_FORMAT_STANDARD}}))
	if hash := cache.HashOf(std); !bytes.Equal(up.GetCodeHash(), hash[:]) || up.GetAlreadyCached() || up.GetSizeBytes() == 0 {
		t.Fatalf("upload %v", up)
	}
	args := []byte("hello, pvm")
	resp := must[*pb.InvokeResponse](t)(h.Client.Invoke(ctx, &pb.InvokeRequest{
		Instance: &pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_CodeHash{CodeHash: up.GetCodeHash()},
			Format: pb.ProgramFormat_PROGRAM_FORMAT_STANDARD}, Gas: 100, Arguments: args},
		ReadMemory: []*pb.MemoryRange{{Address: 0x10000, Length: 2}, {Address: 0x500000, Length: 2}},
	}))
	if !resp.GetFromCache() || resp.GetExited().GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT || string(resp.GetOutput()) != string(args) {
		t.Fatalf("invoke %v", resp)
	}
	if m := resp.GetMemory(); len(m) != 2 || string(m[0].GetData()) != "ro" || m[1].GetData() != nil {
		t.Fatalf("invoke memory %v", m)
	}
	// Invoke stops at a host call.
	resp = must[*pb.InvokeResponse](t)(h.Client.Invoke(ctx, &pb.InvokeRequest{Instance: &pb.Instantiate{
		Program: st.CodeBlob(st.TightLoop(isa.GP08)), Gas: 100}}))
	if resp.GetHostCall().GetCallId() != st.LoopCallID {
		t.Fatalf("invoke host call %v", resp)
	}
	_, err := h.Client.Invoke(ctx, &pb.InvokeRequest{Instance: &pb.Instantiate{Program: st.CodeBlob([]byte{1, 2, 3})}})
	wantCode(t, err, codes.InvalidArgument, "instance.program.program_blob: malformed program")
	_, err = h.Client.Upload(ctx, &pb.UploadRequest{})
	wantCode(t, err, codes.InvalidArgument, "program.program_blob: missing")
	waitGauge(t, h, "pvmd_instances_active", 0)

	hc, err := healthpb.NewHealthClient(h.Conn).Check(ctx, &healthpb.HealthCheckRequest{Service: pb.PvmdService_ServiceDesc.ServiceName})
	if err != nil || hc.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health %v %v", hc, err)
	}
}

// panicky wraps the interpreter so that running with exactly 666 gas panics.
type panicky struct{ vm.Engine }

func (p panicky) Compile(cb *program.CodeBlob, prof vm.Profile) (vm.Compiled, error) {
	c, err := p.Engine.Compile(cb, prof)
	return panickyCompiled{c}, err
}

type panickyCompiled struct{ vm.Compiled }

func (c panickyCompiled) Instantiate(mem *memory.Memory, pc uint32) vm.Instance {
	return panickyInstance{c.Compiled.Instantiate(mem, pc)}
}

type panickyInstance struct{ vm.Instance }

func (x panickyInstance) Run(ctx context.Context) (vm.Exit, error) {
	if x.State().Gas == 666 {
		var m map[int]int
		m[1] = 1 // a bug
	}
	return x.Instance.Run(ctx)
}

func TestPanicEndsOnlyItsSession(t *testing.T) {
	h, s := start(t, func(c *server.Config) { c.Engines = []vm.Engine{panicky{interp.New()}} })
	loopInstance(t, s)
	other := must[*st.Session](t)(st.OpenSession(context.Background(), h.Client))
	otherInst := loopInstance(t, other)
	_, err := s.Run(1, nil, st.Ptr[int64](666))
	wantCode(t, err, codes.Internal, "internal error in session")
	waitGauge(t, h, "pvmd_instances_active", 1)
	if resp, err := other.Run(otherInst.GetInstanceId(), nil, nil); err != nil || resp.GetHostCall() == nil {
		t.Fatalf("other session after the panic: %v %v", resp, err)
	}
}

// TestEngines runs the host-call loop and a page fault on each engine,
// chosen explicitly, and checks they agree.
func TestEngines(t *testing.T) {
	_, s := start(t, func(c *server.Config) { c.Engines = []vm.Engine{interp.New(), recompile.New()} })
	type outcome struct {
		gas   []int64
		regs  []uint64
		fault uint32
	}
	results := map[pb.Engine]outcome{}
	for _, eng := range []pb.Engine{pb.Engine_ENGINE_INTERPRETER, pb.Engine_ENGINE_RECOMPILER} {
		var o outcome
		spec := st.CodeBlob(st.HostCallLoop(isa.GP08))
		spec.Engine = eng
		inst := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: spec, Gas: 100_000, Registers: st.Registers(nil),
			PageMap: []*pb.PageRange{{Address: st.DataPage, Length: 4096, Access: rw}}}))
		resp := must[*pb.SessionResponse](t)(s.Run(inst.GetInstanceId(), nil, nil))
		for i := range 10 {
			hc := resp.GetHostCall()
			if hc == nil {
				t.Fatalf("%s round %d: %v", eng, i, resp)
			}
			o.gas = append(o.gas, hc.GetGas())
			r7 := uint64(1)
			if i == 9 {
				r7 = 0
			}
			resp = must[*pb.SessionResponse](t)(s.Resume(&pb.Resume{InstanceId: inst.GetInstanceId(), SetRegisters: []*pb.RegisterValue{{Index: 7, Value: r7}}}))
		}
		if resp.GetExited().GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT {
			t.Fatalf("%s: %v", eng, resp)
		}
		o.regs = resp.GetExited().GetRegisters()
		fspec := st.CodeBlob(st.FaultThenHalt(isa.GP08))
		fspec.Engine = eng
		f := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: fspec, Gas: 100, Registers: st.Registers(nil)}))
		resp = must[*pb.SessionResponse](t)(s.Run(f.GetInstanceId(), nil, nil))
		o.fault = resp.GetExited().GetFaultAddress()
		results[eng] = o
	}
	a, b := results[pb.Engine_ENGINE_INTERPRETER], results[pb.Engine_ENGINE_RECOMPILER]
	if !slices.Equal(a.gas, b.gas) || !slices.Equal(a.regs, b.regs) || a.fault != b.fault || a.fault != st.FaultPage {
		t.Fatalf("engines differ:\ninterpreter %+v\nrecompiler  %+v", a, b)
	}
}

// TestServerWideLimits checks the limits shared by all sessions: total guest
// memory and total instances.
func TestServerWideLimits(t *testing.T) {
	h, s := start(t, func(c *server.Config) {
		c.MaxGuestMemoryTotal = 3 * 4096
		c.MaxInstances = 4
	})
	other := must[*st.Session](t)(st.OpenSession(context.Background(), h.Client))
	inst := func(s *st.Session, pages uint64) (*pb.Instantiated, error) {
		return s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Trap(isa.GP08)),
			PageMap: []*pb.PageRange{{Address: 0x20000, Length: pages * 4096, Access: rw}}})
	}
	a := must[*pb.Instantiated](t)(inst(s, 2))
	_, err := inst(other, 2)
	wantCode(t, err, codes.ResourceExhausted, "--max-memory")
	b := must[*pb.Instantiated](t)(inst(other, 1))
	// MapPages counts too.
	err = other.MapPages(b.GetInstanceId(), 0x40000, 4096, rw)
	wantCode(t, err, codes.ResourceExhausted, "--max-memory")
	// Remapping mapped pages costs nothing; unmapping frees.
	must[struct{}](t)(struct{}{}, s.MapPages(a.GetInstanceId(), 0x20000, 2*4096, pb.PageAccess_PAGE_ACCESS_READ_ONLY))
	must[struct{}](t)(struct{}{}, s.MapPages(a.GetInstanceId(), 0x20000, 4096, pb.PageAccess_PAGE_ACCESS_INACCESSIBLE))
	must[struct{}](t)(struct{}{}, other.MapPages(b.GetInstanceId(), 0x40000, 4096, rw))
	waitGauge(t, h, "pvmd_guest_memory_bytes", 3*4096)
	// Instances: two exist; two more fit, the fifth does not.
	must[*pb.Instantiated](t)(inst(s, 0))
	must[*pb.Instantiated](t)(inst(other, 0))
	_, err = inst(s, 0)
	wantCode(t, err, codes.ResourceExhausted, "--max-instances")
	_, err = h.Client.Invoke(context.Background(), &pb.InvokeRequest{Instance: &pb.Instantiate{Program: st.CodeBlob(st.Trap(isa.GP08))}})
	wantCode(t, err, codes.ResourceExhausted, "--max-instances")
	must[struct{}](t)(struct{}{}, other.Close())
	waitGauge(t, h, "pvmd_instances_active", 2)
	waitGauge(t, h, "pvmd_guest_memory_bytes", 4096)
	must[*pb.Instantiated](t)(inst(s, 2))
}

// TestMappingLimits: memory fragmented into too many separate ranges is
// refused (each range costs the daemon kernel mappings).
func TestMappingLimits(t *testing.T) {
	h, s := start(t, func(c *server.Config) {
		c.MaxRangesPerInstance = 3
		c.MaxMappings = 25
	})
	inst := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Trap(isa.GP08))}))
	id := inst.GetInstanceId()
	for i := range 3 { // three separate pages
		must[struct{}](t)(struct{}{}, s.MapPages(id, uint32(0x20000+2*i*4096), 4096, rw))
	}
	err := s.MapPages(id, 0x40000, 4096, rw)
	wantCode(t, err, codes.ResourceExhausted, "4 separate mapped ranges, over the limit of 3")
	// Filling a gap joins two ranges: allowed, and it makes room.
	must[struct{}](t)(struct{}{}, s.MapPages(id, 0x21000, 4096, rw))
	must[struct{}](t)(struct{}{}, s.MapPages(id, 0x40000, 4096, rw))
	// Server-wide, an instance counts 4 + 2 per range: 10 for the first, 8
	// for a second with two ranges; a third with three (10) is over 25.
	a := must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Trap(isa.GP08)),
		PageMap: []*pb.PageRange{{Address: 0x20000, Length: 4096, Access: rw}, {Address: 0x30000, Length: 4096, Access: rw}}}))
	_, err = s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Trap(isa.GP08)),
		PageMap: []*pb.PageRange{{Address: 0x20000, Length: 4096, Access: rw}, {Address: 0x30000, Length: 4096, Access: rw}, {Address: 0x40000, Length: 4096, Access: rw}}})
	wantCode(t, err, codes.ResourceExhausted, "--max-mappings")
	must[struct{}](t)(struct{}{}, s.Destroy(a.GetInstanceId()))
	must[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Trap(isa.GP08)),
		PageMap: []*pb.PageRange{{Address: 0x20000, Length: 4096, Access: rw}, {Address: 0x30000, Length: 4096, Access: rw}, {Address: 0x40000, Length: 4096, Access: rw}}}))
	must[struct{}](t)(struct{}{}, s.Close())
	waitGauge(t, h, "pvmd_instances_active", 0)
	waitGauge(t, h, "pvmd_guest_memory_mappings", 0)
}
