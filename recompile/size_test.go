package recompile

import (
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
)

// TestCodeSize reports how big doom's native code is, by instruction kind.
func TestCodeSize(t *testing.T) {
	if !Supported() {
		t.Skip("unsupported")
	}
	cb := loadDoom(t)
	p := vm.Profile{Numbering: isa.Latest64, Gas: vm.GasBlockInstructions}
	defer func(b int) { partBytes = b }(partBytes)
	partBytes = 1 << 30 // one part, so that code offsets follow instruction order
	c, err := Engine{feat: hostFeatures()}.compile(cb, p, countNone)
	if err != nil {
		t.Fatal(err)
	}
	defer c.img.Release()
	bytesBy := map[string]int{}
	countBy := map[string]int{}
	// Instructions Go enters through cold code (later accesses of a group,
	// branches using the flags) have their hot code counted with the
	// instruction before.
	hot := func(i int) bool { return c.offs[i] < uint32(c.coldOrg) }
	for i := range c.pcs {
		end := int(c.offs[i]) // the last instruction: a trap, counted as nothing
		next := i + 1
		for next < len(c.pcs) && !hot(next) {
			next++
		}
		if next < len(c.pcs) {
			end = int(c.offs[next])
		}
		if !hot(i) {
			end = int(c.offs[i])
		}
		var in isa.Instruction
		decodeAt(cb.Code, cb.Bitmask, p.Numbering, c.pcs[i], &in)
		name := in.Op.String()
		if !in.Valid {
			name = "invalid"
		}
		k := kindOf(in.Op)
		bytesBy[k] += end - int(c.offs[i])
		countBy[k]++
		_ = name
	}
	t.Logf("instructions %d, blocks %d, hot %d bytes, cold %d bytes", len(c.pcs), len(c.bStart), c.hotBytes, c.coldBytes)
	for k, b := range bytesBy {
		t.Logf("%-10s %7d instrs %8d bytes %5.1f bytes each", k, countBy[k], b, float64(b)/float64(countBy[k]))
	}
}

func kindOf(op isa.Op) string {
	switch {
	case accessSize(op) < 8 || op == isa.LoadU64 || op == isa.LoadIndU64 || op == isa.StoreU64 || op == isa.StoreIndU64 || op == isa.StoreImmU64 || op == isa.StoreImmIndU64:
		return "memory"
	case op.IsBranch():
		return "branch"
	case op.IsTerminator():
		return "jump"
	}
	return "other"
}
