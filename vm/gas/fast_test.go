package gas

import (
	"math/rand"
	"testing"
)

// pairwiseHold is limitsHold done the obvious way: at every start, count the
// entries starting then and add up the units of the entries executing then.
func pairwiseHold(ents []smallEntry) bool {
	for _, a := range ents {
		t := a.start
		free, count := uint32(unitsFree), 0
		for _, b := range ents {
			if b.start == t {
				count++
			}
			if b.start <= t && t < b.finish {
				if free -= b.units; free&guardMask != guardMask {
					return false
				}
			}
		}
		if count > startWidth {
			return false
		}
	}
	return true
}

// checkLimits compares check with pairwiseHold on 100,000 schedules from
// gen, which must be neither almost always nor almost never within the
// limits.
func checkLimits(t *testing.T, gen func() []smallEntry, check func([]smallEntry) bool) {
	t.Helper()
	bad, holds := 0, 0
	for it := 0; it < 100000 && bad < 5; it++ {
		ents := gen()
		want := pairwiseHold(ents)
		if got := check(ents); got != want {
			bad++
			t.Errorf("n=%d want %v got %v: %+v", len(ents), want, got, ents)
		}
		if want {
			holds++
		}
	}
	if holds < 10000 || holds > 90000 {
		t.Errorf("the limits hold in %d of 100000 schedules: too lopsided to test much", holds)
	}
}

// TestLimitsHold checks the bit-sliced limit check on random schedules,
// including long ones that need several 64-cycle windows.
func TestLimitsHold(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	unitsChoices := []uint32{0, useALU, useALU2, useLoad, useStore, useMul, useDiv}
	var p pipeline
	var total, last uint32
	gen := func() []smallEntry {
		n := 1 + rng.Intn(31)
		ents := make([]smallEntry, n)
		span := rng.Intn(3)
		total, last = 0, 0
		for i := range ents {
			st := uint32(rng.Intn([]int{20, 150, 400}[span]))
			lat := uint32(1 + rng.Intn(60))
			u := unitsChoices[rng.Intn(len(unitsChoices))]
			ents[i] = smallEntry{start: st, finish: st + lat, units: u}
			total += u
			last = max(last, st+lat)
		}
		return ents
	}
	checkLimits(t, gen, func(ents []smallEntry) bool {
		copy(p.small[:], ents)
		return p.limitsHold(len(ents), last, total)
	})
}

// TestLimitsHoldShort checks the check for short schedules against the
// obvious one on random schedules within its reach: ending within 64 cycles,
// with at most one MUL and one DIV user.
func TestLimitsHoldShort(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	unitsChoices := []uint32{0, useALU, useALU2, useLoad, useStore}
	gen := func() []smallEntry {
		n := 1 + rng.Intn(31)
		ents := make([]smallEntry, n)
		for i := range ents {
			st := uint32(rng.Intn(40))
			lat := uint32(1 + rng.Intn(int(64-st)-1))
			u := unitsChoices[rng.Intn(len(unitsChoices))]
			ents[i] = smallEntry{start: st, finish: st + lat, units: u}
		}
		for _, u := range []uint32{useMul, useDiv} {
			if rng.Intn(2) == 0 {
				ents[rng.Intn(n)].units = u
			}
		}
		return ents
	}
	checkLimits(t, gen, limitsHoldShort)
}
