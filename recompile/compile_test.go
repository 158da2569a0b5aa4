package recompile

import "testing"

// The packed count never reaches the gas bits: for any slot packedSlice
// allows, paying blocks of the worst ratio and then failing on the longest
// block keeps the count below 2^countShift.
func TestPackedSlice(t *testing.T) {
	for _, tc := range []struct{ ratio, maxLen uint64 }{{1, 1}, {4, 100}, {17, 5000}, {1000, 1 << 20}, {1, 1<<23 - 1}} {
		s := packedSlice(tc.ratio, tc.maxLen)
		if s <= 0 {
			continue
		}
		if worst := uint64(s)*tc.ratio + tc.maxLen; worst >= 1<<countShift {
			t.Errorf("ratio %d, longest block %d: slice %d allows a count of %d", tc.ratio, tc.maxLen, s, worst)
		}
	}
	if packedSlice(1, 1<<23) > 0 {
		t.Error("a block of 2^23 instructions must not be packed")
	}
}
