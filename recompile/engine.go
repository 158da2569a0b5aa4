// Package recompile is a single-pass compiler from PVM basic blocks to x86-64
// machine code (the "recompiler" engine).
//
// Each gas block becomes straight-line native code that opens with one gas
// check. The 13 PVM registers live in host registers while the guest runs;
// guest memory accesses check the page permission table inline; dynamic
// jumps go through a native jump table. Generated code never calls Go: every
// exit (halt, panic, out of gas, page fault, host call, the end of a gas
// slice) returns to the trampoline, and Go finishes the exit from the exit
// site's description, exactly as the interpreter (vm/interp) does. Native
// code runs in the runtime's system-call state, so a stop-the-world (a GC)
// never waits for it; a cancelled context interrupts it at its next gas
// check (native.Interrupt), and it also returns to Go at the end of every
// slice of gas.
//
// Only linux/amd64 runs generated code. Elsewhere the package builds, and
// Compile returns ErrUnsupported; Supported reports which.
package recompile

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"unsafe"

	"golang.org/x/sys/cpu"

	"github.com/pvmd/pvmd/recompile/internal/native"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// ErrUnsupported is returned by Compile where generated code cannot run.
var ErrUnsupported = errors.New("recompile: native code is not supported on this platform")

// Supported reports whether this build can run the recompiler.
func Supported() bool { return native.Supported }

// Engine is the recompiler.
type Engine struct {
	feat features
	// countSlot forces the separate instruction-count slot (tests).
	countSlot bool
	// frameBases keeps the memory and permission table bases in frame
	// slots even where guest registers are free (tests).
	frameBases bool
	// lendMost lends the two registers the program uses most to the
	// bases, whatever it costs (tests: most instructions go through
	// spilled).
	lendMost bool
}

// New returns the recompiler engine, using the optional instructions
// (LZCNT, TZCNT, POPCNT, BMI2) this CPU has.
func New() vm.Engine { return Engine{feat: hostFeatures()} }

func hostFeatures() features {
	return features{
		lzcnt:  cpu.X86.HasLZCNT,
		tzcnt:  cpu.X86.HasBMI1,
		popcnt: cpu.X86.HasPOPCNT,
		bmi2:   cpu.X86.HasBMI2,
	}
}

// Name is "recompiler".
func (Engine) Name() string { return "recompiler" }

// Compile translates the program to native code for profile p.
func (e Engine) Compile(cb *program.CodeBlob, p vm.Profile) (vm.Compiled, error) {
	if !native.Supported {
		return nil, ErrUnsupported
	}
	if len(cb.JumpTable) > program.MaxJumpTableLen || len(cb.Code) > program.MaxCodeLen {
		return nil, fmt.Errorf("recompile: program too large")
	}
	count := countNone
	if p.Gas == vm.GasBlockCost {
		count = countPacked
		if e.countSlot {
			count = countSlot
		}
	}
	slice := sliceFor(p.Gas)
	limit := int64(math.MaxInt64) // the most a slice may hold
	c, err := e.compile(cb, p, count)
	if err != nil {
		return nil, err
	}
	if count == countPacked {
		if limit = packedSlice(c.ratio, c.maxLen); limit < 1<<12 {
			// Blocks too cheap for their length to pack the count.
			c.img.Release()
			count, limit = countSlot, math.MaxInt64
			if c, err = e.compile(cb, p, count); err != nil {
				return nil, err
			}
		}
	}
	out := &compiled{
		profile: p, blob: cb, count: count, pcs: c.pcs, unrolled: c.unrolled, split: c.split,
		slice: min(slice, limit), maxSlice: min(slice<<sliceGrowth, limit),
	}
	if p.Validates() && c.invalid {
		// GP 0.8 rejects the program: every run panics before executing.
		c.img.Release()
		out.invalid = true
		return out, nil
	}
	out.code = c.img
	out.base = c.img.Base()
	out.offs = c.offs
	out.bStart = append(c.bStart, uint32(len(c.pcs)))
	out.bCost = c.bCost
	out.sites, out.coldOrg = c.sites, uint32(c.coldOrg)
	out.bases = c.bases
	return out, nil
}

func (e Engine) compile(cb *program.CodeBlob, p vm.Profile, count countMode) (*compiler, error) {
	c := &compiler{
		code: cb.Code, mask: cb.Bitmask, num: p.Numbering, model: p.Gas, feat: e.feat,
		jumpEntries: len(cb.JumpTable), jumpTable: cb.JumpTable, count: count,
		bases: memBases{mem: -1, perm: -1},
	}
	switch {
	case e.lendMost:
		u := scanRegs(cb.Code, cb.Bitmask, p.Numbering)
		for r := range u.refs {
			u.refs[r] = -u.refs[r]
		}
		u.accesses = 1 << 30
		c.bases = chooseBases(u)
	case !e.frameBases:
		c.bases = chooseBases(scanRegs(cb.Code, cb.Bitmask, p.Numbering))
	}
	return c, c.compile()
}

// sliceFor is how much gas native code may burn before returning to Go in
// an instance's first slice (instance.adaptSlice then aims at about a
// millisecond): no more than a few milliseconds for guests that compute,
// whose tight loops can undo an interrupt (see instance.interruptOnDone).
// The GC does not wait for slices (see native.Enter), nor does a
// cancellation of a guest that waits on memory (one slice of pointer
// chasing over 512 MiB took 14-57 ms of CPU).
func sliceFor(m vm.GasModel) int64 {
	if m == vm.GasBlockCost {
		// Blocks cost about their cycle count: ~3 gas per ns at best.
		return 1 << 22
	}
	// One gas per instruction: a slice of divisions takes ~2 ms.
	return 1 << 18
}

// sliceGrowth bounds how far an instance grows its slices (see
// instance.adaptSlice): up to 2^sliceGrowth times sliceFor, which keeps
// even the fastest loops (4 G instructions/s, ~90 gp-0.8 gas/ns) at about
// a millisecond per slice, so that a loop that has just slowed down does
// not start with a slice far beyond it.
const sliceGrowth = 4

// compiled is a program translated to native code.
type compiled struct {
	profile vm.Profile
	blob    *program.CodeBlob
	invalid bool // GP 0.8 validation failed: every run panics at once
	// slice is the gas of an instance's first slice, maxSlice the most its
	// slices grow to (see instance.adaptSlice).
	slice, maxSlice int64

	code *native.Code
	base uintptr
	pcs  []uint32 // pc of each instruction index
	offs []uint32 // code offset of each instruction
	// bStart[b] is the first index of gas block b (with a sentinel at the
	// end), bCost[b] its cost.
	bStart []uint32
	bCost  []uint32
	// Exit sites, by part; the cold code starts at coldOrg.
	sites   []partSites
	coldOrg uint32
	count   countMode
	bases   memBases
	// unrolled is the number of loops emitted as two copies, split those
	// of them whose recurrence was split (tests).
	unrolled, split int

	interpOnce sync.Once
	interp     vm.Compiled
	interpErr  error
}

func (c *compiled) Profile() vm.Profile { return c.profile }

func (c *compiled) SizeBytes() int {
	n := 256 + 4*(len(c.pcs)+len(c.offs)+len(c.bStart)+len(c.bCost)) +
		int(unsafe.Sizeof(site{}))*c.siteCount()
	if c.code != nil {
		n += c.code.Size()
	}
	return n
}

func (c *compiled) Release() {
	if c.code != nil {
		_ = c.code.Release()
		c.code = nil
	}
}

// Instantiate creates an instance that will start at pc.
func (c *compiled) Instantiate(mem *memory.Memory, pc uint32) vm.Instance {
	x := &instance{c: c, slice: c.slice}
	x.st.Mem = mem
	x.SetPC(pc)
	return x
}

// index returns the instruction index of pc.
func (c *compiled) index(pc uint32) (int, bool) {
	return slices.BinarySearch(c.pcs[:len(c.pcs)], pc)
}

// blockOf is the gas block holding instruction i.
func (c *compiled) blockOf(i int) int {
	lo, hi := 0, len(c.bStart)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if c.bStart[m] <= uint32(i) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// blockEnd is the last index of the gas block holding i.
func (c *compiled) blockEnd(i int) int { return int(c.bStart[c.blockOf(i)+1]) - 1 }

// site returns the exit site whose return address is at code offset ret.
func (c *compiled) site(ret uint32) (site, bool) {
	cold := ret >= c.coldOrg
	for i := range c.sites {
		p := &c.sites[i]
		sites := p.hot
		if cold {
			if ret > p.coldEnd {
				continue
			}
			sites = p.cold
		} else if ret > p.hotEnd {
			continue
		}
		lo, hi := 0, len(sites)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if sites[m].ret < ret {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(sites) && sites[lo].ret == ret {
			s := sites[lo]
			s.idx += p.base
			return s, true
		}
		return site{}, false
	}
	return site{}, false
}

// siteCount is the number of exit sites.
func (c *compiled) siteCount() int {
	n := 0
	for _, p := range c.sites {
		n += len(p.hot) + len(p.cold)
	}
	return n
}

// decode returns the instruction at index i.
func (c *compiled) decode(i int) isa.Instruction {
	var in isa.Instruction
	decodeAt(c.blob.Code, c.blob.Bitmask, c.profile.Numbering, c.pcs[i], &in)
	return in
}

// interpreter returns the reference interpreter's form of the program, used
// for the rare runs native code cannot do exactly (GP 0.7 per-instruction
// gas running out inside a block).
func (c *compiled) interpreter() (vm.Compiled, error) {
	c.interpOnce.Do(func() {
		c.interp, c.interpErr = interp.New().Compile(c.blob, c.profile)
	})
	return c.interp, c.interpErr
}
