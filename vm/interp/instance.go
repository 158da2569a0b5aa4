package interp

import (
	"context"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/cursor"
	"github.com/pvmd/pvmd/vm/isa"
)

// gasSlice bounds how much gas one exec call may burn before control returns
// to Run, which then checks for cancellation. At the interpreter's speed it
// is a few milliseconds of guest time.
const gasSlice = 1 << 24

type instance struct {
	c      *compiled
	st     vm.State
	cur    cursor.Cursor // indexes c.code
	closed bool
}

func (x *instance) State() *vm.State { return &x.st }

func (x *instance) PC() uint32 { return x.cur.PC(x.c.pcs) }

func (x *instance) SetPC(pc uint32) {
	i, ok := x.c.index(pc)
	// GP 0.8 refuses a start at |c|: its implicit trap is no instruction of
	// the blob (v_loc).
	atEnd := x.c.profile.Validates() && i >= x.c.nReal-1
	x.cur.Set(pc, i, ok && !atEnd && x.c.invalid == nil)
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
	if exit, over := x.cur.Begin(&x.st, x.c.profile, x.c.invalid != nil); over {
		return exit, nil
	}
	// Run in slices of gas so that cancellation is noticed; the gas held
	// back is returned to the state on every way out.
	var reserve int64
	if x.st.Gas > gasSlice {
		reserve, x.st.Gas = x.st.Gas-gasSlice, gasSlice
	}
	defer func() { x.st.Gas += reserve }()

	for {
		last := x.c.blockEnd(x.cur.Idx) // the last instruction paid for
		if x.cur.Next == cursor.Charge {
			cost := x.entryCost(x.cur.Idx, last)
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
					return x.cur.Stop(vm.Exit{Status: vm.OutOfGas, PC: x.c.pcs[x.cur.Idx]}, cursor.Charge), nil
				}
				return x.runTruncated()
			}
			x.st.Gas -= cost
		}
		x.st.Instructions += uint64(last - x.cur.Idx + 1)
		kind, at, aux := exec(x.c.code, x.c.jt, &x.st, x.cur.Idx)
		if kind == exitCharge {
			x.cur.Idx, x.cur.Next = at, cursor.Charge
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
	copy(tmp, x.c.code[x.cur.Idx:x.cur.Idx+g])
	tmp[g] = instr{op: opOutOfGas}
	base := x.cur.Idx
	x.st.Gas = 0
	x.st.Instructions += uint64(g)
	kind, at, aux := exec(tmp, nil, &x.st, 0)
	if kind == exitCharge {
		x.cur.Idx = base + at
		return x.cur.Stop(vm.Exit{Status: vm.OutOfGas, PC: x.c.pcs[x.cur.Idx]}, cursor.Charge), nil
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
	x.cur.Idx = at
	pc := x.c.pcs[at]
	afterFault := cursor.MidBlock(x.c.profile)
	switch kind {
	case exitHalt:
		return x.cur.Stop(vm.Exit{Status: vm.Halt, PC: pc}, cursor.Done)
	case exitHost:
		return x.cur.Stop(vm.Exit{Status: vm.HostCall, PC: pc, HostID: aux}, cursor.AfterHost)
	case exitFault:
		size, write := accessOf(isa.Op(x.c.code[at].op))
		f := x.st.Mem.CheckAccess(uint32(aux), size, write)
		if f != nil && !f.Panic {
			return x.cur.Stop(vm.Exit{Status: vm.PageFault, PC: pc, FaultAddress: f.Address}, afterFault)
		}
	}
	return x.cur.Stop(vm.Exit{Status: vm.Panic, PC: pc}, cursor.Done)
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
