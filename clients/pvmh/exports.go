package main

/*
#include <stdlib.h>
#include "internal.h"
*/
import "C"

import (
	"encoding/binary"
	"runtime/debug"
	"sync"
	"unsafe"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/program"
)

// The C calls of pvm.h. Each one recovers from any Go panic (turning it into
// an error result and a last-error message), and finds its VM through the
// registry, never by reading through the handle it was given.
//
// The preamble includes pvm.h, so the C compiler checks every prototype cgo
// writes for these exports against the header's.

// maxBlobLen bounds the blobs and arguments accepted, before copying them.
const maxBlobLen = 1 << 30

var registry = struct {
	sync.RWMutex
	vms map[*C.pvm_vm_t]*machine
}{vms: map[*C.pvm_vm_t]*machine{}}

// lookup finds the VM of a handle.
func lookup(p *C.pvm_vm_t) (*machine, error) {
	if p == nil {
		return nil, fail(errInvalid, "null VM handle")
	}
	registry.RLock()
	m := registry.vms[p]
	registry.RUnlock()
	if m == nil {
		return nil, fail(errInvalid, "unknown VM handle %p (not made by pvm_create*, or destroyed)", p)
	}
	return m, nil
}

// setError records err as the calling thread's last error.
func setError(fn string, m *machine, err error) {
	msg := fn + ": " + err.Error()
	if m != nil && m.logging {
		m.printf("%s", msg)
	}
	C.pvmh_set_error((*C.char)(unsafe.Pointer(unsafe.StringData(msg))), C.size_t(len(msg)))
}

// guard is deferred by every export: it turns a panic into the result v.
func guard[T any](fn string, ret *T, v T) {
	if r := recover(); r != nil {
		*ret = v
		setError(fn, nil, fail(errInternal, "internal error: %v", r))
	}
}

// guardVoid is guard for exports without a result.
func guardVoid(fn string) {
	if r := recover(); r != nil {
		setError(fn, nil, fail(errInternal, "internal error: %v", r))
	}
}

// goBytes copies n bytes of C memory (p may be NULL only when n is 0).
func goBytes(what string, p unsafe.Pointer, n C.size_t, limit int) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if p == nil {
		return nil, fail(errInvalid, "%s is NULL but its length is %d", what, n)
	}
	if uint64(n) > uint64(limit) {
		return nil, fail(errInvalid, "%s is %d bytes, over the limit of %d", what, n, limit)
	}
	return append([]byte(nil), unsafe.Slice((*byte)(p), int(n))...), nil
}

func goRegs(p *C.pvmh_cu64) *[vm.NumRegs]uint64 {
	if p == nil {
		return nil
	}
	var r [vm.NumRegs]uint64
	copy(r[:], unsafe.Slice((*uint64)(unsafe.Pointer(p)), vm.NumRegs))
	return &r
}

func goString(p *C.pvmh_cchar) string {
	if p == nil {
		return ""
	}
	return C.GoString((*C.char)(unsafe.Pointer(p)))
}

// register makes a C handle for m.
func register(m *machine) *C.pvm_vm_t {
	p := (*C.pvm_vm_t)(C.calloc(1, C.size_t(unsafe.Sizeof(C.struct_pvm_vm{}))))
	if p == nil {
		m.close()
		panic("out of memory")
	}
	p.serial = C.uint64_t(m.serial)
	registry.Lock()
	registry.vms[p] = m
	registry.Unlock()
	return p
}

// created finishes a constructor.
func created(fn string, m *machine, err error) *C.pvm_vm_t {
	if err != nil {
		setError(fn, nil, err)
		return nil
	}
	return register(m)
}

//export pvm_create
func pvm_create(service C.uint32_t, code *C.pvmh_cu8, codeLen C.size_t, regs *C.pvmh_cu64,
	bitmask *C.pvmh_cu8, bitmaskLen C.size_t, jumpTable *C.pvmh_cu32, jumpTableLen C.size_t,
	gas C.uint64_t) (ret *C.pvm_vm_t) {
	defer guard("pvm_create", &ret, nil)
	return create("pvm_create", service, code, codeLen, regs, bitmask, bitmaskLen, jumpTable, jumpTableLen, gas, nil, nil)
}

//export pvm_create_ex
func pvm_create_ex(service C.uint32_t, code *C.pvmh_cu8, codeLen C.size_t, regs *C.pvmh_cu64,
	bitmask *C.pvmh_cu8, bitmaskLen C.size_t, jumpTable *C.pvmh_cu32, jumpTableLen C.size_t,
	gas C.uint64_t, profile, engine *C.pvmh_cchar) (ret *C.pvm_vm_t) {
	defer guard("pvm_create_ex", &ret, nil)
	return create("pvm_create_ex", service, code, codeLen, regs, bitmask, bitmaskLen, jumpTable, jumpTableLen, gas, profile, engine)
}

func create(fn string, service C.uint32_t, code *C.pvmh_cu8, codeLen C.size_t, regs *C.pvmh_cu64,
	bitmask *C.pvmh_cu8, bitmaskLen C.size_t, jumpTable *C.pvmh_cu32, jumpTableLen C.size_t,
	gas C.uint64_t, profile, engine *C.pvmh_cchar) *C.pvm_vm_t {
	o := options{service: uint32(service), gas: uint64(gas), profile: goString(profile), engine: goString(engine)}
	if code == nil || codeLen == 0 {
		return created(fn, nil, fail(errInvalid, "no code"))
	}
	c, err := goBytes("code", unsafe.Pointer(code), codeLen, program.MaxCodeLen)
	if err != nil {
		return created(fn, nil, err)
	}
	mask, err := goBytes("bitmask", unsafe.Pointer(bitmask), bitmaskLen, program.MaxCodeLen)
	if err != nil {
		return created(fn, nil, err)
	}
	if jumpTableLen > 0 && jumpTable == nil {
		return created(fn, nil, fail(errInvalid, "jump table is NULL but its length is %d", jumpTableLen))
	}
	if uint64(jumpTableLen) > program.MaxJumpTableLen {
		return created(fn, nil, fail(errInvalid, "jump table has %d entries, over the limit of %d", jumpTableLen, program.MaxJumpTableLen))
	}
	var jt []uint32
	if jumpTableLen > 0 {
		jt = append(jt, unsafe.Slice((*uint32)(unsafe.Pointer(jumpTable)), int(jumpTableLen))...)
	}
	m, err := newFromParts(c, mask, jt, goRegs(regs), o)
	return created(fn, m, err)
}

//export pvm_create_from_code_blob
func pvm_create_from_code_blob(service C.uint32_t, blob *C.pvmh_cu8, blobLen C.size_t, regs *C.pvmh_cu64,
	gas C.uint64_t, profile, engine *C.pvmh_cchar) (ret *C.pvm_vm_t) {
	const fn = "pvm_create_from_code_blob"
	defer guard(fn, &ret, nil)
	b, err := goBytes("blob", unsafe.Pointer(blob), blobLen, maxBlobLen)
	if err != nil {
		return created(fn, nil, err)
	}
	o := options{service: uint32(service), gas: uint64(gas), profile: goString(profile), engine: goString(engine)}
	m, err := newFromCodeBlob(b, goRegs(regs), o)
	return created(fn, m, err)
}

//export pvm_create_from_program
func pvm_create_from_program(service C.uint32_t, blob *C.pvmh_cu8, blobLen C.size_t, args *C.pvmh_cu8, argsLen C.size_t,
	gas C.uint64_t, profile, engine *C.pvmh_cchar) (ret *C.pvm_vm_t) {
	const fn = "pvm_create_from_program"
	defer guard(fn, &ret, nil)
	b, err := goBytes("blob", unsafe.Pointer(blob), blobLen, maxBlobLen)
	if err != nil {
		return created(fn, nil, err)
	}
	a, err := goBytes("arguments", unsafe.Pointer(args), argsLen, program.MaxArgsSize)
	if err != nil {
		return created(fn, nil, err)
	}
	o := options{service: uint32(service), gas: uint64(gas), profile: goString(profile), engine: goString(engine)}
	m, err := newFromStandard(b, a, o)
	return created(fn, m, err)
}

//export pvm_destroy
func pvm_destroy(p *C.pvm_vm_t) {
	const fn = "pvm_destroy"
	defer guardVoid(fn)
	if p == nil {
		return
	}
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return
	}
	if m.running.Load() {
		setError(fn, m, fail(errBusy, "the VM is executing; destroy it after pvm_execute returns"))
		return
	}
	registry.Lock()
	delete(registry.vms, p)
	registry.Unlock()
	err = m.close()
	C.free(unsafe.Pointer(p))
	if err != nil {
		setError(fn, nil, err)
	}
}

// hostOf calls p's callback, looked up at each call.
func hostOf(p *C.pvm_vm_t) hostFunc {
	return func(id uint64) (int, bool) {
		if p.callback == nil {
			return 0, false
		}
		return int(C.pvmh_call_host(p, C.int(int32(uint32(id))))), true
	}
}

//export pvm_execute
func pvm_execute(p *C.pvm_vm_t, entry C.uint32_t, isChild C.uint32_t) (ret C.pvm_result_t) {
	const fn = "pvm_execute"
	defer guard(fn, &ret, resError)
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return resError
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	r, err := m.execute(uint32(entry), isChild != 0, hostOf(p))
	if err != nil {
		setError(fn, m, err)
	}
	return C.pvm_result_t(r)
}

//export pvm_resume
func pvm_resume(p *C.pvm_vm_t) (ret C.pvm_result_t) {
	const fn = "pvm_resume"
	defer guard(fn, &ret, resError)
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return resError
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	r, err := m.resume(hostOf(p))
	if err != nil {
		setError(fn, m, err)
	}
	return C.pvm_result_t(r)
}

//export pvm_set_host_callback
func pvm_set_host_callback(p *C.pvm_vm_t, cb C.pvm_host_callback_t) {
	const fn = "pvm_set_host_callback"
	defer guardVoid(fn)
	if _, err := lookup(p); err != nil {
		setError(fn, nil, err)
		return
	}
	p.callback = cb
}

//export pvm_set_user_data
func pvm_set_user_data(p *C.pvm_vm_t, data unsafe.Pointer) {
	const fn = "pvm_set_user_data"
	defer guardVoid(fn)
	if _, err := lookup(p); err != nil {
		setError(fn, nil, err)
		return
	}
	p.user_data = data
}

//export pvm_get_user_data
func pvm_get_user_data(p *C.pvm_vm_t) (ret unsafe.Pointer) {
	const fn = "pvm_get_user_data"
	defer guard(fn, &ret, nil)
	if _, err := lookup(p); err != nil {
		setError(fn, nil, err)
		return nil
	}
	return p.user_data
}

// get runs f on p's VM, or records the error and returns zero.
func get[T any](fn string, p *C.pvm_vm_t, f func(m *machine) T) T {
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		var zero T
		return zero
	}
	return f(m)
}

//export pvm_get_machine_state
func pvm_get_machine_state(p *C.pvm_vm_t) (ret C.uint8_t) {
	const fn = "pvm_get_machine_state"
	defer guard(fn, &ret, C.PVM_STATE_INVALID)
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return C.PVM_STATE_INVALID
	}
	return C.uint8_t(m.state)
}

//export pvm_get_pc
func pvm_get_pc(p *C.pvm_vm_t) (ret C.uint64_t) {
	const fn = "pvm_get_pc"
	defer guard(fn, &ret, 0)
	return get(fn, p, func(m *machine) C.uint64_t { return C.uint64_t(m.exit.PC) })
}

//export pvm_get_fault_address
func pvm_get_fault_address(p *C.pvm_vm_t) (ret C.uint32_t) {
	const fn = "pvm_get_fault_address"
	defer guard(fn, &ret, 0)
	return get(fn, p, func(m *machine) C.uint32_t {
		if m.state != resFault {
			return 0
		}
		return C.uint32_t(m.exit.FaultAddress)
	})
}

//export pvm_get_host_call_id
func pvm_get_host_call_id(p *C.pvm_vm_t) (ret C.uint64_t) {
	const fn = "pvm_get_host_call_id"
	defer guard(fn, &ret, 0)
	return get(fn, p, func(m *machine) C.uint64_t { return C.uint64_t(m.exit.HostID) })
}

//export pvm_get_gas
func pvm_get_gas(p *C.pvm_vm_t) (ret C.uint64_t) {
	const fn = "pvm_get_gas"
	defer guard(fn, &ret, 0)
	return get(fn, p, func(m *machine) C.uint64_t { return C.uint64_t(m.gas()) })
}

//export pvm_set_gas
func pvm_set_gas(p *C.pvm_vm_t, gas C.uint64_t) {
	const fn = "pvm_set_gas"
	defer guardVoid(fn)
	m, err := lookup(p)
	if err == nil {
		err = m.setGas(uint64(gas))
	}
	if err != nil {
		setError(fn, m, err)
	}
}

//export pvm_set_register
func pvm_set_register(p *C.pvm_vm_t, index C.int, value C.uint64_t) {
	const fn = "pvm_set_register"
	defer guardVoid(fn)
	m, err := lookup(p)
	if err == nil {
		err = checkReg(int(index))
	}
	if err != nil {
		setError(fn, m, err)
		return
	}
	m.inst.State().Regs[index] = uint64(value)
}

//export pvm_get_register
func pvm_get_register(p *C.pvm_vm_t, index C.int) (ret C.uint64_t) {
	const fn = "pvm_get_register"
	defer guard(fn, &ret, 0)
	m, err := lookup(p)
	if err == nil {
		err = checkReg(int(index))
	}
	if err != nil {
		setError(fn, m, err)
		return 0
	}
	return C.uint64_t(m.inst.State().Regs[index])
}

//export pvm_get_registers
func pvm_get_registers(p *C.pvm_vm_t) (ret *C.pvmh_cu64) {
	const fn = "pvm_get_registers"
	defer guard(fn, &ret, nil)
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return nil
	}
	for i, r := range m.inst.State().Regs {
		p.regs[i] = C.uint64_t(r)
	}
	return (*C.pvmh_cu64)(unsafe.Pointer(&p.regs[0]))
}

//export pvm_set_registers
func pvm_set_registers(p *C.pvm_vm_t, regs *C.pvmh_cu64) {
	const fn = "pvm_set_registers"
	defer guardVoid(fn)
	m, err := lookup(p)
	if err == nil && regs == nil {
		err = fail(errInvalid, "registers are NULL")
	}
	if err != nil {
		setError(fn, m, err)
		return
	}
	m.inst.State().Regs = *goRegs(regs)
}

//export pvm_set_heap_pointer
func pvm_set_heap_pointer(p *C.pvm_vm_t, ptr C.uint32_t) {
	const fn = "pvm_set_heap_pointer"
	defer guardVoid(fn)
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return
	}
	m.inst.State().HeapTop = uint32(ptr)
}

//export pvm_get_heap_pointer
func pvm_get_heap_pointer(p *C.pvm_vm_t) (ret C.uint32_t) {
	const fn = "pvm_get_heap_pointer"
	defer guard(fn, &ret, 0)
	return get(fn, p, func(m *machine) C.uint32_t { return C.uint32_t(m.inst.State().HeapTop) })
}

//export pvm_map_pages
func pvm_map_pages(p *C.pvm_vm_t, first, count C.uint32_t, access C.pvm_access_t) (ret C.pvm_error_t) {
	const fn = "pvm_map_pages"
	defer guard(fn, &ret, errInternal)
	m, err := lookup(p)
	if err == nil {
		err = m.mapPages(uint32(first), uint32(count), int(access))
	}
	if err != nil {
		setError(fn, m, err)
		return C.pvm_error_t(codeOf(err))
	}
	return errOK
}

//export pvm_get_page_access
func pvm_get_page_access(p *C.pvm_vm_t, page C.uint32_t) (ret C.int) {
	const fn = "pvm_get_page_access"
	defer guard(fn, &ret, errInternal)
	m, err := lookup(p)
	var a int
	if err == nil {
		a, err = m.pageAccess(uint32(page))
	}
	if err != nil {
		setError(fn, m, err)
		return C.int(codeOf(err))
	}
	return C.int(a)
}

//export pvm_set_memory_bounds
func pvm_set_memory_bounds(p *C.pvm_vm_t, rw, rwEnd, ro, roEnd, out, outEnd, stack, stackEnd C.uint32_t) {
	const fn = "pvm_set_memory_bounds"
	defer guardVoid(fn)
	m, err := lookup(p)
	if err == nil {
		err = m.setMemoryBounds(uint32(rw), uint32(rwEnd), uint32(ro), uint32(roEnd), uint32(out), uint32(outEnd), uint32(stack), uint32(stackEnd))
	}
	if err != nil {
		setError(fn, m, err)
	}
}

// memCode is a memory function's uint64_t result for err.
func memCode(err error) C.uint64_t {
	if err == nil {
		return errOK
	}
	return C.uint64_t(int64(codeOf(err)))
}

// cSlice views C memory; n must have been checked against p.
func cSlice(p unsafe.Pointer, n uint32) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(p), int(n))
}

// memOp runs a memory operation on p's VM and records its error.
func memOp(fn string, p *C.pvm_vm_t, buf unsafe.Pointer, n C.uint32_t, op func(m *machine, b []byte) error) C.uint64_t {
	m, err := lookup(p)
	if err == nil && buf == nil && n > 0 {
		err = fail(errInvalid, "buffer is NULL but its length is %d", n)
	}
	if err == nil {
		err = op(m, cSlice(buf, uint32(n)))
	}
	if err != nil {
		setError(fn, m, err)
	}
	return memCode(err)
}

func setCode(errorCode *C.int, r C.uint64_t) {
	if errorCode != nil {
		*errorCode = C.int(int64(r))
	}
}

//export pvm_read_ram_bytes
func pvm_read_ram_bytes(p *C.pvm_vm_t, addr C.uint32_t, buf *C.uint8_t, n C.uint32_t, errorCode *C.int) (ret C.uint64_t) {
	const fn = "pvm_read_ram_bytes"
	defer guard(fn, &ret, internalCode)
	defer func() { setCode(errorCode, ret) }()
	return memOp(fn, p, unsafe.Pointer(buf), n, func(m *machine, b []byte) error { return m.read(uint32(addr), b) })
}

//export pvm_write_ram_bytes
func pvm_write_ram_bytes(p *C.pvm_vm_t, addr C.uint32_t, data *C.pvmh_cu8, n C.uint32_t) (ret C.uint64_t) {
	const fn = "pvm_write_ram_bytes"
	defer guard(fn, &ret, internalCode)
	return memOp(fn, p, unsafe.Pointer(data), n, func(m *machine, b []byte) error { return m.write(uint32(addr), b) })
}

//export pvm_load_ram_bytes
func pvm_load_ram_bytes(p *C.pvm_vm_t, addr C.uint32_t, data *C.pvmh_cu8, n C.uint32_t) (ret C.uint64_t) {
	const fn = "pvm_load_ram_bytes"
	defer guard(fn, &ret, internalCode)
	return memOp(fn, p, unsafe.Pointer(data), n, func(m *machine, b []byte) error { return m.load(uint32(addr), b) })
}

// readN reads an n-byte little-endian value.
func readN(fn string, p *C.pvm_vm_t, addr C.uint32_t, n int, errorCode *C.int) uint64 {
	var b [8]byte
	r := memOp(fn, p, unsafe.Pointer(&b[0]), C.uint32_t(n), func(m *machine, _ []byte) error { return m.read(uint32(addr), b[:n]) })
	setCode(errorCode, r)
	if r != errOK {
		return 0
	}
	return binary.LittleEndian.Uint64(b[:])
}

// writeN writes an n-byte little-endian value.
func writeN(fn string, p *C.pvm_vm_t, addr C.uint32_t, n int, v uint64) C.uint64_t {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return memOp(fn, p, unsafe.Pointer(&b[0]), C.uint32_t(n), func(m *machine, _ []byte) error { return m.write(uint32(addr), b[:n]) })
}

//export pvm_read_ram_bytes_8
func pvm_read_ram_bytes_8(p *C.pvm_vm_t, addr C.uint32_t, errorCode *C.int) (ret C.uint8_t) {
	const fn = "pvm_read_ram_bytes_8"
	defer guard(fn, &ret, 0)
	return C.uint8_t(readN(fn, p, addr, 1, errorCode))
}

//export pvm_read_ram_bytes_16
func pvm_read_ram_bytes_16(p *C.pvm_vm_t, addr C.uint32_t, errorCode *C.int) (ret C.uint16_t) {
	const fn = "pvm_read_ram_bytes_16"
	defer guard(fn, &ret, 0)
	return C.uint16_t(readN(fn, p, addr, 2, errorCode))
}

//export pvm_read_ram_bytes_32
func pvm_read_ram_bytes_32(p *C.pvm_vm_t, addr C.uint32_t, errorCode *C.int) (ret C.uint32_t) {
	const fn = "pvm_read_ram_bytes_32"
	defer guard(fn, &ret, 0)
	return C.uint32_t(readN(fn, p, addr, 4, errorCode))
}

//export pvm_read_ram_bytes_64
func pvm_read_ram_bytes_64(p *C.pvm_vm_t, addr C.uint32_t, errorCode *C.int) (ret C.uint64_t) {
	const fn = "pvm_read_ram_bytes_64"
	defer guard(fn, &ret, 0)
	return C.uint64_t(readN(fn, p, addr, 8, errorCode))
}

//export pvm_write_ram_bytes_8
func pvm_write_ram_bytes_8(p *C.pvm_vm_t, addr C.uint32_t, v C.uint8_t) (ret C.uint64_t) {
	const fn = "pvm_write_ram_bytes_8"
	defer guard(fn, &ret, internalCode)
	return writeN(fn, p, addr, 1, uint64(v))
}

//export pvm_write_ram_bytes_16
func pvm_write_ram_bytes_16(p *C.pvm_vm_t, addr C.uint32_t, v C.uint16_t) (ret C.uint64_t) {
	const fn = "pvm_write_ram_bytes_16"
	defer guard(fn, &ret, internalCode)
	return writeN(fn, p, addr, 2, uint64(v))
}

//export pvm_write_ram_bytes_32
func pvm_write_ram_bytes_32(p *C.pvm_vm_t, addr C.uint32_t, v C.uint32_t) (ret C.uint64_t) {
	const fn = "pvm_write_ram_bytes_32"
	defer guard(fn, &ret, internalCode)
	return writeN(fn, p, addr, 4, uint64(v))
}

//export pvm_write_ram_bytes_64
func pvm_write_ram_bytes_64(p *C.pvm_vm_t, addr C.uint32_t, v C.uint64_t) (ret C.uint64_t) {
	const fn = "pvm_write_ram_bytes_64"
	defer guard(fn, &ret, internalCode)
	return writeN(fn, p, addr, 8, uint64(v))
}

//export pvm_set_logging
func pvm_set_logging(p *C.pvm_vm_t, enable C.int) {
	const fn = "pvm_set_logging"
	defer guardVoid(fn)
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return
	}
	m.logging = enable != 0
}

//export pvm_set_tracing
func pvm_set_tracing(p *C.pvm_vm_t, enable C.int) {
	const fn = "pvm_set_tracing"
	defer guardVoid(fn)
	m, err := lookup(p)
	if err != nil {
		setError(fn, nil, err)
		return
	}
	m.tracing = enable != 0
}

var engineList = sync.OnceValue(func() *C.char { return C.CString(engineNames()) })

//export pvm_engines
func pvm_engines() (ret *C.pvmh_cchar) {
	defer guard("pvm_engines", &ret, nil)
	return (*C.pvmh_cchar)(unsafe.Pointer(engineList()))
}

// Keep the compiler honest about the sizes the header promises.
var _ = [1]struct{}{}[unsafe.Sizeof(C.struct_pvm_vm{}.regs)-vm.NumRegs*8]

// internalCode is PVM_ERR_INTERNAL as a memory function's result.
var internalCode = memCode(fail(errInternal, ""))

// lastError is the calling thread's last error (for tests; lock the
// goroutine to its thread around the failing call and this one).
func lastError() string { return C.GoString(C.pvm_last_error()) }
