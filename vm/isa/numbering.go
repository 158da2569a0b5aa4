package isa

import "fmt"

// Numbering says which byte value stands for which instruction. The Gray
// Paper renumbered a few opcodes between 0.7 and 0.8; PolkaVM's "Latest64"
// ISA is 0.7 plus its own `unlikely`.
type Numbering uint8

const (
	// GP08 is GP 0.8.0 ("JamV1"): unlikely = 2, no sbrk, 101..110 renumbered.
	GP08 Numbering = iota
	// GP07 is GP 0.7.x: sbrk = 101, count_set_bits_64 = 102, ...
	GP07
	// Latest64 is GP 0.7.x plus unlikely = 3, as PolkaVM's Latest64 ISA
	// (the numbering of the gas-cost-model vectors).
	Latest64
)

func (n Numbering) String() string {
	switch n {
	case GP08:
		return "gp-0.8"
	case GP07:
		return "gp-0.7"
	case Latest64:
		return "latest64"
	}
	return fmt.Sprintf("numbering(%d)", uint8(n))
}

// opTable maps an opcode byte to Op+1 (0 means undefined).
type opTable [256]uint8

// Lookup returns the instruction that byte b stands for.
func (n Numbering) Lookup(b byte) (Op, bool) {
	if int(n) >= len(tables) {
		return Trap, false
	}
	v := tables[n][b]
	if v == 0 {
		return Trap, false
	}
	return Op(v - 1), true
}

// Byte returns the opcode byte for op, or false if this numbering lacks it.
func (n Numbering) Byte(op Op) (byte, bool) {
	if int(n) >= len(tables) {
		return 0, false
	}
	for b, v := range tables[n] {
		if v == uint8(op)+1 {
			return byte(b), true
		}
	}
	return 0, false
}

var tables = buildTables()

// The byte values shared by every numbering: all opcodes outside 101..111
// have the same value in GP 0.7 and 0.8.
var sharedOpcodes = []struct {
	first byte
	ops   []Op
}{
	{0, []Op{Trap, Fallthrough}},
	{10, []Op{Ecalli}},
	{20, []Op{LoadImm64}},
	{30, []Op{StoreImmU8, StoreImmU16, StoreImmU32, StoreImmU64}},
	{40, []Op{Jump}},
	{50, []Op{JumpInd, LoadImm, LoadU8, LoadI8, LoadU16, LoadI16, LoadU32, LoadI32, LoadU64, StoreU8, StoreU16, StoreU32, StoreU64}},
	{70, []Op{StoreImmIndU8, StoreImmIndU16, StoreImmIndU32, StoreImmIndU64}},
	{80, []Op{LoadImmJump, BranchEqImm, BranchNeImm, BranchLtUImm, BranchLeUImm, BranchGeUImm, BranchGtUImm, BranchLtSImm, BranchLeSImm, BranchGeSImm, BranchGtSImm}},
	{100, []Op{MoveReg}},
	{120, []Op{StoreIndU8, StoreIndU16, StoreIndU32, StoreIndU64, LoadIndU8, LoadIndI8, LoadIndU16, LoadIndI16, LoadIndU32, LoadIndI32, LoadIndU64,
		AddImm32, AndImm, XorImm, OrImm, MulImm32, SetLtUImm, SetLtSImm, ShloLImm32, ShloRImm32, SharRImm32, NegAddImm32, SetGtUImm, SetGtSImm,
		ShloLImmAlt32, ShloRImmAlt32, SharRImmAlt32, CmovIzImm, CmovNzImm, AddImm64, MulImm64, ShloLImm64, ShloRImm64, SharRImm64, NegAddImm64,
		ShloLImmAlt64, ShloRImmAlt64, SharRImmAlt64, RotR64Imm, RotR64ImmAlt, RotR32Imm, RotR32ImmAlt}},
	{170, []Op{BranchEq, BranchNe, BranchLtU, BranchLtS, BranchGeU, BranchGeS}},
	{180, []Op{LoadImmJumpInd}},
	{190, []Op{Add32, Sub32, Mul32, DivU32, DivS32, RemU32, RemS32, ShloL32, ShloR32, SharR32,
		Add64, Sub64, Mul64, DivU64, DivS64, RemU64, RemS64, ShloL64, ShloR64, SharR64, And, Xor, Or,
		MulUpperSS, MulUpperUU, MulUpperSU, SetLtU, SetLtS, CmovIz, CmovNz, RotL64, RotL32, RotR64, RotR32,
		AndInv, OrInv, Xnor, Max, MaxU, Min, MinU}},
}

// The one-register-in one-register-out group that GP 0.8 moved down by one
// when it dropped sbrk.
var unaryOps = []Op{CountSetBits64, CountSetBits32, LeadingZeroBits64, LeadingZeroBits32,
	TrailingZeroBits64, TrailingZeroBits32, SignExtend8, SignExtend16, ZeroExtend16, ReverseBytes}

func buildTables() []opTable {
	t := make([]opTable, 3)
	for i := range t {
		for _, g := range sharedOpcodes {
			for k, op := range g.ops {
				t[i][int(g.first)+k] = uint8(op) + 1
			}
		}
	}
	for k, op := range unaryOps {
		t[GP08][101+k] = uint8(op) + 1
		t[GP07][102+k] = uint8(op) + 1
		t[Latest64][102+k] = uint8(op) + 1
	}
	t[GP08][2] = uint8(Unlikely) + 1
	t[GP07][101] = uint8(Sbrk) + 1
	t[Latest64][101] = uint8(Sbrk) + 1
	t[Latest64][3] = uint8(Unlikely) + 1
	return t
}
