/*
 * Tests of libpvm.so through pvm.h, from C. Build and run with the Makefile
 * here, or through `go test ./clients/pvmh` (TestCABI). Every test runs on
 * each engine pvm_engines() lists. Exits non-zero on any failure.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvm.h"
#include "programs.h"

static int failures;
static int checks;

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        checks++;                                                                 \
        if (!(cond)) {                                                            \
            failures++;                                                           \
            fprintf(stderr, "FAIL %s:%d [%s] %s: ", __FILE__, __LINE__, engine, #cond); \
            fprintf(stderr, __VA_ARGS__);                                         \
            fprintf(stderr, " (last error: %s)\n", pvm_last_error());           \
        }                                                                         \
    } while (0)

#define CHECK_EQ(a, b)                                                                  \
    do {                                                                                \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                \
        CHECK(a_ == b_, "%s = %" PRIu64 " (%#" PRIx64 "), want %" PRIu64 " (%#" PRIx64 ")", \
              #a, a_, a_, b_, b_);                                                      \
    } while (0)

static uint64_t halt_regs[PVM_NUM_REGISTERS] = {PVM_HALT_ADDRESS};

/* ---- halt ------------------------------------------------------------- */

static void check_halted(const char* engine, pvm_vm_t* vm, uint64_t gas0) {
    CHECK_EQ(pvm_get_machine_state(vm), PVM_STATE_READY);
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_HALT);
    CHECK_EQ(pvm_get_machine_state(vm), PVM_RESULT_HALT);
    CHECK_EQ(pvm_get_pc(vm), HALT_PC_EXIT);
    CHECK_EQ(pvm_get_register(vm, 7), 42);
    CHECK_EQ(pvm_get_register(vm, 8), 0x1122334455667788ull);
    CHECK_EQ(pvm_get_register(vm, 9), 43);
    const uint64_t* regs = pvm_get_registers(vm);
    CHECK(regs != NULL, "pvm_get_registers");
    if (regs) {
        CHECK_EQ(regs[0], PVM_HALT_ADDRESS);
        CHECK_EQ(regs[1], 2);
        CHECK_EQ(regs[7], 42);
    }
    uint64_t gas = pvm_get_gas(vm);
    CHECK(gas > 0 && gas < gas0, "gas %" PRIu64 " of %" PRIu64, gas, gas0);
    /* HALT is final: resume repeats it */
    CHECK_EQ(pvm_resume(vm), PVM_RESULT_HALT);
    CHECK_EQ(pvm_get_gas(vm), gas);
}

static void test_halt(const char* engine) {
    /* the proposal's form: parts, packed bitmask */
    pvm_vm_t* vm = pvm_create_ex(1, HALT_CODE, sizeof HALT_CODE, halt_regs, HALT_BITMASK, sizeof HALT_BITMASK,
                                 HALT_JUMP_TABLE, 1, 1000, NULL, engine);
    CHECK(vm != NULL, "pvm_create_ex");
    if (vm) {
        check_halted(engine, vm, 1000);
        pvm_destroy(vm);
    }
    /* unpacked bitmask, one byte per code byte, default profile and engine */
    vm = pvm_create(1, HALT_CODE, sizeof HALT_CODE, halt_regs, HALT_BITMASK_BYTES, sizeof HALT_BITMASK_BYTES,
                    HALT_JUMP_TABLE, 1, 1000);
    CHECK(vm != NULL, "pvm_create");
    if (vm) {
        check_halted(engine, vm, 1000);
        pvm_destroy(vm);
    }
    /* a GP code blob */
    vm = pvm_create_from_code_blob(1, HALT_BLOB, sizeof HALT_BLOB, halt_regs, 1000, "gp-0.8", engine);
    CHECK(vm != NULL, "pvm_create_from_code_blob");
    if (vm) {
        check_halted(engine, vm, 1000);
        /* a new entry point starts again (entry 21 = "end": r9 = r7 + 1) */
        pvm_set_register(vm, 7, 100);
        CHECK_EQ(pvm_execute(vm, HALT_JUMP_TABLE[0], 0), PVM_RESULT_HALT);
        CHECK_EQ(pvm_get_register(vm, 9), 101);
        pvm_destroy(vm);
    }
    /* GP 0.7: one gas per instruction */
    vm = pvm_create_from_code_blob(1, HALT07_BLOB, sizeof HALT07_BLOB, halt_regs, 1000, "gp-0.7", engine);
    CHECK(vm != NULL, "gp-0.7");
    if (vm) {
        CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_HALT);
        CHECK_EQ(pvm_get_gas(vm), 1000 - HALT07_GAS_USED);
        CHECK_EQ(pvm_get_register(vm, 9), 43);
        pvm_destroy(vm);
    }
}

/* ---- host calls ------------------------------------------------------- */

struct host_ctx {
    const char* engine;
    int calls;
    int verdict;   /* what to return for ecalli 7 */
    int reentered; /* reentrancy checks were made */
};

static pvm_host_result_t host_cb(pvm_vm_t* vm, int func_id) {
    struct host_ctx* ctx = pvm_get_user_data(vm);
    const char* engine = ctx->engine;
    ctx->calls++;
    CHECK_EQ(pvm_get_machine_state(vm), PVM_RESULT_HOST);
    if (func_id == 7) {
        CHECK_EQ(pvm_get_host_call_id(vm), 7);
        CHECK_EQ(pvm_get_pc(vm), HOSTCALL_PC_ECALLI);
        pvm_set_register(vm, 7, pvm_get_register(vm, 7) + 10);
        uint8_t buf[4];
        int err = -1;
        CHECK_EQ(pvm_read_ram_bytes(vm, HOSTCALL_PAGE, buf, 4, &err), PVM_OK);
        CHECK_EQ(err, PVM_OK);
        uint32_t v = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
        CHECK_EQ(pvm_read_ram_bytes_32(vm, HOSTCALL_PAGE, &err), v);
        v++;
        uint8_t out[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        CHECK_EQ(pvm_write_ram_bytes(vm, HOSTCALL_PAGE, out, 4), PVM_OK);
        pvm_set_gas(vm, pvm_get_gas(vm) - 10); /* the host function's cost */
        if (!ctx->reentered) {
            ctx->reentered = 1;
            /* this VM cannot be run or destroyed from its own callback */
            CHECK_EQ(pvm_execute(vm, 0, 0), (uint64_t)PVM_RESULT_ERROR);
            CHECK(strstr(pvm_last_error(), "already executing") != NULL, "busy error");
            CHECK_EQ(pvm_resume(vm), (uint64_t)PVM_RESULT_ERROR);
            pvm_destroy(vm);
            CHECK(strstr(pvm_last_error(), "executing") != NULL, "destroy refused");
            CHECK_EQ(pvm_get_machine_state(vm), PVM_RESULT_HOST); /* still alive */
        }
        return ctx->verdict;
    }
    CHECK_EQ(func_id, -2);
    CHECK_EQ(pvm_get_host_call_id(vm), UINT64_MAX - 1);
    CHECK_EQ(pvm_get_pc(vm), HOSTCALL_PC_ECALLI2);
    pvm_set_register(vm, 12, pvm_get_register(vm, 11) * 2);
    return PVM_HOST_CONTINUE;
}

static pvm_vm_t* new_hostcall(const char* engine, uint64_t gas) {
    pvm_vm_t* vm = pvm_create_from_code_blob(2, HOSTCALL_BLOB, sizeof HOSTCALL_BLOB, halt_regs, gas, NULL, engine);
    CHECK(vm != NULL, "create hostcall");
    if (vm) {
        CHECK_EQ(pvm_map_pages(vm, HOSTCALL_PAGE / PVM_PAGE_SIZE, 1, PVM_ACCESS_READ_WRITE), PVM_OK);
    }
    return vm;
}

static void test_hostcall(const char* engine) {
    struct host_ctx ctx = {engine, 0, PVM_HOST_CONTINUE, 0};
    pvm_vm_t* vm = new_hostcall(engine, 100000);
    if (!vm) return;
    pvm_set_user_data(vm, &ctx);
    CHECK(pvm_get_user_data(vm) == &ctx, "user data");
    pvm_set_host_callback(vm, host_cb);
    uint64_t gas0 = pvm_get_gas(vm);
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_HALT);
    CHECK_EQ(ctx.calls, 4);
    CHECK_EQ(pvm_get_pc(vm), HOSTCALL_PC_EXIT);
    CHECK_EQ(pvm_get_register(vm, 7), 30);
    CHECK_EQ(pvm_get_register(vm, 11), 6);
    CHECK_EQ(pvm_get_register(vm, 12), 12);
    int err = -1;
    CHECK_EQ(pvm_read_ram_bytes_32(vm, HOSTCALL_PAGE, &err), 3);
    CHECK_EQ(err, PVM_OK);
    CHECK(pvm_get_gas(vm) < gas0 - 30, "host gas charged");
    pvm_destroy(vm);

    /* no callback: each ecalli comes back as PVM_RESULT_HOST */
    vm = new_hostcall(engine, 100000);
    if (!vm) return;
    int hosts = 0;
    pvm_result_t r = pvm_execute(vm, 0, 0);
    while (r == PVM_RESULT_HOST && hosts < 10) {
        hosts++;
        if (pvm_get_host_call_id(vm) == 7) {
            CHECK_EQ(pvm_get_pc(vm), HOSTCALL_PC_ECALLI);
            CHECK_EQ(pvm_write_ram_bytes_32(vm, HOSTCALL_PAGE, pvm_read_ram_bytes_32(vm, HOSTCALL_PAGE, NULL) + 1), PVM_OK);
        } else {
            CHECK_EQ(pvm_get_host_call_id(vm), UINT64_MAX - 1);
        }
        r = pvm_resume(vm);
    }
    CHECK_EQ(r, PVM_RESULT_HALT);
    CHECK_EQ(hosts, 4);
    CHECK_EQ(pvm_get_register(vm, 11), 6);
    pvm_destroy(vm);

    /* is_child: the callback is not called */
    vm = new_hostcall(engine, 100000);
    if (!vm) return;
    ctx.calls = 0;
    pvm_set_user_data(vm, &ctx);
    pvm_set_host_callback(vm, host_cb);
    CHECK_EQ(pvm_execute(vm, 0, 1), PVM_RESULT_HOST);
    CHECK_EQ(ctx.calls, 0);
    CHECK_EQ(pvm_get_host_call_id(vm), 7);
    pvm_destroy(vm);

    /* the callback's verdicts */
    struct {
        int verdict;
        pvm_result_t want;
    } verdicts[] = {
        {PVM_HOST_TERMINATE, PVM_RESULT_HALT},
        {PVM_HOST_ERROR, PVM_RESULT_PANIC},
        {PVM_HOST_OOG, PVM_RESULT_OOG},
        {99, PVM_RESULT_PANIC},
    };
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        vm = new_hostcall(engine, 100000);
        if (!vm) return;
        struct host_ctx c = {engine, 0, verdicts[i].verdict, 1};
        pvm_set_user_data(vm, &c);
        pvm_set_host_callback(vm, host_cb);
        CHECK_EQ(pvm_execute(vm, 0, 0), verdicts[i].want);
        CHECK_EQ(c.calls, 1);
        CHECK_EQ(pvm_get_pc(vm), HOSTCALL_PC_ECALLI);
        CHECK_EQ(pvm_get_register(vm, 7), 10); /* the callback's change stays */
        CHECK_EQ(pvm_resume(vm), verdicts[i].want); /* final */
        pvm_destroy(vm);
    }
}

/* ---- page faults ------------------------------------------------------ */

static void test_fault(const char* engine) {
    pvm_vm_t* vm = pvm_create_from_code_blob(3, FAULT_BLOB, sizeof FAULT_BLOB, halt_regs, 10000, NULL, engine);
    CHECK(vm != NULL, "create fault");
    if (!vm) return;
    uint32_t page = FAULT_PAGE / PVM_PAGE_SIZE;
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_FAULT);
    CHECK_EQ(pvm_get_fault_address(vm), FAULT_PAGE);
    CHECK_EQ(pvm_get_pc(vm), FAULT_PC_STORE);
    CHECK_EQ(pvm_get_register(vm, 8), 77);
    /* read-only is not enough for a store */
    CHECK_EQ(pvm_map_pages(vm, page, 1, PVM_ACCESS_READ_ONLY), PVM_OK);
    CHECK_EQ(pvm_get_page_access(vm, page), PVM_ACCESS_READ_ONLY);
    CHECK_EQ(pvm_resume(vm), PVM_RESULT_FAULT);
    CHECK_EQ(pvm_get_fault_address(vm), FAULT_PAGE);
    CHECK_EQ(pvm_get_pc(vm), FAULT_PC_STORE);
    CHECK_EQ(pvm_map_pages(vm, page, 1, PVM_ACCESS_READ_WRITE), PVM_OK);
    CHECK_EQ(pvm_resume(vm), PVM_RESULT_HALT);
    CHECK_EQ(pvm_get_pc(vm), FAULT_PC_EXIT);
    CHECK_EQ(pvm_get_register(vm, 9), 77);
    CHECK_EQ(pvm_read_ram_bytes_32(vm, FAULT_PAGE, NULL), 77);
    CHECK_EQ(pvm_get_fault_address(vm), 0);
    pvm_destroy(vm);

    /* an access below 64 KiB panics */
    vm = pvm_create_from_code_blob(3, PANIC_BLOB, sizeof PANIC_BLOB, halt_regs, 10000, NULL, engine);
    CHECK(vm != NULL, "create panic");
    if (!vm) return;
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_PANIC);
    CHECK_EQ(pvm_get_pc(vm), PANIC_PC_LOAD);
    CHECK_EQ(pvm_resume(vm), PVM_RESULT_PANIC);
    /* so does an entry point that is not an instruction */
    CHECK_EQ(pvm_execute(vm, 1, 0), PVM_RESULT_PANIC);
    pvm_destroy(vm);
}

/* ---- out of gas ------------------------------------------------------- */

static void test_oog(const char* engine) {
    pvm_vm_t* vm = pvm_create_from_code_blob(4, OOG_BLOB, sizeof OOG_BLOB, NULL, 1000, NULL, engine);
    CHECK(vm != NULL, "create oog");
    if (!vm) return;
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_OOG);
    CHECK_EQ(pvm_get_machine_state(vm), PVM_RESULT_OOG);
    CHECK_EQ(pvm_get_pc(vm), OOG_PC_LOOP);
    uint64_t gas = pvm_get_gas(vm);
    CHECK(gas < 1000, "gas %" PRIu64 " left", gas);
    uint64_t r7 = pvm_get_register(vm, 7);
    CHECK(r7 > 0 && r7 < 1000, "r7 = %" PRIu64, r7);
    CHECK_EQ(pvm_resume(vm), PVM_RESULT_OOG); /* final */
    CHECK_EQ(pvm_get_register(vm, 7), r7);
    /* gas cannot be set above INT64_MAX (or below zero) */
    pvm_set_gas(vm, (uint64_t)INT64_MAX + 1);
    CHECK(strstr(pvm_last_error(), "pvm_set_gas") != NULL, "set_gas refused");
    CHECK_EQ(pvm_get_gas(vm), gas);
    /* with more gas a new execution goes further */
    pvm_set_gas(vm, 500);
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_OOG);
    CHECK(pvm_get_register(vm, 7) > r7, "ran again");
    pvm_destroy(vm);

    vm = pvm_create_from_code_blob(4, OOG_BLOB, sizeof OOG_BLOB, NULL, 0, NULL, engine);
    CHECK(vm != NULL, "create oog 0");
    if (!vm) return;
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_OOG);
    CHECK_EQ(pvm_get_gas(vm), 0);
    CHECK_EQ(pvm_get_register(vm, 7), 0);
    pvm_destroy(vm);
}

/* ---- standard program ------------------------------------------------- */

static void test_standard(const char* engine) {
    uint8_t args[8] = {0x10};
    pvm_vm_t* vm = pvm_create_from_program(5, STANDARD_BLOB, sizeof STANDARD_BLOB, args, sizeof args, 100000, NULL, engine);
    CHECK(vm != NULL, "create standard");
    if (!vm) return;
    CHECK_EQ(pvm_get_register(vm, 0), PVM_HALT_ADDRESS);
    CHECK_EQ(pvm_get_register(vm, 1), STANDARD_STACK_TOP);
    CHECK_EQ(pvm_get_register(vm, 7), STANDARD_ARGS_START);
    CHECK_EQ(pvm_get_register(vm, 8), sizeof args);
    CHECK_EQ(pvm_get_heap_pointer(vm), STANDARD_HEAP_END);
    CHECK_EQ(pvm_get_page_access(vm, STANDARD_ARGS_START / PVM_PAGE_SIZE), PVM_ACCESS_READ_ONLY);
    CHECK_EQ(pvm_get_page_access(vm, 0x10000 / PVM_PAGE_SIZE), PVM_ACCESS_READ_ONLY);
    CHECK_EQ(pvm_get_page_access(vm, STANDARD_OUT_ADDR / PVM_PAGE_SIZE), PVM_ACCESS_READ_WRITE);
    CHECK_EQ(pvm_get_page_access(vm, STANDARD_STACK_TOP / PVM_PAGE_SIZE - 1), PVM_ACCESS_READ_WRITE);
    CHECK_EQ(pvm_read_ram_bytes_64(vm, 0x10000, NULL), STANDARD_RO_VALUE);

    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_HALT);
    CHECK_EQ(pvm_get_pc(vm), STANDARD_PC_EXIT);
    uint64_t out = pvm_get_register(vm, 7), len = pvm_get_register(vm, 8);
    CHECK_EQ(out, STANDARD_OUT_ADDR);
    CHECK_EQ(len, 8);
    uint8_t buf[8];
    int err = -1;
    CHECK_EQ(pvm_read_ram_bytes(vm, (uint32_t)out, buf, (uint32_t)len, &err), PVM_OK);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | buf[i];
    CHECK_EQ(v, STANDARD_RO_VALUE + 0x10);
    CHECK_EQ(pvm_get_register(vm, 1), STANDARD_STACK_TOP);

    /* after execution, writes follow the guest's rules; loads may write RO pages */
    CHECK_EQ(pvm_write_ram_bytes_8(vm, 0x10000, 1), (uint64_t)PVM_ERR_OOB);
    CHECK_EQ(pvm_write_ram_bytes_8(vm, 0x10000, 1), UINT64_MAX - 2); /* the GP's OOB */
    uint8_t one = 1;
    CHECK_EQ(pvm_load_ram_bytes(vm, 0x10000, &one, 1), PVM_OK);
    CHECK_EQ(pvm_read_ram_bytes_8(vm, 0x10000, NULL), 1);
    /* unmapped and low memory */
    CHECK_EQ(pvm_read_ram_bytes(vm, 0x50000000, buf, 8, &err), (uint64_t)PVM_ERR_OOB);
    CHECK_EQ(err, PVM_ERR_OOB);
    CHECK_EQ(pvm_read_ram_bytes_16(vm, 0x100, &err), 0);
    CHECK_EQ(err, PVM_ERR_OOB);
    /* a range crossing into an unmapped page fails as a whole */
    CHECK_EQ(pvm_write_ram_bytes_64(vm, STANDARD_HEAP_END - 4, 0), (uint64_t)PVM_ERR_OOB);
    pvm_destroy(vm);
}

/* The proposal's set-up: parts, memory bounds, loader writes before the run. */
static void test_memory_bounds(const char* engine) {
    pvm_vm_t* vm = new_hostcall(engine, 100000);
    if (!vm) return;
    pvm_set_memory_bounds(vm, 0x30000, 0x30010, 0x10000, 0x10008, 0xFEFF0000u, 0xFFFFFFFFu, 0xFEFD0000u, 0xFEFE0000u);
    CHECK_EQ(pvm_get_page_access(vm, 0x30), PVM_ACCESS_READ_WRITE);
    CHECK_EQ(pvm_get_page_access(vm, 0x31), PVM_ACCESS_NONE);
    CHECK_EQ(pvm_get_page_access(vm, 0x10), PVM_ACCESS_READ_ONLY);
    CHECK_EQ(pvm_get_page_access(vm, 0xFEFF0), PVM_ACCESS_READ_ONLY);
    CHECK_EQ(pvm_get_page_access(vm, 0xFFFFF), PVM_ACCESS_READ_ONLY);
    CHECK_EQ(pvm_get_page_access(vm, 0xFEFDF), PVM_ACCESS_READ_WRITE);
    CHECK_EQ(pvm_get_page_access(vm, 0xFEFE0), PVM_ACCESS_NONE);
    /* before the first run, writes may fill read-only pages */
    CHECK_EQ(pvm_write_ram_bytes_64(vm, 0xFEFF0000u, 0xABCD), PVM_OK);
    CHECK_EQ(pvm_read_ram_bytes_64(vm, 0xFEFF0000u, NULL), 0xABCD);
    CHECK_EQ(pvm_execute(vm, 0, 1), PVM_RESULT_HOST);
    CHECK_EQ(pvm_write_ram_bytes_64(vm, 0xFEFF0000u, 1), (uint64_t)PVM_ERR_OOB);
    CHECK_EQ(pvm_read_ram_bytes_64(vm, 0xFEFF0000u, NULL), 0xABCD);
    /* unmapping discards contents */
    CHECK_EQ(pvm_write_ram_bytes_8(vm, 0x30000, 9), PVM_OK);
    CHECK_EQ(pvm_map_pages(vm, 0x30, 1, PVM_ACCESS_NONE), PVM_OK);
    CHECK_EQ(pvm_map_pages(vm, 0x30, 1, PVM_ACCESS_READ_WRITE), PVM_OK);
    CHECK_EQ(pvm_read_ram_bytes_8(vm, 0x30000, NULL), 0);
    /* a mapping below 64 KiB fails */
    pvm_set_memory_bounds(vm, 0x1000, 0x2000, 0, 0, 0, 0, 0, 0);
    CHECK(strstr(pvm_last_error(), "64 KiB") != NULL, "low mapping refused");
    pvm_destroy(vm);
}

/* ---- bad input -------------------------------------------------------- */

static void test_bad_input(const char* engine) {
    CHECK(pvm_create_from_code_blob(1, HALT_BLOB, sizeof HALT_BLOB - 1, NULL, 100, NULL, engine) == NULL, "truncated code blob");
    CHECK(strstr(pvm_last_error(), "malformed") != NULL, "error says malformed");
    CHECK(pvm_create_from_program(1, STANDARD_BLOB, sizeof STANDARD_BLOB - 3, NULL, 0, 100, NULL, engine) == NULL, "truncated program");
    CHECK(strstr(pvm_last_error(), "pvm_create_from_program") != NULL, "error names the call");
    CHECK(pvm_create_from_program(1, STANDARD_BLOB, 5, NULL, 0, 100, NULL, engine) == NULL, "short program");
    CHECK(pvm_create_from_code_blob(1, NULL, 10, NULL, 100, NULL, engine) == NULL, "NULL blob");
    CHECK(pvm_create_from_code_blob(1, HALT_BLOB, sizeof HALT_BLOB, NULL, 100, "gp-9.9", engine) == NULL, "bad profile");
    CHECK(strstr(pvm_last_error(), "unknown profile") != NULL, "error says unknown profile");
    CHECK(pvm_create_from_code_blob(1, HALT_BLOB, sizeof HALT_BLOB, NULL, 100, NULL, "turbo") == NULL, "bad engine");
    CHECK(strstr(pvm_last_error(), "unknown engine") != NULL, "error says unknown engine");
    CHECK(pvm_create_from_code_blob(1, HALT_BLOB, sizeof HALT_BLOB, NULL, (uint64_t)INT64_MAX + 1, NULL, engine) == NULL, "gas too large");
    CHECK(pvm_create_ex(1, NULL, 0, NULL, NULL, 0, NULL, 0, 100, NULL, engine) == NULL, "no code");
    CHECK(pvm_create_ex(1, HALT_CODE, sizeof HALT_CODE, NULL, HALT_BITMASK, 2, NULL, 0, 100, NULL, engine) == NULL, "bad bitmask length");
    CHECK(strstr(pvm_last_error(), "bitmask") != NULL, "error says bitmask");
    CHECK(pvm_create_ex(1, HALT_CODE, sizeof HALT_CODE, NULL, HALT_BITMASK, sizeof HALT_BITMASK, NULL, 3, 100, NULL, engine) == NULL, "NULL jump table");

    /* NULL, unknown and destroyed handles */
    int dummy = 0;
    pvm_vm_t* gone = pvm_create_from_code_blob(1, HALT_BLOB, sizeof HALT_BLOB, NULL, 100, NULL, engine);
    CHECK(gone != NULL, "create");
    pvm_destroy(gone);
    pvm_vm_t* bad[] = {NULL, (pvm_vm_t*)&dummy, gone};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pvm_vm_t* vm = bad[i];
        uint8_t buf[4];
        int err = 0;
        CHECK_EQ(pvm_execute(vm, 0, 0), (uint64_t)PVM_RESULT_ERROR);
        CHECK(strstr(pvm_last_error(), "handle") != NULL, "error says handle");
        CHECK_EQ(pvm_resume(vm), (uint64_t)PVM_RESULT_ERROR);
        CHECK_EQ(pvm_get_machine_state(vm), PVM_STATE_INVALID);
        CHECK_EQ(pvm_get_register(vm, 0), 0);
        CHECK(pvm_get_registers(vm) == NULL, "registers");
        CHECK_EQ(pvm_get_gas(vm), 0);
        CHECK_EQ(pvm_get_pc(vm), 0);
        CHECK_EQ(pvm_read_ram_bytes(vm, 0x20000, buf, 4, &err), (uint64_t)PVM_ERR_INVALID);
        CHECK_EQ(err, PVM_ERR_INVALID);
        CHECK_EQ(pvm_write_ram_bytes(vm, 0x20000, buf, 4), (uint64_t)PVM_ERR_INVALID);
        CHECK_EQ(pvm_map_pages(vm, 0x20, 1, PVM_ACCESS_READ_WRITE), PVM_ERR_INVALID);
        CHECK_EQ(pvm_get_page_access(vm, 0x20), PVM_ERR_INVALID);
        CHECK(pvm_get_user_data(vm) == NULL, "user data");
        pvm_set_register(vm, 0, 1);
        pvm_set_registers(vm, halt_regs);
        pvm_set_gas(vm, 1);
        pvm_set_heap_pointer(vm, 1);
        pvm_set_host_callback(vm, host_cb);
        pvm_set_user_data(vm, &dummy);
        pvm_set_logging(vm, 1);
        pvm_set_tracing(vm, 1);
        pvm_set_memory_bounds(vm, 0x20000, 0x21000, 0, 0, 0, 0, 0, 0);
        if (vm != NULL) pvm_destroy(vm); /* unknown handles are refused, not freed */
    }
    pvm_destroy(NULL);

    /* bad arguments on a good handle */
    pvm_vm_t* vm = pvm_create_from_code_blob(1, HALT_BLOB, sizeof HALT_BLOB, halt_regs, 100, NULL, engine);
    CHECK(vm != NULL, "create");
    if (!vm) return;
    CHECK_EQ(pvm_resume(vm), (uint64_t)PVM_RESULT_ERROR); /* nothing to resume yet */
    CHECK_EQ(pvm_get_register(vm, 13), 0);
    CHECK(strstr(pvm_last_error(), "register index 13") != NULL, "bad index");
    pvm_set_register(vm, -1, 5);
    CHECK(strstr(pvm_last_error(), "register index -1") != NULL, "bad index");
    CHECK_EQ(pvm_map_pages(vm, 15, 1, PVM_ACCESS_READ_WRITE), PVM_ERR_INVALID);
    CHECK_EQ(pvm_map_pages(vm, 0x20, 1, 7), PVM_ERR_INVALID);
    CHECK_EQ(pvm_map_pages(vm, 0xFFFFF, 2, PVM_ACCESS_READ_WRITE), PVM_ERR_INVALID);
    CHECK_EQ(pvm_get_page_access(vm, 0x100000), PVM_ERR_INVALID);
    CHECK_EQ(pvm_read_ram_bytes(vm, 0x20000, NULL, 4, NULL), (uint64_t)PVM_ERR_INVALID);
    CHECK_EQ(pvm_read_ram_bytes(vm, 0xFFFFFFF0u, NULL, 0, NULL), PVM_OK); /* zero bytes */
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_HALT);
    pvm_destroy(vm);

    /* code GP 0.8 rejects up front (an undefined opcode) makes a VM that panics */
    static const uint8_t junk[] = {0xff};
    vm = pvm_create_ex(1, junk, 1, halt_regs, junk, 1, NULL, 0, 100, NULL, engine);
    CHECK(vm != NULL, "create from invalid code");
    if (!vm) return;
    CHECK_EQ(pvm_execute(vm, 0, 0), PVM_RESULT_PANIC);
    pvm_destroy(vm);
}

/* ---- threads ---------------------------------------------------------- */

struct thread_arg {
    const char* engine;
    int ok;
};

static void* thread_main(void* p) {
    struct thread_arg* a = p;
    const char* engine = a->engine;
    for (int i = 0; i < 20; i++) {
        struct host_ctx ctx = {engine, 0, PVM_HOST_CONTINUE, 1};
        pvm_vm_t* vm = new_hostcall(engine, 100000);
        if (!vm) return NULL;
        pvm_set_user_data(vm, &ctx);
        pvm_set_host_callback(vm, host_cb);
        if (pvm_execute(vm, 0, 0) == PVM_RESULT_HALT && pvm_get_register(vm, 11) == 6 && ctx.calls == 4) {
            a->ok++;
        }
        pvm_destroy(vm);
    }
    return NULL;
}

static void test_threads(const char* engine) {
    enum { N = 4 };
    pthread_t t[N];
    struct thread_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i] = (struct thread_arg){engine, 0};
        CHECK_EQ(pthread_create(&t[i], NULL, thread_main, &args[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(args[i].ok, 20);
    }
}

int main(void) {
    const char* engine = "-";
    CHECK_EQ(pvm_abi_version(), PVM_ABI_VERSION);
    CHECK_EQ(strcmp(pvm_last_error(), ""), 0);
    char engines[256];
    snprintf(engines, sizeof engines, "%s", pvm_engines());
    CHECK(strncmp(engines, "auto,", 5) == 0, "engines %s", engines);
    for (char* save = NULL, *e = strtok_r(engines, ",", &save); e != NULL; e = strtok_r(NULL, ",", &save)) {
        test_halt(e);
        test_hostcall(e);
        test_fault(e);
        test_oog(e);
        test_standard(e);
        test_memory_bounds(e);
        test_bad_input(e);
        test_threads(e);
        printf("engine %s: done\n", e);
    }
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
