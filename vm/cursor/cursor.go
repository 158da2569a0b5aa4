package cursor

import "github.com/pvmd/pvmd/vm"

// Next says how the next run starts.
type Next uint8

const (
	Charge    Next = iota // at Idx, paying for its block (or instruction)
	Charged               // at Idx, mid-block, its block already paid for
	AfterHost             // after the ecalli at Idx
	Done                  // the machine stopped: repeat the last exit
	BadEntry              // the pc set is no instruction: panic there
)

// Cursor is where an instance resumes. Idx indexes the engine's table of
// instruction pcs.
type Cursor struct {
	Idx  int
	Next Next
	pc   uint32 // the pc last set (what BadEntry panics at)
	last vm.Exit
	// exited is set once a run has stopped since the last Set: the pc is
	// then the exit's.
	exited bool
}

// PC is the pc the instance stands at, given the engine's instruction pcs.
func (c *Cursor) PC(pcs []uint32) uint32 {
	switch {
	case c.exited:
		return c.last.PC
	case c.Next == BadEntry:
		return c.pc
	}
	return pcs[c.Idx]
}

// Set points the cursor at pc, which is instruction idx if startable, and
// otherwise no place a run may start (it panics there).
func (c *Cursor) Set(pc uint32, idx int, startable bool) {
	c.pc, c.exited = pc, false
	if !startable {
		c.Next = BadEntry
		return
	}
	c.Idx, c.Next = idx, Charge
}

// Stop records the exit e of a run and how the next one starts.
func (c *Cursor) Stop(e vm.Exit, next Next) vm.Exit {
	c.last, c.Next, c.exited = e, next, true
	return e
}

// MidBlock is how a run restarts at an instruction inside a block it has
// paid for (after a page fault or a host call): without paying again,
// except under per-instruction gas, where each instruction is paid for as
// it runs.
func MidBlock(p vm.Profile) Next {
	if p.Gas == vm.GasPerInstruction {
		return Charge
	}
	return Charged
}

// Begin starts a run on st under profile p; rejected says GP 0.8
// validation refused the program. It reports the exit and true when the
// run ends before executing anything: after a final exit (repeated), or at
// a bad entry. After a host call it steps past the ecalli.
func (c *Cursor) Begin(st *vm.State, p vm.Profile, rejected bool) (vm.Exit, bool) {
	switch c.Next {
	case Done:
		return c.last, true
	case BadEntry:
		return c.badEntry(st, p, rejected), true
	case AfterHost:
		c.Idx++
		c.Next = MidBlock(p)
	}
	return vm.Exit{}, false
}

// badEntry panics at the pc set. Under the instruction-counting models the
// byte there acts as a trap and costs one instruction; under GP 0.8, and
// for a rejected program, the start is refused before anything runs.
func (c *Cursor) badEntry(st *vm.State, p vm.Profile, rejected bool) vm.Exit {
	if p.Gas != vm.GasBlockCost && !rejected {
		if st.Gas < 1 {
			return vm.Exit{Status: vm.OutOfGas, PC: c.pc}
		}
		st.Gas--
		st.Instructions++
	}
	return c.Stop(vm.Exit{Status: vm.Panic, PC: c.pc}, Done)
}
