package isa

import (
	"encoding/binary"
	"math/bits"
)

// MaxSkip is the longest gap after an opcode byte (spec notes §2): an
// instruction spans at most 1+MaxSkip bytes.
const MaxSkip = 24

// Instruction is one decoded instruction with its operands resolved.
type Instruction struct {
	Op      Op
	A, B, D uint8  // registers rA, rB, rD, each clamped to 0..12
	Imm     uint64 // νX: sign-extended, or the raw 64 bits of load_imm_64
	Imm2    uint64 // νY (sign-extended)
	Target  uint32 // static jump/branch target pc
	PC      uint32
	Len     uint32 // 1 + skip: the next instruction is at PC+Len
	// Valid is false where the byte at PC is not an instruction start or not
	// a defined opcode; such an instruction executes as trap.
	Valid bool
	// BlockStart is true when PC is in the GP's set ϖ of basic-block starts.
	BlockStart bool
}

// NextPC is the pc where execution continues when the instruction does not jump.
func (in *Instruction) NextPC() uint32 { return in.PC + in.Len }

// EndsBlock reports whether execution cannot continue straight past in:
// a terminator, or an invalid opcode (which traps).
func (in *Instruction) EndsBlock() bool { return !in.Valid || in.Op.IsTerminator() }

// isSet reports whether bitmask bit i is set; bits past the code are set.
func isSet(bitmask []byte, codeLen, i int) bool {
	if i >= codeLen {
		return true
	}
	return bitmask[i>>3]&(1<<(i&7)) != 0
}

// Skip returns skip(i): how many bytes follow the opcode at i before the next
// instruction start, capped at MaxSkip.
func Skip(bitmask []byte, codeLen, i int) int {
	j := i + 1
	if j >= codeLen {
		return 0
	}
	// A window of the bitmask from bit j: at least 25 valid bits, enough to
	// see MaxSkip positions.
	b := j >> 3
	var w uint32
	if b+4 <= len(bitmask) {
		w = binary.LittleEndian.Uint32(bitmask[b:])
	} else {
		for k := 0; b+k < len(bitmask); k++ {
			w |= uint32(bitmask[b+k]) << (8 * k)
		}
	}
	w >>= uint(j & 7)
	if rem := codeLen - j; rem < 32 {
		w |= ^uint32(0) << uint(rem) // past the code every bit counts as set
	}
	return min(bits.TrailingZeros32(w), MaxSkip)
}

// operandReader reads immediates from ζ, the code followed by zeros.
type operandReader struct{ code []byte }

func (r operandReader) byteAt(i int) byte {
	if i >= 0 && i < len(r.code) {
		return r.code[i]
	}
	return 0
}

// uint reads n (0..8) little-endian bytes at i.
func (r operandReader) uint(i, n int) uint64 {
	if i >= 0 && i+n <= len(r.code) {
		var v uint64
		for k := n - 1; k >= 0; k-- {
			v = v<<8 | uint64(r.code[i+k])
		}
		return v
	}
	var v uint64
	for k := n - 1; k >= 0; k-- {
		v = v<<8 | uint64(r.byteAt(i+k))
	}
	return v
}

// sext reads n (0..4) bytes at i as a signed number widened to 64 bits.
func (r operandReader) sext(i, n int) uint64 {
	if n == 0 {
		return 0
	}
	v := r.uint(i, n)
	shift := uint(64 - 8*n)
	return uint64(int64(v<<shift) >> shift)
}

func reg(x byte) uint8 {
	if x > 12 {
		return 12
	}
	return x
}

func clampLen(n int) int {
	if n < 0 {
		return 0
	}
	if n > 4 {
		return 4
	}
	return n
}

// DecodeAt decodes the instruction at pc. It never fails: positions that do
// not hold a valid instruction decode as an invalid trap.
func DecodeAt(code, bitmask []byte, num Numbering, pc uint32) Instruction {
	i := int(pc)
	in := Instruction{PC: pc, Op: Trap}
	skip := Skip(bitmask, len(code), i)
	in.Len = uint32(1 + skip)
	if i >= len(code) {
		// The implicit trap past the end is a real instruction (it can
		// start a block and be jumped to).
		in.Valid = i == len(code)
		return in
	}
	if !isSet(bitmask, len(code), i) {
		return in
	}
	op, ok := num.Lookup(code[i])
	if !ok {
		return in
	}
	in.Op, in.Valid = op, true
	decodeOperands(&in, operandReader{code}, i, skip)
	return in
}

func decodeOperands(in *Instruction, r operandReader, i, skip int) {
	b1 := r.byteAt(i + 1)
	lo, hi := reg(b1&15), reg(b1>>4)
	pc := in.PC
	switch in.Op.Format() {
	case FmtNone:
	case FmtImm:
		in.Imm = r.sext(i+1, clampLen(skip))
	case FmtRegImm64:
		in.A = lo
		in.Imm = r.uint(i+2, 8)
	case FmtImmImm:
		lx := clampLen(int(b1 & 7))
		ly := clampLen(skip - lx - 1)
		in.Imm = r.sext(i+2, lx)
		in.Imm2 = r.sext(i+2+lx, ly)
	case FmtOffset:
		lx := clampLen(skip)
		in.Target = pc + uint32(r.sext(i+1, lx))
	case FmtRegImm:
		in.A = lo
		in.Imm = r.sext(i+2, clampLen(skip-1))
	case FmtRegImmImm, FmtRegImmOffset:
		in.A = lo
		lx := clampLen(int(b1>>4) & 7)
		ly := clampLen(skip - lx - 1)
		in.Imm = r.sext(i+2, lx)
		in.Imm2 = r.sext(i+2+lx, ly)
		if in.Op.Format() == FmtRegImmOffset {
			in.Target = pc + uint32(in.Imm2)
			in.Imm2 = 0
		}
	case FmtRegReg:
		in.D, in.A = lo, hi
	case FmtRegRegImm:
		in.A, in.B = lo, hi
		in.Imm = r.sext(i+2, clampLen(skip-1))
	case FmtRegRegOffset:
		in.A, in.B = lo, hi
		in.Target = pc + uint32(r.sext(i+2, clampLen(skip-1)))
	case FmtRegRegImmImm:
		in.A, in.B = lo, hi
		b2 := r.byteAt(i + 2)
		lx := clampLen(int(b2 & 7))
		ly := clampLen(skip - lx - 2)
		in.Imm = r.sext(i+3, lx)
		in.Imm2 = r.sext(i+3+lx, ly)
	case FmtRegRegReg:
		in.A, in.B = lo, hi
		in.D = reg(r.byteAt(i + 2))
	}
}

// nextSetBit returns the first set bitmask position at or after i (codeLen
// when there is none in the code).
func nextSetBit(bitmask []byte, codeLen, i int) int {
	for i < codeLen {
		w := bitmask[i>>3] >> (i & 7)
		if w != 0 {
			j := i + bits.TrailingZeros8(w)
			if j > codeLen {
				return codeLen
			}
			return j
		}
		i = (i | 7) + 1
	}
	return codeLen
}
