package native

import (
	"os"
	"testing"
	"time"
	"unsafe"

	"github.com/pvmd/pvmd/recompile/internal/amd64"
)

func TestContextLayout(t *testing.T) {
	var c Context
	for _, f := range []struct {
		name      string
		got, want uintptr
	}{
		{"Regs", unsafe.Offsetof(c.Regs), CtxRegs},
		{"Gas", unsafe.Offsetof(c.Gas), CtxGas},
		{"Mem", unsafe.Offsetof(c.Mem), CtxMem},
		{"Perm", unsafe.Offsetof(c.Perm), CtxPerm},
		{"Jump", unsafe.Offsetof(c.Jump), CtxJump},
		{"Entry", unsafe.Offsetof(c.Entry), CtxEntry},
		{"Site", unsafe.Offsetof(c.Site), CtxSite},
		{"Aux", unsafe.Offsetof(c.Aux), CtxAux},
		{"Count", unsafe.Offsetof(c.Count), CtxCount},
		{"Spill", unsafe.Offsetof(c.Spill), CtxSpill},
		{"State", unsafe.Offsetof(c.State), CtxState},
		{"GasAddr", unsafe.Offsetof(c.GasAddr), CtxGasAt},
	} {
		if f.got != f.want {
			t.Errorf("Context.%s at %d, assembly assumes %d", f.name, f.got, f.want)
		}
	}
}

// exitRoutine emits the standard way out: pop the caller's return address
// into the frame as the exit site, save rax, return to the trampoline.
func exitRoutine(a *amd64.Asm) {
	a.Pop(T1)
	a.ALUMI(8, amd64.ADD, amd64.M(amd64.RSP, 0), 0) // no-op, exercises [rsp]
	a.Store(8, amd64.M(amd64.RSP, FrameBias+SlotSite), T1)
	a.Store(8, amd64.M(amd64.RSP, FrameBias+SlotAux), T0)
	a.Ret()
}

// mustCode finishes a and copies it into executable memory, released when
// the test ends.
func mustCode(t *testing.T, a *amd64.Asm) *Code {
	t.Helper()
	if !a.Finish() {
		t.Fatal("unbound label")
	}
	code, err := NewCode(a.Code())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = code.Release() })
	return code
}

func TestEnterExit(t *testing.T) {
	if !Supported {
		t.Skip("no native support")
	}
	var a amd64.Asm
	exit := a.NewLabel()
	// Every guest register gets i+100 added; gas loses 7; the count gains 3;
	// rax is 0x1234 at the exit; the memory base is copied into φ0.
	entry := a.Len()
	for i, r := range GuestReg {
		a.ALURI(amd64.ADD, r, int32(i+100))
	}
	a.ALUMI(8, amd64.SUB, amd64.M(amd64.RSP, FrameBias+SlotGas), 7)
	a.ALUMI(8, amd64.ADD, amd64.M(amd64.RSP, FrameBias+SlotCount), 3)
	a.ALUMI(8, amd64.ADD, amd64.M(amd64.RSP, FrameBias+SlotSpill), 5)
	a.ALUMI(8, amd64.SUB, amd64.M(amd64.RSP, FrameBias+SlotSpill+8), 6)
	a.ALURM(amd64.ADD, GuestReg[0], amd64.M(amd64.RSP, FrameBias+SlotMem))
	a.MovImm(T0, 0x1234)
	a.Call(exit)
	site := a.Len()
	a.Int3()
	a.Bind(exit)
	exitRoutine(&a)
	code := mustCode(t, &a)

	var ctx Context
	for i := range ctx.Regs {
		ctx.Regs[i] = uint64(i) << 32
	}
	ctx.Gas, ctx.Count, ctx.Mem = 100, 5, 0x10000
	ctx.Spill = [2]uint64{1, 100}
	ctx.Entry = code.Base() + uintptr(entry)
	for run := 0; run < 3; run++ {
		Enter(&ctx)
	}
	for i, v := range ctx.Regs {
		want := uint64(i)<<32 + 3*uint64(i+100)
		if i == 0 {
			want += 3 * 0x10000
		}
		if v != want {
			t.Errorf("φ%d = %#x, want %#x", i, v, want)
		}
	}
	if ctx.Gas != 100-21 || ctx.Count != 5+9 {
		t.Errorf("gas %d count %d, want 79 14", ctx.Gas, ctx.Count)
	}
	if ctx.Spill != [2]uint64{1 + 15, 100 - 18} {
		t.Errorf("spill %v, want [16 82]", ctx.Spill)
	}
	if ctx.Site != code.Base()+uintptr(site) || ctx.Aux != 0x1234 {
		t.Errorf("site %#x aux %#x, want %#x 0x1234", ctx.Site, ctx.Aux, code.Base()+uintptr(site))
	}
}

func TestSealParts(t *testing.T) {
	if !Supported {
		t.Skip("no native support")
	}
	c, err := Reserve(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	w := c.Writable()
	// A function at 0 that calls one at 512 KiB, which exits.
	a := amd64.NewAsm(w[:4096], 0)
	a.MovImm(T0, 7)
	a.CallTo(512 << 10)
	b := amd64.NewAsm(w[512<<10:(512<<10)+4096], 512<<10)
	exitRoutine(&b)
	if err := c.Seal([2]int{0, a.Len()}, [2]int{512 << 10, b.Len()}); err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if c.Size() != 2*os.Getpagesize() {
		t.Errorf("size %d after seal", c.Size())
	}
	var ctx Context
	ctx.Entry = c.Base()
	Enter(&ctx)
	if ctx.Aux != 7 || ctx.Site != c.Base()+uintptr(a.Len()) {
		t.Errorf("aux %d site %#x", ctx.Aux, ctx.Site-c.Base())
	}
}

// Parts that share a page once rounded out are kept once, so that Release
// never unmaps a page twice.
func TestSealMergesSharedPages(t *testing.T) {
	c, err := Reserve(3 * pageSize)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if err := c.Seal([2]int{0, 100}, [2]int{200, pageSize + 10}, [2]int{2*pageSize + 1, 2*pageSize + 2}); err != nil {
		t.Fatal(err)
	}
	var prevEnd uintptr
	for _, k := range c.kept {
		start := addrOf(k)
		if start < prevEnd {
			t.Fatalf("kept parts overlap: %#x < %#x", start, prevEnd)
		}
		prevEnd = start + uintptr(len(k))
	}
	if c.Size() != 3*pageSize {
		t.Errorf("size %d, want 3 pages", c.Size())
	}
}

// Interrupt makes a gas-checking loop that would run for years exit at its
// next check, with the slot it had left plus InterruptBits, and does nothing
// to a context whose code is not running.
func TestInterrupt(t *testing.T) {
	if !Supported {
		t.Skip("no native support")
	}
	var a amd64.Asm
	exit := a.NewLabel()
	loop := a.Len()
	a.ALUMI(8, amd64.SUB, amd64.M(amd64.RSP, FrameBias+SlotGas), 1)
	a.Jcc(amd64.CondS, exit)
	a.JmpTo(loop)
	a.Bind(exit)
	routine := a.NewLabel()
	a.Call(routine)
	a.Int3()
	a.Bind(routine)
	exitRoutine(&a)
	code := mustCode(t, &a)

	var ctx Context
	if Interrupt(&ctx) {
		t.Fatal("Interrupt reported code running before any ran")
	}
	const slot = 1 << 61 // about a century of iterations
	ctx.Gas, ctx.Entry = slot, code.Base()+uintptr(loop)
	done := make(chan struct{})
	go func() {
		Enter(&ctx)
		close(done)
	}()
	hits := 0
	start := time.Now()
	for stopped := false; !stopped; {
		for range 64 {
			if Interrupt(&ctx) {
				hits++
			}
		}
		select {
		case <-done:
			stopped = true
		case <-time.After(100 * time.Microsecond):
		}
	}
	// The failed check subtracted 1 from a slot carrying the bits.
	left := ctx.Gas + 1
	if hits == 0 || left < InterruptBits || left-InterruptBits >= slot {
		t.Fatalf("slot %#x after %d interrupts; want InterruptBits plus less than %#x", ctx.Gas, hits, uint64(slot))
	}
	if Interrupt(&ctx) || ctx.State != Idle {
		t.Fatalf("Interrupt after the exit: state %d", ctx.State)
	}
	t.Logf("stopped after %d interrupts, %v, %d iterations", hits, time.Since(start), slot-(left-InterruptBits))
}
