package recompile

import (
	"slices"
	"testing"
	"time"

	"github.com/pvmd/pvmd/recompile/internal/amd64"
	"github.com/pvmd/pvmd/recompile/internal/native"
)

// BenchmarkLoopBound runs the loop-carried work of the benchmark programs'
// loops and nothing else (no gas, no memory checks, no exits), as native
// code: the speed no engine can beat on this CPU at its current clock.
// This machine's clock drifts by ±10% within minutes, so compare an
// engine's speed with this bound measured in the same sitting:
//
//		go test ./recompile -run '^$' -bench 'LoopBound|Countdown|Mixed' -count 5
//
//	  - countdown: `add r,-1; jne` is one taken branch per iteration, and a
//	    core takes at most one per cycle (and an add whose flags a branch
//	    reads takes its full cycle).
//	  - mixed: the LCG step `imul; add` is 3+1 cycles of latency carried from
//	    one iteration to the next.
func BenchmarkLoopBound(b *testing.B) {
	if !Supported() {
		b.Skip("no native code here")
	}
	counter := native.GuestReg[7]
	x, a := native.GuestReg[8], native.GuestReg[10]
	for _, l := range []struct {
		name   string
		iters  uint64
		instrs float64 // PVM instructions of the benchmark program
		body   func(as *amd64.Asm)
	}{
		{"countdown", 100_000_000, 200_000_003, func(*amd64.Asm) {}},
		{"mixed", 20_000_000, 180_000_006, func(as *amd64.Asm) {
			as.Imul(x, a)
			as.ALURI(amd64.ADD, x, 0x3039)
		}},
	} {
		b.Run(l.name, func(b *testing.B) {
			as := amd64.NewAsm(make([]byte, 256), 0)
			as.AlignNop(64)
			head := as.Len()
			l.body(&as)
			as.ALURI(amd64.ADD, counter, -1)
			as.JccTo(amd64.CondNE, head)
			as.Ret() // back to the trampoline, as an exit would
			code, err := native.NewCode(as.Code())
			if err != nil {
				b.Fatal(err)
			}
			defer code.Release()
			var ctx native.Context
			ctx.Entry = code.Base() + uintptr(head)
			var runs []time.Duration
			for b.Loop() {
				ctx.Regs[7], ctx.Regs[8], ctx.Regs[10] = l.iters, 1, 0x5851f42d4c957f2d
				start := time.Now()
				native.Enter(&ctx)
				runs = append(runs, time.Since(start))
				if ctx.Regs[7] != 0 {
					b.Fatalf("loop stopped at %d", ctx.Regs[7])
				}
			}
			// Medians and bests, as benchProgram reports them.
			slices.Sort(runs)
			b.ReportMetric(l.instrs/runs[len(runs)/2].Seconds()/1e6, "Minstr/s")
			b.ReportMetric(l.instrs/runs[0].Seconds()/1e6, "best-Minstr/s")
		})
	}
}
