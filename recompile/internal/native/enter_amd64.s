//go:build linux && amd64

#include "textflag.h"

// func enter(ctx *Context)
//
// Loads the guest registers from ctx, copies gas, the memory, permission
// and jump table bases and the spill slots into this frame, and calls
// ctx.Entry. Generated code
// returns here (after leaving the exit site's return address and rax in the
// frame); the registers and frame slots are then written back to ctx.
// Generated code never calls Go and clobbers every general register but RSP;
// BP is restored by the epilogue from the frame.
TEXT ·enter(SB), NOSPLIT, $120-8
	MOVQ ctx+0(FP), AX
	MOVQ AX, 32(SP)
	MOVQ 104(AX), CX
	MOVQ CX, 0(SP)
	MOVQ 112(AX), CX
	MOVQ CX, 8(SP)
	MOVQ 120(AX), CX
	MOVQ CX, 16(SP)
	MOVQ 128(AX), CX
	MOVQ CX, 24(SP)
	MOVQ $0, 40(SP)
	MOVQ $0, 48(SP)
	MOVQ 160(AX), CX
	MOVQ CX, 72(SP)
	MOVQ 168(AX), CX
	MOVQ CX, 80(SP)
	MOVQ 176(AX), CX
	MOVQ CX, 88(SP)
	LEAQ 0(SP), CX
	MOVQ CX, 192(AX)
	MOVQ $1, 184(AX) // Running: Interrupt may now write the gas slot
	MOVQ 136(AX), CX
	MOVQ 0(AX), DX
	MOVQ 8(AX), BX
	MOVQ 16(AX), SI
	MOVQ 24(AX), DI
	MOVQ 32(AX), R8
	MOVQ 40(AX), R9
	MOVQ 48(AX), R10
	MOVQ 56(AX), R11
	MOVQ 64(AX), R12
	MOVQ 72(AX), R13
	MOVQ 80(AX), R14
	MOVQ 88(AX), R15
	MOVQ 96(AX), BP
	CALL CX
	MOVQ 32(SP), AX
	MOVQ DX, 0(AX)
	MOVQ BX, 8(AX)
	MOVQ SI, 16(AX)
	MOVQ DI, 24(AX)
	MOVQ R8, 32(AX)
	MOVQ R9, 40(AX)
	MOVQ R10, 48(AX)
	MOVQ R11, 56(AX)
	MOVQ R12, 64(AX)
	MOVQ R13, 72(AX)
	MOVQ R14, 80(AX)
	MOVQ R15, 88(AX)
	MOVQ BP, 96(AX)
	// Back to Idle, waiting out an Interrupt writing the gas slot, before
	// the slot is read and this frame goes away.
	MOVQ AX, DI
settle:
	MOVQ $1, AX
	XORL CX, CX
	LOCK
	CMPXCHGQ CX, 184(DI)
	JEQ settled
	PAUSE
	JMP settle
settled:
	MOVQ DI, AX
	MOVQ 0(SP), CX
	MOVQ CX, 104(AX)
	MOVQ 40(SP), CX
	MOVQ CX, 144(AX)
	MOVQ 48(SP), CX
	MOVQ CX, 152(AX)
	MOVQ 72(SP), CX
	MOVQ CX, 160(AX)
	MOVQ 80(SP), CX
	MOVQ CX, 168(AX)
	MOVQ 88(SP), CX
	MOVQ CX, 176(AX)
	RET

// func Interrupt(ctx *Context) bool
//
// If generated code is running on ctx (State is Running), sets
// InterruptBits in its gas slot with a locked OR and reports true. The
// generated code's own gas checks are not atomic: one that loads the slot
// before the OR and stores after it undoes the OR, so callers repeat until
// the code has exited.
TEXT ·Interrupt(SB), NOSPLIT, $0-9
	MOVQ ctx+0(FP), DI
	MOVQ $1, AX
	MOVQ $2, CX
	LOCK
	CMPXCHGQ CX, 184(DI)
	JNE idle
	MOVQ 192(DI), SI
	MOVQ $0xc000000000000000, DX
	LOCK
	ORQ DX, 0(SI)
	MOVQ $1, 184(DI)
	MOVB $1, ret+8(FP)
	RET
idle:
	MOVB $0, ret+8(FP)
	RET
