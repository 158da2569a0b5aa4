package gas

import (
	"path/filepath"
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm/isa"
)

// BenchmarkDoomCosts measures computing every block cost of doom (34,317
// blocks), the part of a whole-program compile this package is responsible
// for. Decoding and analysis are outside the timed loop.
func BenchmarkDoomCosts(b *testing.B) {
	path := filepath.Join(shared.Require(b, "vectors", "gas-cost-model", "integration-tests"), "doom.json")
	v := loadCostVector(b, path)
	p := analyzeBlob(b, v.Program, isa.Latest64)
	costs := make([]uint32, 0, len(v.Costs)+1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		costs = Costs(p, costs[:0])
	}
	b.StopTimer()
	if len(costs) < len(v.Costs) {
		b.Fatalf("%d costs for %d blocks", len(costs), len(v.Costs))
	}
}

// BenchmarkDoomBlockCost is the same work through BlockCost, one call per
// block, as a caller that partitions the program itself would do it.
func BenchmarkDoomBlockCost(b *testing.B) {
	path := filepath.Join(shared.Require(b, "vectors", "gas-cost-model", "integration-tests"), "doom.json")
	v := loadCostVector(b, path)
	p := analyzeBlob(b, v.Program, isa.Latest64)
	type span struct{ start, end int }
	var spans []span
	Blocks(p, func(start, end int) { spans = append(spans, span{start, end}) })
	b.ReportAllocs()
	b.ResetTimer()
	var sum uint64
	for i := 0; i < b.N; i++ {
		for _, s := range spans {
			sum += uint64(BlockCost(p, s.start, s.end))
		}
	}
	b.StopTimer()
	if sum == 0 {
		b.Fatal("no cost")
	}
}

// BenchmarkDoomCalculator is BenchmarkDoomBlockCost through a Calculator.
func BenchmarkDoomCalculator(b *testing.B) {
	path := filepath.Join(shared.Require(b, "vectors", "gas-cost-model", "integration-tests"), "doom.json")
	v := loadCostVector(b, path)
	p := analyzeBlob(b, v.Program, isa.Latest64)
	type span struct{ start, end int }
	var spans []span
	Blocks(p, func(start, end int) { spans = append(spans, span{start, end}) })
	var c Calculator
	b.ReportAllocs()
	b.ResetTimer()
	var sum uint64
	for i := 0; i < b.N; i++ {
		for _, s := range spans {
			sum += uint64(c.BlockCost(p, s.start, s.end))
		}
	}
	b.StopTimer()
	if sum == 0 {
		b.Fatal("no cost")
	}
}
