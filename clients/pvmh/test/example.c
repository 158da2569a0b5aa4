/* A complete example of pvm.h: build libpvm.so, then
 *   cc -I.. example.c -L. -lpvm -Wl,-rpath,. -o example && ./example */
#include <inttypes.h>
#include <stdio.h>

#include "pvm.h"

/* A GP code blob (gp-0.8):
 *   load_imm r7, 0x20000   ; pointer to a message
 *   load_imm r8, 5         ; its length
 *   ecalli 1               ; host call 1: print it
 *   jump_ind r0, 0         ; halt (r0 = 0xFFFF0000) */
static const uint8_t blob[] = {0x00, 0x04, 0x0c, 0x33, 0x07, 0x00, 0x00, 0x02, 0x33,
                               0x08, 0x05, 0x0a, 0x01, 0x32, 0x00, 0x21, 0x05};

static pvm_host_result_t host(pvm_vm_t* vm, int func_id) {
    uint64_t gas = pvm_get_gas(vm);
    if (gas < 10) return PVM_HOST_OOG; /* every host call costs 10 gas */
    pvm_set_gas(vm, gas - 10);
    if (func_id != 1) {
        pvm_set_register(vm, 7, UINT64_MAX - 1); /* WHAT: unknown host call */
        return PVM_HOST_CONTINUE;
    }
    char msg[64];
    uint32_t addr = (uint32_t)pvm_get_register(vm, 7);
    uint64_t len = pvm_get_register(vm, 8);
    if (len >= sizeof msg) return PVM_HOST_ERROR;
    int err;
    if (pvm_read_ram_bytes(vm, addr, (uint8_t*)msg, (uint32_t)len, &err) != PVM_OK) {
        pvm_set_register(vm, 7, (uint64_t)PVM_ERR_OOB); /* the GP's OOB */
        return PVM_HOST_CONTINUE;
    }
    msg[len] = 0;
    printf("guest says: %s\n", msg);
    pvm_set_register(vm, 7, 0); /* OK */
    return PVM_HOST_CONTINUE;
}

int main(void) {
    uint64_t regs[PVM_NUM_REGISTERS] = {PVM_HALT_ADDRESS};
    pvm_vm_t* vm = pvm_create_from_code_blob(0, blob, sizeof blob, regs, 1000, "gp-0.8", "auto");
    if (!vm) {
        fprintf(stderr, "create: %s\n", pvm_last_error());
        return 1;
    }
    /* one read-write page at 0x20000 holding the message */
    if (pvm_map_pages(vm, 0x20000 / PVM_PAGE_SIZE, 1, PVM_ACCESS_READ_WRITE) != PVM_OK ||
        pvm_write_ram_bytes(vm, 0x20000, (const uint8_t*)"hello", 5) != PVM_OK) {
        fprintf(stderr, "memory: %s\n", pvm_last_error());
        return 1;
    }
    pvm_set_host_callback(vm, host);

    pvm_result_t r = pvm_execute(vm, 0, 0);
    switch (r) {
    case PVM_RESULT_HALT:
        printf("halted at pc %" PRIu64 ": r7 = %" PRIu64 ", gas left %" PRIu64 "\n",
               pvm_get_pc(vm), pvm_get_register(vm, 7), pvm_get_gas(vm));
        break;
    case PVM_RESULT_FAULT:
        printf("page fault at %#x\n", pvm_get_fault_address(vm));
        break;
    case PVM_RESULT_ERROR:
        fprintf(stderr, "execute: %s\n", pvm_last_error());
        break;
    default:
        printf("stopped with %d at pc %" PRIu64 "\n", r, pvm_get_pc(vm));
    }
    pvm_destroy(vm);
    return r == PVM_RESULT_HALT ? 0 : 1;
}
