package gas

import (
	"math/bits"

	"github.com/pvmd/pvmd/vm/isa"
)

// maxSmallEntries bounds the blocks smallCost handles: with fewer than
// robSize buffer entries the reorder buffer can never fill, and the packed
// unit totals cannot overflow a field (each entry needs at most 2 of a unit;
// 31*2 < 64).
const maxSmallEntries = robSize - 1

// smallEntry is an instruction of a block smallCost handles: a reorder-buffer
// entry, numbered in program order, as smallCost's pass over the block
// leaves it. The latency is finish - start.
type smallEntry struct {
	start  uint32 // in the dataflow schedule
	finish uint32 // in the dataflow schedule
	units  uint32
	decode uint32 // the cycle it is decoded in
	deps   uint32 // the entries producing its sources
}

// smallCost computes the cost of the block that starts at instrs[0] and
// ends at the first instruction that ends a block, if it needs at most
// maxSmallEntries buffer entries, without ticking the clock cycle by cycle.
// It returns the cost and the block's length, or false if the block is too
// big or never ends; the caller then simulates it in full.
//
// With the buffer never full, the front end never waits for the back end,
// so the cycle each instruction is decoded in follows from decode slots
// alone, and retirement has no effect on the cost: the clock stops two
// cycles after the last finish (the last finisher completes in the tick at
// its finish cycle, and everything retires in the next tick).
//
// First try the dataflow schedule: if no limit of the machine binds (no more
// than startWidth instructions want to start in the same cycle and the units
// never run out), every instruction starts at the first cycle where it has
// been decoded and its producers have finished:
//
//	start = max(decode cycle + 1, finish of each source's producer)
//	finish = start + latency
//
// (The simulated clock ticks every cycle while decoding and, when draining,
// stops at every finish, so those cycles are always ticks. A producer that
// finished before the consumer was decoded gives a start no later than
// decode+1, so whether it still counted as in flight does not matter.) If a
// limit binds, schedule the entries event by event instead (eventSchedule).
func (s *pipeline) smallCost(instrs []isa.Instruction) (cost uint32, length int, ok bool) {
	// Per register: when its newest value is available (low half) and the
	// entry producing it, as a one-bit set (high half), for eventSchedule.
	var avail [16]uint64
	// The decode clock counts slots, decodeWidth per cycle: an instruction
	// that does not fit in what is left of a cycle moves on to the next.
	clock := uint32(0)
	n := 0
	for i := range instrs {
		in := &instrs[i]
		o := &opInfos[effectiveOp(in)]
		dst, src1, src2, cmp := o.registers(registerWord(in))
		slots := o.slotsFor(dst, src1, cmp)
		if clock%decodeWidth+slots > decodeWidth {
			clock += decodeWidth - clock%decodeWidth
		}
		decode := clock / decodeWidth
		clock += slots
		kind := o.kind
		if kind == kindMove {
			avail[dst] = avail[src1]
			continue
		}
		if n >= maxSmallEntries {
			return 0, i, false
		}
		latency := uint32(o.latency)
		if kind == kindBranch {
			latency = s.branchLatency(in)
		}
		a1, a2 := avail[src1], avail[src2]
		start := max(decode+1, uint32(a1), uint32(a2))
		finish := start + latency
		e := &s.small[n]
		e.start, e.finish, e.units = start, finish, o.units
		e.decode, e.deps = decode, uint32((a1|a2)>>32)
		avail[dst] = uint64(finish) | uint64(1)<<(32+n)
		n++
		if kind != kindPlain {
			return s.smallSchedule(n), i + 1, true
		}
	}
	// The block never ends: the simulator adds the trap.
	return 0, len(instrs), false
}

// smallSchedule returns the cost of the n entries smallCost found, from
// their dataflow schedule if no limit binds, or else from eventSchedule.
func (s *pipeline) smallSchedule(n int) uint32 {
	last, total := uint32(0), uint32(0)
	for i := range s.small[:n] {
		last = max(last, s.small[i].finish)
		total += s.small[i].units
	}
	if (n > startWidth || !unitsFit(unitsFree, total)) && !s.limitsHold(n, last, total) {
		last = s.eventSchedule(n)
	}
	if last+2 <= costSlack+1 {
		return 1
	}
	return last + 2 - costSlack
}

// eventSchedule simulates the block's n entries, whose dataflow schedule
// smallCost found to break a limit, and returns the last finish. It is the
// clock of sim.go reduced to what matters when the buffer cannot fill:
// entries are numbered in program order (the buffer never wraps), an entry
// decoded in cycle d waits from cycle d+1, retirement is left out, and ticks
// where nothing can start are skipped.
//
// The clock ticks every cycle up to the last decode cycle D. Such a tick can
// start something only if an entry arrives, a producer or unit is released,
// or a ready entry lost the start-width race in the previous tick. From D+1
// on the machine is draining: after a tick where something finished comes
// the next cycle, otherwise the clock skips to the next finish.
func (s *pipeline) eventSchedule(n int) uint32 {
	ents := s.small[:n]
	lastDecode := ents[n-1].decode
	s.wheel.clear()
	free := uint32(unitsFree)
	var waiting, blocked, finished uint32
	last := uint32(0)
	next := 0 // the next entry to arrive
	for t := uint32(1); ; {
		done, units := s.wheel.take(t)
		if done != 0 {
			finished |= done
			free += units
			for x := blocked; x != 0; x &= x - 1 {
				e := bits.TrailingZeros32(x)
				if ents[e].deps&^finished == 0 {
					blocked &^= 1 << e
				}
			}
		}
		for next < n && ents[next].decode < t {
			waiting |= 1 << next
			if ents[next].deps&^finished != 0 {
				blocked |= 1 << next
			}
			next++
		}

		started, crowded := 0, false
		for r := waiting &^ blocked; r != 0; r &= r - 1 {
			if started == startWidth {
				crowded = true
				break
			}
			e := bits.TrailingZeros32(r)
			if u := ents[e].units; unitsFit(free, u) {
				free -= u
				waiting &^= 1 << e
				f := t + ents[e].finish - ents[e].start
				s.wheel.add(f, uint32(e), u)
				last = max(last, f)
				started++
			}
		}
		if next == n && waiting == 0 {
			break
		}

		fin, ok := s.wheel.next(t)
		switch {
		case t <= lastDecode:
			if crowded {
				t++
				break
			}
			// next < n here: the last entry arrives at lastDecode+1.
			t = ents[next].decode + 1
			if ok && fin < t {
				t = fin
			}
		case done != 0 || !ok:
			t++
		default:
			t = fin
		}
	}
	s.wheel.clear()
	return last
}

// limitsHold checks the dataflow schedule of the first n entries, whose
// finishes are at most last and whose units add up to total: at no cycle do
// more than startWidth entries start, and the units held by the entries
// executing at any cycle (started, not finished) fit in the machine. Usage
// only grows when an entry starts, so checking every cycle is the same as
// checking the cycles where entries start. Only the limits the block's total
// demand exceeds can bind. (LOAD and STORE users also hold an ALU, so they
// can never run out first.)
func (s *pipeline) limitsHold(n int, last, total uint32) bool {
	ents := s.small[:n]
	if last < 64 && total>>mulShift&fieldMask <= 1 && total>>divShift&fieldMask <= 1 {
		return limitsHoldShort(ents)
	}
	var check uint32
	if n > startWidth {
		if last < uint32(len(s.startCount)) {
			if !s.startsSpread(ents) {
				return false
			}
		} else {
			check |= checkStarts
		}
	}
	if total>>aluShift&fieldMask > 4 || total>>mulShift&fieldMask > 1 || total>>divShift&fieldMask > 1 {
		check |= checkUnits
	}
	if check == 0 {
		return true
	}
	for base := uint32(0); base <= last; base += 64 {
		if !limitsHoldIn(ents, base, check) {
			return false
		}
	}
	return true
}

// startsSpread reports whether at most startWidth entries start in any
// cycle; the starts must be below len(s.startCount).
func (s *pipeline) startsSpread(ents []smallEntry) bool {
	ok := true
	for i := range ents {
		c := &s.startCount[uint8(ents[i].start)]
		*c++
		if *c > startWidth {
			ok = false
		}
	}
	for i := range ents {
		s.startCount[uint8(ents[i].start)] = 0
	}
	return ok
}

// What limitsHoldIn checks.
const (
	checkStarts = 1 << iota
	checkUnits
)

// limitsHoldIn is limitsHold for the cycles base..base+63. It counts per
// cycle with bit-sliced counters: bit t of plane k is bit k of the count at
// cycle base+t, and ov is set where a count passed 7. It counts every unit
// whatever check says (a unit the block does not use more of than the
// machine has cannot overflow), and starts only if asked to; the counting
// is branch-free.
func limitsHoldIn(ents []smallEntry, base, check uint32) bool {
	var st0, st1, st2, stOv, alu0, alu1, alu2, aluOv, mul, div, clash uint64
	for i := range ents {
		e := &ents[i]
		if check&checkStarts != 0 && e.start-base < 64 {
			st0, st1, st2, stOv = count3(st0, st1, st2, stOv, uint64(1)<<(e.start-base))
		}
		// The cycles the entry holds its units, within the window.
		u := uint64(e.units)
		busy := cyclesBelow(e.finish-min(base, e.finish)) &^ cyclesBelow(e.start-min(base, e.start))
		// ALU: one (bit 0) or two (bit 1), never both. Adding two is adding
		// one at the second plane.
		one := busy & -(u >> aluShift & 1)
		two := busy & -(u >> (aluShift + 1) & 1)
		alu0, alu1, alu2, aluOv = countALU(alu0, alu1, alu2, aluOv, one, two)
		// MUL and DIV: one each, so any overlap is too many.
		m := busy & -(u >> mulShift & 1)
		d := busy & -(u >> divShift & 1)
		clash |= mul&m | div&d
		mul |= m
		div |= d
	}
	// More than 4 ALUs: 101, 110, 111 or overflow. More than 5 starts: 110,
	// 111 or overflow.
	tooBusy := aluOv | alu2&(alu1|alu0)
	tooMany := stOv | st2&st1
	return tooBusy|tooMany|clash == 0
}

// count3 adds x, one bit per cycle, to the 3-bit counters whose bit planes
// are p0, p1, p2; ov collects the cycles that count past 7.
func count3(p0, p1, p2, ov, x uint64) (uint64, uint64, uint64, uint64) {
	p1, p2, ov = carry2(p1, p2, ov, p0&x)
	return p0 ^ x, p1, p2, ov
}

// countALU adds one ALU (the cycles in one) or two (those in two; never
// both in a cycle) to the counters of count3: two is one at the second
// plane.
func countALU(p0, p1, p2, ov, one, two uint64) (uint64, uint64, uint64, uint64) {
	p1, p2, ov = carry2(p1, p2, ov, p0&one|two)
	return p0 ^ one, p1, p2, ov
}

// carry2 adds x at the second plane of count3's counters.
func carry2(p1, p2, ov, x uint64) (uint64, uint64, uint64) {
	c := p1 & x
	return p1 ^ x, p2 ^ c, ov | p2&c
}

// limitsHoldShort is limitsHold for the usual schedule: one that ends
// within the first 64 cycles and needs no more than one MUL and one DIV in
// all. An entry is then busy exactly in the bits from its start up to its
// finish, and only starts and ALUs are left to count (as limitsHoldIn does;
// counting both always is cheaper than deciding which can bind).
func limitsHoldShort(ents []smallEntry) bool {
	var st0, st1, st2, stOv, alu0, alu1, alu2, aluOv uint64
	for i := range ents {
		e := &ents[i]
		// Table lookups rather than variable shifts, which x86 only does
		// through CL.
		bit := cycleBit[e.start&63]
		st0, st1, st2, stOv = count3(st0, st1, st2, stOv, bit)

		busy := cycleBit[e.finish&63] - bit
		u := uint64(e.units)
		one := busy & -(u >> aluShift & 1)
		two := busy & -(u >> (aluShift + 1) & 1)
		alu0, alu1, alu2, aluOv = countALU(alu0, alu1, alu2, aluOv, one, two)
	}
	tooBusy := aluOv | alu2&(alu1|alu0)
	tooMany := stOv | st2&st1
	return tooBusy|tooMany == 0
}

// cycleBit is the set of cycle i alone, for each i of a 64-cycle window.
var cycleBit = func() (t [64]uint64) {
	for i := range t {
		t[i] = 1 << i
	}
	return t
}()

// cyclesBelow is the set of the first x cycles of a 64-cycle window.
func cyclesBelow(x uint32) uint64 {
	return uint64(1)<<min(x, 64) - 1
}
