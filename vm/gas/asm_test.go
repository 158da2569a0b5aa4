package gas

import (
	"testing"

	"github.com/pvmd/pvmd/vm/isa"
)

// A tiny assembler for tests: it encodes instructions with the Latest64
// numbering, so blocks go through the real decoder and isa.Analyze.

// ins is one instruction to assemble. Registers are A, B, D as in
// isa.Instruction; Imm is νX; Target is an index into the assembled
// instruction list (len = the end of the code) for jumps and branches.
type ins struct {
	op      isa.Op
	a, b, d uint8
	imm     int32
	target  int
	raw     []byte // if set, emitted verbatim as an instruction start
}

func i3(op isa.Op, d, a, b uint8) ins { return ins{op: op, a: a, b: b, d: d} } // rD ← rA op rB
func i2(op isa.Op, a, b uint8) ins    { return ins{op: op, a: a, b: b} }       // rA ← rB op imm, loads/stores ind
func imov(d, a uint8) ins             { return ins{op: isa.MoveReg, d: d, a: a} }
func i0(op isa.Op) ins                { return ins{op: op} }
func i1(op isa.Op, a uint8) ins       { return ins{op: op, a: a} }
func ibr(op isa.Op, a, b uint8, t int) ins {
	return ins{op: op, a: a, b: b, target: t}
}

// assemble encodes prog and analyzes it. Offsets are encoded in 4 bytes, so
// instruction sizes do not depend on the targets.
func assemble(t testing.TB, prog []ins) *isa.Program {
	t.Helper()
	num := isa.Latest64
	starts := make([]int, len(prog)+1)
	for i, in := range prog {
		starts[i+1] = starts[i] + len(encode(t, num, in, 0, 0))
	}
	var code, mask []byte
	for i, in := range prog {
		b := encode(t, num, in, starts[i], starts[in.target])
		for len(mask)*8 < len(code)+len(b)+8 {
			mask = append(mask, 0)
		}
		mask[len(code)/8] |= 1 << (len(code) % 8)
		code = append(code, b...)
	}
	mask = mask[:(len(code)+7)/8]
	return isa.Analyze(code, mask, nil, num)
}

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func encode(t testing.TB, num isa.Numbering, in ins, pc, target int) []byte {
	if in.raw != nil {
		return in.raw
	}
	op, ok := num.Byte(in.op)
	if !ok {
		t.Fatalf("%v has no opcode in %v", in.op, num)
	}
	off := le32(uint32(target - pc))
	imm := le32(uint32(in.imm))
	switch in.op.Format() {
	case isa.FmtNone:
		return []byte{op}
	case isa.FmtImm:
		return append([]byte{op}, imm...)
	case isa.FmtRegImm64:
		return append([]byte{op, in.a}, 1, 2, 3, 4, 5, 6, 7, 8)
	case isa.FmtImmImm:
		return append(append([]byte{op, 4}, imm...), imm...)
	case isa.FmtOffset:
		return append([]byte{op}, off...)
	case isa.FmtRegImm:
		return append([]byte{op, in.a}, imm...)
	case isa.FmtRegImmImm:
		return append(append([]byte{op, in.a | 4<<4}, imm...), imm...)
	case isa.FmtRegImmOffset:
		return append(append([]byte{op, in.a | 4<<4}, imm...), off...)
	case isa.FmtRegReg:
		return []byte{op, in.d | in.a<<4}
	case isa.FmtRegRegImm:
		return append([]byte{op, in.a | in.b<<4}, imm...)
	case isa.FmtRegRegOffset:
		return append([]byte{op, in.a | in.b<<4}, off...)
	case isa.FmtRegRegImmImm:
		return append(append([]byte{op, in.a | in.b<<4, 4}, imm...), imm...)
	case isa.FmtRegRegReg:
		return []byte{op, in.a | in.b<<4, in.d}
	}
	t.Fatalf("cannot encode %v", in.op)
	return nil
}

// TestAssembler checks the test assembler against the decoder.
func TestAssembler(t *testing.T) {
	p := assemble(t, []ins{
		i3(isa.Add64, 3, 1, 2),
		i2(isa.AddImm64, 4, 5),
		imov(6, 7),
		i2(isa.LoadIndU64, 8, 9),
		ibr(isa.BranchEq, 1, 2, 0),
		i0(isa.Trap),
	})
	want := []struct {
		op      isa.Op
		a, b, d uint8
	}{
		{isa.Add64, 1, 2, 3}, {isa.AddImm64, 4, 5, 0}, {isa.MoveReg, 7, 0, 6},
		{isa.LoadIndU64, 8, 9, 0}, {isa.BranchEq, 1, 2, 0}, {isa.Trap, 0, 0, 0}, {isa.Trap, 0, 0, 0},
	}
	if len(p.Instrs) != len(want) {
		t.Fatalf("%d instructions, want %d", len(p.Instrs), len(want))
	}
	for i, w := range want {
		in := p.Instrs[i]
		if !in.Valid || in.Op != w.op || in.A != w.a || in.B != w.b || in.D != w.d {
			t.Errorf("instruction %d: %+v, want %+v", i, in, w)
		}
	}
	if p.Instrs[4].Target != 0 {
		t.Errorf("branch target %d, want 0", p.Instrs[4].Target)
	}
}
