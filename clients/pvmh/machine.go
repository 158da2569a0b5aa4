package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync/atomic"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/engines"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// This file is the library without cgo: a machine wraps one vm.Instance
// with the semantics pvm.h promises. exports.go maps the C calls onto it.
// The constructors take ownership of the slices they are given (exports.go
// passes copies of the caller's C memory).

// Result codes (pvm.h pvm_result_t): the GP's inner-PVM status codes.
const (
	resHalt  = 0
	resPanic = 1
	resFault = 2
	resHost  = 3
	resOOG   = 4
	resError = -1

	stateReady = 0x80
)

// Error codes (pvm.h pvm_error_t).
const (
	errOK       = 0
	errOOB      = -3
	errInvalid  = -20
	errBusy     = -21
	errInternal = -22
)

// Host callback results (pvm.h pvm_host_result_t).
const (
	hostContinue  = 0
	hostTerminate = 1
	hostError     = 2
	hostOOG       = 3
)

// Page access modes (pvm.h pvm_access_t).
const (
	accessNone      = 0
	accessReadOnly  = 1
	accessReadWrite = 2
)

// apiError is an error with the pvm_error_t code a C caller gets.
type apiError struct {
	code int
	msg  string
}

func (e *apiError) Error() string { return e.msg }

func fail(code int, format string, args ...any) error {
	return &apiError{code: code, msg: fmt.Sprintf(format, args...)}
}

// codeOf is the pvm_error_t for err.
func codeOf(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.code
	}
	return errInvalid
}

// resultOf maps an engine status to a pvm_result_t.
func resultOf(s vm.Status) int {
	switch s {
	case vm.Halt:
		return resHalt
	case vm.Panic:
		return resPanic
	case vm.PageFault:
		return resFault
	case vm.HostCall:
		return resHost
	case vm.OutOfGas:
		return resOOG
	}
	return resError
}

var resultNames = map[int]string{resHalt: "HALT", resPanic: "PANIC", resFault: "FAULT", resHost: "HOST", resOOG: "OOG", resError: "ERROR", stateReady: "READY"}

// options are what every constructor takes besides the program.
type options struct {
	service uint32
	gas     uint64
	profile string
	engine  string
}

// machine is one VM.
type machine struct {
	serial   uint64
	service  uint32
	profile  vm.Profile
	engine   string
	compiled vm.Compiled
	inst     vm.Instance

	state   int     // result of the last run, or stateReady
	exit    vm.Exit // the last exit, as reported (after any callback verdict)
	started bool    // pvm_execute was called: the loader's write privilege ends
	child   bool    // the running pvm_execute's is_child

	running atomic.Bool // inside pvm_execute / pvm_resume
	broken  string      // set when an internal error left the instance unusable

	logging, tracing bool
}

var serials atomic.Uint64

// prepare resolves the profile and engine, and compiles.
func prepare(cb *program.CodeBlob, o options) (*machine, error) {
	p, err := vm.ParseProfile(o.profile)
	if err != nil {
		return nil, fail(errInvalid, "%v", err)
	}
	eng, err := engines.ByName(o.engine)
	if err != nil {
		return nil, fail(errInvalid, "%v", err)
	}
	if o.gas > math.MaxInt64 {
		return nil, fail(errInvalid, "initial gas %d is over the limit of %d", o.gas, int64(math.MaxInt64))
	}
	c, err := eng.Compile(cb, p)
	if err != nil {
		return nil, fail(errInvalid, "compile: %v", err)
	}
	return &machine{
		serial:   serials.Add(1),
		service:  o.service,
		profile:  p,
		engine:   eng.Name(),
		compiled: c,
		state:    stateReady,
	}, nil
}

// start gives m an instance on a memory with nothing mapped.
func (m *machine) start(regs *[vm.NumRegs]uint64, gas uint64) error {
	mem, err := memory.New()
	if err != nil {
		m.compiled.Release()
		return fail(errInternal, "create guest memory: %v", err)
	}
	m.inst = m.compiled.Instantiate(mem, 0)
	st := m.inst.State()
	if regs != nil {
		st.Regs = *regs
	}
	st.Gas = int64(gas)
	return nil
}

// newFromParts is pvm_create: code, bitmask (packed or one byte per code
// byte) and jump table given separately.
func newFromParts(code, bitmask []byte, jumpTable []uint32, regs *[vm.NumRegs]uint64, o options) (*machine, error) {
	if len(code) == 0 {
		return nil, fail(errInvalid, "no code")
	}
	if len(code) > program.MaxCodeLen {
		return nil, fail(errInvalid, "code is %d bytes, over the limit of %d", len(code), program.MaxCodeLen)
	}
	if len(jumpTable) > program.MaxJumpTableLen {
		return nil, fail(errInvalid, "jump table has %d entries, over the limit of %d", len(jumpTable), program.MaxJumpTableLen)
	}
	mask, err := packBitmask(bitmask, len(code))
	if err != nil {
		return nil, err
	}
	cb := &program.CodeBlob{Code: code, Bitmask: mask, JumpTable: jumpTable}
	m, err := prepare(cb, o)
	if err != nil {
		return nil, err
	}
	return m, m.start(regs, o.gas)
}

// packBitmask returns the packed form of an opcode bitmask given packed
// ((n+7)/8 bytes) or unpacked (n bytes, one per code byte). For n = 1 both
// have one byte and mean the same when it is 0 or 1.
func packBitmask(b []byte, n int) ([]byte, error) {
	packed := (n + 7) / 8
	switch {
	case len(b) == packed && n != 1:
		if n%8 != 0 && b[packed-1]>>(n%8) != 0 {
			return nil, fail(errInvalid, "bitmask: padding bits past the code are not zero")
		}
		return b, nil
	case len(b) == n:
		out := make([]byte, packed)
		for i, v := range b {
			if v != 0 {
				out[i/8] |= 1 << (i % 8)
			}
		}
		return out, nil
	}
	return nil, fail(errInvalid, "bitmask is %d bytes; want %d (packed, one bit per code byte) or %d (one byte per code byte)", len(b), packed, n)
}

// newFromCodeBlob is pvm_create_from_code_blob.
func newFromCodeBlob(blob []byte, regs *[vm.NumRegs]uint64, o options) (*machine, error) {
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		return nil, fail(errInvalid, "%v", err)
	}
	m, err := prepare(cb, o)
	if err != nil {
		return nil, err
	}
	return m, m.start(regs, o.gas)
}

// newFromStandard is pvm_create_from_program.
func newFromStandard(blob, args []byte, o options) (*machine, error) {
	s, err := program.DecodeStandard(blob)
	if err != nil {
		return nil, fail(errInvalid, "%v", err)
	}
	if len(args) > program.MaxArgsSize {
		return nil, fail(errInvalid, "arguments are %d bytes; at most %d", len(args), program.MaxArgsSize)
	}
	m, err := prepare(s.Code, o)
	if err != nil {
		return nil, err
	}
	inst, err := vm.StartStandard(m.compiled, s, args, 0, int64(o.gas))
	if err != nil {
		m.compiled.Release()
		return nil, fail(errInvalid, "lay out memory: %v", err)
	}
	m.inst = inst
	return m, nil
}

// close frees the instance and the compiled program.
func (m *machine) close() error {
	if m.running.Load() {
		return fail(errBusy, "the VM is executing; destroy it after pvm_execute returns")
	}
	err := m.inst.Close()
	m.compiled.Release()
	return err
}

// hostFunc calls the host callback, which returns a pvm_host_result_t; ok
// is false when there is no callback (it is looked up at every host call,
// since a callback may change it).
type hostFunc func(id uint64) (result int, ok bool)

// execute is pvm_execute.
func (m *machine) execute(entry uint32, child bool, host hostFunc) (int, error) {
	if err := m.enter(); err != nil {
		return resError, err
	}
	defer m.running.Store(false)
	m.inst.SetPC(entry)
	m.started, m.child = true, child
	m.logf("execute entry=%d is_child=%t gas=%d", entry, child, m.inst.State().Gas)
	return m.run(host)
}

// resume is pvm_resume.
func (m *machine) resume(host hostFunc) (int, error) {
	if err := m.enter(); err != nil {
		return resError, err
	}
	defer m.running.Store(false)
	switch m.state {
	case stateReady:
		return resError, fail(errInvalid, "nothing to resume: call pvm_execute first")
	case resHalt, resPanic, resOOG:
		m.logf("resume: already stopped with %s", resultNames[m.state])
		return m.state, nil
	}
	m.logf("resume after %s at pc %d gas=%d", resultNames[m.state], m.exit.PC, m.inst.State().Gas)
	return m.run(host)
}

func (m *machine) enter() error {
	if m.broken != "" {
		return fail(errInternal, "the VM is unusable after an internal error: %s", m.broken)
	}
	if !m.running.CompareAndSwap(false, true) {
		return fail(errBusy, "the VM is already executing (pvm_execute and pvm_resume cannot be called from its own host callback)")
	}
	return nil
}

// run runs until an exit the caller must see, calling host for host calls.
func (m *machine) run(host hostFunc) (res int, err error) {
	defer func() {
		if r := recover(); r != nil {
			m.broken = fmt.Sprint(r)
			res, err = resError, fail(errInternal, "internal error while executing: %v", r)
		}
		if err != nil {
			m.logf("returns ERROR: %v", err)
		} else {
			m.logf("returns %s pc=%d gas=%d%s", resultNames[res], m.exit.PC, m.inst.State().Gas, m.exitDetail())
		}
	}()
	for {
		e, err := m.inst.Run(context.Background())
		if err != nil {
			return resError, fail(errInternal, "run: %v", err)
		}
		m.exit, m.state = e, resultOf(e.Status)
		if m.tracing {
			st := m.inst.State()
			m.tracef("exit %s pc=%d gas=%d%s regs=%#x", resultNames[m.state], e.PC, st.Gas, m.exitDetail(), st.Regs)
		}
		if e.Status != vm.HostCall || m.child || host == nil {
			return m.state, nil
		}
		r, ok := host(e.HostID)
		if !ok {
			return m.state, nil
		}
		switch r {
		case hostContinue:
			continue
		case hostTerminate:
			m.exit.Status, m.state = vm.Halt, resHalt
		case hostOOG:
			m.exit.Status, m.state = vm.OutOfGas, resOOG
		default:
			if r != hostError {
				m.logf("host callback returned %d for host call %d; treating it as PVM_HOST_ERROR", r, e.HostID)
			}
			m.exit.Status, m.state = vm.Panic, resPanic
		}
		return m.state, nil
	}
}

func (m *machine) exitDetail() string {
	switch m.state {
	case resFault:
		return fmt.Sprintf(" fault_address=%#x", m.exit.FaultAddress)
	case resHost:
		return fmt.Sprintf(" host_id=%#x", m.exit.HostID)
	}
	return ""
}

func (m *machine) logf(format string, args ...any) {
	if m.logging {
		m.printf(format, args...)
	}
}

func (m *machine) tracef(format string, args ...any) { m.printf(format, args...) }

func (m *machine) printf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(os.Stderr, "pvm[%d service=%d %s %s]: %s\n", m.serial, m.service, m.engine, m.profile, strings.TrimSpace(msg))
}

// setGas is pvm_set_gas.
func (m *machine) setGas(g uint64) error {
	if g > math.MaxInt64 {
		return fail(errInvalid, "gas %d is over the limit of %d", g, int64(math.MaxInt64))
	}
	m.inst.State().Gas = int64(g)
	return nil
}

// gas is pvm_get_gas.
func (m *machine) gas() uint64 { return uint64(max(m.inst.State().Gas, 0)) }

func checkReg(i int) error {
	if i < 0 || i >= vm.NumRegs {
		return fail(errInvalid, "register index %d is not in 0..%d", i, vm.NumRegs-1)
	}
	return nil
}

// mapPages is pvm_map_pages.
func (m *machine) mapPages(first, count uint32, access int) error {
	var a memory.Access
	switch access {
	case accessNone:
		a = memory.None
	case accessReadOnly:
		a = memory.ReadOnly
	case accessReadWrite:
		a = memory.ReadWrite
	default:
		return fail(errInvalid, "unknown page access %d: want 0 (none), 1 (read-only) or 2 (read-write)", access)
	}
	if uint64(first)+uint64(count) > memory.NumPages {
		return fail(errInvalid, "pages %d..%d are past the last page %d", first, uint64(first)+uint64(count)-1, memory.NumPages-1)
	}
	if a != memory.None && first < memory.LowLimit/memory.PageSize && count > 0 {
		return fail(errInvalid, "pages below %d (the first 64 KiB) can never be mapped", memory.LowLimit/memory.PageSize)
	}
	if err := m.inst.State().Mem.SetAccess(first*memory.PageSize, uint64(count)*memory.PageSize, a); err != nil {
		if errors.Is(err, memory.ErrRange) {
			return fail(errInvalid, "%v", err)
		}
		return fail(errInternal, "map pages %d+%d: %v", first, count, err)
	}
	return nil
}

// pageAccess is pvm_get_page_access.
func (m *machine) pageAccess(page uint32) (int, error) {
	if page >= memory.NumPages {
		return 0, fail(errInvalid, "page %d is past the last page %d", page, memory.NumPages-1)
	}
	switch m.inst.State().Mem.PageAccess(page * memory.PageSize) {
	case memory.ReadOnly:
		return accessReadOnly, nil
	case memory.ReadWrite:
		return accessReadWrite, nil
	}
	return accessNone, nil
}

// mapRange maps [addr, end) widened to whole pages.
func (m *machine) mapRange(name string, addr, end uint32, access int) error {
	if end <= addr {
		return nil
	}
	first := addr / memory.PageSize
	last := (uint64(end) + memory.PageSize - 1) / memory.PageSize
	if err := m.mapPages(first, uint32(last-uint64(first)), access); err != nil {
		return fail(codeOf(err), "%s region [%#x, %#x): %v", name, addr, end, err)
	}
	return nil
}

// setMemoryBounds is pvm_set_memory_bounds.
func (m *machine) setMemoryBounds(rw, rwEnd, ro, roEnd, out, outEnd, stack, stackEnd uint32) error {
	return errors.Join(
		m.mapRange("rw", rw, rwEnd, accessReadWrite),
		m.mapRange("ro", ro, roEnd, accessReadOnly),
		m.mapRange("output", out, outEnd, accessReadOnly),
		m.mapRange("stack", stack, stackEnd, accessReadWrite),
	)
}

func memErr(op string, addr uint32, n int, err error) error {
	var f *memory.Fault
	if errors.As(err, &f) || errors.Is(err, memory.ErrRange) {
		return fail(errOOB, "%s %d bytes at %#x: %v", op, n, addr, err)
	}
	return fail(errInternal, "%s %d bytes at %#x: %v", op, n, addr, err)
}

// read is pvm_read_ram_bytes.
func (m *machine) read(addr uint32, dst []byte) error {
	if err := m.inst.State().Mem.Read(addr, dst); err != nil {
		return memErr("read", addr, len(dst), err)
	}
	return nil
}

// write is pvm_write_ram_bytes: a guest write, or before the first run a
// loader write.
func (m *machine) write(addr uint32, src []byte) error {
	if !m.started {
		return m.load(addr, src)
	}
	if err := m.inst.State().Mem.Write(addr, src); err != nil {
		return memErr("write", addr, len(src), err)
	}
	return nil
}

// load is pvm_load_ram_bytes.
func (m *machine) load(addr uint32, src []byte) error {
	if err := m.inst.State().Mem.Load(addr, src); err != nil {
		return memErr("load", addr, len(src), err)
	}
	return nil
}

// engineNames is pvm_engines.
func engineNames() string { return strings.Join(engines.Names(), ",") }
