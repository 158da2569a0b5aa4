package e2e

import (
	"context"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm/isa"
)

func wantStatus(t testing.TB, what string, err error, code codes.Code, substr string) {
	t.Helper()
	if status.Code(err) != code || !strings.Contains(status.Convert(err).Message(), substr) {
		t.Errorf("%s: got %v, want %s containing %q", what, err, code, substr)
	}
}

// healthy checks the daemon answers health checks and a fresh session.
func (d *daemon) healthy(t testing.TB) {
	t.Helper()
	out, err := exec.Command(pvmdBin, "health", "--addr", "unix://"+d.unix, "--service", pb.PvmdService_ServiceDesc.ServiceName).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "SERVING" {
		t.Fatalf("pvmd health: %v: %s", err, out)
	}
	s := open(t, d.dial(t, "tcp"))
	resp, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_Instantiate{Instantiate: &pb.Instantiate{
		Program: st.CodeBlob(st.Adder(isa.GP08)), Gas: 1000, Registers: st.Registers(map[int]uint64{7: 2, 8: 3})}}})
	if err != nil {
		t.Fatalf("fresh session: %v", err)
	}
	run, err := s.Run(resp.GetInstantiated().GetInstanceId(), nil, nil)
	if err != nil || run.GetExited().GetRegisters()[7] != 5 {
		t.Fatalf("fresh session run: %v %v", run, err)
	}
	checkErr(t, s.Close())
}

// TestBadInput sends malformed and hostile requests: each fails with its
// code and a message naming the field, the session goes on where it can,
// and the daemon stays healthy.
func TestBadInput(t *testing.T) {
	d := startDaemon(t, "--max-message-bytes", "1MiB", "--max-gas", "1000000000", "--max-instance-memory", "1MiB", "--max-instance-ranges", "16")
	client := d.dial(t, "tcp")
	s := open(t, client)
	loop := st.HostCallLoop(isa.GP08)
	inst := check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(loop), Gas: 1000, Registers: st.Registers(nil),
		PageMap: []*pb.PageRange{{Address: st.DataPage, Length: 4096, Access: rw}}}))
	id := inst.GetInstanceId()

	_, err := s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(loop[:len(loop)/2])})
	wantStatus(t, "truncated blob", err, codes.InvalidArgument, "instantiate.program.program_blob: malformed program")
	// A code length of 2^56-1 in a 12-byte blob.
	_, err = s.Instantiate(&pb.Instantiate{Program: st.CodeBlob([]byte{0, 1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0})})
	wantStatus(t, "absurd code length", err, codes.InvalidArgument, "code length")
	_, err = s.Instantiate(&pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0}},
		Format: pb.ProgramFormat_PROGRAM_FORMAT_STANDARD}})
	wantStatus(t, "absurd standard lengths", err, codes.InvalidArgument, "instantiate.program.program_blob: malformed program")
	_, err = s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(loop), Gas: 1 << 40})
	wantStatus(t, "gas over --max-gas", err, codes.ResourceExhausted, "instantiate.gas")
	_, err = s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(loop), PageMap: []*pb.PageRange{{Address: 0x10000, Length: 1<<32 - 0x10000, Access: rw}}})
	wantStatus(t, "4 GiB of memory", err, codes.ResourceExhausted, "per instance")
	_, err = s.Run(12345, nil, nil)
	wantStatus(t, "unknown instance", err, codes.NotFound, "run.instance_id: no instance 12345")
	_, err = s.Resume(&pb.Resume{InstanceId: id})
	wantStatus(t, "resume with nothing pending", err, codes.FailedPrecondition, "resume.instance_id: instance 1 has no host call or page fault pending")
	err = s.WriteMemory(id, 0x50000, []byte{1, 2, 3}, false)
	wantStatus(t, "write outside mapped memory", err, codes.FailedPrecondition, "write_memory: cannot write 3 bytes at 0x50000: page 0x50000 is not writable")
	err = s.WriteMemory(id, 0x8000, []byte{1}, true)
	wantStatus(t, "write below 64 KiB", err, codes.FailedPrecondition, "never accessible")
	_, err = s.ReadMemory(id, 0xffff_0000, 1<<20)
	wantStatus(t, "read over the message limit", err, codes.ResourceExhausted, "read_memory.length")
	_, err = s.Instantiate(&pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_CodeHash{CodeHash: make([]byte, 32)}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB}})
	wantStatus(t, "unknown code hash", err, codes.NotFound, "instantiate.program.code_hash")
	// Fragmenting memory page by page (each range costs the daemon kernel
	// mappings) stops at --max-instance-ranges.
	for i := range 16 {
		if i == 0 {
			continue // the data page is mapped already
		}
		checkErr(t, s.MapPages(id, uint32(st.DataPage+2*i*4096), 4096, rw))
	}
	err = s.MapPages(id, st.DataPage+2*16*4096, 4096, rw)
	wantStatus(t, "fragmented memory", err, codes.ResourceExhausted, "--max-instance-ranges")
	// After all that the session still works.
	if resp := check[*pb.SessionResponse](t)(s.Run(id, nil, nil)); resp.GetHostCall() == nil {
		t.Fatalf("session after bad requests: %v", resp)
	}

	// Unary calls.
	ctx := context.Background()
	_, err = client.Upload(ctx, &pb.UploadRequest{Program: st.CodeBlob([]byte{9, 9, 9})})
	wantStatus(t, "Upload of garbage", err, codes.InvalidArgument, "program.program_blob: malformed program")
	_, err = client.Invoke(ctx, &pb.InvokeRequest{})
	wantStatus(t, "empty Invoke", err, codes.InvalidArgument, "instance: missing")
	// A message over --max-message-bytes is refused by gRPC itself.
	_, err = client.Upload(ctx, &pb.UploadRequest{Program: st.CodeBlob(make([]byte, 2<<20))})
	wantStatus(t, "oversized Upload", err, codes.ResourceExhausted, "larger than max")
	// In a session, an oversized message ends the stream (gRPC cannot skip it).
	s2 := open(t, client)
	_, err = s2.Instantiate(&pb.Instantiate{Program: st.CodeBlob(make([]byte, 2<<20))})
	wantStatus(t, "oversized Instantiate", err, codes.ResourceExhausted, "larger than max")

	// A client that vanishes mid-run: its session and instances are freed.
	vctx, vanish := context.WithCancel(context.Background())
	s3 := check[*st.Session](t)(st.OpenSession(vctx, d.dial(t, "unix")))
	spin := check[*pb.Instantiated](t)(s3.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Spin(isa.GP08)), Gas: 1_000_000_000}))
	checkErr(t, s3.Stream.Send(&pb.SessionRequest{RequestId: 99, Request: &pb.SessionRequest_Run{Run: &pb.Run{InstanceId: spin.GetInstanceId()}}}))
	time.Sleep(50 * time.Millisecond)
	vanish()
	checkErr(t, s.Close())
	d.waitMetric(t, "every session and instance to be freed", func(m metrics) bool {
		return m.get("pvmd_instances_active") == 0 && m.get("pvmd_sessions_active") == 0 && m.get("pvmd_guest_memory_bytes") == 0
	})
	d.healthy(t)
}

// TestShutdown checks SIGTERM: health turns NOT_SERVING, an open session may
// finish its work, and the daemon exits 0 once it has ended.
func TestShutdown(t *testing.T) {
	d := startDaemon(t)
	conn := d.conn(t, "tcp")
	s := open(t, pb.NewPvmdServiceClient(conn))
	inst := check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.TightLoop(isa.GP08)), Gas: 1000, Registers: st.Registers(nil)}))
	check[*pb.SessionResponse](t)(s.Run(inst.GetInstanceId(), nil, nil))
	checkErr(t, d.cmd.Process.Signal(syscall.SIGTERM))
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
		if err != nil || resp.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("health still SERVING after SIGTERM")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The open session still works...
	resp := check[*pb.SessionResponse](t)(s.Resume(&pb.Resume{InstanceId: inst.GetInstanceId(), SetRegisters: []*pb.RegisterValue{{Index: 7, Value: 0}}}))
	if resp.GetExited().GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT {
		t.Fatalf("resume during shutdown: %v", resp)
	}
	select {
	case <-d.exited:
		t.Fatal("exited while a session was open")
	default:
	}
	// ...and once it ends, the daemon exits at once, cleanly.
	start := time.Now()
	checkErr(t, s.Close())
	select {
	case <-d.exited:
		if d.err != nil {
			t.Fatalf("exit: %v", d.err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("daemon still running after its last session ended")
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("shutdown took %s", time.Since(start))
	}
	if len(d.logsContaining("pvmd stopped")) != 1 {
		t.Error("no 'pvmd stopped' log line")
	}
}

// TestShutdownTimeout: a session that does not end is cut off after
// --shutdown-timeout.
func TestShutdownTimeout(t *testing.T) {
	d := startDaemon(t, "--shutdown-timeout", "300ms")
	s := open(t, d.dial(t, "unix"))
	check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(st.Trap(isa.GP08))}))
	start := time.Now()
	checkErr(t, d.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-d.exited:
		if d.err != nil {
			t.Fatalf("exit: %v", d.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not stop")
	}
	if el := time.Since(start); el < 300*time.Millisecond || el > 5*time.Second {
		t.Errorf("stopped after %s", el)
	}
	if _, err := s.GetState(1); err == nil {
		t.Error("session still answering after the daemon stopped")
	}
}
