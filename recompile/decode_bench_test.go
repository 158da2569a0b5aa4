package recompile

import (
	"slices"
	"testing"
	"time"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm"
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

// walkAll walks the whole program and counts the positions. It is a
// separate function so that callgrind can count just the walk:
// valgrind --tool=callgrind --toggle-collect='*recompile.walkAll'.
//
//go:noinline
func walkAll(code, bitmask []byte, num isa.Numbering) int {
	w := newWalker(code, bitmask, num)
	var in isa.Instruction
	n := 0
	for w.next(&in) {
		n++
	}
	return n
}

func BenchmarkWalkDoom(b *testing.B) {
	cb := loadDoom(b)
	for b.Loop() {
		walkAll(cb.Code, cb.Bitmask, isa.Latest64)
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

func BenchmarkCompileDoom(b *testing.B) {
	cb := loadDoom(b)
	for _, p := range []vm.Profile{{Numbering: isa.Latest64, Gas: vm.GasBlockCost}, {Numbering: isa.Latest64, Gas: vm.GasBlockInstructions}} {
		b.Run(p.String(), func(b *testing.B) {
			for b.Loop() {
				c, err := New().Compile(cb, p)
				if err != nil {
					b.Fatal(err)
				}
				c.Release()
			}
		})
	}
}

// TestCompileSpeed reports the time to compile doom (thread CPU time).
func TestCompileSpeed(t *testing.T) {
	if testing.Short() || !Supported() {
		t.Skip("slow or unsupported")
	}
	cb := loadDoom(t)
	for _, p := range []vm.Profile{{Numbering: isa.Latest64, Gas: vm.GasBlockCost}, {Numbering: isa.Latest64, Gas: vm.GasBlockInstructions}} {
		var size int
		var walls, cpus []time.Duration
		for i := 0; i < 31; i++ {
			p0, w0 := processTime(), time.Now()
			c, err := New().Compile(cb, p)
			if err != nil {
				t.Fatal(err)
			}
			walls = append(walls, time.Since(w0))
			cpus = append(cpus, processTime()-p0)
			size = c.SizeBytes()
			c.Release()
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		t.Logf("compile doom (%d bytes of code) %v: wall median %v, best %v; CPU (all threads) median %v; compiled size %d bytes",
			len(cb.Code), p, walls[len(walls)/2], walls[0], cpus[len(cpus)/2], size)
	}
}
