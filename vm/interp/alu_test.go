package interp

import (
	"fmt"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
)

const (
	max64  = ^uint64(0)
	min64  = uint64(1) << 63
	neg1   = max64
	old    = 0x5555 // what the destination held before (visible when a cmov does not move)
	sext31 = 0xFFFF_FFFF_8000_0000
)

func neg(x uint64) uint64 { return -x }

// aluCase runs `op` on inputs and expects dst. Expected values are worked
// out by hand from the spec notes' instruction table (§4).
type aluCase struct {
	op   isa.Op
	a, b uint64 // rA and rB (for imm forms b is rB and imm is νX)
	imm  int64
	want uint64
}

// The three-register group: rD ← rA op rB.
var threeReg = []aluCase{
	{op: isa.Add32, a: 0xFFFF_FFFF, b: 1, want: 0},
	{op: isa.Add32, a: 0x7FFF_FFFF, b: 1, want: sext31},
	{op: isa.Sub32, a: 0, b: 1, want: neg1},
	{op: isa.Sub32, a: 1 << 32, b: 0, want: 0},
	{op: isa.Mul32, a: 0x10000, b: 0x10000, want: 0},
	{op: isa.Mul32, a: 0x8000, b: 0x10000, want: sext31},
	{op: isa.DivU32, a: 7, b: 2, want: 3},
	{op: isa.DivU32, a: 7, b: 1 << 32, want: max64}, // low 32 bits of rB are 0
	{op: isa.DivU32, a: 0xFFFF_FFFF, b: 1, want: max64},
	{op: isa.DivS32, a: neg(7), b: 2, want: neg(3)},
	{op: isa.DivS32, a: 0x8000_0000, b: neg1, want: sext31},
	{op: isa.DivS32, a: 5, b: 0, want: max64},
	{op: isa.RemU32, a: 7, b: 0, want: 7},
	{op: isa.RemU32, a: 0x8000_0000, b: 0, want: sext31},
	{op: isa.RemU32, a: 7, b: 4, want: 3},
	{op: isa.RemS32, a: neg(7), b: 2, want: neg1},
	{op: isa.RemS32, a: 0x8000_0000, b: neg1, want: 0},
	{op: isa.RemS32, a: neg(7), b: 0, want: neg(7)},
	{op: isa.ShloL32, a: 1, b: 33, want: 2},
	{op: isa.ShloL32, a: 0x4000_0000, b: 1, want: sext31},
	{op: isa.ShloR32, a: sext31, b: 31, want: 1},
	{op: isa.SharR32, a: 0x8000_0000, b: 31, want: neg1},
	{op: isa.Add64, a: max64, b: 2, want: 1},
	{op: isa.Sub64, a: 1, b: 2, want: neg1},
	{op: isa.Mul64, a: 1 << 32, b: 1 << 32, want: 0},
	{op: isa.DivU64, a: 9, b: 0, want: max64},
	{op: isa.DivU64, a: max64, b: 2, want: max64 / 2},
	{op: isa.DivS64, a: min64, b: neg1, want: min64},
	{op: isa.DivS64, a: neg(9), b: 2, want: neg(4)},
	{op: isa.DivS64, a: 9, b: 0, want: max64},
	{op: isa.RemU64, a: 9, b: 0, want: 9},
	{op: isa.RemS64, a: min64, b: neg1, want: 0},
	{op: isa.RemS64, a: neg(9), b: 0, want: neg(9)},
	{op: isa.RemS64, a: neg(9), b: 4, want: neg1},
	{op: isa.ShloL64, a: 1, b: 65, want: 2},
	{op: isa.ShloR64, a: min64, b: 63, want: 1},
	{op: isa.SharR64, a: min64, b: 63, want: neg1},
	{op: isa.And, a: 0b1100, b: 0b1010, want: 0b1000},
	{op: isa.Xor, a: 0b1100, b: 0b1010, want: 0b0110},
	{op: isa.Or, a: 0b1100, b: 0b1010, want: 0b1110},
	{op: isa.MulUpperSS, a: neg1, b: neg1, want: 0},
	{op: isa.MulUpperSS, a: neg1, b: 1, want: neg1},
	{op: isa.MulUpperSS, a: min64, b: 2, want: neg1},
	{op: isa.MulUpperUU, a: max64, b: max64, want: max64 - 1},
	{op: isa.MulUpperUU, a: 1 << 40, b: 1 << 40, want: 1 << 16},
	{op: isa.MulUpperSU, a: neg1, b: 2, want: neg1},
	{op: isa.MulUpperSU, a: 2, b: max64, want: 1},
	{op: isa.SetLtU, a: 1, b: neg1, want: 1},
	{op: isa.SetLtS, a: 1, b: neg1, want: 0},
	{op: isa.CmovIz, a: 7, b: 0, want: 7},
	{op: isa.CmovIz, a: 7, b: 1, want: old},
	{op: isa.CmovNz, a: 7, b: 1, want: 7},
	{op: isa.CmovNz, a: 7, b: 0, want: old},
	{op: isa.RotL64, a: min64 | 1, b: 65, want: 3},
	{op: isa.RotL32, a: 0x8000_0001, b: 1, want: 3},
	{op: isa.RotL32, a: 0x4000_0000, b: 1, want: sext31},
	{op: isa.RotR64, a: 3, b: 1, want: min64 | 1},
	{op: isa.RotR32, a: 3, b: 1, want: 0xFFFF_FFFF_8000_0001},
	{op: isa.AndInv, a: 0b1100, b: 0b1010, want: 0b0100},
	{op: isa.OrInv, a: 0, b: max64 - 1, want: 1},
	{op: isa.Xnor, a: 0b1100, b: 0b1010, want: ^uint64(0b0110)},
	{op: isa.Max, a: neg1, b: 1, want: 1},
	{op: isa.MaxU, a: neg1, b: 1, want: neg1},
	{op: isa.Min, a: neg1, b: 1, want: neg1},
	{op: isa.MinU, a: neg1, b: 1, want: 1},
}

// The register-immediate group: rA ← rB op νX (νX sign-extended).
var regImm = []aluCase{
	{op: isa.AddImm32, b: 0x7FFF_FFFF, imm: 1, want: sext31},
	{op: isa.AddImm64, b: 1, imm: -2, want: neg1},
	{op: isa.AndImm, b: max64, imm: -2, want: max64 - 1},
	{op: isa.XorImm, b: 1, imm: -1, want: max64 - 1},
	{op: isa.OrImm, b: 1, imm: 2, want: 3},
	{op: isa.MulImm32, b: 0x10000, imm: 0x8000, want: sext31},
	{op: isa.MulImm64, b: 1 << 40, imm: -1, want: neg(1 << 40)},
	{op: isa.SetLtUImm, b: 5, imm: -1, want: 1},
	{op: isa.SetLtSImm, b: 5, imm: -1, want: 0},
	{op: isa.SetGtUImm, b: 5, imm: -1, want: 0},
	{op: isa.SetGtSImm, b: 5, imm: -1, want: 1},
	{op: isa.ShloLImm32, b: 1, imm: 31, want: sext31},
	{op: isa.ShloRImm32, b: max64, imm: 28, want: 0xF},
	{op: isa.SharRImm32, b: 0x8000_0000, imm: 4, want: 0xFFFF_FFFF_F800_0000},
	{op: isa.NegAddImm32, b: 1, imm: 0, want: neg1},
	{op: isa.NegAddImm64, b: 3, imm: 1, want: neg(2)},
	{op: isa.ShloLImmAlt32, b: 31, imm: 1, want: sext31},
	{op: isa.ShloRImmAlt32, b: 4, imm: -1, want: 0x0FFF_FFFF},
	{op: isa.SharRImmAlt32, b: 4, imm: -16, want: neg1},
	{op: isa.ShloLImm64, b: 1, imm: 63 + 64, want: min64},
	{op: isa.ShloRImm64, b: min64, imm: 63, want: 1},
	{op: isa.SharRImm64, b: min64, imm: 62, want: neg(2)},
	{op: isa.ShloLImmAlt64, b: 4, imm: 1, want: 16},
	{op: isa.ShloRImmAlt64, b: 60, imm: -1, want: 0xF},
	{op: isa.SharRImmAlt64, b: 60, imm: -16, want: neg1},
	{op: isa.CmovIzImm, b: 0, imm: 9, want: 9},
	{op: isa.CmovIzImm, b: 1, imm: 9, want: old},
	{op: isa.CmovNzImm, b: 1, imm: 9, want: 9},
	{op: isa.CmovNzImm, b: 0, imm: 9, want: old},
	{op: isa.RotR64Imm, b: 1, imm: 1, want: min64},
	{op: isa.RotR64ImmAlt, b: 1, imm: 1, want: min64},
	{op: isa.RotR32Imm, b: 1, imm: 1, want: sext31},
	{op: isa.RotR32ImmAlt, b: 1, imm: 2, want: 1},
}

// The one-register group: rD ← f(rA).
var unary = []aluCase{
	{op: isa.MoveReg, a: 42, want: 42},
	{op: isa.CountSetBits64, a: max64, want: 64},
	{op: isa.CountSetBits32, a: max64, want: 32},
	{op: isa.LeadingZeroBits64, a: 0, want: 64},
	{op: isa.LeadingZeroBits64, a: 1, want: 63},
	{op: isa.LeadingZeroBits32, a: 1 << 40, want: 32},
	{op: isa.LeadingZeroBits32, a: 1, want: 31},
	{op: isa.TrailingZeroBits64, a: 0, want: 64},
	{op: isa.TrailingZeroBits64, a: 8, want: 3},
	{op: isa.TrailingZeroBits32, a: 1 << 40, want: 32},
	{op: isa.SignExtend8, a: 0x180, want: neg(0x80)},
	{op: isa.SignExtend16, a: 0x1_8000, want: neg(0x8000)},
	{op: isa.ZeroExtend16, a: max64, want: 0xFFFF},
	{op: isa.ReverseBytes, a: 0x0102_0304_0506_0708, want: 0x0807_0605_0403_0201},
}

func TestALU(t *testing.T) {
	groups := []struct {
		name  string
		cases []aluCase
		ins   func(c aluCase) isa.Ins
	}{
		{"three registers", threeReg, func(c aluCase) isa.Ins { return isa.Ins{Op: c.op, A: r0, B: r1, D: r2} }},
		{"register and immediate", regImm, func(c aluCase) isa.Ins { return isa.Ins{Op: c.op, A: r2, B: r1, Imm: c.imm} }},
		{"one register", unary, func(c aluCase) isa.Ins { return isa.Ins{Op: c.op, D: r2, A: r0} }},
	}
	for _, g := range groups {
		for _, c := range g.cases {
			t.Run(fmt.Sprintf("%s/%s(%#x,%#x,%d)", g.name, c.op, c.a, c.b, c.imm), func(t *testing.T) {
				inst := start(t, vm.GP08, asm(g.ins(c), isa.Ins{Op: isa.Trap}))
				st := inst.State()
				st.Regs[r0], st.Regs[r1], st.Regs[r2] = c.a, c.b, old
				run(t, inst)
				if got := st.Regs[r2]; got != c.want {
					t.Errorf("got %#x, want %#x", got, c.want)
				}
			})
		}
	}
}

// TestEveryOpcodeCovered makes sure each non-memory, non-control instruction
// appears in the ALU tables above.
func TestEveryOpcodeCovered(t *testing.T) {
	seen := map[isa.Op]bool{}
	for _, cases := range [][]aluCase{threeReg, regImm, unary} {
		for _, c := range cases {
			seen[c.op] = true
		}
	}
	for op := isa.Op(0); op < isa.NumOps; op++ {
		f := op.Format()
		arith := f == isa.FmtRegRegReg || f == isa.FmtRegReg ||
			(f == isa.FmtRegRegImm && (op < isa.StoreIndU8 || op > isa.LoadIndU64))
		if arith && op != isa.Sbrk && !seen[op] {
			t.Errorf("%s has no ALU test", op)
		}
	}
}
