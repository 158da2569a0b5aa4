package recompile

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/vectors"
)

// runBench compiles and runs a benchmark program, checks its result and
// returns the elapsed time of the whole run (compile, instantiate, run and
// release), the gas used and the instruction count.
func runBench(tb testing.TB, eng vm.Engine, p vm.Profile, file string) (time.Duration, int64, uint64) {
	tb.Helper()
	f, err := vectors.Load(shared.Require(tb, "bench", file))
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	m, err := vectors.NewFlat(f.Flat, eng, p)
	if err != nil {
		tb.Fatal(err)
	}
	exit, err := m.Run(context.Background())
	regs, gas, n := m.State().Regs, m.State().Gas, m.State().Instructions
	m.Close()
	el := time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	if exit.Status.String() != f.Flat.ExpectedStatus {
		tb.Fatalf("%s: status %v, want %s", file, exit, f.Flat.ExpectedStatus)
	}
	for i, r := range f.Flat.ExpectedRegs {
		if regs[i] != r {
			tb.Fatalf("%s: φ%d = %d, want %d", file, i, regs[i], r)
		}
	}
	return el, f.Flat.InitialGas - gas, n
}

// benchProgram reports the median and the best of the runs' speeds
// (Minstr/s, best-Minstr/s): the host slows single runs by up to 10%,
// which a mean carries and a median does not. The framework's ns/op is a
// mean that also counts loading the file.
func benchProgram(b *testing.B, eng vm.Engine, file string, instrs float64) {
	var runs []time.Duration
	for b.Loop() {
		el, _, _ := runBench(b, eng, vm.GP08, file)
		runs = append(runs, el)
	}
	slices.Sort(runs)
	speed := func(d time.Duration) float64 { return instrs / d.Seconds() / 1e6 }
	b.ReportMetric(speed(runs[len(runs)/2]), "Minstr/s")
	b.ReportMetric(speed(runs[0]), "best-Minstr/s")
}

func BenchmarkCountdown(b *testing.B) {
	benchProgram(b, New(), "countdown_100000000.json", 200_000_003)
}
func BenchmarkMixed(b *testing.B) { benchProgram(b, New(), "mixed_20000000.json", 180_000_006) }

func TestBenchPrograms(t *testing.T) {
	for _, file := range []string{"countdown_1000.json", "mixed_1000.json", "countdown_100000000.json", "mixed_20000000.json"} {
		for _, p := range []vm.Profile{vm.GP08, vm.GP07} {
			el, used, n := runBench(t, New(), p, file)
			t.Logf("%s %v: %v, gas used %d, %d instructions", file, p, el, used, n)
			if testing.Short() || len(file) > 20 {
				continue
			}
			_, iused, in := runBench(t, interp.New(), p, file)
			if iused != used || in != n {
				t.Errorf("%s %v: gas used %d instructions %d; interpreter %d %d", file, p, used, n, iused, in)
			}
		}
	}
}

// TestSpeed reports the speed of the benchmark programs (whole runs,
// including compile), by thread CPU time. Run with -v; it checks nothing
// beyond the results.
func TestSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for _, b := range []struct {
		file   string
		instrs float64
	}{{"countdown_100000000.json", 200_000_003}, {"mixed_20000000.json", 180_000_006}} {
		for _, p := range []vm.Profile{vm.GP08, vm.GP07} {
			med, best, wall := measure(7, func() { runBench(t, New(), p, b.file) })
			t.Logf("%-26s %-7v median %6.1f ms (%5.0f M instr/s), best %6.1f ms (%5.0f M instr/s), wall median %6.1f ms",
				b.file, p, ms(med), b.instrs/med.Seconds()/1e6, ms(best), b.instrs/best.Seconds()/1e6, ms(wall))
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
