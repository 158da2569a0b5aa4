package engines

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
	"github.com/pvmd/pvmd/vm/vectors"
)

// vectorSets are the four conformance sets and how many cases each has.
var vectorSets = []struct {
	dir   string
	cases int
}{
	{"w3f-pvm-v0.4/programs", 307},
	{"polkavm-gp07", 249},
	{"polkavm-gp080", 253},
	{"gas-cost-model/programs", 356},
	{"gas-cost-model/integration-tests", 3},
}

// TestVectors runs every conformance vector on every engine of this build.
func TestVectors(t *testing.T) {
	for _, eng := range all() {
		for _, set := range vectorSets {
			dir := shared.Require(t, "vectors", set.dir)
			t.Run(eng.Name()+"/"+set.dir, func(t *testing.T) {
				files, err := vectors.Expand([]string{dir})
				if err != nil {
					t.Fatal(err)
				}
				if len(files) != set.cases {
					t.Fatalf("%d files in %s, want %d", len(files), dir, set.cases)
				}
				passed, diverged := 0, 0
				for _, path := range files {
					f, err := vectors.Load(path)
					if err != nil {
						t.Fatal(err)
					}
					res := vectors.Run(f, eng, vectors.ProfileFor(f))
					switch {
					case res.Divergence != "":
						diverged++
					case res.Passed():
						passed++
					default:
						t.Errorf("%s: %v", filepath.Base(path), res.Diffs)
					}
				}
				if diverged > 2 {
					t.Errorf("%d known divergences; only the two read-only-write cases are known", diverged)
				}
				t.Logf("%d passed, %d known divergences", passed, diverged)
			})
		}
	}
}

// BenchmarkPrograms runs the benchmark programs of ../shared/bench whole:
// decode, compile, instantiate and run, reporting PVM instructions per second.
func BenchmarkPrograms(b *testing.B) {
	for _, eng := range all() {
		for _, name := range []string{"countdown_100000000", "mixed_20000000", "countdown_1000", "mixed_1000"} {
			path := shared.Require(b, "bench", name+".json")
			f, err := vectors.Load(path)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(eng.Name()+"/"+name, func(b *testing.B) {
				var instructions uint64
				for b.Loop() {
					m, err := vectors.NewFlat(f.Flat, eng, vm.GP08)
					if err != nil {
						b.Fatal(err)
					}
					exit, err := m.Run(context.Background())
					if err != nil || exit.Status != vm.Halt {
						b.Fatalf("exit %v, %v", exit, err)
					}
					instructions = m.State().Instructions
					m.Close()
				}
				b.ReportMetric(float64(instructions)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Minstr/s")
			})
		}
	}
}

// Every engine keeps the Instance contract for a closed instance: Run fails
// with vm.ErrClosed (never a crash) and Close may be called again.
func TestRunAfterClose(t *testing.T) {
	blob := isa.NewAsm(isa.GP08).I(isa.Ins{Op: isa.Trap}).MustBlob()
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		t.Fatal(err)
	}
	for _, eng := range all() {
		c, err := eng.Compile(cb, vm.GP08)
		if err != nil {
			t.Fatal(err)
		}
		mem, err := memory.New()
		if err != nil {
			t.Fatal(err)
		}
		inst := c.Instantiate(mem, 0)
		if err := inst.Close(); err != nil {
			t.Errorf("%s: Close: %v", eng.Name(), err)
		}
		if _, err := inst.Run(context.Background()); !errors.Is(err, vm.ErrClosed) {
			t.Errorf("%s: Run after Close: %v, want vm.ErrClosed", eng.Name(), err)
		}
		if err := inst.Close(); err != nil {
			t.Errorf("%s: second Close: %v", eng.Name(), err)
		}
		c.Release()
	}
}
