package gas

import (
	"math/bits"

	"github.com/pvmd/pvmd/vm/isa"
)

// pipeline is the state of the simulated CPU while one block is fed to it,
// and the scratch space of the fast paths (fast.go). Reorder-buffer entries
// are a ring of robSize; sets of entries are uint32 bitmaps. Times are
// absolute cycle numbers. A zero pipeline is ready once attached to a
// program; simulate resets what it uses.
//
// The model is PolkaVM's tick by tick, but the bookkeeping is organised
// around events rather than per-entry counters:
//
//   - An entry that starts in the tick at cycle t with latency L finishes in
//     the tick that ends at cycle t+L (its dependants and units are released
//     there), becomes complete in the tick at cycle t+L, and can retire from
//     the tick at cycle t+L+1 on. Finish times sit in a timing wheel, so the
//     next event and the entries finishing at it are found without scanning.
//   - Once the block's last instruction is decoded and every entry has
//     started, nothing can change the schedule any more: the clock stops two
//     cycles after the last finish (one tick completes it, the next retires
//     everything), so the drain is cut short there.
type pipeline struct {
	cycles     uint32 // the current cycle
	decodeLeft uint32 // decode slots left in the current cycle
	inFlight   uint32 // occupied reorder-buffer entries
	head, tail uint32 // oldest entry; next entry to fill
	free       uint32 // free execution units (packed, see costs.go)
	decoding   uint32 // decoded in the current cycle
	waiting    uint32 // decoded in an earlier cycle, not started
	blocked    uint32 // not started and waiting for an unfinished producer
	complete   uint32 // finished in an earlier tick, not retired
	justDone   uint32 // finished in the previous tick (complete after this one)
	lastFinish uint32 // the latest finish time so far
	exhaustive bool   // tick every cycle, no fast-forward (tests only)

	latency  [robSize]uint32
	units    [robSize]uint32 // units the entry holds while it executes
	deps     [robSize]uint32 // unfinished entries the entry waits for
	writes   [robSize]uint16 // registers whose newest value the entry produces
	producer [noReg + 1]int8 // newest in-flight producer of each register, or -1
	wheel    timingWheel

	small      [robSize]smallEntry // for smallCost (fast.go)
	startCount [256]uint8          // for limitsHold, all zero between uses

	code        []byte
	cheapOpcode *[256]bool
}

func (s *pipeline) reset() {
	s.cycles = 0
	s.decodeLeft = decodeWidth
	s.inFlight = 0
	s.head, s.tail = 0, 0
	s.free = unitsFree
	s.decoding, s.waiting, s.blocked, s.complete, s.justDone = 0, 0, 0, 0, 0
	s.lastFinish = 0
	// The drain stops with entries still on the wheel.
	s.wheel.clear()
	// Entries are fully rewritten when they are filled, except writes,
	// which only finishing entries clear.
	s.writes = [robSize]uint16{}
	for r := range s.producer {
		s.producer[r] = -1
	}
}

// cost is the block cost once the machine has drained.
func (s *pipeline) cost() uint32 {
	if s.cycles <= costSlack+1 {
		return 1
	}
	return s.cycles - costSlack
}

// The clock advances in ticks. Within a tick, in this order: complete
// entries at the head retire; up to startWidth ready entries start, oldest
// first, each if its units are free; time passes, entries whose latency has
// elapsed by the end of the tick finish (their dependants and units are
// released) and those that finished in the previous tick become complete;
// finally the entries decoded in this cycle join the waiting ones.
//
// Time normally passes one cycle per tick. Like PolkaVM, when nothing was
// decoded (the tick is not the first after a front-end stall) and either the
// block is draining or nothing retired, the clock skips to the cycle in which
// the next executing entry finishes, unless an entry finished in the
// previous tick. That skip is observable (an entry that lost the start-width
// race waits for the next event), so it is part of the model.

// decodeTick is the first tick after a front-end stall, and the first of the
// drain: exactly one cycle passes and the decoded entries become waiting.
func (s *pipeline) decodeTick() {
	now := s.cycles
	s.retire()
	s.startReady(now)
	s.complete |= s.justDone
	s.justDone = 0
	s.finishAt(now + 1)
	s.waiting |= s.decoding
	s.decoding = 0
	s.decodeLeft = decodeWidth
	s.cycles = now + 1
}

// fullTick is a tick while the front end waits for a free buffer entry.
func (s *pipeline) fullTick() {
	now := s.cycles
	retired := s.retire()
	s.startReady(now)
	stalled := s.justDone != 0
	s.complete |= s.justDone
	s.justDone = 0
	step := uint32(1)
	if next, ok := s.wheel.next(now); ok && !stalled && !retired && !s.exhaustive {
		step = next - now
	}
	s.finishAt(now + step)
	s.cycles = now + step
}

// retire removes the complete entries at the head of the buffer and reports
// whether there were any.
func (s *pipeline) retire() bool {
	c := s.complete
	if c == 0 {
		return false
	}
	n := uint32(bits.TrailingZeros32(^bits.RotateLeft32(c, -int(s.head))))
	if n == 0 {
		return false
	}
	mask := ^uint32(0)
	if n < robSize {
		mask = bits.RotateLeft32(1<<n-1, int(s.head))
	}
	s.complete = c &^ mask
	s.inFlight -= n
	s.head = (s.head + n) % robSize
	return true
}

// startReady starts, at cycle now, up to startWidth waiting entries whose
// producers have finished, oldest first, each only if its units are free. An
// entry that does not fit is passed over; a younger one may still start.
func (s *pipeline) startReady(now uint32) {
	ready := s.waiting &^ s.blocked
	if ready == 0 {
		return
	}
	free, started, last := s.free, 0, s.lastFinish
	for r := bits.RotateLeft32(ready, -int(s.head)); r != 0; r &= r - 1 {
		e := (uint32(bits.TrailingZeros32(r)) + s.head) % robSize
		if u := s.units[e]; unitsFit(free, u) {
			free -= u
			s.waiting &^= 1 << e
			f := now + s.latency[e]
			s.wheel.add(f, e, u)
			last = max(last, f)
			if started++; started == startWidth {
				break
			}
		}
	}
	s.free, s.lastFinish = free, last
}

// finishAt finishes the entries whose latency elapses at cycle end, the end
// of the current tick: dependants stop waiting for them, their registers no
// longer have an in-flight producer, and their units are free again.
func (s *pipeline) finishAt(end uint32) {
	finished, units := s.wheel.take(end)
	if finished == 0 {
		return
	}
	s.justDone = finished
	s.free += units
	for x := s.blocked; x != 0; x &= x - 1 {
		e := bits.TrailingZeros32(x)
		if s.deps[e] &^= finished; s.deps[e] == 0 {
			s.blocked &^= 1 << e
		}
	}
	for x := finished; x != 0; x &= x - 1 {
		e := bits.TrailingZeros32(x)
		for w := uint32(s.writes[e]); w != 0; w &= w - 1 {
			s.producer[bits.TrailingZeros32(w)] = -1
		}
		s.writes[e] = 0
	}
}

// advance runs the clock after a front-end stall until the buffer has a free
// entry.
func (s *pipeline) advance() {
	s.decodeTick()
	for s.inFlight == robSize {
		s.fullTick()
	}
}

// drain runs the clock after the block's last instruction until every entry
// has started, then stops it where PolkaVM's would stop: the last entry to
// finish completes in the tick at its finish time, everything retires in the
// next tick, and that tick ends one cycle later. Retirement cannot change
// anything while draining (the skip rule ignores it and nothing more is
// decoded), so these ticks leave it out.
func (s *pipeline) drain() {
	s.decodeTick()
	for {
		now := s.cycles
		s.startReady(now)
		if s.waiting == 0 {
			break
		}
		stalled := s.justDone != 0
		s.justDone = 0
		step := uint32(1)
		if next, ok := s.wheel.next(now); ok && !stalled && !s.exhaustive {
			step = next - now
		}
		s.finishAt(now + step)
		s.cycles = now + step
	}
	s.cycles = s.lastFinish + 2
}

// dispatch decodes one instruction that takes a reorder-buffer entry.
// dst is a register or noDst, src1 and src2 registers or noReg.
func (s *pipeline) dispatch(slots, latency, units uint32, dst, src1, src2 uint8) {
	if s.decodeLeft < slots || s.inFlight == robSize {
		s.advance()
	}
	e := s.tail
	s.tail = (e + 1) % robSize
	s.latency[e] = latency
	s.units[e] = units
	var deps uint32
	if p := s.producer[src1]; p >= 0 {
		deps |= 1 << uint(p)
	}
	if p := s.producer[src2]; p >= 0 {
		deps |= 1 << uint(p)
	}
	s.deps[e] = deps
	if deps != 0 {
		s.blocked |= 1 << e
	}
	if dst < numRegisters {
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
func (s *pipeline) rename(dst, src uint8) {
	if s.decodeLeft < 1 || s.inFlight == robSize {
		s.advance()
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
func (s *pipeline) feed(in *isa.Instruction) {
	o, dst, src1, src2, slots := decodeOp(in)
	switch o.kind {
	case kindPlain:
		s.dispatch(slots, uint32(o.latency), o.units, dst, src1, src2)
	case kindMove:
		s.rename(dst, src1)
	case kindDrain:
		s.dispatch(slots, uint32(o.latency), o.units, noDst, src1, src2)
		s.drain()
	case kindBranch:
		s.dispatch(slots, s.branchLatency(in), o.units, noDst, src1, src2)
		s.drain()
	}
}

// branchLatency is the cost of a conditional branch: cheap when either
// successor's opcode byte is trap or unlikely (or lies past the code).
func (s *pipeline) branchLatency(in *isa.Instruction) uint32 {
	if s.cheapAt(uint64(in.PC)+uint64(in.Len)) || s.cheapAt(uint64(in.Target)) {
		return branchHit
	}
	return branchMiss
}

// cheapAt reports whether a branch successor at pc makes the branch cheap.
func (s *pipeline) cheapAt(pc uint64) bool {
	if pc >= uint64(len(s.code)) {
		return true
	}
	return s.cheapOpcode[s.code[pc]]
}

// b2u is 1 for true and 0 for false.
func b2u(b bool) uint32 {
	var x uint32
	if b {
		x = 1
	}
	return x
}
