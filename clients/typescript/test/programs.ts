// Guest programs the tests run: GP 0.8 code blobs (profile "gp-0.8").
//
// Made with the repository's Go assembler: a throwaway `go run` program that
// printed hex.EncodeToString of the builders in server/servertest/programs.go
// (servertest.HostCallLoop(isa.GP08), ...; ECHO_ARGS_STANDARD is
// servertest.Standard([]byte("ro"), []byte("rw"), 1, 4096, EchoArgs(isa.GP08))).
// Every program that halts does so with `jump_ind φ0, 0`: start it with
// φ0 = HALT_ADDRESS (standard programs get that from their initial registers).

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));

/** Page HOST_CALL_LOOP keeps its u64 counter in. */
export const DATA_PAGE = 0x20000;
/** Page FAULT_THEN_HALT reads before it is mapped. */
export const FAULT_PAGE = 0x30000;
/** The ecalli immediate of HOST_CALL_LOOP and TIGHT_LOOP. */
export const LOOP_CALL_ID = 1n;
/** The ecalli immediate of CALL_INNER (the GP `invoke` host call). */
export const INVOKE_CALL_ID = 12n;

/** loop: φ8 = u64[DATA_PAGE]; φ8 += 1; u64[DATA_PAGE] = φ8; ecalli 1; branch to loop while φ7 != 0; halt. */
export const HOST_CALL_LOOP = hex("0004173a080000029588013e080000020a015207f1ffffff320021a120");
/** loop: ecalli 1; branch to loop while φ7 != 0; halt. Needs no memory. */
export const TIGHT_LOOP = hex("00040a0a015207feffffff32000501");
/** φ7 = u64[FAULT_PAGE] + 1; halt. */
export const FAULT_THEN_HALT = hex("00040a3a0700000395770132002101");
/** φ7 = φ7 + φ8; halt. */
export const ADDER = hex("000405c88707320009");
/** ecalli 12; φ7 += 1; halt. */
export const CALL_INNER = hex("0004070a0c957701320025");
/** trap. */
export const TRAP = hex("0004010001");
/** Jumps to itself forever. */
export const SPIN = hex("000405280000000001");
/** A JAM standard program (RO "ro", RW "rw", 1 heap page, 4096 bytes of stack) that halts at once: its output [φ7, φ7+φ8) is its arguments. */
export const ECHO_ARGS_STANDARD = hex("0200000200000100001000726f727706000000000402320001");
