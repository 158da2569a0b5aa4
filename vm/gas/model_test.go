package gas

import (
	"testing"

	"github.com/pvmd/pvmd/vm/isa"
)

// The expected costs below are worked out by hand from the model (doc.go):
// an instruction decoded in cycle d starts at max(d+1, its producers'
// finishes) unless a limit binds, finishes latency cycles later, and the
// block costs max(last finish + 2 - 3, 1) = max(last finish - 1, 1).
// Decode cycles: 4 slots per cycle, in order.

// firstBlockCost assembles prog and returns the cost of its first block,
// which must end at the last instruction of prog.
func firstBlockCost(t *testing.T, prog []ins) uint32 {
	t.Helper()
	p := assemble(t, prog)
	end := blockLen(p.Instrs) - 1
	if end != len(prog)-1 {
		t.Fatalf("first block ends at instruction %d, want %d", end, len(prog)-1)
	}
	c := BlockCost(p, 0, end)
	// Every other route to the cost must agree.
	if all := Costs(p, nil); all[0] != c {
		t.Errorf("Costs gives %d, BlockCost %d", all[0], c)
	}
	var calc Calculator
	if got := calc.BlockCost(p, 0, end); got != c {
		t.Errorf("Calculator gives %d, BlockCost %d", got, c)
	}
	var r refPipeline
	r.code, r.cheapOpcode = p.Code, &cheapSuccessor[p.Numbering]
	if ref := r.blockCost(p.Instrs[:end+1]); ref != c {
		t.Errorf("reference model gives %d, BlockCost %d", ref, c)
	}
	return c
}

func TestModel(t *testing.T) {
	const (
		r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
	)
	tests := []struct {
		name string
		want uint32
		prog []ins
	}{
		// trap: decoded in cycle 0, starts 1, latency 2, finishes 3: 3-1 = 2.
		{"lone trap", 2, []ins{i0(isa.Trap)}},
		{"lone fallthrough", 2, []ins{i0(isa.Fallthrough)}},
		// An invalid opcode byte executes as a trap and costs the same.
		{"invalid opcode", 2, []ins{{raw: []byte{0xff}}}},
		// jump: finishes 1+15 = 16: 15. jump_ind: 1+22 = 23: 22.
		{"lone jump", 15, []ins{ins{op: isa.Jump, target: 0}}},
		{"lone jump_ind", 22, []ins{i1(isa.JumpInd, r0)}},
		{"lone load_imm_jump", 15, []ins{ins{op: isa.LoadImmJump, a: r0, target: 0}}},
		{"lone load_imm_jump_ind", 22, []ins{i2(isa.LoadImmJumpInd, r0, r1)}},

		// Two 2-slot adds fill cycle 0; the trap is decoded in cycle 1,
		// starts 2, finishes 4: 3.
		{"independent adds", 3, []ins{
			i3(isa.Add64, r0, r1, r2), i3(isa.Add64, r3, r4, r5), i0(isa.Trap)}},
		// rD = rA: one slot each, so all three fit in cycle 0: trap 1..3: 2.
		{"adds in place", 2, []ins{
			i3(isa.Add64, r1, r1, r2), i3(isa.Add64, r4, r4, r5), i0(isa.Trap)}},
		// 32-bit add: latency 2, 2 slots + 1 when rD differs from both.
		// add_32 r0 = r1+r2 (3 slots) then trap (cycle 0): add 1..3,
		// trap 1..3: 2. Another add_32 on top moves the trap to cycle 1.
		{"add_32", 2, []ins{i3(isa.Add32, r0, r1, r2), i0(isa.Trap)}},
		{"two add_32", 3, []ins{i3(isa.Add32, r0, r1, r2), i3(isa.Add32, r3, r4, r5), i0(isa.Trap)}},

		// Independent loads: both 1..26: 25. A dependent load waits for
		// the first: 26..51: 50.
		{"independent loads", 25, []ins{
			i2(isa.LoadIndU64, r0, r1), i2(isa.LoadIndU64, r2, r3), i0(isa.Trap)}},
		{"dependent loads", 50, []ins{
			i2(isa.LoadIndU64, r0, r1), i2(isa.LoadIndU64, r2, r0), i0(isa.Trap)}},
		// The destination of a load is not a source: a load into a
		// register another load is writing does not wait for it.
		{"write after write", 25, []ins{
			i2(isa.LoadIndU64, r0, r1), i2(isa.LoadIndU64, r0, r2), i0(isa.Trap)}},
		{"load direct", 25, []ins{i1(isa.LoadU64, r0), i0(isa.Trap)}},
		{"store direct", 25, []ins{i1(isa.StoreU64, r0), i0(isa.Trap)}},
		{"store imm", 25, []ins{ins{op: isa.StoreImmU32}, i0(isa.Trap)}},
		// A store waits for the value it stores: 1..26 then 26..51.
		{"store of a load", 50, []ins{
			i2(isa.LoadIndU64, r0, r1), i2(isa.StoreIndU64, r0, r2), i0(isa.Trap)}},
		// and for its base register.
		{"store to a loaded address", 50, []ins{
			i2(isa.LoadIndU64, r0, r1), i2(isa.StoreIndU64, r2, r0), i0(isa.Trap)}},

		// move_reg takes a decode slot but no time: the second load reads
		// r2, which now names the first load's result: 50.
		{"move_reg renames", 50, []ins{
			i2(isa.LoadIndU64, r0, r1), imov(r2, r0), i2(isa.LoadIndU64, r3, r2), i0(isa.Trap)}},
		// Moving a register that is then overwritten does not make the
		// copy wait for the new value.
		{"move_reg copies the old producer", 25, []ins{
			imov(r2, r0), i2(isa.LoadIndU64, r0, r1), i2(isa.LoadIndU64, r3, r2), i0(isa.Trap)}},
		// Four moves fill cycle 0; the trap runs 2..4: 3.
		{"move_reg decode slots", 3, []ins{
			imov(r0, r1), imov(r2, r3), imov(r4, r5), imov(r6, r7), i0(isa.Trap)}},
		{"moves and a trap", 2, []ins{imov(r0, r1), imov(r2, r3), i0(isa.Trap)}},

		// One multiplier: the second mul_64 waits for the first (1..4) and
		// runs 4..7: 6. (Trap in cycle 1: 2..4.)
		{"one multiplier", 6, []ins{
			i3(isa.Mul64, r0, r1, r2), i3(isa.Mul64, r3, r4, r5), i0(isa.Trap)}},
		{"one mul", 3, []ins{i3(isa.Mul64, r0, r1, r2), i0(isa.Trap)}},
		{"mul_upper_s_u", 6, []ins{i3(isa.MulUpperSU, r0, r1, r2), i0(isa.Trap)}},
		// One divider: 1..61, then 61..121: 120. One division: 60.
		{"one divider", 120, []ins{
			i3(isa.DivU64, r0, r1, r2), i3(isa.RemS32, r3, r4, r5), i0(isa.Trap)}},
		{"one division", 60, []ins{i3(isa.DivS64, r0, r1, r2), i0(isa.Trap)}},
		// Four ALUs: five loads, one slot each. Four start at 1 and hold
		// their ALU until 26; the fifth (cycle 1) waits until 26: 26..51.
		{"four ALUs", 50, []ins{
			i2(isa.LoadIndU64, r0, r9), i2(isa.LoadIndU64, r1, r9), i2(isa.LoadIndU64, r2, r9),
			i2(isa.LoadIndU64, r3, r9), i2(isa.LoadIndU64, r4, r9), i0(isa.Trap)}},
		{"four loads", 25, []ins{
			i2(isa.LoadIndU64, r0, r9), i2(isa.LoadIndU64, r1, r9), i2(isa.LoadIndU64, r2, r9),
			i2(isa.LoadIndU64, r3, r9), i0(isa.Trap)}},
		// trailing_zero_bits holds two ALUs for 2 cycles: with two loads
		// holding two more, a third load must wait for it (1..3, 3..28).
		{"ctz holds two ALUs", 27, []ins{
			i2(isa.LoadIndU64, r0, r9), i2(isa.LoadIndU64, r1, r9), ins{op: isa.TrailingZeroBits64, d: r2, a: r8},
			i2(isa.LoadIndU64, r3, r9), i0(isa.Trap)}},

		// Immediates use no unit: four load_imm_64 (2 slots each) take
		// cycles 0 and 1, the trap runs 3..5: 4.
		{"load_imm_64 decode slots", 4, []ins{
			i1(isa.LoadImm64, r0), i1(isa.LoadImm64, r1), i1(isa.LoadImm64, r2), i1(isa.LoadImm64, r3), i0(isa.Trap)}},
		// unlikely: 40 cycles. ecalli: 100 cycles and 4 slots.
		{"unlikely", 40, []ins{i0(isa.Unlikely), i0(isa.Trap)}},
		{"ecalli", 100, []ins{ins{op: isa.Ecalli, imm: 1}, i0(isa.Trap)}},
		// set_lt: latency 3, 3 slots; with the trap in cycle 0: 1..4: 3.
		{"set_lt_u", 3, []ins{i3(isa.SetLtU, r0, r1, r2), i0(isa.Trap)}},
		// A chain of three 1-cycle ALU ops then a dependent jump_ind:
		// 1..2, 2..3, 3..4, then jump_ind 4..26: 25.
		{"jump_ind waits for its base", 25, []ins{
			i2(isa.AddImm64, r0, r0), i2(isa.AddImm64, r0, r0), i2(isa.AddImm64, r0, r0), i1(isa.JumpInd, r0)}},
		// load_imm_jump_ind reads rB, not the rA it writes.
		{"load_imm_jump_ind reads rB", 25, []ins{
			i2(isa.AddImm64, r0, r0), i2(isa.AddImm64, r0, r0), i2(isa.AddImm64, r0, r0), i2(isa.LoadImmJumpInd, r1, r0)}},
		{"load_imm_jump_ind ignores rA", 22, []ins{
			i2(isa.AddImm64, r0, r0), i2(isa.AddImm64, r0, r0), i2(isa.AddImm64, r0, r0), i2(isa.LoadImmJumpInd, r0, r1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := firstBlockCost(t, tc.prog); got != tc.want {
				t.Errorf("cost %d, want %d", got, tc.want)
			}
		})
	}
}

// TestBranchCost covers the branch latency: 1 when the fall-through or the
// target starts with trap or unlikely, or lies past the end of the code; 20
// otherwise. A lone branch starts at 1, so it costs its latency.
func TestBranchCost(t *testing.T) {
	add := i3(isa.Add64, 0, 1, 2)
	tests := []struct {
		name string
		want uint32
		prog []ins
	}{
		{"both successors ordinary", 20, []ins{ibr(isa.BranchEq, 0, 1, 2), add, add, i0(isa.Trap)}},
		{"fall-through is trap", 1, []ins{ibr(isa.BranchEq, 0, 1, 2), i0(isa.Trap), add, i0(isa.Trap)}},
		{"fall-through is unlikely", 1, []ins{ibr(isa.BranchEq, 0, 1, 2), i0(isa.Unlikely), add, i0(isa.Trap)}},
		{"target is trap", 1, []ins{ibr(isa.BranchEq, 0, 1, 2), add, i0(isa.Trap)}},
		{"target is unlikely", 1, []ins{ibr(isa.BranchEq, 0, 1, 2), add, i0(isa.Unlikely), i0(isa.Trap)}},
		{"target past the end", 1, []ins{ibr(isa.BranchEq, 0, 1, 3), add, add}},
		{"target is itself", 20, []ins{ibr(isa.BranchEq, 0, 1, 0), add, i0(isa.Trap)}},
		{"fallthrough is not a block end", 20, []ins{ibr(isa.BranchEq, 0, 1, 2), i0(isa.Fallthrough), add, i0(isa.Trap)}},
		{"immediate form", 20, []ins{ibr(isa.BranchLtUImm, 0, 0, 2), add, add, i0(isa.Trap)}},
		{"immediate form, cheap", 1, []ins{ibr(isa.BranchGeSImm, 0, 0, 2), add, i0(isa.Trap)}},
		// Successors are judged by their raw opcode byte: an invalid
		// opcode executes as a trap but does not make the branch cheap.
		{"fall-through is an invalid opcode", 20, []ins{ibr(isa.BranchEq, 0, 1, 2), {raw: []byte{0xff}}, add, i0(isa.Trap)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := assemble(t, tc.prog)
			if got := BlockCost(p, 0, 0); got != tc.want {
				t.Errorf("cost %d, want %d", got, tc.want)
			}
		})
	}
	// A branch waits for its sources like anything else: load 1..26, then
	// the branch 26..46: 45.
	p := assemble(t, []ins{i2(isa.LoadIndU64, 0, 1), ibr(isa.BranchEq, 0, 1, 2), add, add})
	if got := BlockCost(p, 0, 1); got != 45 {
		t.Errorf("branch on a load: cost %d, want 45", got)
	}
}

// TestReorderBuffer fills the 32-entry buffer: 32 unlikely (4 per cycle,
// cycles 0..7, each running 40 cycles from the cycle after) then a
// jump_ind. The jump_ind cannot be decoded until the first four retire:
// they finish at 41, complete in the tick at 41, retire in the tick at 42,
// and the jump_ind is decoded in cycle 43, runs 44..66: 65. Without the
// buffer limit it would run 9..31 and the block would cost 48-1 = 47.
func TestReorderBuffer(t *testing.T) {
	var prog []ins
	for i := 0; i < 32; i++ {
		prog = append(prog, i0(isa.Unlikely))
	}
	prog = append(prog, i1(isa.JumpInd, 0))
	if got := firstBlockCost(t, prog); got != 65 {
		t.Errorf("cost %d, want 65", got)
	}
	// With one unlikely fewer, the jump_ind is the 32nd entry and fits:
	// decoded in cycle 7, it runs 8..30, and the block costs 48-1 = 47.
	if got := firstBlockCost(t, prog[1:]); got != 47 {
		t.Errorf("32 entries: cost %d, want 47", got)
	}
}

// TestStartWidth exercises the limit of 5 instructions started per cycle and
// PolkaVM's clock skipping, which together decide when an instruction that
// lost the start race runs.
//
// mul_upper_s_u r0 (cycle 0, runs 1..7); four loads from r0 (cycle 1, wait
// for it); four pairs of a 1-cycle alt shift and a load_imm (cycles 2..5);
// four unlikely (cycle 6); three unlikely and a trap (cycle 7). At 7 the
// loads and the first unlikely start (ALUs 4, starts 5); at 8, while
// draining, three old and two new unlikely start and the third new one and
// the trap are left over. Nothing finishes until the loads at 32, so the
// clock skips there and they start at 32: the unlikely runs until 72 and the
// block costs 71. Ticking every cycle instead, they would start at 9 and the
// block would cost 48.
func TestStartWidth(t *testing.T) {
	prog := []ins{i3(isa.MulUpperSU, 0, 1, 1)}
	for i := uint8(0); i < 4; i++ {
		prog = append(prog, i2(isa.LoadIndU64, 2+i, 0))
	}
	for i := 0; i < 4; i++ {
		prog = append(prog, i2(isa.ShloLImmAlt64, 7, 8), i1(isa.LoadImm, 9))
	}
	for i := 0; i < 7; i++ {
		prog = append(prog, i0(isa.Unlikely))
	}
	prog = append(prog, i0(isa.Trap))
	if got := firstBlockCost(t, prog); got != 71 {
		t.Errorf("cost %d, want 71", got)
	}
	p := assemble(t, prog)
	var r refPipeline
	r.code, r.cheapOpcode, r.exhaustive = p.Code, &cheapSuccessor[p.Numbering], true
	if got := r.blockCost(p.Instrs[:len(prog)]); got != 48 {
		t.Errorf("ticking every cycle: cost %d, want 48", got)
	}
}

// TestCostTable checks the table against the ISA: every instruction is
// covered, and exactly the block terminators end the simulation.
func TestCostTable(t *testing.T) {
	for op := isa.Op(0); op < isa.NumOps; op++ {
		c := costTable[op]
		if c.slots < 1 || c.slots > decodeWidth {
			t.Errorf("%v: %d decode slots", op, c.slots)
		}
		ends := c.kind == kindDrain || c.kind == kindBranch
		if ends != op.IsTerminator() {
			t.Errorf("%v: ends the simulation %v, terminator %v", op, ends, op.IsTerminator())
		}
		if (c.kind == kindBranch) != op.IsBranch() {
			t.Errorf("%v: branch cost %v, branch %v", op, c.kind == kindBranch, op.IsBranch())
		}
		if c.kind != kindMove && c.kind != kindBranch && c.latency == 0 {
			t.Errorf("%v: no latency", op)
		}
		if !unitsFit(unitsFree, c.units) {
			t.Errorf("%v: needs more units than the machine has", op)
		}
	}
}
