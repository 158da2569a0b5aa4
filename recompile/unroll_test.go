package recompile

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
)

// genTinyLoop is a scenario around a loop of one block small enough to be
// unrolled (see maxUnrolled): a counter set to a random value, a body of
// register-only instructions, a branch back on a random condition, then a
// block that sometimes jumps back into the loop or traps. The runs cover the
// double gas check paying, failing (handing over to the usual code) and the
// loop ending after the first copy, with the gas and counts this leaves.
func genTinyLoop(rng *rand.Rand) scenario {
	var sc scenario
	sc.profile = profiles[rng.Intn(len(profiles))]
	num := sc.profile.Numbering
	var body []isa.Op
	for _, op := range nonTerminators {
		if _, ok := num.Byte(op); ok && registerOnly(op) {
			body = append(body, op)
		}
	}
	var branches []isa.Op
	for _, op := range terminators {
		if _, ok := num.Byte(op); ok && op.IsBranch() {
			branches = append(branches, op)
		}
	}
	for i := range sc.regs {
		sc.regs[i] = special(rng, nil)
	}
	counter := uint8(rng.Intn(13))
	reg := func() uint8 {
		if r := uint8(rng.Intn(13)); r != counter || rng.Intn(4) == 0 {
			return r
		}
		return uint8(rng.Intn(13))
	}

	a := isa.NewAsm(num)
	a.JumpTableEntry("loop")
	a.I(isa.Ins{Op: isa.LoadImm, A: counter, Imm: int64(rng.Intn(60))})
	a.I(isa.Ins{Op: isa.Fallthrough})
	a.Label("loop")
	n := rng.Intn(maxUnrolled)
	step := rng.Intn(n + 1) // where the counter steps, if anywhere (n: nowhere)
	for k := 0; k < n; k++ {
		if k == step {
			a.I(isa.Ins{Op: isa.AddImm64, A: counter, B: counter, Imm: []int64{-1, -1, -2, 1}[rng.Intn(4)]})
			continue
		}
		op := body[rng.Intn(len(body))]
		in := isa.Ins{Op: op, A: reg(), B: reg(), D: reg(), Imm: randImm(rng, nil), Imm2: randImm(rng, nil)}
		if op == isa.LoadImm64 {
			in.Imm = int64(special(rng, nil))
		}
		a.I(in)
	}
	br := isa.Ins{Op: branches[rng.Intn(len(branches))], A: counter, B: reg(), Label: "loop"}
	br.Imm = []int64{0, 0, 1, 5, -1}[rng.Intn(5)]
	a.I(br)
	afterLoop(rng, a, 0)
	blob, err := a.Blob()
	if err != nil {
		panic(err)
	}
	sc.blob = blob
	sc.fill = []byte{0}
	sc.gas = []int64{1, 5, 10, 20, 50, 100, 1000, 100000}[rng.Intn(8)] + int64(rng.Intn(40))
	return sc
}

// afterLoop emits what follows a generated loop labelled "loop": a trap,
// a jump back into it, or a halt through register r.
func afterLoop(rng *rand.Rand, a *isa.Asm, r uint8) {
	switch rng.Intn(3) {
	case 0:
		a.I(isa.Ins{Op: isa.Trap})
	case 1:
		a.I(isa.Ins{Op: isa.Jump, Label: "loop"})
	default:
		a.I(isa.Ins{Op: isa.LoadImm64, A: r, Imm: 0xFFFF0000}, isa.Ins{Op: isa.JumpInd, A: r})
	}
}

// TestTinyLoops runs unrollable loops on both engines, checking every exit,
// register, gas and count (runScenario), and that the loops were unrolled.
func TestTinyLoops(t *testing.T) {
	engines := []vm.Engine{New(), Engine{}, Engine{feat: hostFeatures(), countSlot: true}, Engine{feat: hostFeatures(), lendMost: true}}
	n, unrolled := runGenerated(t, genTinyLoop, engines, func(e Engine, c *compiled) bool {
		return !e.countSlot && !e.lendMost && c.unrolled > 0
	})
	if unrolled < n/4 {
		t.Errorf("only %d of %d programs had an unrolled loop", unrolled, n)
	}
}

// runGenerated runs 3000 scenarios of gen (300 with -short), on engines in
// turn, against the interpreter (runScenario). It returns their number and
// how many compiled into what counts says it looks for.
func runGenerated(t *testing.T, gen func(*rand.Rand) scenario, engines []vm.Engine, counts func(Engine, *compiled) bool) (n, counted int) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	n = 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		rng := rand.New(rand.NewSource(int64(i)))
		sc := gen(rng)
		eng := engines[i%len(engines)]
		ok := t.Run(fmt.Sprintf("seed%d", i), func(t *testing.T) {
			runScenario(t, eng, &sc, rng)
		})
		if !ok {
			t.Logf("profile %v, program % x", sc.profile, sc.blob)
			break
		}
		if e, ok := eng.(Engine); ok {
			m := newMachine(t, e, &sc)
			if counts(e, m.c.(*compiled)) {
				counted++
			}
			m.Close()
		}
	}
	return n, counted
}

// TestTinyLoopsCodeBound compiles programs made of nothing but tiny loops
// of the instructions with the longest code: the unrolled copies must come
// out of the slack in the image bounds, never make the compile fail, and
// the programs must still run as the interpreter runs them.
func TestTinyLoopsCodeBound(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	long := []isa.Op{isa.CountSetBits64, isa.LeadingZeroBits64, isa.TrailingZeroBits64, isa.RemS64, isa.DivS64, isa.RotR64}
	for _, op := range long {
		a := isa.NewAsm(isa.GP08)
		a.I(isa.Ins{Op: isa.LoadImm, A: 7, Imm: 3})
		const loops = 2000
		for k := 0; k < loops; k++ {
			l := fmt.Sprintf("L%d", k)
			a.I(isa.Ins{Op: isa.Fallthrough})
			a.Label(l)
			for j := 0; j < maxUnrolled-1; j++ {
				a.I(isa.Ins{Op: op, A: uint8(j + 1), B: uint8(j + 2), D: uint8(j + 1)})
			}
			a.I(isa.Ins{Op: isa.BranchEqImm, A: 7, Imm: 5, Label: l})
		}
		a.I(isa.Ins{Op: isa.Trap})
		blob := a.MustBlob()
		for _, eng := range []Engine{New().(Engine), {}} {
			sc := scenario{blob: blob, fill: []byte{0}, gas: 1 << 40, profile: vm.GP08}
			for i := range sc.regs {
				sc.regs[i] = uint64(i) * 0x9e3779b97f4a7c15
			}
			m := newMachine(t, eng, &sc)
			// Divisions make blocks too costly to unroll (2w >= 2^31).
			if m.c.(*compiled).unrolled == 0 && op != isa.RemS64 && op != isa.DivS64 {
				t.Errorf("%v: no loop unrolled", op)
			}
			m.Close()
			runScenario(t, eng, &sc, rand.New(rand.NewSource(1)))
		}
	}
}
