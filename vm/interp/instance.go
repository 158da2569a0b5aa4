package interp

import (
	"context"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
)

// gasSlice bounds how much gas one exec call may burn before control returns
// to Run, which then checks for cancellation. At the interpreter's speed it
// is a few milliseconds of guest time.
const gasSlice = 1 << 24

// resume says how the next Run continues.
type resume uint8

const (
	resumeCharge    resume = iota // start at idx, paying for its block
	resumeCharged                 // start at idx, its block already paid (GP 0.8 flag)
	resumeAfterHost               // continue after the ecalli at idx
	resumeDone                    // the machine stopped: repeat the exit
	resumeBadEntry                // idx is not an instruction: panic there
)

type instance struct {
	c      *compiled
	st     vm.State
	idx    int
	pc     uint32 // where a bad entry points
	next   resume
	last   vm.Exit
	closed bool
	// exited is set once a run has stopped since the last SetPC: PC is then
	// the exiting pc.
	exited bool
}

func (x *instance) State() *vm.State { return &x.st }

func (x *instance) PC() uint32 {
	if x.exited {
		return x.last.PC
	}
	if x.next == resumeBadEntry {
		return x.pc
	}
	return x.c.pcs[x.idx]
}

func (x *instance) SetPC(pc uint32) {
	x.pc, x.exited = pc, false
	i, ok := x.c.index(pc)
	switch {
	case x.c.invalid != nil, !ok, x.c.profile.Validates() && int(i) >= x.c.nReal-1:
		x.next = resumeBadEntry
	default:
		x.idx, x.next = i, resumeCharge
	}
}

func (x *instance) Close() error {
	if x.closed {
		return nil
	}
	x.closed = true
	if x.st.Mem != nil {
		return x.st.Mem.Close()
	}
	return nil
}

func (x *instance) perInstruction() bool { return x.c.profile.Gas == vm.GasPerInstruction }

// Run executes until an exit (see vm.Instance).
func (x *instance) Run(ctx context.Context) (vm.Exit, error) {
	if x.closed {
		return vm.Exit{}, vm.ErrClosed
	}
	switch x.next {
	case resumeDone:
		return x.last, nil
	case resumeBadEntry:
		return x.badEntry(), nil
	case resumeAfterHost:
		x.idx++
		x.next = resumeCharged
		if x.perInstruction() {
			x.next = resumeCharge
		}
	}
	// Run in slices of gas so that cancellation is noticed; the gas held
	// back is returned to the state on every way out.
	var reserve int64
	if x.st.Gas > gasSlice {
		reserve, x.st.Gas = x.st.Gas-gasSlice, gasSlice
	}
	defer func() { x.st.Gas += reserve }()

	for {
		last := x.c.blockEnd(x.idx) // the last instruction paid for
		if x.next == resumeCharge {
			cost := x.entryCost(x.idx, last)
			if x.st.Gas < cost && reserve > 0 {
				refill := min(reserve, gasSlice)
				x.st.Gas, reserve = x.st.Gas+refill, reserve-refill
				if err := ctx.Err(); err != nil {
					return vm.Exit{}, err
				}
				continue
			}
			if x.st.Gas < cost {
				if !x.perInstruction() || x.st.Gas <= 0 {
					return x.stop(vm.Exit{Status: vm.OutOfGas, PC: x.c.pcs[x.idx]}, resumeCharge), nil
				}
				return x.runTruncated()
			}
			x.st.Gas -= cost
		}
		x.st.Instructions += uint64(last - x.idx + 1)
		kind, at, aux := exec(x.c.code, x.c.jt, &x.st, x.idx)
		if kind == exitCharge {
			x.idx, x.next = at, resumeCharge
			if err := ctx.Err(); err != nil {
				return vm.Exit{}, err
			}
			continue
		}
		return x.finish(kind, at, aux, x.c.blockEnd(at)), nil
	}
}

// entryCost is what entering at index i (mid-block or not) costs: the whole
// block under the block models, the instructions from i to last otherwise.
func (x *instance) entryCost(i, last int) int64 {
	if x.perInstruction() {
		return int64(last - i + 1)
	}
	return int64(x.c.code[x.c.blockStart(i)].cost)
}

// runTruncated handles GP 0.7's per-instruction gas when the gas left does not
// cover the rest of the block: it runs exactly as many instructions as can be
// paid for (none of them a terminator) and then stops out of gas.
func (x *instance) runTruncated() (vm.Exit, error) {
	g := int(x.st.Gas)
	tmp := make([]instr, g+1)
	copy(tmp, x.c.code[x.idx:x.idx+g])
	tmp[g] = instr{op: opOutOfGas}
	base := x.idx
	x.st.Gas = 0
	x.st.Instructions += uint64(g)
	kind, at, aux := exec(tmp, nil, &x.st, 0)
	if kind == exitCharge {
		x.idx = base + at
		return x.stop(vm.Exit{Status: vm.OutOfGas, PC: x.c.pcs[x.idx]}, resumeCharge), nil
	}
	return x.finish(kind, base+at, aux, base+g-1), nil
}

// finish turns an exit of exec at index at into a vm.Exit. last is the last
// instruction paid for; what was paid for beyond at is given back.
func (x *instance) finish(kind exitKind, at int, aux uint64, last int) vm.Exit {
	if unspent := last - at; unspent > 0 {
		x.st.Instructions -= uint64(unspent)
		if x.perInstruction() {
			x.st.Gas += int64(unspent)
		}
	}
	x.idx = at
	pc := x.c.pcs[at]
	afterFault := resumeCharged
	if x.perInstruction() {
		afterFault = resumeCharge
	}
	switch kind {
	case exitHalt:
		return x.stop(vm.Exit{Status: vm.Halt, PC: pc}, resumeDone)
	case exitHost:
		return x.stop(vm.Exit{Status: vm.HostCall, PC: pc, HostID: aux}, resumeAfterHost)
	case exitFault:
		size, write := accessOf(isa.Op(x.c.code[at].op))
		f := x.st.Mem.CheckAccess(uint32(aux), size, write)
		if f != nil && !f.Panic {
			return x.stop(vm.Exit{Status: vm.PageFault, PC: pc, FaultAddress: f.Address}, afterFault)
		}
	}
	return x.stop(vm.Exit{Status: vm.Panic, PC: pc}, resumeDone)
}

func (x *instance) stop(e vm.Exit, next resume) vm.Exit {
	x.last, x.next, x.exited = e, next, true
	return e
}

// badEntry is a run that starts where no instruction is: it panics there
// (GP 0.7: the byte there acts as trap, costing one instruction; GP 0.8: the
// start is rejected before anything runs).
func (x *instance) badEntry() vm.Exit {
	e := vm.Exit{Status: vm.Panic, PC: x.pc}
	if x.c.profile.Gas != vm.GasBlockCost && x.c.invalid == nil {
		if x.st.Gas < 1 {
			return vm.Exit{Status: vm.OutOfGas, PC: x.pc}
		}
		x.st.Gas--
		x.st.Instructions++
	}
	x.last, x.next, x.exited = e, resumeDone, true
	return e
}

// accessOf is the size of op's memory access and whether it writes.
func accessOf(op isa.Op) (size uint32, write bool) {
	switch op {
	case isa.LoadU8, isa.LoadI8, isa.LoadIndU8, isa.LoadIndI8:
		return 1, false
	case isa.LoadU16, isa.LoadI16, isa.LoadIndU16, isa.LoadIndI16:
		return 2, false
	case isa.LoadU32, isa.LoadI32, isa.LoadIndU32, isa.LoadIndI32:
		return 4, false
	case isa.LoadU64, isa.LoadIndU64:
		return 8, false
	case isa.StoreU8, isa.StoreIndU8, isa.StoreImmU8, isa.StoreImmIndU8:
		return 1, true
	case isa.StoreU16, isa.StoreIndU16, isa.StoreImmU16, isa.StoreImmIndU16:
		return 2, true
	case isa.StoreU32, isa.StoreIndU32, isa.StoreImmU32, isa.StoreImmIndU32:
		return 4, true
	}
	return 8, true
}
