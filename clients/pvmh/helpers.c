// C parts of the library: the per-thread last error and the call through
// the host callback pointer (Go cannot call a C function pointer itself).

#include <string.h>

#include "internal.h"

static _Thread_local char last_error[1024];

void pvmh_set_error(const char* msg, size_t len) {
    if (len >= sizeof last_error) {
        len = sizeof last_error - 1;
    }
    memcpy(last_error, msg, len);
    last_error[len] = 0;
}

const char* pvm_last_error(void) { return last_error; }

uint32_t pvm_abi_version(void) { return PVM_ABI_VERSION; }

pvm_host_result_t pvmh_call_host(pvm_vm_t* vm, int func_id) {
    return vm->callback(vm, func_id);
}
