package interp

import (
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/gas"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
	"slices"
)

// Engine is the reference interpreter.
type Engine struct{}

// New returns the interpreter engine.
func New() vm.Engine { return Engine{} }

// Name is "interpreter".
func (Engine) Name() string { return "interpreter" }

// compiled is a program decoded for the dispatch loop.
type compiled struct {
	profile vm.Profile
	code    []instr  // the program's instructions, then synthetic ones
	pcs     []uint32 // pc of each entry of code
	jt      []int32  // jump table entries as indices into code, -1 if invalid
	nReal   int      // entries of code that are real instructions
	// invalid is set when GP 0.8 validation rejected the code: every run
	// panics before executing anything.
	invalid error
}

// Compile decodes code for the dispatch loop and computes every block's
// gas cost under p.
func (Engine) Compile(cb *program.CodeBlob, p vm.Profile) (vm.Compiled, error) {
	prog := isa.Analyze(cb.Code, cb.Bitmask, cb.JumpTable, p.Numbering)
	return compileProgram(prog, p), nil
}

func compileProgram(prog *isa.Program, p vm.Profile) *compiled {
	c := &compiled{profile: p}
	if p.Validates() {
		c.invalid = prog.Validate()
	}
	n := len(prog.Instrs)
	c.nReal = n
	c.code = make([]instr, n, n+n/16)
	c.pcs = make([]uint32, n, cap(c.code))
	for i := range prog.Instrs {
		c.pcs[i] = prog.Instrs[i].PC
	}
	var calc gas.Calculator
	for start := 0; start < n; {
		end := prog.BlockEndIndex(start)
		cost := uint32(end - start + 1)
		if p.Gas == vm.GasBlockCost {
			cost = calc.BlockCost(prog, start, end)
		}
		for i := start; i <= end; i++ {
			c.code[i] = c.lower(prog, i)
		}
		c.code[start].cost = cost
		c.code[start].blen = uint32(end - start + 1)
		start = end + 1
	}
	c.jt = make([]int32, len(prog.JumpTable))
	for k, pc := range prog.JumpTable {
		c.jt[k] = -1
		if i, ok := prog.JumpTarget(pc); ok {
			c.jt[k] = int32(i)
		}
	}
	return c
}

// lower converts instruction i to its dispatch form.
func (c *compiled) lower(prog *isa.Program, i int) instr {
	in := &prog.Instrs[i]
	if !in.Valid {
		return instr{op: uint8(isa.Trap)}
	}
	out := instr{op: uint8(in.Op), a: in.A * 8, b: in.B * 8, d: in.D * 8, imm: in.Imm}
	switch in.Op.Format() {
	case isa.FmtImmImm, isa.FmtRegImmImm:
		// stores of an immediate: arg is the address part, imm the value
		out.arg, out.imm = uint32(in.Imm), in.Imm2
	case isa.FmtRegRegImmImm:
		out.arg = uint32(in.Imm2)
	case isa.FmtRegImm, isa.FmtRegRegImm:
		out.arg = uint32(in.Imm) // the address of loads and stores
	}
	switch in.Op.Format() {
	case isa.FmtOffset, isa.FmtRegImmOffset, isa.FmtRegRegOffset:
		out.arg = c.target(prog, in)
	}
	return out
}

// target resolves a static jump to an index; a jump to anything but a block
// start goes to a synthetic entry that panics at the jump.
func (c *compiled) target(prog *isa.Program, in *isa.Instruction) uint32 {
	if t, ok := prog.JumpTarget(in.Target); ok {
		return uint32(t)
	}
	c.code = append(c.code, instr{op: opBadJump})
	c.pcs = append(c.pcs, in.PC)
	return uint32(len(c.code) - 1)
}

func (c *compiled) Profile() vm.Profile { return c.profile }

func (c *compiled) SizeBytes() int {
	return cap(c.code)*24 + cap(c.pcs)*4 + cap(c.jt)*4 + 128
}

func (c *compiled) Release() {}

// Instantiate creates an instance that will start at pc.
func (c *compiled) Instantiate(mem *memory.Memory, pc uint32) vm.Instance {
	x := &instance{c: c}
	x.st.Mem = mem
	x.SetPC(pc)
	return x
}

// index returns the code index of the instruction at pc.
func (c *compiled) index(pc uint32) (int, bool) {
	return slices.BinarySearch(c.pcs[:c.nReal], pc)
}

// isTerminator reports whether entry i ends its block.
func (c *compiled) endsBlock(i int) bool {
	op := c.code[i].op
	return op >= uint8(isa.NumOps) || isa.Op(op).IsTerminator()
}

// blockEnd is the last index of the block holding i.
func (c *compiled) blockEnd(i int) int {
	for !c.endsBlock(i) {
		i++
	}
	return i
}

// blockStart is the first index of the block holding i.
func (c *compiled) blockStart(i int) int {
	for i > 0 && !c.endsBlock(i-1) {
		i--
	}
	return i
}
