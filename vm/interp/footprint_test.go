package interp

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
	"github.com/pvmd/pvmd/vm/vectors"
)

func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

func TestIdleInstanceCost(t *testing.T) {
	blob := asm(isa.Ins{Op: isa.Trap}).MustBlob()
	cb, _ := program.DecodeCodeBlob(blob)
	c, _ := New().Compile(cb, vm.GP08)
	before := heapInUse()
	const n = 50
	insts := make([]vm.Instance, n)
	for i := range insts {
		mem, err := memory.New()
		if err != nil {
			t.Fatal(err)
		}
		insts[i] = c.Instantiate(mem, 0)
	}
	per := (heapInUse() - before) / n
	t.Logf("an instance with nothing mapped holds %d bytes of Go heap", per)
	if per > 64<<10 {
		t.Errorf("%d bytes per idle instance, want under 64 KiB", per)
	}
	for _, x := range insts {
		x.Close()
	}
}

// realisticProgram assembles about size bytes of code with the mix of a
// compiled guest: ALU work, loads and stores, branches every few
// instructions.
func realisticProgram(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	a := isa.NewAsm(isa.GP08)
	n := 0
	for int(a.PC()) < size {
		label := string(rune('a'+n%26)) + string(rune('a'+n/26%26)) + string(rune('a'+n/676%26)) + string(rune('a'+n/17576%26))
		a.Label(label)
		for k := 0; k < 4+rng.IntN(6); k++ {
			ra, rb, rd := uint8(rng.IntN(13)), uint8(rng.IntN(13)), uint8(rng.IntN(13))
			switch rng.IntN(5) {
			case 0:
				a.I(isa.Ins{Op: isa.AddImm64, A: ra, B: rb, Imm: int64(rng.IntN(4096)) - 2048})
			case 1:
				a.I(isa.Ins{Op: isa.Add64, A: ra, B: rb, D: rd})
			case 2:
				a.I(isa.Ins{Op: isa.LoadIndU64, A: ra, B: rb, Imm: int64(rng.IntN(256))})
			case 3:
				a.I(isa.Ins{Op: isa.StoreIndU32, A: ra, B: rb, Imm: int64(rng.IntN(256))})
			default:
				a.I(isa.Ins{Op: isa.MoveReg, D: rd, A: ra})
			}
		}
		a.I(isa.Ins{Op: isa.BranchNeImm, A: uint8(rng.IntN(13)), Imm: 0, Label: label})
		n++
	}
	return a.MustBlob()
}

func TestLargeProgramFootprint(t *testing.T) {
	blob := realisticProgram(1 << 20)
	before := heapInUse()
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New().Compile(cb, vm.GP08)
	if err != nil {
		t.Fatal(err)
	}
	held := heapInUse() - before
	ratio := float64(held) / float64(len(blob))
	t.Logf("a %d-byte program holds %d bytes once compiled (%.1fx)", len(blob), held, ratio)
	if ratio > 10 {
		t.Errorf("compiled program holds %.1fx its size, want at most 10x", ratio)
	}
	runtime.KeepAlive(c)
}

// BenchmarkCompileDoom decodes and compiles the largest program we have
// (630 KB of code, 34,317 blocks) under GP 0.8.
func BenchmarkCompileDoom(b *testing.B) {
	path := shared.Require(b, "vectors", "gas-cost-model", "integration-tests", "doom.json")
	f, err := vectors.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cb, err := program.DecodeCodeBlob(f.Stepped.Program)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := New().Compile(cb, vm.Profile{Numbering: isa.Latest64, Gas: vm.GasBlockCost}); err != nil {
			b.Fatal(err)
		}
	}
}
