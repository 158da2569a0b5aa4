"""Guest programs the tests run: GP 0.8 code blobs (profile "gp-0.8").

Made with the repository's Go assembler: a throwaway `go run` program that
printed hex.EncodeToString of the builders in server/servertest/programs.go
(servertest.HostCallLoop(isa.GP08), ...; echo_args_standard is
servertest.Standard([]byte("ro"), []byte("rw"), 1, 4096, EchoArgs(isa.GP08))).
Every program that halts does so with `jump_ind φ0, 0`: start it with
φ0 = HALT_ADDRESS (standard programs get that from their initial registers).
"""

#: Page HOST_CALL_LOOP keeps its u64 counter in.
DATA_PAGE = 0x20000
#: Page FAULT_THEN_HALT reads before it is mapped.
FAULT_PAGE = 0x30000
#: The ecalli immediate of HOST_CALL_LOOP and TIGHT_LOOP.
LOOP_CALL_ID = 1
#: The ecalli immediate of CALL_INNER (the GP `invoke` host call).
INVOKE_CALL_ID = 12

#: loop: φ8 = u64[DATA_PAGE]; φ8 += 1; u64[DATA_PAGE] = φ8; ecalli 1;
#: branch to loop while φ7 != 0; halt.
HOST_CALL_LOOP = bytes.fromhex("0004173a080000029588013e080000020a015207f1ffffff320021a120")
#: loop: ecalli 1; branch to loop while φ7 != 0; halt. Needs no memory.
TIGHT_LOOP = bytes.fromhex("00040a0a015207feffffff32000501")
#: φ7 = u64[FAULT_PAGE] + 1; halt.
FAULT_THEN_HALT = bytes.fromhex("00040a3a0700000395770132002101")
#: φ7 = φ7 + φ8; halt.
ADDER = bytes.fromhex("000405c88707320009")
#: ecalli 12; φ7 += 1; halt.
CALL_INNER = bytes.fromhex("0004070a0c957701320025")
#: trap.
TRAP = bytes.fromhex("0004010001")
#: jump to itself forever.
SPIN = bytes.fromhex("000405280000000001")
#: A JAM standard program (RO data "ro", RW data "rw", 1 heap page, 4096
#: bytes of stack) whose code halts at once: its output [φ7, φ7+φ8) is its
#: argument bytes.
ECHO_ARGS_STANDARD = bytes.fromhex("0200000200000100001000726f727706000000000402320001")
