package recompile

import (
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/program"
	"github.com/pvmd/pvmd/vm/vectors"
)

func loadDoom(tb testing.TB) *program.CodeBlob {
	tb.Helper()
	f, err := vectors.Load(shared.Require(tb, "vectors", "gas-cost-model", "integration-tests", "doom.json"))
	if err != nil {
		tb.Fatal(err)
	}
	cb, err := program.DecodeCodeBlob(f.Stepped.Program)
	if err != nil {
		tb.Fatal(err)
	}
	return cb
}

func BenchmarkWalkDoom(b *testing.B) {
	cb := loadDoom(b)
	for b.Loop() {
		w := newWalker(cb.Code, cb.Bitmask, isa.Latest64)
		var in isa.Instruction
		n := 0
		for w.next(&in) {
			n++
		}
	}
}

func BenchmarkAnalyzeDoom(b *testing.B) {
	cb := loadDoom(b)
	for b.Loop() {
		isa.Analyze(cb.Code, cb.Bitmask, cb.JumpTable, isa.Latest64)
	}
}

func BenchmarkGasCostsDoom(b *testing.B) {
	cb := loadDoom(b)
	p := analyze(cb.Code, cb.Bitmask, cb.JumpTable, isa.Latest64)
	b.ResetTimer()
	for b.Loop() {
		gasCostsAll(p)
	}
}
