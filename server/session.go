package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/memory"
)

// session is one Session stream and the instances it owns.
type session struct {
	s         *Server
	id        uint64
	ctx       context.Context
	instances map[uint64]*instance
	nextID    uint64
	// For the idle timeout: the state (a kind in the low 2 bits, a count of
	// waits above them, so that a stale view never matches), and when the
	// worker last started waiting for a request (Unix nanoseconds).
	state      atomic.Uint64
	lastActive atomic.Int64
	log        *slog.Logger
}

// Session state kinds, for the idle timeout.
const (
	stateBusy     uint64 = iota // handling a request (or running the guest)
	stateWaiting                // waiting for the next request
	stateTimedOut               // idle too long: the stream has been ended
)

// Session serves one Session stream. Requests are handled one at a time, in
// order, by one goroutine that receives, handles and sends (the guest runs
// there too). With an idle timeout, that goroutine is not the handler's own:
// the handler watches the clock and ends the stream when the session has
// waited for a request too long, which unblocks the pending Recv.
func (s *Server) Session(stream pb.PvmdService_SessionServer) error {
	if n := s.sessions.Add(1); s.cfg.MaxSessions > 0 && n > int64(s.cfg.MaxSessions) {
		s.sessions.Add(-1)
		return status.Errorf(codes.ResourceExhausted, "the server has %d sessions open, its limit (--max-sessions)", s.cfg.MaxSessions)
	}
	ss := &session{s: s, id: s.nextSession.Add(1), ctx: stream.Context(), instances: make(map[uint64]*instance)}
	timeout := s.cfg.IdleSessionTimeout
	if timeout <= 0 {
		return ss.serve(stream)
	}
	done := make(chan error, 1)
	go func() { done <- ss.serve(stream) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-timer.C:
			st := ss.state.Load()
			if st&3 != stateWaiting {
				timer.Reset(timeout)
				continue
			}
			idle := time.Duration(time.Now().UnixNano() - ss.lastActive.Load())
			if idle >= timeout && ss.state.CompareAndSwap(st, stateTimedOut) {
				// The worker is blocked in Recv and will never Send again;
				// returning ends the stream, and it cleans up.
				return status.Errorf(codes.DeadlineExceeded, "session idle for %s (--idle-timeout)", timeout)
			}
			timer.Reset(max(timeout-idle, time.Millisecond))
		}
	}
}

// serve is the session's worker: it serves requests until the stream ends and
// then frees everything the session owns. A Go panic ends only this session
// (INTERNAL).
func (ss *session) serve(stream pb.PvmdService_SessionServer) (err error) {
	defer ss.s.sessions.Add(-1)
	setPanicOnFault()
	log := ss.s.log.With("session", ss.id)
	ss.log = log
	log.Debug("session started")
	start := time.Now()
	defer func() {
		// Runs after the recover below: free everything, however we got here.
		ss.closeAll()
		log.Debug("session ended", "duration", time.Since(start), "status", status.Code(err))
	}()
	defer func() {
		if r := recover(); r != nil {
			log.Error("session panicked; ending it", "panic", r, "stack", string(debug.Stack()))
			err = status.Errorf(codes.Internal, "internal error in session %d: %v", ss.id, r)
		}
	}()
	resp := new(pb.SessionResponse)
	for waits := uint64(1); ; waits++ {
		ss.lastActive.Store(time.Now().UnixNano())
		waiting := waits<<2 | stateWaiting
		ss.state.Store(waiting)
		req, err := stream.Recv()
		if !ss.state.CompareAndSwap(waiting, stateBusy) {
			return status.Error(codes.DeadlineExceeded, "session idle for too long")
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		resp.Reset()
		resp.RequestId = req.GetRequestId()
		if err := ss.handle(req, resp); err != nil {
			return err
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

// closeAll frees every instance of the session.
func (ss *session) closeAll() {
	for id, x := range ss.instances {
		x.close()
		delete(ss.instances, id)
	}
}

// handle carries out one request, filling in resp. A returned error ends the
// session (the client went away or the server is stopping); a failed request
// is an Error response instead.
func (ss *session) handle(req *pb.SessionRequest, resp *pb.SessionResponse) error {
	var err error
	switch r := req.GetRequest().(type) {
	case *pb.SessionRequest_Instantiate:
		var out *pb.Instantiated
		if out, err = ss.instantiate(r.Instantiate); err == nil {
			resp.Response = &pb.SessionResponse_Instantiated{Instantiated: out}
		}
	case *pb.SessionRequest_Run:
		err = ss.run(r.Run, resp)
	case *pb.SessionRequest_Resume:
		err = ss.resume(r.Resume, resp)
	case *pb.SessionRequest_ReadMemory:
		var out *pb.MemoryData
		if out, err = ss.readMemory(r.ReadMemory); err == nil {
			resp.Response = &pb.SessionResponse_MemoryData{MemoryData: out}
		}
	case *pb.SessionRequest_WriteMemory:
		err = ss.writeMemory(r.WriteMemory)
	case *pb.SessionRequest_MapPages:
		err = ss.mapPages(r.MapPages)
	case *pb.SessionRequest_GetState:
		var x *instance
		if x, err = ss.instance(r.GetState.GetInstanceId(), "get_state.instance_id"); err == nil {
			resp.Response = &pb.SessionResponse_InstanceState{InstanceState: x.stateProto()}
		}
	case *pb.SessionRequest_SetRegisters:
		err = ss.setRegisters(r.SetRegisters)
	case *pb.SessionRequest_Destroy:
		var x *instance
		if x, err = ss.instance(r.Destroy.GetInstanceId(), "destroy.instance_id"); err == nil {
			x.close()
			delete(ss.instances, x.id)
		}
	default:
		err = invalid("request", "empty request: set one of instantiate, run, resume, read_memory, write_memory, map_pages, get_state, set_registers, destroy")
	}
	var re *requestError
	switch {
	case err == nil:
		if resp.Response == nil {
			resp.Response = ackResponse
		}
		return nil
	case errors.As(err, &re):
		if ss.log.Enabled(ss.ctx, slog.LevelDebug) {
			ss.log.Debug("request failed", "request_id", req.GetRequestId(), "code", re.code, "error", re.Error())
		}
		resp.Response = &pb.SessionResponse_Error{Error: errorResponse(err)}
		return nil
	}
	return err
}

var ackResponse = &pb.SessionResponse_Ack{Ack: &pb.Ack{}}

func (ss *session) instance(id uint64, path string) (*instance, error) {
	x, ok := ss.instances[id]
	if !ok {
		return nil, notFound(path, "no instance %d in this session", id)
	}
	return x, nil
}

func (ss *session) instantiate(req *pb.Instantiate) (*pb.Instantiated, error) {
	if max := ss.s.cfg.MaxInstancesPerSession; max > 0 && len(ss.instances) >= max {
		return nil, exhausted("instantiate", "the session has %d instances, its limit (--max-session-instances); destroy some first", len(ss.instances))
	}
	x, hit, err := ss.s.newInstance(ss.ctx, req, "instantiate", ss.nextID+1)
	if err != nil {
		return nil, err
	}
	ss.nextID++
	ss.instances[x.id] = x
	key := x.prog.Key()
	return &pb.Instantiated{
		InstanceId: x.id,
		CodeHash:   key.Hash[:],
		FromCache:  hit,
		Engine:     key.Engine,
		Profile:    key.Profile.String(),
	}, nil
}

func (ss *session) run(req *pb.Run, resp *pb.SessionResponse) error {
	x, err := ss.instance(req.GetInstanceId(), "run.instance_id")
	if err != nil {
		return err
	}
	if req.Gas != nil {
		if err := ss.s.checkGas(req.GetGas(), "run.gas"); err != nil {
			return err
		}
		x.m.State().Gas = req.GetGas()
	}
	pc := x.entryPC
	if req.Pc != nil {
		pc = req.GetPc()
	}
	x.m.SetPC(pc)
	return ss.continueRun(x, resp)
}

// continueRun runs x to its next exit and fills in the response.
func (ss *session) continueRun(x *instance, resp *pb.SessionResponse) error {
	exit, err := x.execute(ss.ctx)
	if err != nil {
		return err
	}
	if exit.Status == vm.HostCall {
		resp.Response = &pb.SessionResponse_HostCall{HostCall: x.hostCall(exit)}
	} else {
		resp.Response = &pb.SessionResponse_Exited{Exited: x.exited(exit)}
	}
	return nil
}

func (ss *session) resume(req *pb.Resume, resp *pb.SessionResponse) error {
	x, err := ss.instance(req.GetInstanceId(), "resume.instance_id")
	if err != nil {
		return err
	}
	atHost := x.state == pb.RunState_RUN_STATE_AT_HOST_CALL
	if !atHost && x.state != pb.RunState_RUN_STATE_AT_PAGE_FAULT {
		return precondition("resume.instance_id", "instance %d has no host call or page fault pending (it is %s); use Run", x.id, runStateName(x.state))
	}
	// Check everything before changing anything.
	for i, r := range req.GetSetRegisters() {
		if r.GetIndex() >= vm.NumRegs {
			return invalid(index("resume.set_registers", i)+".index", "register %d does not exist (0..%d)", r.GetIndex(), vm.NumRegs-1)
		}
	}
	if req.Gas != nil {
		if err := ss.s.checkGas(req.GetGas(), "resume.gas"); err != nil {
			return err
		}
	}
	mem := x.m.State().Mem
	for i, w := range req.GetMemoryWrites() {
		if err := checkWrite(mem, w.GetAddress(), w.GetData(), false, index("resume.memory_writes", i)); err != nil {
			return err
		}
	}
	switch req.GetEndWith() {
	case pb.ExitStatus_EXIT_STATUS_UNSPECIFIED:
	case pb.ExitStatus_EXIT_STATUS_HALT, pb.ExitStatus_EXIT_STATUS_PANIC, pb.ExitStatus_EXIT_STATUS_OUT_OF_GAS:
		if !atHost {
			return precondition("resume.end_with", "only a host call can end the run; instance %d is at a page fault", x.id)
		}
	default:
		return invalid("resume.end_with", "%s: must be unspecified (continue), HALT, PANIC or OUT_OF_GAS", req.GetEndWith())
	}
	if atHost {
		ss.s.metrics.hostCallRoundtrip.Observe(time.Since(x.hostCallSent).Seconds())
	}
	st := x.m.State()
	for _, r := range req.GetSetRegisters() {
		st.Regs[r.GetIndex()] = r.GetValue()
	}
	if req.Gas != nil {
		st.Gas = req.GetGas()
	}
	for _, w := range req.GetMemoryWrites() {
		_ = mem.Write(w.GetAddress(), w.GetData()) // checked above
	}
	if v := req.GetEndWith(); v != pb.ExitStatus_EXIT_STATUS_UNSPECIFIED {
		exit := vm.Exit{PC: x.last.PC}
		switch v {
		case pb.ExitStatus_EXIT_STATUS_HALT:
			exit.Status = vm.Halt
		case pb.ExitStatus_EXIT_STATUS_PANIC:
			exit.Status = vm.Panic
		default:
			exit.Status = vm.OutOfGas
		}
		x.finishRun(exit)
		resp.Response = &pb.SessionResponse_Exited{Exited: x.exited(exit)}
		return nil
	}
	return ss.continueRun(x, resp)
}

// checkWrite checks that data can be written at addr.
func checkWrite(mem *memory.Memory, addr uint32, data []byte, force bool, path string) error {
	if uint64(addr)+uint64(len(data)) > 1<<32 {
		return invalid(field(path, "data"), "%#x + %d bytes is past the 32-bit address space", addr, len(data))
	}
	if len(data) == 0 {
		return nil
	}
	if f := mem.CheckAccess(addr, uint32(len(data)), !force); f != nil {
		return memoryError(path, "write", addr, len(data), f)
	}
	return nil
}

func runStateName(s pb.RunState) string {
	switch s {
	case pb.RunState_RUN_STATE_READY:
		return "ready"
	case pb.RunState_RUN_STATE_FINISHED:
		return "finished"
	case pb.RunState_RUN_STATE_AT_HOST_CALL:
		return "at a host call"
	case pb.RunState_RUN_STATE_AT_PAGE_FAULT:
		return "at a page fault"
	}
	return s.String()
}

func (ss *session) readMemory(req *pb.ReadMemory) (*pb.MemoryData, error) {
	x, err := ss.instance(req.GetInstanceId(), "read_memory.instance_id")
	if err != nil {
		return nil, err
	}
	n := req.GetLength()
	if limit := ss.s.cfg.MaxMessageBytes - 1024; int64(n) > int64(limit) {
		return nil, exhausted("read_memory.length", "%d bytes is more than a response can carry (%d, --max-message-bytes)", n, limit)
	}
	if uint64(req.GetAddress())+uint64(n) > 1<<32 {
		return nil, invalid("read_memory.length", "%#x + %d bytes is past the 32-bit address space", req.GetAddress(), n)
	}
	data := make([]byte, n)
	if err := x.m.State().Mem.Read(req.GetAddress(), data); err != nil {
		return nil, memoryError("read_memory", "read", req.GetAddress(), int(n), err)
	}
	return &pb.MemoryData{InstanceId: x.id, Address: req.GetAddress(), Data: data}, nil
}

func (ss *session) writeMemory(req *pb.WriteMemory) error {
	x, err := ss.instance(req.GetInstanceId(), "write_memory.instance_id")
	if err != nil {
		return err
	}
	mem := x.m.State().Mem
	if err := checkWrite(mem, req.GetAddress(), req.GetData(), req.GetForce(), "write_memory"); err != nil {
		return err
	}
	if req.GetForce() {
		err = mem.Load(req.GetAddress(), req.GetData())
	} else {
		err = mem.Write(req.GetAddress(), req.GetData())
	}
	if err != nil {
		return memoryError("write_memory", "write", req.GetAddress(), len(req.GetData()), err)
	}
	return nil
}

func (ss *session) mapPages(req *pb.MapPages) error {
	x, err := ss.instance(req.GetInstanceId(), "map_pages.instance_id")
	if err != nil {
		return err
	}
	if req.GetPages() == nil {
		return invalid("map_pages.pages", "missing")
	}
	access, err := checkPageRange(req.GetPages(), "map_pages.pages")
	if err != nil {
		return err
	}
	addr, n := req.GetPages().GetAddress(), req.GetPages().GetLength()
	bytes, ranges := x.mapChange(addr, n, access)
	oldRanges := x.ranges
	if err := ss.s.chargeRanges(x, max(x.ranges+ranges, 0), "map_pages.pages"); err != nil {
		return err
	}
	if err := ss.s.chargeMemory(x, bytes, "map_pages.pages"); err != nil {
		ss.s.chargeRanges(x, oldRanges, "") // give back what was counted
		return err
	}
	if err := x.m.State().Mem.SetAccess(addr, n, access); err != nil {
		x.syncMemory()
		if errors.Is(err, memory.ErrRange) {
			return invalid("map_pages.pages", "%v", err)
		}
		return exhausted("map_pages.pages", "the kernel refused the mapping: %v", err)
	}
	x.syncMemory()
	return nil
}

func (ss *session) setRegisters(req *pb.SetRegisters) error {
	x, err := ss.instance(req.GetInstanceId(), "set_registers.instance_id")
	if err != nil {
		return err
	}
	for i, r := range req.GetRegisters() {
		if r.GetIndex() >= vm.NumRegs {
			return invalid(index("set_registers.registers", i)+".index", "register %d does not exist (0..%d)", r.GetIndex(), vm.NumRegs-1)
		}
	}
	if req.Gas != nil {
		if err := ss.s.checkGas(req.GetGas(), "set_registers.gas"); err != nil {
			return err
		}
		x.m.State().Gas = req.GetGas()
	}
	st := x.m.State()
	for _, r := range req.GetRegisters() {
		st.Regs[r.GetIndex()] = r.GetValue()
	}
	return nil
}
