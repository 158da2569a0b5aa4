package recompile

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/pvmd/pvmd/recompile/internal/native"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/cursor"
)

const haltAddress = 1<<32 - 1<<16

type instance struct {
	c   *compiled
	st  vm.State
	ctx native.Context
	cur cursor.Cursor // indexes c.pcs
	// slices counts the returns to Go at the end of a gas slice, and
	// interrupts those Interrupt caused; yields the times a slice's end
	// went through the scheduler (tests).
	slices, interrupts, yields int
	// yielded is when a slice's end last went through the scheduler (see
	// yieldEvery).
	yielded time.Time
	// slice is the gas of the next slice (c.slice at first);
	// sliceEnded is when the last slice of this Run ended (see adaptSlice).
	slice      int64
	sliceEnded time.Time
	// What interruptOnDone armed: the done channel it watches, the
	// context.AfterFunc stop function, and a generation the watcher
	// checks; inRun is set while Run runs with a done channel.
	armedDone <-chan struct{}
	stopWatch func() bool
	armed     atomic.Uint64
	inRun     atomic.Bool
}

func (x *instance) State() *vm.State { return &x.st }

func (x *instance) PC() uint32 { return x.cur.PC(x.c.pcs) }

func (x *instance) SetPC(pc uint32) {
	i, ok := x.c.index(pc)
	// GP 0.8 refuses a start at |c|: its implicit trap is no instruction of
	// the blob (v_loc).
	atEnd := x.c.profile.Validates() && i >= len(x.c.pcs)-1
	x.cur.Set(pc, i, ok && !atEnd && !x.c.invalid)
}

func (x *instance) Close() error {
	x.disarm()
	if x.st.Mem != nil {
		err := x.st.Mem.Close()
		x.st.Mem = nil
		return err
	}
	return nil
}

func (x *instance) perInstruction() bool { return x.c.profile.Gas == vm.GasPerInstruction }

// Run executes until an exit (see vm.Instance).
func (x *instance) Run(ctx context.Context) (vm.Exit, error) {
	if x.st.Mem == nil {
		return vm.Exit{}, vm.ErrClosed
	}
	c := x.c
	if exit, over := x.cur.Begin(&x.st, c.profile, c.invalid); over {
		return exit, nil
	}
	if c.code == nil {
		return vm.Exit{}, fmt.Errorf("recompile: program released")
	}
	data, perm := x.st.Mem.Raw()
	x.ctx.Mem = uintptr(unsafe.Pointer(data))
	x.ctx.Perm = uintptr(unsafe.Pointer(perm))
	if (x.ctx.Mem|x.ctx.Perm)&0xff != 0 {
		// Register bases rely on the low byte of both (see memBases).
		return vm.Exit{}, fmt.Errorf("recompile: guest memory not page-aligned")
	}
	x.ctx.Regs = x.st.Regs
	defer func() { x.st.Regs = x.ctx.Regs }()
	x.sliceEnded = time.Time{}
	done := ctx.Done()
	if done != nil {
		x.interruptOnDone(ctx, done)
		x.inRun.Store(true)
		defer x.inRun.Store(false)
		select {
		case <-done:
			return vm.Exit{}, ctx.Err()
		default:
		}
	}

	for {
		last := c.blockEnd(x.cur.Idx)
		if x.cur.Next == cursor.Charge {
			cost := x.entryCost(x.cur.Idx, last)
			if x.st.Gas < cost {
				if x.perInstruction() && x.st.Gas > 0 {
					x.st.Regs = x.ctx.Regs
					exit, err := x.runTruncated(ctx)
					x.ctx.Regs = x.st.Regs
					return exit, err
				}
				return x.cur.Stop(vm.Exit{Status: vm.OutOfGas, PC: c.pcs[x.cur.Idx]}, cursor.Charge), nil
			}
			x.st.Gas -= cost
		}
		x.st.Instructions += uint64(last - x.cur.Idx + 1)

		// Run natively with at most a slice of the gas; the rest waits here.
		slot := min(x.st.Gas, x.slice)
		reserve := x.st.Gas - slot
		x.ctx.Gas = uint64(slot)
		if c.count == countPacked {
			x.ctx.Gas <<= countShift
		}
		x.ctx.Count = 0
		x.ctx.Entry = c.base + uintptr(c.offs[x.cur.Idx])
		if c.bases.mem >= 0 {
			// These registers' host registers carry the bases while native
			// code runs; their guest values wait in spill slots (see
			// memBases).
			x.ctx.Spill[0] = x.ctx.Regs[c.bases.mem]
			x.ctx.Regs[c.bases.mem] = uint64(x.ctx.Mem) + uint64(c.bases.bias())
			if c.bases.perm >= 0 {
				x.ctx.Spill[1] = x.ctx.Regs[c.bases.perm]
				x.ctx.Regs[c.bases.perm] = uint64(x.ctx.Perm) + 1
			}
			native.Enter(&x.ctx)
			x.ctx.Regs[c.bases.mem] = x.ctx.Spill[0]
			if c.bases.perm >= 0 {
				x.ctx.Regs[c.bases.perm] = x.ctx.Spill[1]
			}
		} else {
			native.Enter(&x.ctx)
		}
		s, ok := c.site(uint32(x.ctx.Site - c.base))
		if !ok {
			return vm.Exit{}, fmt.Errorf("recompile: internal error: exit from unknown site %#x", x.ctx.Site-c.base)
		}
		left := x.ctx.Gas
		if s.kind == siteGas { // the failed check subtracted its word
			w := uint64(s.arg)
			if c.count == countPacked {
				b := c.blockOf(int(s.idx))
				w = gasWord(s.arg, int(c.bStart[b+1]-c.bStart[b]))
			}
			left += w
		}
		interrupted := left >= native.InterruptBits
		if interrupted {
			left -= native.InterruptBits
		}
		switch c.count {
		case countPacked:
			x.st.Instructions += left & (1<<countShift - 1)
			left >>= countShift
		case countSlot:
			x.st.Instructions += x.ctx.Count
		default:
			x.st.Instructions += uint64(slot) - left
		}
		x.st.Gas = int64(left) + reserve

		at := int(s.idx)
		if s.kind == siteGas {
			// The end of a slice, an interruption, or a block the slot
			// could not pay for: charge it here (refilling the slot, or
			// running out of gas).
			x.cur.Idx, x.cur.Next = at, cursor.Charge
			if interrupted {
				x.interrupts++
			} else {
				x.slices++
			}
			if done != nil {
				select {
				case <-done:
					return vm.Exit{}, ctx.Err()
				default:
				}
			}
			safePoint()
			now := time.Now()
			x.adaptSlice(now, slot)
			x.yieldSometimes(now)
			continue
		}
		// Every other exit happens at instruction at, with s.arg
		// instructions of its block not executed.
		x.st.Instructions -= uint64(s.arg)
		if x.perInstruction() {
			x.st.Gas += int64(s.arg)
		}
		x.cur.Idx = at
		pc := c.pcs[at]
		afterMid := cursor.MidBlock(c.profile)
		switch s.kind {
		case siteTrap:
			return x.cur.Stop(vm.Exit{Status: vm.Panic, PC: pc}, cursor.Done), nil
		case siteJump:
			if uint32(x.ctx.Aux) == haltAddress {
				return x.cur.Stop(vm.Exit{Status: vm.Halt, PC: pc}, cursor.Done), nil
			}
			return x.cur.Stop(vm.Exit{Status: vm.Panic, PC: pc}, cursor.Done), nil
		case siteHost:
			in := c.decode(at)
			return x.cur.Stop(vm.Exit{Status: vm.HostCall, PC: pc, HostID: in.Imm}, cursor.AfterHost), nil
		case siteMem:
			in := c.decode(at)
			size, write := uint32(accessSize(in.Op)), isStore(in.Op)
			f := x.st.Mem.CheckAccess(uint32(x.ctx.Aux), size, write)
			if f == nil {
				return vm.Exit{}, fmt.Errorf("recompile: internal error: access of %d bytes at %#x refused at pc %d but allowed", size, uint32(x.ctx.Aux), pc)
			}
			if !f.Panic {
				return x.cur.Stop(vm.Exit{Status: vm.PageFault, PC: pc, FaultAddress: f.Address}, afterMid), nil
			}
			return x.cur.Stop(vm.Exit{Status: vm.Panic, PC: pc}, cursor.Done), nil
		case siteSbrk:
			in := c.decode(at)
			x.ctx.Regs[in.D] = x.st.Sbrk(x.ctx.Regs[in.A])
			x.cur.Idx, x.cur.Next = at+1, afterMid
			continue
		}
		return vm.Exit{}, fmt.Errorf("recompile: internal error: exit site kind %d", s.kind)
	}
}

// interruptOnDone arranges for ctx's cancellation to interrupt native code
// running on this instance, so that cancellation does not wait for the end
// of a gas slice (which a guest touching fresh pages, or missing the caches
// on every load, can make last seconds). The arrangement lasts until Run is
// given a context with another done channel, or Close: a session passes
// the same context to every Run, and arming costs more than a host call's
// exit (BenchmarkHostCallExit).
func (x *instance) interruptOnDone(ctx context.Context, done <-chan struct{}) {
	if done == x.armedDone {
		return
	}
	x.disarm()
	gen := x.armed.Add(1)
	x.armedDone = done
	x.stopWatch = context.AfterFunc(ctx, func() {
		// Run checks done after setting inRun, and this runs after done
		// is closed: either that Run returns at once or this sees it.
		// A gas check racing with Interrupt can undo it, so repeat, in
		// bursts because in a tight loop the check's own store nearly
		// always wins; such loops end their slices within a millisecond
		// anyway. A loop waiting on memory takes the first one.
		for x.armed.Load() == gen && x.inRun.Load() {
			for range 64 {
				if !native.Interrupt(&x.ctx) {
					break
				}
			}
			time.Sleep(50 * time.Microsecond)
		}
	})
}

// disarm ends the arrangement interruptOnDone made, if any: a watcher
// already started sees the generation change and stops.
func (x *instance) disarm() {
	if x.stopWatch != nil {
		x.stopWatch()
		x.armed.Add(1)
		x.stopWatch, x.armedDone = nil, nil
	}
}

// yieldEvery bounds how long a Run keeps its goroutine away from the
// scheduler. Native code runs in the system-call state (native.Enter), and
// once a goroutine has gone 10 ms without passing through the scheduler,
// the runtime's sysmon takes its P away at every one of its ticks (20-100
// µs) while the goroutine is in a system call, which it nearly always is:
// every slice then ends without its P, and the handoff wakes another
// thread on the other core. A guest of 64-bit divisions (slices of ~180
// µs) ran 3-6% slower for it, with 500-1000 extra context switches per
// 100 ms (TestLongRunsYield). A Gosched every few milliseconds costs one
// wake-up and resets sysmon's clock.
var yieldEvery = 5 * time.Millisecond

// sliceTarget is the time a slice aims at. Every slice's end costs about
// half a microsecond in Go, and a slice of gas is over in 50-80 µs in the
// tightest loops (countdown, mixed), which then spend ~1% of their time
// switching; but a slice also bounds how long a cancelled tight loop runs
// on (see interruptOnDone), so it should not last much over this.
const sliceTarget = time.Millisecond

// adaptSlice resizes the slices to about sliceTarget after a slice of slot
// gas ended at now: doubling them while they end in under half of it,
// halving them while they take over twice it, between c.slice and
// c.maxSlice. Only a full slice that followed another's end in the same
// Run is measured (the first one's start is not known, and a slot cut
// short by the gas left says nothing of speed).
func (x *instance) adaptSlice(now time.Time, slot int64) {
	last := x.sliceEnded
	x.sliceEnded = now
	if last.IsZero() || slot != x.slice {
		return
	}
	switch d := now.Sub(last); {
	case d < sliceTarget/2:
		x.slice = min(2*x.slice, x.c.maxSlice)
	case d > 2*sliceTarget:
		x.slice = max(x.slice/2, x.c.slice)
	}
}

// yieldSometimes passes through the scheduler at the end of a slice (at
// now) if the last pass was yieldEvery ago. The first slice of an instance
// only starts the clock: the goroutine may well have just been scheduled.
func (x *instance) yieldSometimes(now time.Time) {
	switch {
	case x.yielded.IsZero():
		x.yielded = now
	case now.Sub(x.yielded) >= yieldEvery:
		runtime.Gosched()
		x.yielded = now
		x.yields++
	}
}

// safePoint gives the scheduler a chance to stop this goroutine (a
// non-leaf function has a stack check, where a pending preemption request
// is honoured).
//
//go:noinline
func safePoint() { safePointLeaf() }

//go:noinline
func safePointLeaf() {}

// entryCost is what entering at index i (mid-block or not) costs: the whole
// block under the block models, the instructions from i to last otherwise.
func (x *instance) entryCost(i, last int) int64 {
	if x.perInstruction() {
		return int64(last - i + 1)
	}
	return int64(x.c.bCost[x.c.blockOf(i)])
}

// runTruncated handles GP 0.7's per-instruction gas when the gas left does
// not cover the rest of the block: the reference interpreter runs the few
// instructions that can be paid for, on the same state and memory.
func (x *instance) runTruncated(ctx context.Context) (vm.Exit, error) {
	ic, err := x.c.interpreter()
	if err != nil {
		return vm.Exit{}, err
	}
	ii := ic.Instantiate(x.st.Mem, x.c.pcs[x.cur.Idx])
	st := ii.State()
	*st = x.st
	exit, err := ii.Run(ctx)
	x.st = *st
	if err != nil {
		return exit, err
	}
	i, ok := x.c.index(exit.PC)
	if !ok {
		return exit, fmt.Errorf("recompile: internal error: interpreter stopped at pc %d", exit.PC)
	}
	x.cur.Idx = i
	next := cursor.Done
	switch exit.Status {
	case vm.HostCall:
		next = cursor.AfterHost
	case vm.OutOfGas, vm.PageFault:
		next = cursor.Charge
	}
	return x.cur.Stop(exit, next), nil
}
