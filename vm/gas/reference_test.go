package gas

import (
	"math/rand"
	"testing"

	"github.com/pvmd/pvmd/vm/isa"
)

// refPipeline is a literal, cycle-by-cycle model of the pipeline, kept as the
// reference that the optimised pipeline is checked against on random blocks.
// Like PolkaVM it tracks every entry's state and remaining cycles and ticks
// until the buffer is empty.
type refPipeline struct {
	cycles     uint32
	decodeLeft uint32
	inFlight   uint32
	head, tail uint32
	free       uint32
	decoding   uint32 // state masks: decoding, waiting, executing, complete
	waiting    uint32
	executing  uint32
	complete   uint32
	exhaustive bool // no fast-forward

	left     [robSize]int32
	units    [robSize]uint32
	deps     [robSize]uint32
	writes   [robSize]uint16
	producer [numRegisters]int8

	code        []byte
	cheapOpcode *[256]bool
}

func (s *refPipeline) reset() {
	s.cycles = 0
	s.decodeLeft = decodeWidth
	s.inFlight = 0
	s.head, s.tail = 0, 0
	s.free = unitsFree
	s.decoding, s.waiting, s.executing, s.complete = 0, 0, 0, 0
	s.left = [robSize]int32{}
	s.units = [robSize]uint32{}
	s.deps = [robSize]uint32{}
	s.writes = [robSize]uint16{}
	for r := range s.producer {
		s.producer[r] = -1
	}
}

func (s *refPipeline) cost() uint32 {
	if s.cycles <= costSlack+1 {
		return 1
	}
	return s.cycles - costSlack
}

func (s *refPipeline) tick(draining, decoded bool) {
	// Retire.
	retired := uint32(0)
	for retired < s.inFlight && s.complete&(1<<((s.head+retired)%robSize)) != 0 {
		retired++
	}
	for i := uint32(0); i < retired; i++ {
		s.complete &^= 1 << ((s.head + i) % robSize)
	}
	s.inFlight -= retired
	s.head = (s.head + retired) % robSize

	// Start: repeatedly pick the oldest waiting entry without dependencies
	// whose units are free, at most startWidth times.
	started := uint32(0)
	for n := 0; n < startWidth; n++ {
		pick := -1
		for i := uint32(0); i < robSize; i++ {
			e := (s.head + i) % robSize
			if s.waiting&(1<<e) != 0 && started&(1<<e) == 0 && s.deps[e] == 0 && unitsFit(s.free, s.units[e]) {
				pick = int(e)
				break
			}
		}
		if pick < 0 {
			break
		}
		s.free -= s.units[pick]
		started |= 1 << pick
	}
	s.waiting &^= started
	s.executing |= started

	// Execute.
	step := int32(1)
	if !decoded && !s.exhaustive && (draining || retired == 0) {
		m := int32(255)
		for e := 0; e < robSize; e++ {
			if s.executing&(1<<e) != 0 && s.left[e] < m {
				m = s.left[e]
			}
		}
		if m > 0 && m < 255 {
			step = m
		}
	}
	finished, done := uint32(0), uint32(0)
	for e := 0; e < robSize; e++ {
		if s.executing&(1<<e) == 0 {
			continue
		}
		s.left[e] -= step
		if s.left[e] < -128 {
			s.left[e] = -128
		}
		if s.left[e] == 0 {
			finished |= 1 << e
		}
		if s.left[e] == -1 {
			done |= 1 << e
		}
	}
	for e := 0; e < robSize; e++ {
		s.deps[e] &^= finished
		if finished&(1<<e) != 0 {
			for r := 0; r < numRegisters; r++ {
				if s.writes[e]&(1<<r) != 0 {
					s.producer[r] = -1
				}
			}
			s.writes[e] = 0
			s.free += s.units[e]
			s.units[e] = 0
		}
	}
	s.executing &^= done
	s.complete |= done

	if decoded {
		s.waiting |= s.decoding
		s.decoding = 0
		s.decodeLeft = decodeWidth
	}
	s.cycles += uint32(step)
}

// advance runs the clock after a decode stall (draining=false: until the
// buffer has a free entry) or at the end of the block (until it is empty).
func (s *refPipeline) advance(draining bool) {
	s.tick(draining, true)
	limit := uint32(robSize - 1)
	if draining {
		limit = 0
	}
	for s.inFlight > limit {
		s.tick(draining, false)
	}
}

// dispatch decodes one instruction that takes a reorder-buffer entry.
// dst, src1 and src2 are registers or noReg.
func (s *refPipeline) dispatch(slots, latency uint32, units uint32, dst, src1, src2 uint8) {
	if s.decodeLeft < slots || s.inFlight == robSize {
		s.advance(false)
	}
	e := s.tail
	s.tail = (s.tail + 1) % robSize
	s.left[e] = int32(latency)
	s.units[e] = units
	var deps uint32
	if src1 != noReg {
		if p := s.producer[src1]; p >= 0 {
			deps |= 1 << uint(p)
		}
	}
	if src2 != noReg {
		if p := s.producer[src2]; p >= 0 {
			deps |= 1 << uint(p)
		}
	}
	s.deps[e] = deps
	if dst != noReg {
		if p := s.producer[dst]; p >= 0 {
			s.writes[p] &^= 1 << dst
		}
		s.writes[e] |= 1 << dst
		s.producer[dst] = int8(e)
	}
	s.decoding |= 1 << e
	s.inFlight++
	s.decodeLeft -= slots
}

// rename decodes move_reg: dst now names whatever src names.
func (s *refPipeline) rename(dst, src uint8) {
	if s.decodeLeft < 1 || s.inFlight == robSize {
		s.advance(false)
	}
	if p := s.producer[dst]; p >= 0 {
		s.writes[p] &^= 1 << dst
	}
	p := s.producer[src]
	if p >= 0 {
		s.writes[p] |= 1 << dst
	}
	s.producer[dst] = p
	s.decodeLeft--
}

// feed decodes one instruction of the block.
func (s *refPipeline) feed(in *isa.Instruction) {
	c := &costTable[in.Op]
	if !in.Valid {
		// An invalid position executes as a trap and ends the block.
		c = &costTable[isa.Trap]
	}
	dst, src1, src2 := refReg(in, c.dst), refReg(in, c.src1), refReg(in, c.src2)
	slots := uint32(c.slots)
	switch c.slotRule {
	case slotsDiff1:
		if dst != src1 {
			slots++
		}
	case slotsDiff2:
		if dst != src1 && dst != src2 {
			slots++
		}
	}
	switch c.kind {
	case kindPlain:
		s.dispatch(slots, uint32(c.latency), c.units, dst, src1, src2)
	case kindMove:
		s.rename(dst, src1)
	case kindDrain:
		s.dispatch(slots, uint32(c.latency), c.units, noReg, src1, src2)
		s.advance(true)
	case kindBranch:
		s.dispatch(slots, s.branchLatency(in), c.units, noReg, src1, src2)
		s.advance(true)
	}
}

// branchLatency is the cost of a conditional branch: cheap when either
// successor's opcode byte is trap or unlikely (or lies past the code).
func (s *refPipeline) branchLatency(in *isa.Instruction) uint32 {
	if s.cheapAt(uint64(in.PC)+uint64(in.Len)) || s.cheapAt(uint64(in.Target)) {
		return branchHit
	}
	return branchMiss
}

// cheapAt reports whether a branch successor at pc makes the branch cheap.
func (s *refPipeline) cheapAt(pc uint64) bool {
	if pc >= uint64(len(s.code)) {
		return true
	}
	return s.cheapOpcode[s.code[pc]]
}

func (s *refPipeline) blockCost(block []isa.Instruction) uint32 {
	s.reset()
	for i := range block {
		s.feed(&block[i])
	}
	if len(block) == 0 || !block[len(block)-1].EndsBlock() {
		s.feed(&isa.Instruction{Op: isa.Trap, Valid: true})
	}
	return s.cost()
}

// refReg returns the register an operand role names.
func refReg(in *isa.Instruction, role uint8) uint8 {
	switch role {
	case roleA:
		return in.A
	case roleB:
		return in.B
	case roleD:
		return in.D
	}
	return noReg
}

// randomBlock returns a block of random instructions ending in a random
// terminator. The instruction mixes stress different parts of the model.
func randomBlock(rng *rand.Rand) []isa.Instruction {
	pools := [][]isa.Op{
		nil, // every instruction
		{isa.LoadImm, isa.LoadImm64, isa.Unlikely, isa.AddImm64, isa.And, isa.LoadIndU64, isa.LoadU32,
			isa.StoreIndU64, isa.MoveReg, isa.MoveReg, isa.Add32, isa.Mul64, isa.CountSetBits64, isa.TrailingZeroBits64},
		{isa.LoadImm, isa.Unlikely, isa.Unlikely, isa.LoadIndU64, isa.MulUpperSU, isa.ShloLImmAlt64, isa.Add64},
		{isa.DivU64, isa.Mul64, isa.MulImm32, isa.LoadIndU8, isa.MoveReg, isa.Xor, isa.SetLtU},
	}
	pool := pools[rng.Intn(len(pools))]
	pick := func(terminator bool) isa.Op {
		for {
			op := isa.Op(rng.Intn(int(isa.NumOps)))
			if pool != nil && !terminator {
				op = pool[rng.Intn(len(pool))]
			}
			if op.IsTerminator() == terminator {
				return op
			}
		}
	}
	n := 1 + rng.Intn(40)
	if rng.Intn(8) == 0 {
		n = 1 + rng.Intn(120)
	}
	regs := 1 + rng.Intn(numRegisters)
	reg := func() uint8 { return uint8(rng.Intn(regs)) }
	block := make([]isa.Instruction, n)
	for i := range block {
		block[i] = isa.Instruction{Op: pick(i == n-1), A: reg(), B: reg(), D: reg(), Valid: true,
			PC: uint32(rng.Intn(3)), Len: uint32(rng.Intn(3)), Target: uint32(rng.Intn(3))}
	}
	if rng.Intn(20) == 0 {
		block[n-1].Valid = false // an invalid opcode: a trap
	}
	return block
}

// TestAgainstReference compares the fast paths (the dataflow schedule, the
// event schedule and the cycle-by-cycle simulator with its shortcuts)
// against refPipeline on random blocks, with and without the clock skipping
// of PolkaVM.
func TestAgainstReference(t *testing.T) {
	iterations := 60000
	if testing.Short() {
		iterations = 5000
	}
	rng := rand.New(rand.NewSource(1))
	codes := [][]byte{{0, 0}, {0, 3}, {3, 1}, {1, 1}, {}}
	var fast pipeline // reused, as Costs does
	bad := 0
	for it := 0; it < iterations && bad < 5; it++ {
		block := randomBlock(rng)
		code := codes[rng.Intn(len(codes))]
		for _, exhaustive := range []bool{false, true} {
			var ref refPipeline
			ref.code, ref.cheapOpcode, ref.exhaustive = code, &cheapSuccessor[isa.Latest64], exhaustive
			fast.code, fast.cheapOpcode, fast.exhaustive = code, &cheapSuccessor[isa.Latest64], exhaustive
			if got, want := fast.blockCost(block), ref.blockCost(block); got != want {
				bad++
				t.Errorf("block %d (exhaustive %v): cost %d, reference %d\n%v", it, exhaustive, got, want, block)
			}
		}
	}
}

// TestCostsAgainstReference costs random programs of many blocks with Costs
// and compares every block with refPipeline.
func TestCostsAgainstReference(t *testing.T) {
	programs := 300
	if testing.Short() {
		programs = 30
	}
	rng := rand.New(rand.NewSource(2))
	var calc Calculator
	for it := 0; it < programs; it++ {
		var prog []ins
		for b := rng.Intn(30); b >= 0; b-- {
			for _, in := range randomBlock(rng) {
				x := ins{op: in.Op, a: in.A, b: in.B, d: in.D, imm: int32(rng.Intn(3))}
				if !in.Valid {
					x = ins{raw: []byte{0xff}}
				}
				prog = append(prog, x)
			}
		}
		for i := range prog {
			prog[i].target = rng.Intn(len(prog) + 1)
		}
		p := assemble(t, prog)
		got := Costs(p, nil)
		k := 0
		Blocks(p, func(start, end int) {
			var ref refPipeline
			ref.code, ref.cheapOpcode = p.Code, &cheapSuccessor[p.Numbering]
			want := ref.blockCost(p.Instrs[start : end+1])
			if k >= len(got) || got[k] != want {
				t.Fatalf("program %d, block %d at pc %d: Costs gives %v, reference %d", it, k, p.Instrs[start].PC, got[k:min(k+1, len(got))], want)
			}
			if c := BlockCost(p, start, end); c != want {
				t.Fatalf("program %d, block %d at pc %d: BlockCost gives %d, reference %d", it, k, p.Instrs[start].PC, c, want)
			}
			if c := calc.BlockCost(p, start, end); c != want {
				t.Fatalf("program %d, block %d at pc %d: Calculator gives %d, reference %d", it, k, p.Instrs[start].PC, c, want)
			}
			k++
		})
		if k != len(got) {
			t.Fatalf("program %d: Costs gives %d costs for %d blocks", it, len(got), k)
		}
	}
}
