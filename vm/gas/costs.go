package gas

import "github.com/pvmd/pvmd/vm/isa"

// Execution units, packed into one word: each unit has a 6-bit field whose
// top bit is a guard. A field holds guard|free-count, so subtracting a demand
// larger than the free count clears the guard and never borrows from the
// next field (counts and demands are at most 4).
const (
	aluShift   = 0
	loadShift  = 6
	storeShift = 12
	mulShift   = 18
	divShift   = 24

	guardBit  = 1 << 5
	fieldMask = 1<<6 - 1 // a whole field: count and guard
	guardMask = guardBit<<aluShift | guardBit<<loadShift | guardBit<<storeShift |
		guardBit<<mulShift | guardBit<<divShift

	unitsFree = guardMask | 4<<aluShift | 4<<loadShift | 4<<storeShift | 1<<mulShift | 1<<divShift

	useALU   = 1 << aluShift
	useALU2  = 2 << aluShift
	useLoad  = useALU | 1<<loadShift
	useStore = useALU | 1<<storeShift
	useMul   = useALU | 1<<mulShift
	useDiv   = useALU | 1<<divShift
)

// unitsFit reports whether the demand need can be met from the free units.
func unitsFit(free, need uint32) bool { return (free-need)&guardMask == guardMask }

// Timing constants of the model.
const (
	decodeWidth  = 4  // decode slots per cycle
	startWidth   = 5  // instructions started per cycle
	robSize      = 32 // reorder buffer entries (the code relies on 32: slot sets are uint32)
	costSlack    = 3  // cycles refunded per block
	memoryCost   = 25 // L2 hit, for loads and stores
	branchHit    = 1
	branchMiss   = 20
	noReg        = 15 // no source register: its producer is always empty
	noDst        = 14 // no destination register: written, never read
	numRegisters = 13
)

// Operand roles: which decoded register field an instruction reads or
// writes. The values are bit offsets into the word decodeOp builds.
const (
	roleNone  uint8 = 0 // no source register (noReg)
	roleA     uint8 = 8
	roleB     uint8 = 16
	roleD     uint8 = 24
	roleNoDst uint8 = 32 // no destination register (noDst)
)

// Extra decode-slot rules.
const (
	slotsFixed uint8 = iota
	slotsDiff1       // +1 when dst differs from src1
	slotsDiff2       // +1 when dst differs from both src1 and src2
)

// How an instruction is fed to the pipeline.
const (
	kindPlain  uint8 = iota // takes a buffer entry
	kindMove                // move_reg: renamed away
	kindDrain               // ends the block: dispatch, then run until empty
	kindBranch              // conditional branch: latency from the successors, then drain
)

type opCost struct {
	kind     uint8
	latency  uint8
	slots    uint8
	slotRule uint8
	dst      uint8 // role
	src1     uint8 // role
	src2     uint8 // role
	cmp      uint8 // role compared with dst for the extra decode slot
	units    uint32
}

// costTable is indexed by isa.Op; it has an entry for every byte value so
// that indexing with an Op needs no bounds check.
var costTable = buildCostTable()

func buildCostTable() (t [256]opCost) {
	set := func(c opCost, ops ...isa.Op) {
		for _, op := range ops {
			t[op] = c
		}
	}
	// 64-bit ALU, d = rA, s = rB (register-immediate forms).
	set(opCost{latency: 1, slots: 1, slotRule: slotsDiff1, dst: roleA, src1: roleB, units: useALU},
		isa.AndImm, isa.XorImm, isa.OrImm, isa.AddImm64,
		isa.ShloLImm64, isa.ShloRImm64, isa.SharRImm64, isa.RotR64Imm)
	set(opCost{latency: 2, slots: 2, slotRule: slotsDiff1, dst: roleA, src1: roleB, units: useALU},
		isa.AddImm32, isa.ShloLImm32, isa.ShloRImm32, isa.SharRImm32, isa.RotR32Imm)
	// rD ← op(rA).
	set(opCost{latency: 1, slots: 1, slotRule: slotsDiff1, dst: roleD, src1: roleA, units: useALU},
		isa.ReverseBytes)
	set(opCost{latency: 1, slots: 1, dst: roleD, src1: roleA, units: useALU},
		isa.CountSetBits64, isa.CountSetBits32, isa.LeadingZeroBits64, isa.LeadingZeroBits32,
		isa.SignExtend8, isa.SignExtend16, isa.ZeroExtend16)
	set(opCost{latency: 2, slots: 1, dst: roleD, src1: roleA, units: useALU2},
		isa.TrailingZeroBits64, isa.TrailingZeroBits32)
	// Three-register forms: rD ← rA op rB.
	set(opCost{latency: 1, slots: 1, slotRule: slotsDiff2, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.Add64, isa.Sub64, isa.And, isa.Xor, isa.Or)
	set(opCost{latency: 2, slots: 2, slotRule: slotsDiff2, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.Add32, isa.Sub32)
	// Register shifts: the extra slot is keyed on the shifted value (rA) only.
	set(opCost{latency: 1, slots: 2, slotRule: slotsDiff1, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.ShloL64, isa.ShloR64, isa.SharR64, isa.RotL64, isa.RotR64)
	set(opCost{latency: 2, slots: 3, slotRule: slotsDiff1, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.ShloL32, isa.ShloR32, isa.SharR32, isa.RotL32, isa.RotR32)
	// Immediate-value shifts by a register amount.
	set(opCost{latency: 1, slots: 3, dst: roleA, src1: roleB, units: useALU},
		isa.ShloLImmAlt64, isa.ShloRImmAlt64, isa.SharRImmAlt64, isa.RotR64ImmAlt)
	set(opCost{latency: 2, slots: 4, dst: roleA, src1: roleB, units: useALU},
		isa.ShloLImmAlt32, isa.ShloRImmAlt32, isa.SharRImmAlt32, isa.RotR32ImmAlt)
	// Comparisons.
	set(opCost{latency: 3, slots: 3, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.SetLtU, isa.SetLtS)
	set(opCost{latency: 3, slots: 3, dst: roleA, src1: roleB, units: useALU},
		isa.SetLtUImm, isa.SetLtSImm, isa.SetGtUImm, isa.SetGtSImm)
	// Conditional moves: the old destination value is not a source.
	set(opCost{latency: 2, slots: 2, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.CmovIz, isa.CmovNz)
	set(opCost{latency: 2, slots: 3, dst: roleA, src1: roleB, units: useALU},
		isa.CmovIzImm, isa.CmovNzImm)
	set(opCost{latency: 3, slots: 2, slotRule: slotsDiff2, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.Max, isa.MaxU, isa.Min, isa.MinU)
	set(opCost{latency: 2, slots: 3, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.AndInv, isa.OrInv)
	set(opCost{latency: 2, slots: 2, slotRule: slotsDiff2, dst: roleD, src1: roleA, src2: roleB, units: useALU},
		isa.Xnor)
	set(opCost{latency: 2, slots: 3, dst: roleA, src1: roleB, units: useALU}, isa.NegAddImm64)
	set(opCost{latency: 3, slots: 4, dst: roleA, src1: roleB, units: useALU}, isa.NegAddImm32)
	// Multiplication and division.
	set(opCost{latency: 3, slots: 1, slotRule: slotsDiff2, dst: roleD, src1: roleA, src2: roleB, units: useMul}, isa.Mul64)
	set(opCost{latency: 4, slots: 2, slotRule: slotsDiff2, dst: roleD, src1: roleA, src2: roleB, units: useMul}, isa.Mul32)
	set(opCost{latency: 3, slots: 1, slotRule: slotsDiff1, dst: roleA, src1: roleB, units: useMul}, isa.MulImm64)
	set(opCost{latency: 4, slots: 2, slotRule: slotsDiff1, dst: roleA, src1: roleB, units: useMul}, isa.MulImm32)
	set(opCost{latency: 4, slots: 4, dst: roleD, src1: roleA, src2: roleB, units: useMul}, isa.MulUpperSS, isa.MulUpperUU)
	set(opCost{latency: 6, slots: 4, dst: roleD, src1: roleA, src2: roleB, units: useMul}, isa.MulUpperSU)
	set(opCost{latency: 60, slots: 4, dst: roleD, src1: roleA, src2: roleB, units: useDiv},
		isa.DivU32, isa.DivS32, isa.RemU32, isa.RemS32, isa.DivU64, isa.DivS64, isa.RemU64, isa.RemS64)
	// Memory.
	set(opCost{latency: memoryCost, slots: 1, dst: roleA, units: useLoad},
		isa.LoadU8, isa.LoadI8, isa.LoadU16, isa.LoadI16, isa.LoadU32, isa.LoadI32, isa.LoadU64)
	set(opCost{latency: memoryCost, slots: 1, dst: roleA, src1: roleB, units: useLoad},
		isa.LoadIndU8, isa.LoadIndI8, isa.LoadIndU16, isa.LoadIndI16, isa.LoadIndU32, isa.LoadIndI32, isa.LoadIndU64)
	set(opCost{latency: memoryCost, slots: 1, units: useStore},
		isa.StoreImmU8, isa.StoreImmU16, isa.StoreImmU32, isa.StoreImmU64)
	set(opCost{latency: memoryCost, slots: 1, src1: roleA, units: useStore},
		isa.StoreU8, isa.StoreU16, isa.StoreU32, isa.StoreU64,
		isa.StoreImmIndU8, isa.StoreImmIndU16, isa.StoreImmIndU32, isa.StoreImmIndU64)
	set(opCost{latency: memoryCost, slots: 1, src1: roleA, src2: roleB, units: useStore},
		isa.StoreIndU8, isa.StoreIndU16, isa.StoreIndU32, isa.StoreIndU64)
	// Immediates, hints and host calls.
	set(opCost{latency: 1, slots: 1, dst: roleA}, isa.LoadImm)
	set(opCost{latency: 1, slots: 2, dst: roleA}, isa.LoadImm64)
	set(opCost{latency: 40, slots: 1}, isa.Unlikely)
	set(opCost{latency: 100, slots: 4, units: useALU}, isa.Ecalli)
	set(opCost{latency: 100, slots: 4, dst: roleD, src1: roleA, units: useALU}, isa.Sbrk)
	set(opCost{kind: kindMove, slots: 1, dst: roleD, src1: roleA}, isa.MoveReg)
	// Block ends.
	set(opCost{kind: kindDrain, latency: 2, slots: 1}, isa.Trap, isa.Fallthrough)
	set(opCost{kind: kindDrain, latency: 15, slots: 1}, isa.Jump, isa.LoadImmJump)
	set(opCost{kind: kindDrain, latency: 22, slots: 1, src1: roleA}, isa.JumpInd)
	set(opCost{kind: kindDrain, latency: 22, slots: 1, src1: roleB}, isa.LoadImmJumpInd)
	set(opCost{kind: kindBranch, slots: 1, src1: roleA, units: useALU},
		isa.BranchEqImm, isa.BranchNeImm, isa.BranchLtUImm, isa.BranchLeUImm, isa.BranchGeUImm,
		isa.BranchGtUImm, isa.BranchLtSImm, isa.BranchLeSImm, isa.BranchGeSImm, isa.BranchGtSImm)
	set(opCost{kind: kindBranch, slots: 1, src1: roleA, src2: roleB, units: useALU},
		isa.BranchEq, isa.BranchNe, isa.BranchLtU, isa.BranchLtS, isa.BranchGeU, isa.BranchGeS)
	for op := range isa.NumOps {
		c := &t[op]
		if c.dst == roleNone {
			c.dst = roleNoDst
		}
		// Both rules add a slot when dst differs from src1 and from cmp.
		// Without a rule cmp names dst itself, so that dst != cmp never
		// holds and decodeOp needs no test of the rule.
		switch c.slotRule {
		case slotsFixed:
			c.cmp = c.dst
		case slotsDiff1:
			c.cmp = c.src1
		case slotsDiff2:
			c.cmp = c.src2
		}
	}
	return t
}

// cheapSuccessor holds, per numbering, which opcode bytes make a branch
// predicted: trap and unlikely.
var cheapSuccessor = buildCheapSuccessor()

func buildCheapSuccessor() (t [3][256]bool) {
	for n := range t {
		num := isa.Numbering(n)
		for _, op := range []isa.Op{isa.Trap, isa.Unlikely} {
			if b, ok := num.Byte(op); ok {
				t[n][b] = true
			}
		}
	}
	return t
}
