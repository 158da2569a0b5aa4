package server

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"google.golang.org/grpc/status"

	"github.com/pvmd/pvmd/cache"
	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// instance is one PVM instance with what the server tracks about it.
type instance struct {
	s       *Server
	id      uint64
	prog    *cache.Handle
	m       vm.Instance
	entryPC uint32
	state   pb.RunState
	last    vm.Exit
	mapped  uint64 // guest memory counted against the limits
	ranges  int    // separate mapped ranges (an upper bound), for the mapping limits
	// mappings is the kernel mappings counted for this instance.
	mappings int64
	labels   *labelSet
	// hostCallSent is when the pending HostCall was sent (for the round
	// trip metric).
	hostCallSent time.Time
	closed       bool
}

// setPanicOnFault makes a fault on guest memory in this goroutine (an engine
// bug) a recoverable panic instead of a crash of the daemon.
func setPanicOnFault() { debug.SetPanicOnFault(true) }

// newInstance creates an instance from an Instantiate request.
func (s *Server) newInstance(ctx context.Context, req *pb.Instantiate, path string, id uint64) (_ *instance, hit bool, err error) {
	if req == nil {
		return nil, false, invalid(path, "missing")
	}
	if err := s.checkGas(req.GetGas(), field(path, "gas")); err != nil {
		return nil, false, err
	}
	if n := len(req.GetRegisters()); n != 0 && n != vm.NumRegs {
		return nil, false, invalid(field(path, "registers"), "%d values; give none or all %d", n, vm.NumRegs)
	}
	h, hit, err := s.loadProgram(ctx, req.GetProgram(), field(path, "program"))
	if err != nil {
		return nil, false, err
	}
	if err := s.acquireInstance(path); err != nil {
		h.Release()
		return nil, false, err
	}
	x := &instance{s: s, id: id, prog: h, entryPC: req.GetEntryPc(), state: pb.RunState_RUN_STATE_READY}
	x.labels = s.metrics.labelsFor(h.Key().Engine, h.Key().Profile.String())
	defer func() {
		if err != nil {
			x.close()
		}
	}()
	if err := s.chargeRanges(x, initialRanges(req, h.Program().Decoded.(*decoded)), path); err != nil {
		return nil, false, err
	}
	mem, err := s.setupMemory(req, h.Program().Decoded.(*decoded), path)
	if err != nil {
		return nil, false, err
	}
	if err := s.chargeMemory(x, mem.MappedBytes(), path); err != nil {
		mem.Close()
		return nil, false, err
	}
	x.m = h.Program().Compiled.Instantiate(mem, x.entryPC)
	st := x.m.State()
	st.Gas = req.GetGas()
	if d := h.Program().Decoded.(*decoded); d.standard != nil {
		st.Regs = program.InitialRegisters(len(req.GetArguments()))
		st.HeapTop = d.standard.HeapEnd()
	}
	if len(req.GetRegisters()) == vm.NumRegs {
		copy(st.Regs[:], req.GetRegisters())
	}
	return x, hit, nil
}

// initialRanges bounds the separate ranges an instance's initial memory
// maps: one per standard region or per page_map entry.
func initialRanges(req *pb.Instantiate, d *decoded) int {
	if d.standard != nil {
		return 4 // RO data, RW data and heap, stack, arguments
	}
	n := 0
	for _, r := range req.GetPageMap() {
		if r.GetAccess() != pb.PageAccess_PAGE_ACCESS_INACCESSIBLE {
			n++
		}
	}
	return n
}

// mappingsFor estimates the kernel mappings of an instance whose guest
// memory has the given number of separate mapped ranges: the reservation is
// split around each range, plus the page table and the first page.
func mappingsFor(ranges int) int64 { return 4 + 2*int64(ranges) }

// chargeRanges sets the number of separate mapped ranges x has, checking
// the limits.
func (s *Server) chargeRanges(x *instance, ranges int, path string) error {
	if max := s.cfg.MaxRangesPerInstance; max > 0 && ranges > max && ranges > x.ranges {
		return exhausted(path, "the instance's memory would have %d separate mapped ranges, over the limit of %d (--max-instance-ranges); map fewer, larger ranges", ranges, max)
	}
	want := mappingsFor(ranges)
	delta := want - x.mappings
	now := s.mappings.Add(delta)
	if max := s.cfg.MaxMappings; max > 0 && delta > 0 && now > int64(max) {
		s.mappings.Add(-delta)
		return exhausted(path, "the server's instances would need about %d memory mappings, over the limit of %d (--max-mappings)", now, max)
	}
	x.ranges, x.mappings = ranges, want
	return nil
}

// setupMemory creates an instance's initial memory.
func (s *Server) setupMemory(req *pb.Instantiate, d *decoded, path string) (*memory.Memory, error) {
	if d.standard != nil {
		if len(req.GetPageMap()) > 0 {
			return nil, invalid(field(path, "page_map"), "not allowed for a standard program (its memory is laid out from the blob)")
		}
		if len(req.GetInitialMemory()) > 0 {
			return nil, invalid(field(path, "initial_memory"), "not allowed for a standard program (its memory is laid out from the blob)")
		}
		regions, err := d.standard.Layout(req.GetArguments())
		if err != nil {
			return nil, invalid(field(path, "arguments"), "%v", err)
		}
		var total uint64
		for _, r := range regions {
			total += uint64(r.Length)
		}
		if err := s.checkInstanceMemory(total, path); err != nil {
			return nil, err
		}
		mem, err := vm.NewMemory(regions)
		if err != nil {
			return nil, exhausted(path, "cannot create guest memory: %v", err)
		}
		return mem, nil
	}
	if len(req.GetArguments()) > 0 {
		return nil, invalid(field(path, "arguments"), "only for standard programs; a code blob's memory is given by page_map and initial_memory")
	}
	mem, err := memory.New()
	if err != nil {
		return nil, exhausted(path, "cannot create guest memory: %v", err)
	}
	for i, r := range req.GetPageMap() {
		p := index(field(path, "page_map"), i)
		access, err := checkPageRange(r, p)
		if err == nil {
			err = s.checkInstanceMemory(mem.MappedBytes()+r.GetLength(), p)
		}
		if err == nil {
			if e := mem.SetAccess(r.GetAddress(), r.GetLength(), access); errors.Is(e, memory.ErrRange) {
				err = invalid(p, "%v", e)
			} else if e != nil {
				err = exhausted(p, "the kernel refused the mapping: %v", e)
			}
		}
		if err != nil {
			mem.Close()
			return nil, err
		}
	}
	for i, c := range req.GetInitialMemory() {
		if err := mem.Load(c.GetAddress(), c.GetData()); err != nil {
			mem.Close()
			return nil, memoryError(index(field(path, "initial_memory"), i), "write", c.GetAddress(), len(c.GetData()), err)
		}
	}
	return mem, nil
}

// checkPageRange validates a PageRange and returns its access.
func checkPageRange(r *pb.PageRange, path string) (memory.Access, error) {
	var access memory.Access
	switch r.GetAccess() {
	case pb.PageAccess_PAGE_ACCESS_INACCESSIBLE:
		access = memory.None
	case pb.PageAccess_PAGE_ACCESS_READ_ONLY:
		access = memory.ReadOnly
	case pb.PageAccess_PAGE_ACCESS_READ_WRITE:
		access = memory.ReadWrite
	default:
		return 0, invalid(field(path, "access"), "%s: must be INACCESSIBLE, READ_ONLY or READ_WRITE", r.GetAccess())
	}
	addr, n := r.GetAddress(), r.GetLength()
	switch {
	case addr%memory.PageSize != 0:
		return 0, invalid(field(path, "address"), "%#x is not a multiple of the page size %d", addr, memory.PageSize)
	case n%memory.PageSize != 0:
		return 0, invalid(field(path, "length"), "%#x is not a multiple of the page size %d", n, memory.PageSize)
	case uint64(addr)+n > 1<<32:
		return 0, invalid(field(path, "length"), "%#x + %#x is past the 32-bit address space", addr, n)
	case access != memory.None && n > 0 && addr < memory.LowLimit:
		return 0, invalid(field(path, "address"), "%#x: pages below %#x can never be mapped", addr, memory.LowLimit)
	}
	return access, nil
}

// memoryError describes a guest memory access the client asked for that
// failed.
func memoryError(path, what string, addr uint32, n int, err error) error {
	var f *memory.Fault
	switch {
	case errors.As(err, &f) && f.Panic:
		return precondition(path, "cannot %s %d bytes at %#x: addresses below %#x are never accessible", what, n, addr, memory.LowLimit)
	case errors.As(err, &f):
		need := "readable"
		if what == "write" {
			need = "writable"
		}
		return precondition(path, "cannot %s %d bytes at %#x: page %#x is not %s by the guest", what, n, addr, f.Address, need)
	case errors.Is(err, memory.ErrRange):
		return invalid(path, "cannot %s %d bytes at %#x: %v", what, n, addr, err)
	}
	return precondition(path, "cannot %s %d bytes at %#x: %v", what, n, addr, err)
}

func (s *Server) checkGas(gas int64, path string) error {
	if gas < 0 {
		return invalid(path, "%d is negative", gas)
	}
	if max := s.cfg.MaxGasPerRun; max > 0 && gas > max {
		return exhausted(path, "%d is over the limit of %d (--max-gas)", gas, max)
	}
	return nil
}

func (s *Server) acquireInstance(path string) error {
	n := s.instances.Add(1)
	if max := s.cfg.MaxInstances; max > 0 && n > int64(max) {
		s.instances.Add(-1)
		return exhausted(path, "the server has %d instances, its limit (--max-instances)", max)
	}
	return nil
}

// checkInstanceMemory checks an instance's mapped bytes against the
// per-instance limit.
func (s *Server) checkInstanceMemory(bytes uint64, path string) error {
	if max := s.cfg.MaxGuestMemoryPerInstance; max > 0 && bytes > max {
		return exhausted(path, "the instance would map %d bytes of guest memory, over the limit of %d per instance (--max-instance-memory)", bytes, max)
	}
	return nil
}

// chargeMemory sets the bytes x has mapped to total, checking the limits.
func (s *Server) chargeMemory(x *instance, total uint64, path string) error {
	if total > x.mapped {
		if err := s.checkInstanceMemory(total, path); err != nil {
			return err
		}
		delta := int64(total - x.mapped)
		now := s.guestMemory.Add(delta)
		if max := s.cfg.MaxGuestMemoryTotal; max > 0 && uint64(now) > max {
			s.guestMemory.Add(-delta)
			return exhausted(path, "the server's instances would map %d bytes of guest memory, over the limit of %d (--max-memory)", now, max)
		}
	} else {
		s.guestMemory.Add(-int64(x.mapped - total))
	}
	x.mapped = total
	return nil
}

// syncMemory accounts for memory the engine mapped itself (GP 0.7 sbrk).
func (x *instance) syncMemory() {
	if cur := x.m.State().Mem.MappedBytes(); cur != x.mapped {
		x.s.guestMemory.Add(int64(cur) - int64(x.mapped))
		x.mapped = cur
	}
}

// mapChange is what setting [addr, addr+n) to access would change: the
// bytes x maps afterwards, and the change in its separate mapped ranges.
func (x *instance) mapChange(addr uint32, n uint64, access memory.Access) (bytes uint64, ranges int) {
	if n == 0 {
		return x.mapped, 0
	}
	_, perm := x.m.State().Mem.Raw()
	first, end := uint64(addr>>memory.PageShift), uint64(addr>>memory.PageShift)+n>>memory.PageShift
	mapped := func(p uint64) bool { return p < memory.NumPages && perm[p] != memory.None }
	var was uint64
	starts := 0 // ranges starting in [first, end] now
	prev := first > 0 && mapped(first-1)
	for p := first; p <= end && p < memory.NumPages; p++ {
		m := perm[p] != memory.None
		if m && p < end {
			was++
		}
		if m && !prev {
			starts++
		}
		prev = m
	}
	now := access != memory.None
	after := 0 // ranges starting in [first, end] afterwards
	if now && !(first > 0 && mapped(first-1)) {
		after++
	}
	if !now && mapped(end) {
		after++
	}
	bytes = x.mapped - was*memory.PageSize
	if now {
		bytes += n
	}
	return bytes, after - starts
}

// close frees the instance.
func (x *instance) close() {
	if x.closed {
		return
	}
	x.closed = true
	if x.m != nil {
		_ = x.m.Close()
	}
	x.s.guestMemory.Add(-int64(x.mapped))
	x.s.mappings.Add(-x.mappings)
	x.mapped, x.mappings = 0, 0
	x.s.instances.Add(-1)
	x.prog.Release()
}

// execute runs the instance to its next exit and records it.
func (x *instance) execute(ctx context.Context) (vm.Exit, error) {
	st := x.m.State()
	before := st.Gas
	exit, err := x.m.Run(ctx)
	if used := before - st.Gas; used > 0 {
		x.labels.gas.Add(float64(used))
	}
	x.syncMemory()
	if err != nil {
		x.state = pb.RunState_RUN_STATE_READY
		if ctxErr := ctx.Err(); ctxErr != nil {
			return exit, status.FromContextError(ctxErr).Err()
		}
		return exit, fmt.Errorf("engine: %w", err)
	}
	x.finishRun(exit)
	return exit, nil
}

// finishRun records how a run stopped.
func (x *instance) finishRun(exit vm.Exit) {
	x.last = exit
	if exit.Status <= vm.HostCall {
		x.labels.runs[exit.Status].Inc()
	}
	switch exit.Status {
	case vm.HostCall:
		x.state = pb.RunState_RUN_STATE_AT_HOST_CALL
		x.s.metrics.hostCalls.Inc()
		x.hostCallSent = time.Now()
	case vm.PageFault:
		x.state = pb.RunState_RUN_STATE_AT_PAGE_FAULT
	default:
		x.state = pb.RunState_RUN_STATE_FINISHED
	}
}

var exitStatus = [...]pb.ExitStatus{
	vm.Halt:      pb.ExitStatus_EXIT_STATUS_HALT,
	vm.Panic:     pb.ExitStatus_EXIT_STATUS_PANIC,
	vm.OutOfGas:  pb.ExitStatus_EXIT_STATUS_OUT_OF_GAS,
	vm.PageFault: pb.ExitStatus_EXIT_STATUS_PAGE_FAULT,
}

func (x *instance) registers() []uint64 {
	r := make([]uint64, vm.NumRegs)
	copy(r, x.m.State().Regs[:])
	return r
}

func (x *instance) hostCall(e vm.Exit) *pb.HostCall {
	return &pb.HostCall{InstanceId: x.id, CallId: e.HostID, Pc: e.PC, Gas: x.m.State().Gas, Registers: x.registers()}
}

func (x *instance) exited(e vm.Exit) *pb.Exited {
	out := &pb.Exited{InstanceId: x.id, Pc: e.PC, Gas: x.m.State().Gas, Registers: x.registers()}
	if int(e.Status) < len(exitStatus) {
		out.Status = exitStatus[e.Status]
	}
	if e.Status == vm.PageFault {
		out.FaultAddress = e.FaultAddress
	}
	return out
}

// state describes the instance for GetState.
func (x *instance) stateProto() *pb.InstanceState {
	st := x.m.State()
	out := &pb.InstanceState{
		InstanceId:   x.id,
		RunState:     x.state,
		Pc:           x.m.PC(),
		Gas:          st.Gas,
		Registers:    x.registers(),
		MappedBytes:  st.Mem.MappedBytes(),
		Instructions: st.Instructions,
	}
	switch x.state {
	case pb.RunState_RUN_STATE_AT_HOST_CALL:
		out.CallId = x.last.HostID
	case pb.RunState_RUN_STATE_AT_PAGE_FAULT:
		out.FaultAddress = x.last.FaultAddress
	}
	return out
}
