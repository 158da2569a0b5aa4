/*
 * pvm.h — pvmd's C ABI for running JAM PVM programs (Gray Paper Appendix A)
 * in-process.
 *
 * Build the library from the root of the pvmd repository:
 *
 *     go build -buildmode=c-shared -o libpvm.so ./clients/pvmh
 *
 * and link with -lpvm. This header, not the libpvm.h the Go toolchain writes
 * next to the library, is the interface.
 *
 * The API follows the C ABI proposed by JAM implementers (the jamduna /
 * colorfulnotion PVM FFI: pvm_create, pvm_execute, pvm_set_host_callback,
 * register and memory accessors, ...). Functions that exist there keep their
 * names and argument order. Where the proposal leaves a behaviour open, this
 * library follows the Gray Paper; each such choice is documented below.
 *
 * Conventions
 * -----------
 * - A pvm_vm_t* is an opaque handle. Every function accepts NULL or a handle
 *   it did not create (or one already destroyed) without crashing: it fails
 *   with PVM_RESULT_ERROR / PVM_ERR_INVALID (or returns 0 / NULL where the
 *   function has no error return) and sets the last error. The library
 *   never reads through a handle it does not know. (A destroyed handle is
 *   only recognised as such until a newer VM happens to get its address.)
 * - Failures record a message for pvm_last_error(), per thread, like errno:
 *   a successful call does not clear it.
 * - Inputs (code, blobs, arguments) are copied; the caller may free them as
 *   soon as the call returns.
 * - A VM may be used from any thread but by one thread at a time. Different
 *   VMs are independent and may run concurrently.
 * - Registers are numbered 0..12 (RISC-V names ra, sp, t0, t1, t2, s0, s1,
 *   a0..a5). Memory is the GP's 32-bit address space of 4096-byte pages,
 *   each inaccessible, read-only or read-write; the lowest 64 KiB
 *   (pages 0..15) can never be mapped and any guest access there panics.
 */
#ifndef PVMD_PVM_H
#define PVMD_PVM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this ABI, returned by pvm_abi_version(). */
#define PVM_ABI_VERSION 1

#define PVM_NUM_REGISTERS 13
#define PVM_PAGE_SIZE 4096
/* djump to this address halts (the standard program's return address). */
#define PVM_HALT_ADDRESS 0xFFFF0000u

/* ------------------------------------------------------------------------
 * Result codes and machine states
 * ------------------------------------------------------------------------ */

/*
 * pvm_execute and pvm_resume return the GP's inner-PVM status codes
 * (HALT=0, PANIC=1, FAULT=2, HOST=3, OOG=4), or PVM_RESULT_ERROR when the
 * call itself failed (bad handle or argument, the VM already executing,
 * an internal error; see pvm_last_error()).
 *
 * Note for callers of the proposal: its PVM_RESULT_OK (0) and
 * PVM_RESULT_HOST_CALL (3) keep their values here, but PANIC and OOG follow
 * the GP numbering (1 and 4, not 2 and 1), and a page fault is reported as
 * PVM_RESULT_FAULT instead of being folded into PANIC.
 */
typedef int pvm_result_t;
enum {
    PVM_RESULT_HALT = 0,   /* halted: djump to PVM_HALT_ADDRESS, or the host callback returned PVM_HOST_TERMINATE */
    PVM_RESULT_PANIC = 1,  /* trap, invalid instruction or jump, access below 64 KiB, or PVM_HOST_ERROR */
    PVM_RESULT_FAULT = 2,  /* page fault at pvm_get_fault_address(); resumable with pvm_resume */
    PVM_RESULT_HOST = 3,   /* ecalli not handled by a callback; resumable with pvm_resume */
    PVM_RESULT_OOG = 4,    /* out of gas, or the host callback returned PVM_HOST_OOG */
    PVM_RESULT_ERROR = -1, /* the call failed; nothing ran */

    PVM_RESULT_OK = PVM_RESULT_HALT,        /* the proposal's name */
    PVM_RESULT_HOST_CALL = PVM_RESULT_HOST  /* the proposal's name */
};

/*
 * pvm_get_machine_state returns the result of the last run (one of
 * PVM_RESULT_HALT..PVM_RESULT_OOG), PVM_STATE_READY before the first
 * pvm_execute, or PVM_STATE_INVALID for a bad handle.
 */
#define PVM_STATE_READY 0x80
#define PVM_STATE_INVALID 0xFF

/*
 * Error codes of the memory and setup functions. Memory functions return
 * them converted to uint64_t, so (uint64_t)PVM_ERR_OOB is 2^64 - 3, the GP's
 * OOB host-call return value: a host function can store a failed access's
 * result straight into register 7.
 */
typedef int pvm_error_t;
enum {
    PVM_OK = 0,
    PVM_ERR_OOB = -3,       /* memory not accessible (GP "OOB") */
    PVM_ERR_INVALID = -20,  /* bad handle or argument */
    PVM_ERR_BUSY = -21,     /* not allowed while the VM is executing (from its own host callback) */
    PVM_ERR_INTERNAL = -22  /* a bug caught inside the library (see pvm_last_error) */
};

/* Page access modes (the GP's "pages" host call modes 0..2). */
typedef int pvm_access_t;
enum {
    PVM_ACCESS_NONE = 0,       /* inaccessible; contents are discarded */
    PVM_ACCESS_READ_ONLY = 1,
    PVM_ACCESS_READ_WRITE = 2
};

/* ------------------------------------------------------------------------
 * VM lifecycle
 * ------------------------------------------------------------------------ */

typedef struct pvm_vm pvm_vm_t;

/*
 * pvm_create makes a VM from a decoded program, as in the proposal:
 * - code/code_len: the instruction bytes (required, at least one byte);
 * - initial_regs: 13 registers, or NULL for all zero;
 * - bitmask/bitmask_len: the opcode bitmask, either packed as in a GP code
 *   blob (one bit per code byte, least significant bit first,
 *   (code_len + 7) / 8 bytes, padding bits zero) or unpacked as the
 *   proposal's callers pass it (one byte per code byte, non-zero = an
 *   instruction starts here, code_len bytes);
 * - jump_table/jump_table_len: the dynamic jump table (may be NULL if 0);
 * - initial_gas: at most INT64_MAX.
 * The profile is "gp-0.8" and the engine "auto". Memory starts with nothing
 * mapped (see pvm_map_pages, pvm_set_memory_bounds). Returns NULL on error.
 * service_index is recorded for logging only.
 */
pvm_vm_t* pvm_create(uint32_t service_index,
                     const uint8_t* code, size_t code_len,
                     const uint64_t* initial_regs,
                     const uint8_t* bitmask, size_t bitmask_len,
                     const uint32_t* jump_table, size_t jump_table_len,
                     uint64_t initial_gas);

/*
 * pvm_create_ex is pvm_create with a profile and an engine:
 * - profile: "gp-0.8" (the default: GP 0.8 opcodes, validation and block
 *   gas), "gp-0.7" (GP 0.7.2 opcodes incl. sbrk, 1 gas per instruction),
 *   "gp-0.7/block-instructions", "latest64", ...; NULL or "" = "gp-0.8".
 * - engine: "auto" (the fastest available), "interpreter", "recompiler"
 *   (when built in; see pvm_engines()); NULL or "" = "auto".
 * Under gp-0.8, code that fails the GP's up-front validation still makes a
 * VM, as the GP has it: every execution of it panics.
 */
pvm_vm_t* pvm_create_ex(uint32_t service_index,
                        const uint8_t* code, size_t code_len,
                        const uint64_t* initial_regs,
                        const uint8_t* bitmask, size_t bitmask_len,
                        const uint32_t* jump_table, size_t jump_table_len,
                        uint64_t initial_gas,
                        const char* profile, const char* engine);

/*
 * pvm_create_from_code_blob makes a VM from a GP code blob (the GP's deblob
 * input: E(|j|) ++ E1(z) ++ E(|c|) ++ E_z(j) ++ c ++ k). Memory starts
 * empty, registers from initial_regs (NULL = all zero).
 */
pvm_vm_t* pvm_create_from_code_blob(uint32_t service_index,
                                    const uint8_t* blob, size_t blob_len,
                                    const uint64_t* initial_regs,
                                    uint64_t initial_gas,
                                    const char* profile, const char* engine);

/*
 * pvm_create_from_program makes a VM from a JAM standard program blob (the
 * GP's Y function: RO data, RW data, heap pages, stack size and code blob)
 * and its arguments (at most 2^24 bytes; args may be NULL if args_len is 0).
 * Memory is laid out as in the GP (RO data at 0x10000, RW data and heap,
 * stack below 0xFEFE0000, arguments read-only at 0xFEFF0000), registers are
 * the standard ones (r0 = 0xFFFF0000, r1 = 0xFEFE0000, r7 = 0xFEFF0000,
 * r8 = args_len) and the heap pointer is the end of the RW data and heap.
 * Run it with pvm_execute(vm, entry, 0): entry 0 for is-authorized and
 * refine, 5 for accumulate. The blob must not carry the service-code
 * metadata prefix; strip it first.
 */
pvm_vm_t* pvm_create_from_program(uint32_t service_index,
                                  const uint8_t* blob, size_t blob_len,
                                  const uint8_t* args, size_t args_len,
                                  uint64_t initial_gas,
                                  const char* profile, const char* engine);

/*
 * pvm_destroy frees the VM. NULL is ignored. Calling it from the VM's own
 * host callback is refused (PVM_ERR_BUSY in pvm_last_error): destroy it
 * after pvm_execute returns.
 */
void pvm_destroy(pvm_vm_t* vm);

/* ------------------------------------------------------------------------
 * Execution
 * ------------------------------------------------------------------------ */

/*
 * Host callback results. The callback runs on the thread that called
 * pvm_execute, while the VM is stopped at the ecalli (machine state
 * PVM_RESULT_HOST, pvm_get_pc() = the ecalli). It may read and change
 * registers, gas, memory and page mappings of this VM (and use other VMs),
 * but not pvm_execute / pvm_resume / pvm_destroy this VM. It charges the
 * host function's gas itself (pvm_set_gas); gas never goes below zero.
 */
typedef int pvm_host_result_t;
enum {
    PVM_HOST_CONTINUE = 0,  /* resume at the instruction after the ecalli */
    PVM_HOST_TERMINATE = 1, /* stop with PVM_RESULT_HALT (pc stays at the ecalli) */
    PVM_HOST_ERROR = 2,     /* stop with PVM_RESULT_PANIC (pc stays at the ecalli) */
    PVM_HOST_OOG = 3        /* stop with PVM_RESULT_OOG, as the GP's handlers do when gas < cost */
    /* any other value is treated as PVM_HOST_ERROR */
};

/*
 * func_id is the ecalli immediate as an int. ecalli immediates are
 * sign-extended 32-bit values, so this loses nothing; the full 64-bit id
 * the GP works with is pvm_get_host_call_id(vm) (e.g. ecalli -2 gives
 * func_id -2 and id 2^64 - 2).
 */
typedef pvm_host_result_t (*pvm_host_callback_t)(pvm_vm_t* vm, int func_id);

/* pvm_set_host_callback sets (or with NULL clears) the host callback. */
void pvm_set_host_callback(pvm_vm_t* vm, pvm_host_callback_t callback);

/* An opaque pointer kept for the caller (e.g. its context for callbacks). */
void pvm_set_user_data(pvm_vm_t* vm, void* user_data);
void* pvm_get_user_data(pvm_vm_t* vm);

/*
 * pvm_execute runs from entry_point until the program stops, and returns
 * why (the GP's Ψ_H host-call loop when a callback is set):
 * - On an ecalli with a callback set and is_child == 0, the callback is
 *   called and, on PVM_HOST_CONTINUE, execution resumes at the next
 *   instruction (GP 0.7.2+: pc + 1 + skip(pc)).
 * - On an ecalli with no callback, or with is_child != 0 (run as an inner
 *   PVM, the GP's invoke: every exit goes to the caller), it returns
 *   PVM_RESULT_HOST; handle the call and pvm_resume.
 * - On a page fault it returns PVM_RESULT_FAULT; map the page
 *   (pvm_get_fault_address) and pvm_resume to retry the same instruction.
 *   (Ψ_M-style callers treat FAULT as PANIC.)
 * - HALT, PANIC and OOG are final: pvm_resume repeats them; pvm_execute
 *   starts again at a new entry point with the current registers, memory
 *   and gas.
 * At every exit pvm_get_pc() is the pc of the instruction that exited: the
 * halting djump, the trap or faulting instruction, the ecalli, or the
 * instruction (block, under GP 0.8 gas) that could not be paid. (The GP's
 * Ψ reports pc 0 after halt and panic; the conformance vectors and this
 * library report the exiting instruction.) Registers and memory are those
 * after the exit; after FAULT, HOST and OOG they are the state before the
 * exiting instruction. Out of gas leaves the gas unchanged: it never goes
 * negative.
 * An entry point that is not an instruction start panics there.
 */
pvm_result_t pvm_execute(pvm_vm_t* vm, uint32_t entry_point, uint32_t is_child);

/*
 * pvm_resume continues after PVM_RESULT_HOST (at the next instruction) or
 * PVM_RESULT_FAULT (the same instruction), handling host calls as the
 * pvm_execute that started the run did. After HALT, PANIC or OOG it returns
 * the same result again. Before any pvm_execute it fails.
 */
pvm_result_t pvm_resume(pvm_vm_t* vm);

/* ------------------------------------------------------------------------
 * Machine state
 * ------------------------------------------------------------------------ */

uint8_t pvm_get_machine_state(pvm_vm_t* vm);
/* pc of the exiting instruction (see pvm_execute); 0 before any run. */
uint64_t pvm_get_pc(pvm_vm_t* vm);
/* Page-aligned address of the last PVM_RESULT_FAULT (0 otherwise). */
uint32_t pvm_get_fault_address(pvm_vm_t* vm);
/* The 64-bit id (ecalli immediate) of the last host call. */
uint64_t pvm_get_host_call_id(pvm_vm_t* vm);

/* Gas left (never negative). pvm_set_gas refuses values above INT64_MAX. */
uint64_t pvm_get_gas(pvm_vm_t* vm);
void pvm_set_gas(pvm_vm_t* vm, uint64_t gas);

/* Registers 0..12; a bad index is an error (get returns 0). */
void pvm_set_register(pvm_vm_t* vm, int index, uint64_t value);
uint64_t pvm_get_register(pvm_vm_t* vm, int index);
/*
 * pvm_get_registers returns the 13 registers as a snapshot taken by this
 * call, in a buffer owned by the VM (valid until pvm_destroy, overwritten
 * by the next call). It does not follow later changes; write with
 * pvm_set_register / pvm_set_registers.
 */
const uint64_t* pvm_get_registers(pvm_vm_t* vm);
void pvm_set_registers(pvm_vm_t* vm, const uint64_t* regs /* 13 values */);

/*
 * The heap pointer: the end of the heap that GP 0.7's sbrk grows (set by
 * pvm_create_from_program, 0 otherwise). GP 0.8 has no sbrk: its grow_heap
 * host call maps pages with pvm_map_pages, and may keep its own pointer
 * here.
 */
void pvm_set_heap_pointer(pvm_vm_t* vm, uint32_t pointer);
uint32_t pvm_get_heap_pointer(pvm_vm_t* vm);

/* ------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------ */

/*
 * pvm_map_pages sets the access of pages [first_page, first_page +
 * page_count) (page = address / 4096). Newly mapped pages read as zero;
 * pages already mapped keep their contents when their access changes;
 * PVM_ACCESS_NONE discards contents (so NONE then READ_WRITE zeroes pages).
 * Pages below 16 (the first 64 KiB) cannot be mapped. Returns PVM_OK or a
 * pvm_error_t.
 */
pvm_error_t pvm_map_pages(pvm_vm_t* vm, uint32_t first_page, uint32_t page_count, pvm_access_t access);

/* The access of one page, or PVM_ERR_INVALID. */
int pvm_get_page_access(pvm_vm_t* vm, uint32_t page);

/*
 * pvm_set_memory_bounds maps the standard program's regions, as in the
 * proposal: [rw_addr, rw_end) and [stack_addr, stack_end) read-write,
 * [ro_addr, ro_end) and the argument ("output") region
 * [output_addr, output_end) read-only, as the GP lays them out. Each range
 * is widened to whole pages; an empty range (end <= addr) is skipped. It
 * adds to what is mapped and never unmaps. Errors go to pvm_last_error().
 * Fill read-only regions with pvm_load_ram_bytes, or with
 * pvm_write_ram_bytes before the first pvm_execute.
 */
void pvm_set_memory_bounds(pvm_vm_t* vm,
                           uint32_t rw_addr, uint32_t rw_end,
                           uint32_t ro_addr, uint32_t ro_end,
                           uint32_t output_addr, uint32_t output_end,
                           uint32_t stack_addr, uint32_t stack_end);

/*
 * Reads and writes check access as the guest would: reading needs every
 * byte readable, writing needs every byte writable. They return PVM_OK (0)
 * or a pvm_error_t converted to uint64_t ((uint64_t)PVM_ERR_OOB = the GP's
 * OOB when some byte is not accessible); nothing is copied on error.
 * Exception, as in the proposal: until the VM first executes,
 * pvm_write_ram_bytes may also write read-only pages (the loader filling RO
 * data and arguments).
 * The sized reads return the value (little-endian) and store the code in
 * *error_code when error_code is not NULL.
 */
uint64_t pvm_read_ram_bytes(pvm_vm_t* vm, uint32_t address, uint8_t* buffer, uint32_t length, int* error_code);
uint64_t pvm_write_ram_bytes(pvm_vm_t* vm, uint32_t address, const uint8_t* data, uint32_t length);
/* pvm_load_ram_bytes writes any mapped page, read-only ones included (a privileged loader write). */
uint64_t pvm_load_ram_bytes(pvm_vm_t* vm, uint32_t address, const uint8_t* data, uint32_t length);

uint8_t pvm_read_ram_bytes_8(pvm_vm_t* vm, uint32_t address, int* error_code);
uint16_t pvm_read_ram_bytes_16(pvm_vm_t* vm, uint32_t address, int* error_code);
uint32_t pvm_read_ram_bytes_32(pvm_vm_t* vm, uint32_t address, int* error_code);
uint64_t pvm_read_ram_bytes_64(pvm_vm_t* vm, uint32_t address, int* error_code);
uint64_t pvm_write_ram_bytes_8(pvm_vm_t* vm, uint32_t address, uint8_t data);
uint64_t pvm_write_ram_bytes_16(pvm_vm_t* vm, uint32_t address, uint16_t data);
uint64_t pvm_write_ram_bytes_32(pvm_vm_t* vm, uint32_t address, uint32_t data);
uint64_t pvm_write_ram_bytes_64(pvm_vm_t* vm, uint32_t address, uint64_t data);

/* ------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------ */

/*
 * pvm_set_logging: when enabled, each pvm_execute / pvm_resume writes a line
 * to stderr when it starts and when it returns (result, pc, gas), and
 * failed calls write their error. pvm_set_tracing: when enabled, every exit
 * of the engine (each host call and fault, handled or not) is written with
 * the registers. Engines run whole basic blocks, so there is no
 * per-instruction trace. Both are off by default.
 */
void pvm_set_logging(pvm_vm_t* vm, int enable);
void pvm_set_tracing(pvm_vm_t* vm, int enable);

/*
 * pvm_last_error is the message of the last failed call on this thread, or
 * "" if there was none. The string is valid until the next failing call on
 * this thread.
 */
const char* pvm_last_error(void);

/* Comma-separated engine names this library has, e.g. "auto,interpreter". */
const char* pvm_engines(void);

/* PVM_ABI_VERSION of the library. */
uint32_t pvm_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* PVMD_PVM_H */
