"""A complete example of pvm.h from Python (ctypes, standard library only).
Run with PVMH_LIB=/path/to/libpvm.so python3 example.py"""
import ctypes as C
import os

lib = C.CDLL(os.environ.get("PVMH_LIB", "./libpvm.so"))
VM = C.c_void_p
HOST_CALLBACK = C.CFUNCTYPE(C.c_int, VM, C.c_int)  # pvm_host_callback_t
lib.pvm_create_from_code_blob.restype = VM
lib.pvm_create_from_code_blob.argtypes = [C.c_uint32, C.c_char_p, C.c_size_t, C.POINTER(C.c_uint64),
                                          C.c_uint64, C.c_char_p, C.c_char_p]
lib.pvm_destroy.argtypes = [VM]
lib.pvm_execute.argtypes = [VM, C.c_uint32, C.c_uint32]
lib.pvm_set_host_callback.argtypes = [VM, HOST_CALLBACK]
lib.pvm_map_pages.argtypes = [VM, C.c_uint32, C.c_uint32, C.c_int]
lib.pvm_get_register.restype = C.c_uint64
lib.pvm_get_register.argtypes = [VM, C.c_int]
lib.pvm_set_register.argtypes = [VM, C.c_int, C.c_uint64]
lib.pvm_get_gas.restype = C.c_uint64
lib.pvm_get_gas.argtypes = [VM]
lib.pvm_set_gas.argtypes = [VM, C.c_uint64]
lib.pvm_read_ram_bytes.restype = C.c_uint64
lib.pvm_read_ram_bytes.argtypes = [VM, C.c_uint32, C.POINTER(C.c_uint8), C.c_uint32, C.POINTER(C.c_int)]
lib.pvm_write_ram_bytes.restype = C.c_uint64
lib.pvm_write_ram_bytes.argtypes = [VM, C.c_uint32, C.c_char_p, C.c_uint32]
lib.pvm_last_error.restype = C.c_char_p

HALT, HOST_CONTINUE, HOST_ERROR, ACCESS_READ_WRITE = 0, 0, 2, 2

# load_imm r7, 0x20000; load_imm r8, 5; ecalli 1; jump_ind r0, 0 (gp-0.8 code blob)
blob = bytes.fromhex("00040c33070000023308050a0132002105")


def host(vm, func_id):
    try:
        lib.pvm_set_gas(vm, lib.pvm_get_gas(vm) - 10)
        addr, n = lib.pvm_get_register(vm, 7), lib.pvm_get_register(vm, 8)
        buf = (C.c_uint8 * n)()
        if func_id != 1 or lib.pvm_read_ram_bytes(vm, addr, buf, n, None) != 0:
            return HOST_ERROR
        print("guest says:", bytes(buf).decode())
        lib.pvm_set_register(vm, 7, 0)
        return HOST_CONTINUE
    except Exception:  # never let an exception reach the VM
        return HOST_ERROR


callback = HOST_CALLBACK(host)  # keep a reference as long as the VM may call it
regs = (C.c_uint64 * 13)(0xFFFF0000)
vm = lib.pvm_create_from_code_blob(0, blob, len(blob), regs, 1000, b"gp-0.8", b"auto")
if not vm:
    raise SystemExit(lib.pvm_last_error().decode())
try:
    lib.pvm_map_pages(vm, 0x20000 // 4096, 1, ACCESS_READ_WRITE)
    lib.pvm_write_ram_bytes(vm, 0x20000, b"hello", 5)
    lib.pvm_set_host_callback(vm, callback)
    result = lib.pvm_execute(vm, 0, 0)
    print("result", result, "r7", lib.pvm_get_register(vm, 7), "gas left", lib.pvm_get_gas(vm))
    assert result == HALT, lib.pvm_last_error()
finally:
    lib.pvm_destroy(vm)
