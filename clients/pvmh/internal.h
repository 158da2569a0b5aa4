/* Private to the library: what a pvm_vm_t handle points to. */
#ifndef PVMD_PVMH_INTERNAL_H
#define PVMD_PVMH_INTERNAL_H

#include "pvm.h"

/*
 * struct pvm_vm is allocated in C and only ever holds C data, so C never
 * sees Go memory. The Go side finds its VM by this struct's address in a
 * map; the library never reads through a handle it has not found there.
 */
struct pvm_vm {
    uint64_t serial;               /* creation number, for logs */
    pvm_host_callback_t callback;  /* pvm_set_host_callback */
    void* user_data;               /* pvm_set_user_data */
    uint64_t regs[PVM_NUM_REGISTERS]; /* pvm_get_registers snapshot */
};

/* Const-qualified aliases, so that cgo's prototypes match pvm.h. */
typedef const uint8_t pvmh_cu8;
typedef const uint32_t pvmh_cu32;
typedef const uint64_t pvmh_cu64;
typedef const char pvmh_cchar;

__attribute__((visibility("hidden"))) void pvmh_set_error(const char* msg, size_t len);
__attribute__((visibility("hidden"))) pvm_host_result_t pvmh_call_host(pvm_vm_t* vm, int func_id);

#endif
