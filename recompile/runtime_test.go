package recompile

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// loopProgram is a loop of body running n times, then halting.
func loopProgram(num isa.Numbering, n int64, body ...isa.Ins) []byte {
	a := isa.NewAsm(num)
	a.I(isa.Ins{Op: isa.LoadImm64, A: 7, Imm: n})
	a.I(isa.Ins{Op: isa.LoadImm, A: 8, Imm: 1000003})
	a.I(isa.Ins{Op: isa.LoadImm, A: 9, Imm: 7})
	a.I(isa.Ins{Op: isa.Fallthrough})
	a.Label("loop")
	a.I(body...)
	a.I(isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: -1})
	a.I(isa.Ins{Op: isa.BranchNeImm, A: 7, Imm: 0, Label: "loop"})
	a.I(isa.Ins{Op: isa.LoadImm, A: 0, Imm: -65536})
	a.I(isa.Ins{Op: isa.JumpInd, A: 0})
	return a.MustBlob()
}

// mustCompile decodes and compiles blob under p.
func mustCompile(t *testing.T, blob []byte, p vm.Profile) (*program.CodeBlob, vm.Compiled) {
	t.Helper()
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New().Compile(cb, p)
	if err != nil {
		t.Fatal(err)
	}
	return cb, c
}

func startLoop(t *testing.T, p vm.Profile, n int64, body ...isa.Ins) vm.Instance {
	_, c := mustCompile(t, loopProgram(p.Numbering, n, body...), p)
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	inst := c.Instantiate(mem, 0)
	inst.State().Gas = 1 << 62
	return inst
}

// worstStop returns the longest stop-the-world "stopping" latency (the time
// the runtime waited for goroutines to stop for a GC) recorded since before.
func worstStop(before *metrics.Float64Histogram) (time.Duration, *metrics.Float64Histogram) {
	s := []metrics.Sample{{Name: "/sched/pauses/stopping/gc:seconds"}}
	metrics.Read(s)
	h := s[0].Value.Float64Histogram()
	var worst float64
	for i, n := range h.Counts {
		if before != nil {
			n -= before.Counts[i]
		}
		if n > 0 {
			worst = h.Buckets[i+1]
		}
	}
	return time.Duration(worst * 1e9), h
}

// guestLoop is a long loop of body (see loopProgram) under p.
type guestLoop struct {
	name string
	p    vm.Profile
	body []isa.Ins
}

// guestLoops are the loops the runtime tests run: the cheapest block and
// the slowest instruction per gas, under both gas models.
func guestLoops() []guestLoop {
	div := isa.Ins{Op: isa.DivU64, D: 10, A: 8, B: 9}
	return []guestLoop{
		{"countdown/gp-0.8", vm.GP08, nil},
		{"countdown/gp-0.7", vm.GP07, nil},
		{"div/gp-0.8", vm.GP08, []isa.Ins{div, div, div, div}},
		{"div/gp-0.7", vm.GP07, []isa.Ins{div, div, div, div}},
	}
}

// Native code returns to Go at least every few milliseconds of CPU time,
// whatever the guest does.
func TestSliceDuration(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	mul := isa.Ins{Op: isa.MulUpperSU, D: 10, A: 8, B: 9}
	for _, tc := range append(guestLoops(), guestLoop{"mul/gp-0.7", vm.GP07, []isa.Ins{mul, mul, mul, mul}}) {
		inst := startLoop(t, tc.p, 1<<40, tc.body...)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		runtime.LockOSThread()
		t0 := threadTime()
		_, err := inst.Run(ctx)
		cpu := threadTime() - t0
		runtime.UnlockOSThread()
		cancel()
		slices := inst.(*instance).slices
		inst.Close()
		if !errors.Is(err, context.DeadlineExceeded) || slices == 0 {
			t.Fatalf("%s: %v after %d slices", tc.name, err, slices)
		}
		per := cpu / time.Duration(slices)
		t.Logf("%-18s %5d slices, %v CPU each", tc.name, slices, per)
		if per > 3*time.Millisecond {
			t.Errorf("%s: slices of %v", tc.name, per)
		}
	}
}

// The Go runtime keeps working while a guest runs: a GC started during a
// long guest loop completes quickly, and a cancelled context stops the guest
// quickly. Wall-clock limits are at the mercy of the machine's load (on a
// busy machine a GC takes tens of milliseconds with no guest at all), so
// each case gets three attempts and only fails with RECOMPILE_STRICT_TIMING
// set; TestSliceDuration checks the cause, by CPU time.
func TestRuntimeResponsive(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	if testing.Short() {
		t.Skip("slow")
	}
	for _, tc := range guestLoops() {
		t.Run(tc.name, func(t *testing.T) {
			var msgs []string
			for attempt := 0; attempt < 3; attempt++ {
				msg, ok := responsiveOnce(t, tc.p, tc.body)
				t.Log(msg)
				if ok {
					return
				}
				msgs = append(msgs, msg)
			}
			if os.Getenv("RECOMPILE_STRICT_TIMING") != "" {
				t.Errorf("the runtime waited too long: %v", msgs)
			} else {
				t.Logf("the runtime waited too long (the machine is busy? set RECOMPILE_STRICT_TIMING=1 to fail): %v", msgs)
			}
		})
	}
}

func responsiveOnce(t *testing.T, p vm.Profile, body []isa.Ins) (string, bool) {
	inst := startLoop(t, p, 1<<40, body...)
	defer inst.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stopped time.Time
	go func() {
		_, err := inst.Run(ctx)
		stopped = time.Now()
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	_, hist := worstStop(nil)
	var worstGC time.Duration
	for i := 0; i < 5; i++ {
		start := time.Now()
		runtime.GC()
		worstGC = max(worstGC, time.Since(start))
		time.Sleep(10 * time.Millisecond)
	}
	stopping, _ := worstStop(hist)
	cancelAt := time.Now()
	cancel()
	err := <-done
	lat := stopped.Sub(cancelAt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	// The instance carries on where it stopped.
	inst.State().Regs[7] = 1000
	if exit, err := inst.Run(context.Background()); err != nil || exit.Status != vm.Halt {
		t.Fatalf("resumed run: %v %v", exit, err)
	}
	msg := fmt.Sprintf("worst runtime.GC %v (stopping the world: at most %v), cancel latency %v", worstGC, stopping, lat)
	return msg, worstGC <= 10*time.Millisecond && lat <= 10*time.Millisecond
}

// Generated code runs in the runtime's system-call state, so a
// stop-the-world never waits for it: runtime.Stack of all goroutines (which
// stops the world) finds the guest's goroutine inside native.Enter, marked
// as in a system call, rather than waiting for its slice to end.
func TestNativeCodeRunsAsSyscall(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	inst := startLoop(t, vm.GP08, 1<<40)
	defer inst.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := inst.Run(ctx)
		done <- err
	}()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	}()
	// Before its first slice, and between slices, the goroutine is in Go;
	// a stop-the-world that had to wait for it would always find it there.
	buf := make([]byte, 1<<20)
	for attempt := 0; attempt < 200; attempt++ {
		time.Sleep(time.Millisecond)
		dump := string(buf[:runtime.Stack(buf, true)])
		for _, g := range strings.Split(dump, "\n\n") {
			header, _, _ := strings.Cut(g, "\n")
			if strings.Contains(g, "native.Enter(") && strings.Contains(header, "[syscall") {
				return
			}
		}
	}
	t.Fatal("a stop-the-world never found the guest's goroutine inside native code, in a system call")
}

// chaseProgram follows a chain of 32-bit pointers from start, n steps.
func chaseProgram(num isa.Numbering, n int64, start uint32) []byte {
	a := isa.NewAsm(num)
	a.I(isa.Ins{Op: isa.LoadImm64, A: 7, Imm: n})
	a.I(isa.Ins{Op: isa.LoadImm, A: 8, Imm: int64(start)})
	a.I(isa.Ins{Op: isa.Fallthrough})
	a.Label("loop")
	a.I(isa.Ins{Op: isa.LoadIndU32, A: 8, B: 8})
	a.I(isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: -1})
	a.I(isa.Ins{Op: isa.BranchNeImm, A: 7, Imm: 0, Label: "loop"})
	a.I(isa.Ins{Op: isa.LoadImm, A: 0, Imm: -65536})
	a.I(isa.Ins{Op: isa.JumpInd, A: 0})
	return a.MustBlob()
}

// chaseMemory maps pages pages at base holding one random cycle of
// pointers, one per page, so that every step misses the caches and the
// TLB.
func chaseMemory(t *testing.T, base uint32, pages int, seed uint64) *memory.Memory {
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := mem.SetAccess(base, uint64(pages)*memory.PageSize, memory.ReadWrite); err != nil {
		t.Fatal(err)
	}
	at := func(p int) uint32 { return base + uint32(p)*memory.PageSize + uint32(p%64)*64 }
	order := rand.New(rand.NewPCG(seed, 1)).Perm(pages)
	for i, p := range order {
		var next [4]byte
		binary.LittleEndian.PutUint32(next[:], at(order[(i+1)%pages]))
		if err := mem.Write(at(p), next[:]); err != nil {
			t.Fatal(err)
		}
	}
	return mem
}

// A cancelled context interrupts native code in the middle of a gas slice:
// a guest whose every load misses the caches (tens of milliseconds per
// slice) stops at once, and its state is then exactly the interpreter's
// after the same gas.
func TestCancelInterruptsSlice(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	const base, pages = 0x10000, 1 << 14
	for _, p := range []vm.Profile{vm.GP07, vm.GP08} {
		t.Run(p.String(), func(t *testing.T) {
			cb, c := mustCompile(t, chaseProgram(p.Numbering, 1<<40, base), p)
			defer c.Release()
			if p.Gas != vm.GasBlockCost {
				// One slice for the whole run: only an interrupt stops it.
				c.(*compiled).slice = 1 << 50
			}
			inst := c.Instantiate(chaseMemory(t, base, pages, 7), 0)
			defer inst.Close()
			const gas = 1 << 55
			inst.State().Gas = gas
			x := inst.(*instance)
			// Twice, with two contexts: the second Run arms the interrupt
			// for its own context.
			for round := 1; round <= 2; round++ {
				ctx, cancel := context.WithCancel(context.Background())
				lat := runAndCancel(t, inst, ctx, cancel)
				t.Logf("stopped %v after the cancel: %d interrupts, %d slice ends, %d instructions", lat, x.interrupts, x.slices, x.st.Instructions)
				if p.Gas != vm.GasBlockCost && (x.interrupts != round || x.slices != 0) {
					t.Fatalf("%d interrupts and %d slice ends after %d cancels; want interrupts only", x.interrupts, x.slices, round)
				}
				// A Run with a cancelled context returns at once.
				n := x.st.Instructions
				if _, err := inst.Run(ctx); !errors.Is(err, context.Canceled) || x.st.Instructions != n {
					t.Fatalf("Run with a cancelled context: %v, %d instructions more", err, x.st.Instructions-n)
				}
			}

			// The interpreter, given exactly the gas used, runs out of it
			// at the same loop head with the same registers and count.
			used := gas - x.st.Gas
			ref := interp.New()
			rc, err := ref.Compile(cb, p)
			if err != nil {
				t.Fatal(err)
			}
			ri := rc.Instantiate(chaseMemory(t, base, pages, 7), 0)
			defer ri.Close()
			ri.State().Gas = used
			exit, err := ri.Run(context.Background())
			if err != nil || exit.Status != vm.OutOfGas {
				t.Fatalf("interpreter: %v %v", exit, err)
			}
			if ri.PC() != inst.PC() || ri.State().Regs != x.st.Regs || ri.State().Instructions != x.st.Instructions || ri.State().Gas != 0 {
				t.Fatalf("after %d gas: recompiler pc %d regs %v count %d; interpreter pc %d regs %v count %d gas %d",
					used, inst.PC(), x.st.Regs, x.st.Instructions, ri.PC(), ri.State().Regs, ri.State().Instructions, ri.State().Gas)
			}
		})
	}
}

// runAndCancel runs inst with ctx, cancels it 30 ms later and returns how
// long Run took to return context.Canceled after that.
func runAndCancel(t *testing.T, inst vm.Instance, ctx context.Context, cancel context.CancelFunc) time.Duration {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := inst.Run(ctx)
		done <- err
	}()
	time.Sleep(30 * time.Millisecond)
	cancelAt := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the guest did not stop within 10 s of the cancel")
	}
	return time.Since(cancelAt)
}

// A long run passes through the scheduler every few milliseconds, so that
// the runtime does not take its P away at every slice's end (see
// yieldEvery). Seen from outside: without the yields, the process's
// threads switch context many times more often.
func TestLongRunsYield(t *testing.T) {
	if !Supported() || contextSwitches() < 0 {
		t.Skip("recompiler or context switch counts not available here")
	}
	if testing.Short() {
		t.Skip("runs guests for half a second")
	}
	div := isa.Ins{Op: isa.DivU64, D: 10, A: 8, B: 9}
	run := func(every time.Duration) (switches int64, yields int, el time.Duration) {
		defer func(e time.Duration) { yieldEvery = e }(yieldEvery)
		yieldEvery = every
		inst := startLoop(t, vm.GP08, 6_000_000, div, div, div, div)
		defer inst.Close()
		before, start := contextSwitches(), time.Now()
		if _, err := inst.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return contextSwitches() - before, inst.(*instance).yields, time.Since(start)
	}
	var with, without []int64
	for range 3 {
		n, y, el := run(yieldEvery)
		if min := int(el / yieldEvery / 2); y < min {
			t.Errorf("%v run yielded %d times, want at least %d", el, y, min)
		}
		with = append(with, n)
		n, y, el2 := run(time.Hour)
		if y != 0 {
			t.Errorf("yields disabled, yet %d", y)
		}
		without = append(without, n)
		t.Logf("context switches: %d in %v with yields, %d in %v without", with[len(with)-1], el, n, el2)
	}
	slices.Sort(with)
	slices.Sort(without)
	if with[1] > without[1]/2 {
		t.Errorf("context switches with yields %v, without %v: want the medians at least halved", with, without)
	}
}

// Slices grow while they end quickly and shrink while they take long,
// within the compiled program's bounds; a slice that was cut short, or
// whose start is unknown, tells nothing.
func TestAdaptSlice(t *testing.T) {
	const first, most = 1 << 20, 1 << 23
	ms := time.Millisecond
	type end struct {
		after time.Duration // since the last slice's end (0: the Run's first)
		slot  int64         // 0: a full slice
	}
	for _, tc := range []struct {
		name  string
		start int64 // the slice before the ends
		ends  []end
		want  int64
	}{
		{"first end of a run", first, []end{{0, 0}}, first},
		{"quick slices double", first, []end{{0, 0}, {ms / 10, 0}, {ms / 10, 0}}, first << 2},
		{"up to the most", first, []end{{0, 0}, {ms / 10, 0}, {ms / 10, 0}, {ms / 10, 0}, {ms / 10, 0}}, most},
		{"on target stays", first << 1, []end{{0, 0}, {ms, 0}, {ms, 0}}, first << 1},
		{"slow slices halve", most, []end{{0, 0}, {5 * ms, 0}, {5 * ms, 0}}, most >> 2},
		{"down to the first", first << 1, []end{{0, 0}, {5 * ms, 0}, {5 * ms, 0}}, first},
		{"a short slot says nothing", first, []end{{0, 0}, {ms / 10, 12345}}, first},
		{"after a short slot, a full one counts", first, []end{{0, 0}, {ms / 10, 12345}, {ms / 10, 0}}, first << 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := &instance{c: &compiled{slice: first, maxSlice: most}, slice: tc.start}
			at := time.Now()
			for _, e := range tc.ends {
				if e.after == 0 {
					x.sliceEnded = time.Time{} // as Run does
				}
				at = at.Add(e.after)
				slot := e.slot
				if slot == 0 {
					slot = x.slice
				}
				x.adaptSlice(at, slot)
			}
			if x.slice != tc.want {
				t.Errorf("slice %#x, want %#x", x.slice, tc.want)
			}
		})
	}
}

// A guest whose slices end in well under a millisecond runs on ever longer
// ones, up to the most the program allows.
func TestSlicesGrow(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	inst := startLoop(t, vm.GP08, 100_000_000)
	defer inst.Close()
	x := inst.(*instance)
	if _, err := inst.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d slices; first %#x, last %#x, most %#x", x.slices, x.c.slice, x.slice, x.c.maxSlice)
	if x.c.maxSlice <= x.c.slice || x.slice != x.c.maxSlice {
		t.Errorf("slices of %#x gas after %d slice ends; want them grown from %#x to %#x", x.slice, x.slices, x.c.slice, x.c.maxSlice)
	}
}
