package recompile

import (
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/recompile/internal/amd64"
	"github.com/pvmd/pvmd/recompile/internal/native"
	"github.com/pvmd/pvmd/vm/vectors"
)

// BenchmarkLoopBound runs, as native code, the loop-carried work of the
// benchmark programs' loops as written and nothing else (no gas, no memory
// checks, no exits): the speed no engine can beat on this CPU at its
// current clock without changing the chain itself, as split loops do
// (split.go: pvmd runs both loops faster than this). Beside them it runs
// mixed's whole loop as PolkaVM lays it out.
// This machine's clock drifts by ±10% within minutes, so compare an
// engine's speed with these loops measured in the same sitting:
//
//		go test ./recompile -run '^$' -bench 'LoopBound|Countdown|Mixed' -count 5
//
//	  - countdown: `add r,-1; jne` is one taken branch per iteration, and a
//	    core takes at most one per cycle (and an add whose flags a branch
//	    reads takes its full cycle).
//	  - mixed: the LCG step `imul; add` is 3+1 cycles of latency carried from
//	    one iteration to the next.
//	  - mixed-polkavm-shape: mixed's whole loop as PolkaVM's recompiler lays
//	    it out (its generic sandbox with synchronous gas metering: `sub`
//	    and `cmp` on the gas in memory, then `js`; the access is
//	    `[memory base + address]` with no software check, the guard pages
//	    being its check). Not a bound, but what PolkaVM's code does on this
//	    machine at this clock, without its compile or sandbox costs.
func BenchmarkLoopBound(b *testing.B) {
	if !Supported() {
		b.Skip("no native code here")
	}
	counter := native.GuestReg[7]
	x, a := native.GuestReg[8], native.GuestReg[10]
	base, addr, val, mem := native.GuestReg[9], native.GuestReg[11], native.GuestReg[12], native.GuestReg[6]
	const guestBase = 0x20000 // mixed's φ9
	heap := make([]uint64, 4096/8)
	for _, l := range []struct {
		name   string
		file   string // the benchmark program, for its expected registers
		iters  uint64
		instrs float64 // PVM instructions of the benchmark program
		check  []int   // the registers the loop computes as the program does
		// body emits the loop's body before the counter and the branch
		// back, and returns the short jumps out of the loop.
		body func(as *amd64.Asm) (exits []int)
	}{
		{"countdown", "countdown_100000000.json", 100_000_000, 200_000_003, []int{7}, func(*amd64.Asm) []int { return nil }},
		{"mixed", "mixed_20000000.json", 20_000_000, 180_000_006, []int{7, 8}, func(as *amd64.Asm) []int {
			as.Imul(x, a)
			as.ALURI(amd64.ADD, x, 0x3039)
			return nil
		}},
		{"mixed-polkavm-shape", "mixed_20000000.json", 20_000_000, 180_000_006, []int{7, 8, 11, 12}, func(as *amd64.Asm) []int {
			gas := amd64.M(rsp, fGas)
			as.ALUMI(8, amd64.SUB, gas, 57) // mixed's block cost (GP 0.8)
			as.ALUMI(8, amd64.CMP, gas, 0)
			out := as.JccShort(amd64.CondS)
			as.Imul(x, a)
			as.ALURI(amd64.ADD, x, 0x3039)
			as.MovRR(addr, x)
			as.ALURI(amd64.AND, addr, 0xff8)
			as.ALURR(amd64.ADD, addr, base)
			as.Load(8, val, amd64.MI(mem, addr, 1, 0))
			as.ALURR(amd64.XOR, val, x)
			as.Store(8, amd64.MI(mem, addr, 1, 0), val)
			return []int{out}
		}},
	} {
		b.Run(l.name, func(b *testing.B) {
			as := amd64.NewAsm(make([]byte, 256), 0)
			as.AlignNop(64)
			head := as.Len()
			exits := l.body(&as)
			as.ALURI(amd64.ADD, counter, -1)
			as.JccTo(amd64.CondNE, head)
			for _, at := range exits {
				as.PatchShort(at)
			}
			as.Ret() // back to the trampoline, as an exit would
			code, err := native.NewCode(as.Code())
			if err != nil {
				b.Fatal(err)
			}
			defer code.Release()
			want := expectedRegs(b, l.file)
			var ctx native.Context
			ctx.Entry = code.Base() + uintptr(head)
			var runs []time.Duration
			for b.Loop() {
				clear(heap)
				ctx.Regs[7], ctx.Regs[8], ctx.Regs[10] = l.iters, 1, 0x5851f42d4c957f2d
				ctx.Regs[9], ctx.Regs[6] = guestBase, uint64(uintptr(unsafe.Pointer(&heap[0])))-guestBase
				ctx.Gas = 1 << 62
				start := time.Now()
				native.Enter(&ctx)
				runs = append(runs, time.Since(start))
				runtime.KeepAlive(heap)
				for _, r := range l.check {
					if want != nil && ctx.Regs[r] != want[r] {
						b.Fatalf("φ%d = %d after the loop, but the program ends with %d", r, ctx.Regs[r], want[r])
					}
				}
			}
			// Medians and bests, as benchProgram reports them.
			slices.Sort(runs)
			b.ReportMetric(l.instrs/runs[len(runs)/2].Seconds()/1e6, "Minstr/s")
			b.ReportMetric(l.instrs/runs[0].Seconds()/1e6, "best-Minstr/s")
		})
	}
}

// expectedRegs are the registers a benchmark program ends with, or nil
// (with a note) if the shared data is absent: the bound needs none of it.
func expectedRegs(b *testing.B, file string) []uint64 {
	f, err := vectors.Load(shared.Path("bench", file))
	if err != nil {
		b.Logf("not checking the loop's result: %v", err)
		return nil
	}
	return f.Flat.ExpectedRegs
}
