package recompile

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
)

// loopRegs are the roles of the registers in a generated split loop.
type loopRegs struct {
	x, a, c, counter, base, addr, val uint8
	others                            []uint8 // registers with no role
}

// genSplitLoop is a scenario around a loop of one block that steps a
// register by an affine map (see split.go) and uses it as an address, as
// mixed's loop does, with random variations: the multiply by a register
// or an immediate, with or without the add, accesses of every size at
// offsets that may be unaligned or cross pages, reads, writes and pairs
// of them, on pages that may be missing or read-only; filler arithmetic,
// sometimes on the recurrence's registers (then it must not split); gas
// that may not pay for two iterations. The runs cover the pair's gas
// check failing, the loop ending after either copy, and the copies'
// accesses falling back to the usual code, which exits with a fault the
// run then maps.
func genSplitLoop(rng *rand.Rand) scenario {
	var sc scenario
	sc.profile = profiles[rng.Intn(len(profiles))]
	num := sc.profile.Numbering
	for k := rng.Intn(4); k >= 0; k-- {
		acc := memory.ReadWrite
		if rng.Intn(4) == 0 {
			acc = memory.ReadOnly
		}
		if rng.Intn(5) != 0 {
			sc.pages = append(sc.pages, page{uint32(0x20000 + k*0x1000), acc})
		}
	}
	sc.fill = make([]byte, 1+rng.Intn(16))
	rng.Read(sc.fill)
	for i := range sc.regs {
		sc.regs[i] = special(rng, sc.pages)
	}
	perm := rng.Perm(13)
	r := loopRegs{x: uint8(perm[0]), a: uint8(perm[1]), c: uint8(perm[2]), counter: uint8(perm[3]),
		base: uint8(perm[4]), addr: uint8(perm[5]), val: uint8(perm[6])}
	for _, p := range perm[7 : 7+rng.Intn(7)] {
		r.others = append(r.others, uint8(p))
	}
	sc.regs[r.x] = uint64(rng.Int63())
	if rng.Intn(2) == 0 {
		sc.regs[r.a] = 0x5851f42d4c957f2d
	}

	a := isa.NewAsm(num)
	a.JumpTableEntry("loop")
	a.I(isa.Ins{Op: isa.LoadImm, A: r.counter, Imm: int64(rng.Intn(60))})
	a.I(isa.Ins{Op: isa.LoadImm, A: r.base, Imm: int64(0x20000 - 8*rng.Intn(2))})
	a.I(isa.Ins{Op: isa.Fallthrough})
	a.Label("loop")
	var body []isa.Ins
	for _, piece := range rng.Perm(4) {
		body = append(body, loopPiece(rng, piece, &r)...)
	}
	body = body[:min(len(body), maxSplit-1)]
	a.I(body...)
	conds := []isa.Op{isa.BranchNeImm, isa.BranchNeImm, isa.BranchGtUImm, isa.BranchLtSImm, isa.BranchNe}
	br := isa.Ins{Op: conds[rng.Intn(len(conds))], A: r.counter, B: r.others0(), Imm: []int64{0, 0, 1, 5}[rng.Intn(4)], Label: "loop"}
	a.I(br)
	afterLoop(rng, a, r.x)
	sc.blob = a.MustBlob()
	sc.gas = []int64{1, 5, 10, 20, 50, 100, 1000, 100000}[rng.Intn(8)] + int64(rng.Intn(40))
	return sc
}

// others0 is a register with no role, or the counter.
func (r *loopRegs) others0() uint8 {
	if len(r.others) == 0 {
		return r.counter
	}
	return r.others[0]
}

// loopPiece returns one piece of a split loop's body: the affine step (0),
// the counter's step (1), the accesses through the address the step makes
// (2), or filler arithmetic (3).
func loopPiece(rng *rand.Rand, piece int, r *loopRegs) []isa.Ins {
	switch piece {
	case 0:
		var step []isa.Ins
		switch rng.Intn(3) {
		case 0:
			step = append(step, isa.Ins{Op: isa.Mul64, A: r.x, B: r.a, D: r.x})
		case 1:
			step = append(step, isa.Ins{Op: isa.Mul64, A: r.a, B: r.x, D: r.x})
		default:
			step = append(step, isa.Ins{Op: isa.MulImm64, A: r.x, B: r.x, Imm: randImm(rng, nil)})
		}
		switch rng.Intn(4) {
		case 0:
			step = append(step, isa.Ins{Op: isa.AddImm64, A: r.x, B: r.x, Imm: randImm(rng, nil)})
		case 1:
			step = append(step, isa.Ins{Op: isa.Add64, A: r.x, B: r.c, D: r.x})
		case 2:
			step = append(step, isa.Ins{Op: isa.Add64, A: r.c, B: r.x, D: r.x})
		}
		return step
	case 1:
		return []isa.Ins{{Op: isa.AddImm64, A: r.counter, B: r.counter, Imm: -1}}
	case 2:
		mask := []int64{0xff8, 0xfff, 0x1ff8, 0x3ff8, 0xffc}[rng.Intn(5)]
		off := []int64{0, 0, 0, 8, 1, 4093}[rng.Intn(6)]
		loads := []isa.Op{isa.LoadIndU64, isa.LoadIndU32, isa.LoadIndI16, isa.LoadIndU8}
		stores := []isa.Op{isa.StoreIndU64, isa.StoreIndU32, isa.StoreIndU16, isa.StoreIndU8}
		size := rng.Intn(len(loads))
		acc := []isa.Ins{
			{Op: isa.AndImm, A: r.addr, B: r.x, Imm: mask},
			{Op: isa.Add64, A: r.addr, B: r.base, D: r.addr},
			{Op: loads[size], A: r.val, B: r.addr, Imm: off},
			{Op: isa.Xor, A: r.val, B: r.x, D: r.val},
			{Op: stores[size], A: r.val, B: r.addr, Imm: off},
		}
		switch rng.Intn(4) {
		case 0:
			acc = acc[:3] // a read only
		case 1:
			acc = append(acc, isa.Ins{Op: isa.LoadU32, A: r.val, Imm: 0x20000 + int64(rng.Intn(3))*0xffe})
		}
		return acc
	default:
		var fill []isa.Ins
		for k := rng.Intn(3); k > 0; k-- {
			ops := []isa.Op{isa.Add64, isa.Xor, isa.Mul64, isa.ShloLImm64, isa.AddImm64, isa.DivU64}
			op := ops[rng.Intn(len(ops))]
			d := r.val
			if len(r.others) > 0 {
				d = r.others[rng.Intn(len(r.others))]
			}
			if rng.Intn(8) == 0 {
				d = []uint8{r.x, r.a, r.c}[rng.Intn(3)] // no longer a recurrence
			}
			in := isa.Ins{Op: op, A: d, B: r.val, D: d, Imm: randImm(rng, nil)}
			if op == isa.Add64 || op == isa.Xor || op == isa.Mul64 || op == isa.DivU64 {
				in.A = r.x
			}
			fill = append(fill, in)
		}
		return fill
	}
}

// TestSplitLoops runs split loops on both engines, checking every exit,
// register, gas, count and memory (runScenario), and that loops did split.
func TestSplitLoops(t *testing.T) {
	engines := []vm.Engine{New(), Engine{}, Engine{feat: hostFeatures(), frameBases: true}, Engine{feat: hostFeatures(), lendMost: true}}
	n, split := runGenerated(t, genSplitLoop, engines, func(e Engine, c *compiled) bool {
		return !e.lendMost && c.split > 0
	})
	if split < n/4 {
		t.Errorf("only %d of %d programs had a split loop", split, n)
	}
}

// countSplit compiles sc's program and reports 1 if a loop was split.
func countSplit(t *testing.T, e Engine, sc *scenario) int {
	m := newMachine(t, e, sc)
	defer m.Close()
	if m.c.(*compiled).split > 0 {
		return 1
	}
	return 0
}

// TestSplitWhich checks which loops split: a recurrence whose multiplier
// and addend the block leaves alone, with a register to borrow.
func TestSplitWhich(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	mul := isa.Ins{Op: isa.Mul64, A: 8, B: 10, D: 8}
	add := isa.Ins{Op: isa.AddImm64, A: 8, B: 8, Imm: 0x3039}
	count := isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: -1}
	load := isa.Ins{Op: isa.LoadIndU64, A: 12, B: 8, Imm: 0}
	every := make([]isa.Ins, 0, 13)
	for r := uint8(0); r < 13; r++ {
		every = append(every, isa.Ins{Op: isa.AddImm64, A: r, B: r, Imm: 0})
	}
	for _, tc := range []struct {
		name  string
		body  []isa.Ins
		split bool
	}{
		{"mul and add", []isa.Ins{mul, add, count}, true},
		{"mul by the other operand", []isa.Ins{{Op: isa.Mul64, A: 10, B: 8, D: 8}, add, count}, true},
		{"mul alone", []isa.Ins{mul, count}, true},
		{"mul by an immediate, add of a register", []isa.Ins{{Op: isa.MulImm64, A: 8, B: 8, Imm: -7}, {Op: isa.Add64, A: 9, B: 8, D: 8}, count}, true},
		{"with a load", []isa.Ins{mul, add, load, count}, true},
		{"square", []isa.Ins{{Op: isa.Mul64, A: 8, B: 8, D: 8}, count}, false},
		{"x written again", []isa.Ins{mul, add, {Op: isa.Xor, A: 8, B: 7, D: 8}, count}, false},
		{"x loaded", []isa.Ins{mul, add, {Op: isa.LoadIndU64, A: 8, B: 9}, count}, false},
		{"multiplier written", []isa.Ins{mul, add, {Op: isa.AddImm64, A: 10, B: 10, Imm: 1}, count}, false},
		{"addend written", []isa.Ins{mul, {Op: isa.Add64, A: 8, B: 9, D: 8}, {Op: isa.AddImm64, A: 9, B: 9, Imm: 1}, count}, false},
		{"no register to borrow", append([]isa.Ins{mul, add}, every...), false},
		{"an exit in the loop", []isa.Ins{mul, add, {Op: isa.Ecalli, Imm: 1}, count}, false},
		// An add alone splits in tiny loops carrying no other chain.
		{"countdown", []isa.Ins{count}, true},
		{"count by a register", []isa.Ins{{Op: isa.Add64, A: 10, B: 7, D: 7}}, true},
		{"count by a large immediate", []isa.Ins{{Op: isa.AddImm64, A: 7, B: 7, Imm: -1 << 31}}, true},
		{"count and compute", []isa.Ins{count, {Op: isa.Xor, A: 10, B: 9, D: 11}}, true},
		{"two chains", []isa.Ins{count, {Op: isa.AddImm64, A: 11, B: 11, Imm: 3}}, false},
		{"count with memory", []isa.Ins{count, load}, false},
		{"count in a longer loop", []isa.Ins{count, {Op: isa.Xor, A: 10, B: 9, D: 11}, {Op: isa.Xor, A: 10, B: 9, D: 12}, {Op: isa.Xor, A: 10, B: 9, D: 3}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := isa.NewAsm(isa.GP08)
			a.I(isa.Ins{Op: isa.LoadImm, A: 7, Imm: 50}, isa.Ins{Op: isa.LoadImm, A: 9, Imm: 0x20000}, isa.Ins{Op: isa.Fallthrough})
			a.Label("loop")
			a.I(tc.body...)
			a.I(isa.Ins{Op: isa.BranchNeImm, A: 7, Imm: 0, Label: "loop"}, isa.Ins{Op: isa.Trap})
			sc := scenario{blob: a.MustBlob(), fill: []byte{7}, gas: 1 << 20, profile: vm.GP08,
				pages: []page{{0x20000, memory.ReadWrite}}}
			for i := range sc.regs {
				sc.regs[i] = uint64(i+1) * 0x9e3779b97f4a7c15
			}
			sc.regs[8] = 0x20000 // the load's address stays mapped
			if got := countSplit(t, New().(Engine), &sc); (got == 1) != tc.split {
				t.Errorf("split %v, want %v", got == 1, tc.split)
			}
			runScenario(t, New(), &sc, rand.New(rand.NewSource(1)))
		})
	}
}

// TestSplitLoopsCodeBound compiles programs made of nothing but split
// loops of the longest kind (maxSplit instructions, most of them
// accesses): the copies must come out of the slack in the image bounds,
// never make the compile fail, and the programs must run as the
// interpreter runs them.
func TestSplitLoopsCodeBound(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	a := isa.NewAsm(isa.GP08)
	a.I(isa.Ins{Op: isa.LoadImm, A: 9, Imm: 0x20000})
	const loops = 1000
	for k := 0; k < loops; k++ {
		l := fmt.Sprintf("L%d", k)
		a.I(isa.Ins{Op: isa.LoadImm, A: 7, Imm: 3}, isa.Ins{Op: isa.Fallthrough})
		a.Label(l)
		a.I(isa.Ins{Op: isa.Mul64, A: 8, B: 10, D: 8}, isa.Ins{Op: isa.AddImm64, A: 8, B: 8, Imm: 0x3039},
			isa.Ins{Op: isa.AndImm, A: 11, B: 8, Imm: 0xff8}, isa.Ins{Op: isa.Add64, A: 11, B: 9, D: 11})
		for j := 0; j < maxSplit-6; j++ {
			op := []isa.Op{isa.LoadIndI32, isa.StoreIndU16}[j%2]
			a.I(isa.Ins{Op: op, A: 12, B: 11, Imm: int64(8 * j)})
		}
		a.I(isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: -1}, isa.Ins{Op: isa.BranchNeImm, A: 7, Imm: 0, Label: l})
	}
	a.I(isa.Ins{Op: isa.Trap})
	blob := a.MustBlob()
	for _, eng := range []Engine{New().(Engine), {feat: hostFeatures(), frameBases: true}} {
		sc := scenario{blob: blob, fill: []byte{3}, gas: 1 << 20, profile: vm.GP08, pages: []page{{0x20000, memory.ReadWrite}}}
		for i := range sc.regs {
			sc.regs[i] = uint64(i) * 0x9e3779b97f4a7c15
		}
		m := newMachine(t, eng, &sc)
		if got := m.c.(*compiled).split; got < loops/2 {
			t.Errorf("frame bases %v: %d of %d loops split", eng.frameBases, got, loops)
		}
		m.Close()
		runScenario(t, eng, &sc, rand.New(rand.NewSource(1)))
	}
}
