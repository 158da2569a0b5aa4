package recompile

import (
	"math/bits"

	"github.com/pvmd/pvmd/recompile/internal/amd64"
	"github.com/pvmd/pvmd/vm/isa"
)

// Split loops. A loop of one block that steps a register by an affine map,
//
//	x = x*a        (mul_64 x,x,a or mul_imm_64 x,x,a)
//	x = x + c      (add_64 x,x,c or add_imm_64 x,x,c; optional)
//
// with a and c left alone by the block and x written nowhere else, carries
// the multiply's and the add's latency (3+1 cycles) from one iteration to
// the next however wide the core is: a linear congruential generator, or a
// hash that multiplies. Two iterations compose into one map of the same
// form, x'' = a²x + c(a+1), so the loop runs as two copies under one gas
// check (as tiny loops do, see maxUnrolled), and the first copy also
// computes the second's x straight from the pair's starting x, in a
// borrowed host register. The chain then carries one multiply and one add
// per two iterations; the first copy's own step and everything that reads
// it hang off it. (mixed's loop, measured in a C harness on this machine:
// 1.03 → 0.69 ns per iteration; PVM arithmetic is modulo 2^64, so the
// composed map is exact.)
//
// An add alone (a = 1: x'' = x + 2c, one lea) carries a single cycle per
// iteration, which holds up only a tiny loop, such as a counter and its
// branch; it splits there when no other register carries a chain.
// (countdown's loop in the same harness: 0.29 → 0.22 ns per iteration.)
//
// The copies exit nowhere. When a copy's inline memory check fails, the
// exact check runs as a probe (unaligned accesses within a page, or
// crossing into an accessible page, continue in the copy); a refused
// access gives back the gas of the part of the pair not reached, restores
// the borrowed register and jumps to the same instruction in the block's
// usual code, which checks the access again and exits from there: every
// exit stays in the usual code, with the state the interpreter has.

// maxSplit bounds the length of a split loop: the longer the block, the
// less its recurrence is what holds it up.
const maxSplit = 16

// recurrence describes x = x*a + c in the block (see above).
type recurrence struct {
	x  uint8
	at int // block position of the step's first instruction
	// mul: the step multiplies (then perhaps adds, hasAdd); without, it
	// is an add alone (a = 1).
	mul, hasAdd bool
	aReg        int // guest register of a, or -1: a is aImm
	aImm        uint64
	cReg        int // guest register of c, or -1: c is cImm
	cImm        uint64
	// tmp is a guest register the block does not name (nor a base): its
	// host register holds the second copy's x, its guest value waits in
	// the frame (fSave) while the copies run.
	tmp uint8
}

// steps is the number of instructions of the step.
func (r *recurrence) steps() int {
	if r.mul && r.hasAdd {
		return 2
	}
	return 1
}

// findRecurrence looks for a recurrence in the block in c.buf, a loop of
// itself, and for a register to borrow. An add alone (x = x + c) carries
// one cycle of latency per iteration, which only holds up a tiny loop (see
// maxUnrolled), and only when no other register carries a chain too.
func (c *compiler) findRecurrence(tiny bool) (recurrence, bool) {
	n := len(c.buf)
	named := uint16(1) | c.bases.lent() // φ0's rdx is the multiplications' and divisions' scratch
	for k := range c.buf {
		named |= regsOf(&c.buf[k])
	}
	free := ^named & (1<<13 - 1)
	if free == 0 {
		return recurrence{}, false
	}
	for i := 0; i < n-1; i++ {
		r, ok := affineStep(c.buf[i:n-1], i)
		if !ok && tiny {
			r, ok = addStep(&c.buf[i], i)
			ok = ok && c.carriesOnly(r.x)
		}
		if ok && c.invariant(&r) {
			r.tmp = uint8(bits.Len16(free) - 1)
			return r, true
		}
	}
	return recurrence{}, false
}

// affineStep reports whether body (the block from position at, without its
// branch) starts with a multiply of a register by something else, followed
// perhaps by an add to it.
func affineStep(body []isa.Instruction, at int) (recurrence, bool) {
	in := &body[0]
	r := recurrence{at: at, mul: true, aReg: -1, cReg: -1}
	switch {
	case in.Op == isa.Mul64 && in.A == in.D && in.B != in.D:
		r.x, r.aReg = in.D, int(in.B)
	case in.Op == isa.Mul64 && in.B == in.D && in.A != in.D:
		r.x, r.aReg = in.D, int(in.A)
	case in.Op == isa.MulImm64 && in.A == in.B:
		r.x, r.aImm = in.A, in.Imm
	default:
		return r, false
	}
	if len(body) > 1 {
		if add, ok := addStep(&body[1], at+1); ok && add.x == r.x {
			r.hasAdd, r.cReg, r.cImm = true, add.cReg, add.cImm
		}
	}
	return r, true
}

// addStep reports whether in (at block position at) adds something else
// to a register: x = x + c.
func addStep(in *isa.Instruction, at int) (recurrence, bool) {
	r := recurrence{at: at, hasAdd: true, aReg: -1, aImm: 1, cReg: -1}
	switch {
	case in.Op == isa.AddImm64 && in.A == in.B:
		r.x, r.cImm = in.A, in.Imm
	case in.Op == isa.Add64 && in.D == in.A && in.B != in.D:
		r.x, r.cReg = in.D, int(in.B)
	case in.Op == isa.Add64 && in.D == in.B && in.A != in.D:
		r.x, r.cReg = in.D, int(in.A)
	default:
		return r, false
	}
	return r, true
}

// invariant reports whether the block writes x only in r's step, and a
// and c nowhere.
func (c *compiler) invariant(r *recurrence) bool {
	for k := range c.buf {
		if k >= r.at && k < r.at+r.steps() {
			continue
		}
		d := destOf(&c.buf[k])
		if d >= 0 && (d == int(r.x) || d == r.aReg || d == r.cReg) {
			return false
		}
	}
	return true
}

// carriesOnly reports whether x is the only register the block both
// reads and writes (taking every register an instruction names, its
// destination aside, as read: a guess that errs towards not splitting).
func (c *compiler) carriesOnly(x uint8) bool {
	var read, written uint16
	for k := range c.buf {
		in := &c.buf[k]
		m := regsOf(in)
		if d := destOf(in); d >= 0 {
			written |= 1 << d
			if !namesTwice(in, uint8(d)) {
				m &^= 1 << d
			}
		}
		read |= m
	}
	return read&written&^(1<<x) == 0
}

// namesTwice reports whether in names register r in more than one field.
func namesTwice(in *isa.Instruction, r uint8) bool {
	n := 0
	switch in.Op.Format() {
	case isa.FmtRegRegReg:
		n = b2i(in.A == r) + b2i(in.B == r) + b2i(in.D == r)
	case isa.FmtRegRegImm, isa.FmtRegRegOffset, isa.FmtRegRegImmImm:
		n = b2i(in.A == r) + b2i(in.B == r)
	case isa.FmtRegReg:
		n = b2i(in.A == r) + b2i(in.D == r)
	}
	return n > 1
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// leaStep reports whether the second step fits one lea: an add alone of
// an immediate whose double fits 32 bits signed.
func (r *recurrence) leaStep() bool {
	c2 := 2 * int64(r.cImm)
	return !r.mul && r.cReg < 0 && c2 == int64(int32(c2))
}

// splitSetup saves the borrowed register and computes a² and c(a+1) into
// the frame, where the second step needs them. It runs on entry to the
// loop, not per pair: the back edge of the second copy jumps past it.
func (c *compiler) splitSetup(r *recurrence) {
	a := &c.hot
	a.Store(8, amd64.M(rsp, fSave), reg(r.tmp))
	if r.leaStep() {
		return
	}
	if r.aReg >= 0 {
		a.MovRR(t0, reg(uint8(r.aReg)))
	} else {
		a.MovImm(t0, r.aImm)
	}
	if r.mul {
		a.MovRR(t1, t0)
		a.Imul(t1, t0)
		a.Store(8, amd64.M(rsp, fA2), t1)
	}
	if r.hasAdd {
		a.ALURI(amd64.ADD, t0, 1)
		if r.cReg >= 0 {
			a.Imul(t0, reg(uint8(r.cReg)))
		} else {
			a.ImulImm(t0, t0, int32(r.cImm)) // a sign-extended 32-bit immediate
		}
		a.Store(8, amd64.M(rsp, fC2), t0)
	}
}

// secondStep computes, at the start of the first copy, the x the second
// copy's step leaves, into the borrowed register.
func (c *compiler) secondStep(r *recurrence) {
	a := &c.hot
	t := reg(r.tmp)
	if r.leaStep() {
		a.Lea(t, amd64.M(reg(r.x), int32(2*int64(r.cImm))))
		return
	}
	a.MovRR(t, reg(r.x))
	if r.mul {
		a.ImulRM(t, amd64.M(rsp, fA2))
	}
	if r.hasAdd {
		a.ALURM(amd64.ADD, t, amd64.M(rsp, fC2))
	}
}

// restoreBorrowed emits the reload of the borrowed register's guest value
// (nothing when the pair borrows none).
func (c *compiler) restoreBorrowed(a *amd64.Asm) {
	if c.pair.split {
		a.Load(8, reg(c.pair.rec.tmp), amd64.M(rsp, fSave))
	}
}

// pairState is what a pair's copies need while they are emitted (see
// emitPair).
type pairState struct {
	copy  int // 1 or 2 while a copy is emitted, else 0
	w     uint64
	split bool
	rec   recurrence
	// falls are the copies' jumps to the usual code, patched once it is
	// emitted.
	falls []pairFall
}

// pairFall is a jump (rel32 field at rel in the cold code) to the usual
// code of the instruction at block position k.
type pairFall struct {
	rel int
	k   int
}

// probe sends the failure jumps of an access's inline check in a copy
// (rel32 fields fail1 and fail2 in the hot code, -1: none) to a cold stub
// that runs the exact check as a probe (see prelude) and returns to back
// when the access is allowed after all (unaligned within a page, or
// crossing into an accessible page); eax says whether eax holds the guest
// address where the check fails. fallBack follows, for the refusals.
func (c *compiler) probe(fail1, fail2, back int, eax bool, base int, off uint32, size int, write bool) {
	stub := c.cold.Len()
	for _, f := range [2]int{fail1, fail2} {
		if f >= 0 {
			c.hot.PatchRel32(f, stub)
		}
	}
	if !eax {
		c.addrToEAX(&c.cold, base, off)
	}
	c.cold.CallTo(routineFor(&c.probeOff, size, write))
	c.cold.JccTo(amd64.CondAE, back) // CF clear: allowed
}

// fallBack emits, at the end of the cold code, what a copy does when its
// access at block position k is refused: give back the gas of the second
// copy if in the first, restore the borrowed register and continue in the
// usual code at the access, which exits from there.
func (c *compiler) fallBack(k int) {
	if c.pair.copy == 1 {
		gasOp(&c.cold, amd64.ADD, c.pair.w)
	}
	c.restoreBorrowed(&c.cold)
	c.pair.falls = append(c.pair.falls, pairFall{rel: c.cold.JmpRel(), k: k})
}

// patchFalls points the copies' fallbacks at the usual code's entries,
// once the block's usual code is emitted.
func (c *compiler) patchFalls() {
	for _, f := range c.pair.falls {
		c.cold.PatchRel32(f.rel, int(c.offs[c.first+uint32(f.k)]))
	}
	c.pair.falls = c.pair.falls[:0]
}
