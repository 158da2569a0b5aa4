package gas

import "math/bits"

// wheelSize bounds how far ahead a finish time can be (the longest latency
// is 100 cycles); finish times are kept in a ring of that many cycles.
const wheelSize = 128

// timingWheel holds the executing entries by the cycle they finish at.
type timingWheel struct {
	pending [2]uint64         // bit c%wheelSize is set if entries finish at c
	entries [wheelSize]uint32 // entries finishing at each cycle (mod wheelSize)
	units   [wheelSize]uint32 // the units they hold, summed
}

// add schedules entry e, holding units, to finish at cycle f.
func (w *timingWheel) add(f, e, units uint32) {
	w.entries[f%wheelSize] |= 1 << e
	w.units[f%wheelSize] += units
	w.pending[f/64%2] |= 1 << (f % 64)
}

// take removes and returns the entries finishing at cycle t and the units
// they release.
func (w *timingWheel) take(t uint32) (entries, units uint32) {
	bit := uint64(1) << (t % 64)
	if w.pending[t/64%2]&bit == 0 {
		return 0, 0
	}
	w.pending[t/64%2] &^= bit
	i := t % wheelSize
	entries, units = w.entries[i], w.units[i]
	w.entries[i], w.units[i] = 0, 0
	return entries, units
}

// next returns the earliest finish time after now, or false if there is
// none.
func (w *timingWheel) next(now uint32) (uint32, bool) {
	lo, hi := w.pending[0], w.pending[1]
	if lo|hi == 0 {
		return 0, false
	}
	// Rotate the 128-bit ring right so that cycle now+1 is bit 0.
	r := (now + 1) % wheelSize
	if r >= 64 {
		lo, hi = hi, lo
		r -= 64
	}
	if r != 0 {
		lo, hi = lo>>r|hi<<(64-r), hi>>r|lo<<(64-r)
	}
	if lo != 0 {
		return now + 1 + uint32(bits.TrailingZeros64(lo)), true
	}
	return now + 65 + uint32(bits.TrailingZeros64(hi)), true
}

// clear empties the wheel.
func (w *timingWheel) clear() {
	for k := range w.pending {
		for x := w.pending[k]; x != 0; x &= x - 1 {
			i := k*64 + bits.TrailingZeros64(x)
			w.entries[i], w.units[i] = 0, 0
		}
		w.pending[k] = 0
	}
}
