// Package amd64 is a small x86-64 instruction encoder: just what the PVM
// recompiler emits, written for speed (straight appends to one byte slice,
// no allocation per instruction).
//
// Operand order follows Intel syntax: destination first.
package amd64

import "encoding/binary"

// Reg is a general-purpose register, numbered as the hardware does.
type Reg uint8

const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

var regNames = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

func (r Reg) String() string { return regNames[r&15] }

// NoReg marks an absent base or index in a memory operand.
const NoReg Reg = 0xff

// Cond is a condition code, as encoded in jcc/setcc/cmovcc.
type Cond uint8

const (
	CondO  Cond = 0x0
	CondNO Cond = 0x1
	CondB  Cond = 0x2 // unsigned <, carry
	CondAE Cond = 0x3 // unsigned >=
	CondE  Cond = 0x4
	CondNE Cond = 0x5
	CondBE Cond = 0x6 // unsigned <=
	CondA  Cond = 0x7 // unsigned >
	CondS  Cond = 0x8
	CondNS Cond = 0x9
	CondP  Cond = 0xa
	CondNP Cond = 0xb
	CondL  Cond = 0xc // signed <
	CondGE Cond = 0xd
	CondLE Cond = 0xe
	CondG  Cond = 0xf
)

// Invert returns the opposite condition.
func (c Cond) Invert() Cond { return c ^ 1 }

// Mem is a memory operand [Base + Index*Scale + Disp]. Base or Index may be
// NoReg; RSP cannot be an index. Scale is 1, 2, 4 or 8.
type Mem struct {
	Base, Index Reg
	Scale       uint8
	Disp        int32
}

// M is [base + disp].
func M(base Reg, disp int32) Mem { return Mem{Base: base, Index: NoReg, Scale: 1, Disp: disp} }

// MI is [base + index*scale + disp].
func MI(base, index Reg, scale uint8, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: scale, Disp: disp}
}

// ALU is one of the eight classic arithmetic operations; its value is the
// /digit of the 0x81/0x83 group and selects the opcode of the other forms.
type ALU uint8

const (
	ADD ALU = 0
	OR  ALU = 1
	ADC ALU = 2
	SBB ALU = 3
	AND ALU = 4
	SUB ALU = 5
	XOR ALU = 6
	CMP ALU = 7
)

// Shift is the /digit of the shift and rotate group (0xC1, 0xD3).
type Shift uint8

const (
	ROL Shift = 0
	ROR Shift = 1
	SHL Shift = 4
	SHR Shift = 5
	SAR Shift = 7
)

// Label is a position in the code, bound once; jumps to it may be emitted
// before it is bound.
type Label int32

// Asm accumulates machine code. Offsets (Len, labels, jump targets, patch
// positions) are image offsets: Org plus the position in the buffer, so
// that several Asms writing different parts of one image can jump to each
// other.
//
// The buffer is written in place (an index, not append), so emitting code
// stores no slice headers (and so no GC write barriers); it grows only if
// it was not given enough room (NewAsm).
type Asm struct {
	mem []byte
	n   int
	// Org is the image offset of the buffer's first byte.
	Org int
	// labels holds each label's offset, or -1 while unbound.
	labels  []int32
	fixups  []fixup
	scratch [16]byte
}

type fixup struct {
	at    int32 // offset of the rel32 field; the jump's end is at+4
	label Label
}

// NewAsm returns an Asm writing into buf (from its start), whose first byte
// is at image offset org.
func NewAsm(buf []byte, org int) Asm { return Asm{mem: buf, Org: org} }

// Code is the code emitted so far.
func (a *Asm) Code() []byte { return a.mem[:a.n] }

// Len is the current image offset.
func (a *Asm) Len() int { return a.Org + a.n }

// Size is the number of bytes emitted.
func (a *Asm) Size() int { return a.n }

// Room is how many more bytes fit without growing the buffer.
func (a *Asm) Room() int { return len(a.mem) - a.n }

// Reset empties the buffer, keeping its storage.
func (a *Asm) Reset() {
	a.n = 0
	a.labels = a.labels[:0]
	a.fixups = a.fixups[:0]
}

// grow makes room for k more bytes.
func (a *Asm) grow(k int) {
	m := make([]byte, max(2*len(a.mem), a.n+k, 256))
	copy(m, a.mem[:a.n])
	a.mem = m
}

func (a *Asm) byte1(b byte) {
	if a.n+1 > len(a.mem) {
		a.grow(1)
	}
	a.mem[a.n] = b
	a.n++
}

func (a *Asm) bytes2(b0, b1 byte) {
	if a.n+2 > len(a.mem) {
		a.grow(2)
	}
	a.mem[a.n] = b0
	a.mem[a.n+1] = b1
	a.n += 2
}

func (a *Asm) bytes3(b0, b1, b2 byte) {
	if a.n+3 > len(a.mem) {
		a.grow(3)
	}
	a.mem[a.n] = b0
	a.mem[a.n+1] = b1
	a.mem[a.n+2] = b2
	a.n += 3
}

func (a *Asm) imm32(v int32) {
	if a.n+4 > len(a.mem) {
		a.grow(4)
	}
	binary.LittleEndian.PutUint32(a.mem[a.n:], uint32(v))
	a.n += 4
}

func (a *Asm) imm64(v uint64) {
	if a.n+8 > len(a.mem) {
		a.grow(8)
	}
	binary.LittleEndian.PutUint64(a.mem[a.n:], v)
	a.n += 8
}

// Bytes appends raw bytes.
func (a *Asm) Bytes(b ...byte) {
	if a.n+len(b) > len(a.mem) {
		a.grow(len(b))
	}
	a.n += copy(a.mem[a.n:], b)
}

// ---- prefixes and ModRM

// rex emits a REX prefix when needed. w selects 64-bit operands; r, x, b are
// the registers whose high bit goes into REX.R/X/B (NoReg for none). force
// emits one even when all bits are zero (byte registers spl..dil).
func (a *Asm) rex(w bool, r, x, b Reg, force bool) {
	if v := rexOf(w, r, x, b); v != 0x40 || force {
		a.byte1(v)
	}
}

// modrmMem emits ModRM (+SIB +disp) for a memory operand.
func (a *Asm) modrmMem(reg byte, m Mem) {
	p := a.win()
	a.commit(p, putMem(p, 0, reg, m))
}

func scaleBits(s uint8) byte {
	switch s {
	case 2:
		return 0x40
	case 4:
		return 0x80
	case 8:
		return 0xc0
	}
	return 0
}

// ---- moves

// MovRR copies src to dst (64-bit).
func (a *Asm) MovRR(dst, src Reg) { a.rr(true, 0x89, byte(src), dst) }

// MovRR32 copies the low 32 bits of src to dst, zeroing dst's upper half.
func (a *Asm) MovRR32(dst, src Reg) { a.rr(false, 0x89, byte(src), dst) }

// MovImm loads a 64-bit constant into dst using the shortest encoding.
func (a *Asm) MovImm(dst Reg, v uint64) {
	switch {
	case v == 0:
		a.ALURR32(XOR, dst, dst)
	case v <= 0xffffffff:
		// mov r32, imm32 (zero-extends)
		p := a.win()
		i := putRex(p, 0, rexOf(false, NoReg, NoReg, dst), false)
		p[i&15] = 0xb8 + byte(dst&7)
		a.commit(p, put32(p, i+1, int32(uint32(v))))
	case int64(v) >= -1<<31 && int64(v) < 1<<31:
		// mov r/m64, imm32 (sign-extends)
		p := a.win()
		i := putRex(p, 0, rexOf(true, NoReg, NoReg, dst), false)
		p[i&15] = 0xc7
		p[(i+1)&15] = 0xc0 | byte(dst&7)
		a.commit(p, put32(p, i+2, int32(v)))
	default:
		a.rex(true, NoReg, NoReg, dst, false)
		a.byte1(0xb8 + byte(dst&7))
		a.imm64(v)
	}
}

// MovImmKeepFlags is MovImm without the xor shortcut for zero, so it leaves
// the flags alone.
func (a *Asm) MovImmKeepFlags(dst Reg, v uint64) {
	if v == 0 {
		a.rex(false, NoReg, NoReg, dst, false)
		a.byte1(0xb8 + byte(dst&7))
		a.imm32(0)
		return
	}
	a.MovImm(dst, v)
}

// Load loads size (1, 2, 4, 8) bytes from m into dst, zero-extending.
func (a *Asm) Load(size int, dst Reg, m Mem) {
	switch size {
	case 1:
		a.opRM(false, 0x0fb6, dst, m)
	case 2:
		a.opRM(false, 0x0fb7, dst, m)
	case 4:
		a.opRM(false, 0x8b, dst, m)
	default:
		a.opRM(true, 0x8b, dst, m)
	}
}

// LoadSX loads size (1, 2, 4) bytes from m into dst, sign-extending to 64 bits.
func (a *Asm) LoadSX(size int, dst Reg, m Mem) {
	switch size {
	case 1:
		a.opRM(true, 0x0fbe, dst, m)
	case 2:
		a.opRM(true, 0x0fbf, dst, m)
	default:
		a.opRM(true, 0x63, dst, m)
	}
}

// Store stores the low size (1, 2, 4, 8) bytes of src to m.
func (a *Asm) Store(size int, m Mem, src Reg) {
	switch size {
	case 1:
		p := a.win()
		i := putRex(p, 0, rexOf(false, src, m.Index, m.Base), src >= 4 && src < 8)
		p[i&15] = 0x88
		a.commit(p, putMem(p, i+1, byte(src), m))
	case 2:
		a.byte1(0x66)
		a.opRM(false, 0x89, src, m)
	case 4:
		a.opRM(false, 0x89, src, m)
	default:
		a.opRM(true, 0x89, src, m)
	}
}

// StoreImm stores the low size bytes of v (sign-extended from 32 bits for
// size 8) to m.
func (a *Asm) StoreImm(size int, m Mem, v int32) {
	p := a.win()
	i := 0
	if size == 2 {
		p[0] = 0x66
		i = 1
	}
	i = putRex(p, i, rexOf(size == 8, NoReg, m.Index, m.Base), false)
	op := byte(0xc7)
	if size == 1 {
		op = 0xc6
	}
	p[i&15] = op
	i = putMem(p, i+1, 0, m)
	switch size {
	case 1:
		p[i&15] = byte(v)
		i++
	case 2:
		p[i&15], p[(i+1)&15] = byte(v), byte(v>>8)
		i += 2
	default:
		i = put32(p, i, v)
	}
	a.commit(p, i)
}

// Lea computes the address of m into dst (64-bit).
func (a *Asm) Lea(dst Reg, m Mem) { a.opRM(true, 0x8d, dst, m) }

// Lea32 computes the address of m truncated to 32 bits into dst (zero-extended).
func (a *Asm) Lea32(dst Reg, m Mem) { a.opRM(false, 0x8d, dst, m) }

// Movsxd sign-extends the low 32 bits of src into dst.
func (a *Asm) Movsxd(dst, src Reg) { a.opRR(true, 0x63, dst, src) }

// Movsx8 sign-extends the low byte of src into dst (64-bit).
func (a *Asm) Movsx8(dst, src Reg) { a.opRR(true, 0x0fbe, dst, src) }

// Movsx16 sign-extends the low 16 bits of src into dst (64-bit).
func (a *Asm) Movsx16(dst, src Reg) { a.opRR(true, 0x0fbf, dst, src) }

// Movzx8 zero-extends the low byte of src into dst.
func (a *Asm) Movzx8(dst, src Reg) {
	a.rex(false, dst, NoReg, src, src >= 4 && src < 8)
	a.bytes3(0x0f, 0xb6, 0xc0|byte(dst&7)<<3|byte(src&7))
}

// Movzx16 zero-extends the low 16 bits of src into dst.
func (a *Asm) Movzx16(dst, src Reg) { a.opRR(false, 0x0fb7, dst, src) }

// ---- arithmetic

// ALURR is dst = dst op src (64-bit).
func (a *Asm) ALURR(op ALU, dst, src Reg) { a.rr(true, byte(op)<<3|1, byte(src), dst) }

// ALURR32 is dst = dst op src on the low 32 bits (zeroing dst's upper half).
func (a *Asm) ALURR32(op ALU, dst, src Reg) { a.rr(false, byte(op)<<3|1, byte(src), dst) }

// ALURI is dst = dst op sign-extended imm (64-bit).
func (a *Asm) ALURI(op ALU, dst Reg, imm int32) { a.aluRI(true, op, dst, imm) }

// ALURI32 is the 32-bit form of ALURI.
func (a *Asm) ALURI32(op ALU, dst Reg, imm int32) { a.aluRI(false, op, dst, imm) }

func (a *Asm) aluRI(w bool, op ALU, dst Reg, imm int32) {
	p := a.win()
	i := putRex(p, 0, rexOf(w, NoReg, NoReg, dst), false)
	switch {
	case imm >= -128 && imm <= 127:
		p[i&15] = 0x83
		p[(i+1)&15] = 0xc0 | byte(op)<<3 | byte(dst&7)
		p[(i+2)&15] = byte(int8(imm))
		i += 3
	case dst == RAX:
		p[i&15] = byte(op)<<3 | 5
		i = put32(p, i+1, imm)
	default:
		p[i&15] = 0x81
		p[(i+1)&15] = 0xc0 | byte(op)<<3 | byte(dst&7)
		i = put32(p, i+2, imm)
	}
	a.commit(p, i)
}

// ALURM is dst = dst op [m] (64-bit).
func (a *Asm) ALURM(op ALU, dst Reg, m Mem) { a.opRM(true, uint16(op)<<3|3, dst, m) }

// ALUMR is [m] = [m] op src (64-bit).
func (a *Asm) ALUMR(op ALU, m Mem, src Reg) { a.opRM(true, uint16(op)<<3|1, src, m) }

// ALUMI is [m] = [m] op sign-extended imm (size 8 or 1; 1 only for CMP/TEST-like use).
func (a *Asm) ALUMI(size int, op ALU, m Mem, imm int32) {
	p := a.win()
	i := putRex(p, 0, rexOf(size == 8, NoReg, m.Index, m.Base), false)
	short := size == 1 || imm >= -128 && imm <= 127
	switch {
	case size == 1:
		p[i&15] = 0x80
	case short:
		p[i&15] = 0x83
	default:
		p[i&15] = 0x81
	}
	i = putMem(p, i+1, byte(op), m)
	if short {
		p[i&15] = byte(imm)
		i++
	} else {
		i = put32(p, i, imm)
	}
	a.commit(p, i)
}

// TestRR sets flags from dst & src (64-bit).
func (a *Asm) TestRR(x, y Reg) { a.rr(true, 0x85, byte(y), x) }

// TestRR32 is the 32-bit TestRR.
func (a *Asm) TestRR32(x, y Reg) { a.rr(false, 0x85, byte(y), x) }

// TestRI8 sets flags from the low byte of r & imm.
func (a *Asm) TestRI8(r Reg, imm uint8) {
	if r == RAX {
		a.bytes2(0xa8, imm)
		return
	}
	a.rex(false, NoReg, NoReg, r, r >= 4 && r < 8)
	a.bytes3(0xf6, 0xc0|byte(r&7), imm)
}

// TestMR8 sets flags from the byte at m & the low byte of r.
func (a *Asm) TestMR8(m Mem, r Reg) {
	p := a.win()
	i := putRex(p, 0, rexOf(false, r, m.Index, m.Base), r >= 4 && r < 8)
	p[i&15] = 0x84
	a.commit(p, putMem(p, i+1, byte(r), m))
}

// TestRI32 sets flags from the low 32 bits of r & imm.
func (a *Asm) TestRI32(r Reg, imm uint32) {
	if r == RAX {
		a.byte1(0xa9)
	} else {
		a.rex(false, NoReg, NoReg, r, false)
		a.bytes2(0xf7, 0xc0|byte(r&7))
	}
	a.imm32(int32(imm))
}

// Neg negates r (64-bit).
func (a *Asm) Neg(r Reg) { a.rex(true, NoReg, NoReg, r, false); a.bytes2(0xf7, 0xd8|byte(r&7)) }

// Neg32 negates the low 32 bits of r.
func (a *Asm) Neg32(r Reg) { a.rex(false, NoReg, NoReg, r, false); a.bytes2(0xf7, 0xd8|byte(r&7)) }

// Not complements r (64-bit).
func (a *Asm) Not(r Reg) { a.rex(true, NoReg, NoReg, r, false); a.bytes2(0xf7, 0xd0|byte(r&7)) }

// Imul is dst = dst * src (64-bit, low half).
func (a *Asm) Imul(dst, src Reg) { a.opRR(true, 0x0faf, dst, src) }

// Imul32 is the 32-bit Imul.
func (a *Asm) Imul32(dst, src Reg) { a.opRR(false, 0x0faf, dst, src) }

// ImulImm is dst = src * imm (64-bit).
func (a *Asm) ImulImm(dst, src Reg, imm int32) { a.imulImm(true, dst, src, imm) }

// ImulImm32 is the 32-bit ImulImm.
func (a *Asm) ImulImm32(dst, src Reg, imm int32) { a.imulImm(false, dst, src, imm) }

// ImulRM emits imul dst, qword [m] (dst = dst * [m], low 64 bits).
func (a *Asm) ImulRM(dst Reg, m Mem) { a.opRM(true, 0x0faf, dst, m) }

func (a *Asm) imulImm(w bool, dst, src Reg, imm int32) {
	a.rex(w, dst, NoReg, src, false)
	if imm >= -128 && imm <= 127 {
		a.bytes3(0x6b, 0xc0|byte(dst&7)<<3|byte(src&7), byte(int8(imm)))
		return
	}
	a.bytes2(0x69, 0xc0|byte(dst&7)<<3|byte(src&7))
	a.imm32(imm)
}

// Group3 operations on rdx:rax (one-operand 0xF7 forms).
type MulDiv uint8

const (
	MUL  MulDiv = 4
	IMUL MulDiv = 5
	DIV  MulDiv = 6
	IDIV MulDiv = 7
)

// MulDivR is the one-operand mul/imul/div/idiv by r (64-bit).
func (a *Asm) MulDivR(op MulDiv, r Reg) {
	a.rex(true, NoReg, NoReg, r, false)
	a.bytes2(0xf7, 0xc0|byte(op)<<3|byte(r&7))
}

// MulDivR32 is the 32-bit MulDivR.
func (a *Asm) MulDivR32(op MulDiv, r Reg) {
	a.rex(false, NoReg, NoReg, r, false)
	a.bytes2(0xf7, 0xc0|byte(op)<<3|byte(r&7))
}

// Cqo sign-extends rax into rdx.
func (a *Asm) Cqo() { a.bytes2(0x48, 0x99) }

// Cdq sign-extends eax into edx.
func (a *Asm) Cdq() { a.byte1(0x99) }

// ShiftRI shifts or rotates r by a constant (64-bit).
func (a *Asm) ShiftRI(op Shift, r Reg, n uint8) { a.shiftRI(true, op, r, n) }

// ShiftRI32 is the 32-bit ShiftRI.
func (a *Asm) ShiftRI32(op Shift, r Reg, n uint8) { a.shiftRI(false, op, r, n) }

func (a *Asm) shiftRI(w bool, op Shift, r Reg, n uint8) {
	a.rex(w, NoReg, NoReg, r, false)
	if n == 1 {
		a.bytes2(0xd1, 0xc0|byte(op)<<3|byte(r&7))
		return
	}
	a.bytes3(0xc1, 0xc0|byte(op)<<3|byte(r&7), n)
}

// ShiftRCL shifts or rotates r by cl (64-bit).
func (a *Asm) ShiftRCL(op Shift, r Reg) {
	a.rex(true, NoReg, NoReg, r, false)
	a.bytes2(0xd3, 0xc0|byte(op)<<3|byte(r&7))
}

// ShiftRCL32 is the 32-bit ShiftRCL.
func (a *Asm) ShiftRCL32(op Shift, r Reg) {
	a.rex(false, NoReg, NoReg, r, false)
	a.bytes2(0xd3, 0xc0|byte(op)<<3|byte(r&7))
}

// vex3 emits a three-byte VEX prefix. mmmmm selects the opcode map (2 = 0F38,
// 3 = 0F3A), pp the implied prefix (1 = 66, 2 = F3, 3 = F2), vvvv the extra
// source register.
func (a *Asm) vex3(w bool, reg, rm Reg, mmmmm byte, vvvv Reg, pp byte) {
	b1 := mmmmm
	if reg&8 == 0 {
		b1 |= 0x80
	}
	b1 |= 0x40 // X̄ (no index)
	if rm&8 == 0 {
		b1 |= 0x20
	}
	b2 := pp | (^byte(vvvv)&15)<<3
	if w {
		b2 |= 0x80
	}
	a.bytes3(0xc4, b1, b2)
}

// BMI2 shifts by a register: dst = src shifted by amt (masked by the width).
type ShiftX uint8

const (
	SHLX ShiftX = 1 // 66
	SARX ShiftX = 2 // F3
	SHRX ShiftX = 3 // F2
)

// ShiftX is dst = src shifted by amt (BMI2 shlx/shrx/sarx), 64-bit.
func (a *Asm) ShiftX(op ShiftX, dst, src, amt Reg) {
	a.vex3(true, dst, src, 2, amt, byte(op))
	a.bytes2(0xf7, 0xc0|byte(dst&7)<<3|byte(src&7))
}

// ShiftX32 is the 32-bit ShiftX (zeroing dst's upper half).
func (a *Asm) ShiftX32(op ShiftX, dst, src, amt Reg) {
	a.vex3(false, dst, src, 2, amt, byte(op))
	a.bytes2(0xf7, 0xc0|byte(dst&7)<<3|byte(src&7))
}

// Rorx is dst = src rotated right by n (BMI2), 64-bit.
func (a *Asm) Rorx(dst, src Reg, n uint8) {
	a.vex3(true, dst, src, 3, 0, 3)
	a.bytes3(0xf0, 0xc0|byte(dst&7)<<3|byte(src&7), n)
}

// Rorx32 is the 32-bit Rorx.
func (a *Asm) Rorx32(dst, src Reg, n uint8) {
	a.vex3(false, dst, src, 3, 0, 3)
	a.bytes3(0xf0, 0xc0|byte(dst&7)<<3|byte(src&7), n)
}

// BitCount selects lzcnt/tzcnt/popcnt (F3 0F xx) or bsr/bsf (0F xx).
type BitCount uint8

const (
	POPCNT BitCount = 0xb8
	TZCNT  BitCount = 0xbc
	LZCNT  BitCount = 0xbd
)

// BitCountRR is dst = op(src), 64-bit.
func (a *Asm) BitCountRR(op BitCount, dst, src Reg) {
	a.byte1(0xf3)
	a.opRR(true, 0x0f00|uint16(op), dst, src)
}

// BitCountRR32 is the 32-bit BitCountRR.
func (a *Asm) BitCountRR32(op BitCount, dst, src Reg) {
	a.byte1(0xf3)
	a.opRR(false, 0x0f00|uint16(op), dst, src)
}

// Bsr is dst = index of the highest set bit of src (ZF set and dst
// unchanged when src is zero), 64-bit.
func (a *Asm) Bsr(dst, src Reg) { a.opRR(true, 0x0fbd, dst, src) }

// Bsr32 is the 32-bit Bsr.
func (a *Asm) Bsr32(dst, src Reg) { a.opRR(false, 0x0fbd, dst, src) }

// Bsf is dst = index of the lowest set bit of src, 64-bit.
func (a *Asm) Bsf(dst, src Reg) { a.opRR(true, 0x0fbc, dst, src) }

// Bsf32 is the 32-bit Bsf.
func (a *Asm) Bsf32(dst, src Reg) { a.opRR(false, 0x0fbc, dst, src) }

// Bswap reverses the bytes of r (64-bit).
func (a *Asm) Bswap(r Reg) { a.rex(true, NoReg, NoReg, r, false); a.bytes2(0x0f, 0xc8+byte(r&7)) }

// Setcc sets the low byte of r to 1 if c holds, else 0.
func (a *Asm) Setcc(c Cond, r Reg) {
	a.rex(false, NoReg, NoReg, r, r >= 4 && r < 8)
	a.bytes3(0x0f, 0x90|byte(c), 0xc0|byte(r&7))
}

// Cmov is dst = src if c holds (64-bit).
func (a *Asm) Cmov(c Cond, dst, src Reg) { a.opRR(true, 0x0f40|uint16(c), dst, src) }

// Cmov32 is the 32-bit Cmov (it zeroes dst's upper half even when c fails).
func (a *Asm) Cmov32(c Cond, dst, src Reg) { a.opRR(false, 0x0f40|uint16(c), dst, src) }

// ---- control flow

// NewLabel returns an unbound label.
func (a *Asm) NewLabel() Label {
	a.labels = append(a.labels, -1)
	return Label(len(a.labels) - 1)
}

// Bind binds l to the current offset.
func (a *Asm) Bind(l Label) { a.labels[l] = int32(a.Len()) }

// LabelOffset returns l's offset, or -1 if it is unbound.
func (a *Asm) LabelOffset(l Label) int32 { return a.labels[l] }

// Jcc emits a conditional jump with a 32-bit displacement to l.
func (a *Asm) Jcc(c Cond, l Label) {
	a.bytes2(0x0f, 0x80|byte(c))
	a.rel32(l)
}

// Jmp emits an unconditional jump with a 32-bit displacement to l.
func (a *Asm) Jmp(l Label) {
	a.byte1(0xe9)
	a.rel32(l)
}

// Call emits a call with a 32-bit displacement to l.
func (a *Asm) Call(l Label) {
	a.byte1(0xe8)
	a.rel32(l)
}

func (a *Asm) rel32(l Label) {
	if off := a.labels[l]; off >= 0 {
		a.imm32(off - int32(a.Len()+4))
		return
	}
	a.fixups = append(a.fixups, fixup{at: int32(a.Len()), label: l})
	a.imm32(0)
}

// JccTo emits a conditional jump (rel32) to an absolute offset in the buffer.
func (a *Asm) JccTo(c Cond, target int) {
	a.rel32Op(0x0f80|uint16(c), target)
}

// JmpTo emits a jump (rel32) to an absolute offset in the buffer.
func (a *Asm) JmpTo(target int) {
	a.rel32Op(0xe9, target)
}

// CallTo emits a call (rel32) to an absolute offset in the buffer.
func (a *Asm) CallTo(target int) {
	a.rel32Op(0xe8, target)
}

// JccShort emits a conditional jump with an 8-bit displacement whose target
// is set later with PatchShort; it returns the offset to patch.
func (a *Asm) JccShort(c Cond) int {
	a.bytes2(0x70|byte(c), 0)
	return a.Len() - 1
}

// JmpShort emits an unconditional short jump to be patched with PatchShort.
func (a *Asm) JmpShort() int {
	a.bytes2(0xeb, 0)
	return a.Len() - 1
}

// PatchShort points the short jump whose displacement byte is at at to the
// current offset.
func (a *Asm) PatchShort(at int) {
	d := a.Len() - (at + 1)
	if d > 127 {
		panic("amd64: short jump out of range")
	}
	a.mem[at-a.Org] = byte(d)
}

// PatchRel32 sets the rel32 field at image offset at so that it reaches
// target. at must be in this Asm's buffer.
func (a *Asm) PatchRel32(at, target int) {
	binary.LittleEndian.PutUint32(a.mem[at-a.Org:], uint32(int32(target-(at+4))))
}

// JmpR jumps to the address in r.
func (a *Asm) JmpR(r Reg) { a.rex(false, NoReg, NoReg, r, false); a.bytes2(0xff, 0xe0|byte(r&7)) }

// JmpM jumps to the address stored at m.
func (a *Asm) JmpM(m Mem) {
	a.rex(false, NoReg, m.Index, m.Base, false)
	a.byte1(0xff)
	a.modrmMem(4, m)
}

// CallR calls the address in r.
func (a *Asm) CallR(r Reg) { a.rex(false, NoReg, NoReg, r, false); a.bytes2(0xff, 0xd0|byte(r&7)) }

// Ret returns.
func (a *Asm) Ret() { a.byte1(0xc3) }

// Pop pops into r.
func (a *Asm) Pop(r Reg) { a.rex(false, NoReg, NoReg, r, false); a.byte1(0x58 + byte(r&7)) }

// Push pushes r.
func (a *Asm) Push(r Reg) { a.rex(false, NoReg, NoReg, r, false); a.byte1(0x50 + byte(r&7)) }

// Int3 emits a breakpoint.
func (a *Asm) Int3() { a.byte1(0xcc) }

// Stc sets the carry flag.
func (a *Asm) Stc() { a.byte1(0xf9) }

// Ud2 emits an undefined instruction.
func (a *Asm) Ud2() { a.bytes2(0x0f, 0x0b) }

// LeaRIP loads the address of the buffer offset target into dst
// (RIP-relative).
func (a *Asm) LeaRIP(dst Reg, target int) {
	a.rex(true, dst, NoReg, NoReg, false)
	a.bytes2(0x8d, 0x05|byte(dst&7)<<3)
	a.imm32(int32(target - (a.Len() + 4)))
}

// ALURRIP is dst = dst op [rip + to target] (64-bit); target is a buffer offset.
func (a *Asm) ALURRIP(op ALU, dst Reg, target int) {
	a.rex(true, dst, NoReg, NoReg, false)
	a.bytes2(byte(op)<<3|3, 0x05|byte(dst&7)<<3)
	a.imm32(int32(target - (a.Len() + 4)))
}

// Align pads with int3 up to a multiple of n.
func (a *Asm) Align(n int) {
	for a.Len()%n != 0 {
		a.byte1(0xcc)
	}
}

// nops are the recommended multi-byte NOPs, by length.
var nops = [10][]byte{
	1: {0x90},
	2: {0x66, 0x90},
	3: {0x0f, 0x1f, 0x00},
	4: {0x0f, 0x1f, 0x40, 0x00},
	5: {0x0f, 0x1f, 0x44, 0x00, 0x00},
	6: {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
	7: {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
	8: {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	9: {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
}

// AlignNop pads with as few NOPs as it takes up to a multiple of n, for
// code that execution may fall into.
func (a *Asm) AlignNop(n int) {
	for k := (n - a.Len()%n) % n; k > 0; {
		m := min(k, 9)
		a.Bytes(nops[m]...)
		k -= m
	}
}

// Finish resolves the jumps to labels. It returns false if one is unbound.
func (a *Asm) Finish() bool {
	for _, f := range a.fixups {
		off := a.labels[f.label]
		if off < 0 {
			return false
		}
		binary.LittleEndian.PutUint32(a.mem[int(f.at)-a.Org:], uint32(off-(f.at+4)))
	}
	a.fixups = a.fixups[:0]
	return true
}

// JccRel emits a conditional jump with a zero rel32 and returns the offset
// of the rel32 field, for PatchRel32.
func (a *Asm) JccRel(c Cond) int {
	a.rel32Op(0x0f80|uint16(c), a.Len()+6)
	return a.Len() - 4
}

// JmpRel emits a jump with a zero rel32 and returns the offset of the rel32
// field, for PatchRel32.
func (a *Asm) JmpRel() int {
	a.rel32Op(0xe9, a.Len()+5)
	return a.Len() - 4
}

// MovRIP loads 8 bytes at the buffer offset target into dst (RIP-relative).
func (a *Asm) MovRIP(dst Reg, target int) {
	a.rex(true, dst, NoReg, NoReg, false)
	a.bytes2(0x8b, 0x05|byte(dst&7)<<3)
	a.imm32(int32(target - (a.Len() + 4)))
}
