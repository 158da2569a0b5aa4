package recompile

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// The generator of FuzzDifferential: it turns fuzz input bytes into a valid
// program with a machine state (registers, page map, gas, heap, start pc),
// so that the fuzzer's mutations explore semantics rather than decode
// errors. The front of the input describes the program; what is left at the
// back (read backwards) drives the embedder's answers between runs, so that
// a change to the program does not reshuffle those answers. Reading past
// the input gives zeros, which always mean the plainest choice.

// fzSource hands out the fuzz input: u8 from the front, tail from the back.
type fzSource struct {
	b    []byte
	i, j int
}

func newFzSource(b []byte) *fzSource { return &fzSource{b: b, j: len(b)} }

func (s *fzSource) u8() byte {
	if s.i < s.j {
		s.i++
		return s.b[s.i-1]
	}
	return 0
}

func (s *fzSource) n(k int) int { return int(s.u8()) % k }

func (s *fzSource) u16() uint16 { return uint16(s.u8()) | uint16(s.u8())<<8 }

func (s *fzSource) u32() uint32 { return uint32(s.u16()) | uint32(s.u16())<<16 }

func (s *fzSource) u64() uint64 { return uint64(s.u32()) | uint64(s.u32())<<32 }

// fzProfiles are the profiles the first input byte picks from, by name.
var fzProfiles = func() []vm.Profile {
	var out []vm.Profile
	for _, name := range []string{
		"gp-0.8", "gp-0.7", "gp-0.7/block-instructions", "latest64",
		"gp-0.8/per-instruction", "latest64/block-instructions", "gp-0.8/block-instructions", "latest64/per-instruction",
	} {
		p, err := vm.ParseProfile(name)
		if err != nil {
			panic(err)
		}
		out = append(out, p)
	}
	return out
}()

// fzEdges are interesting register, immediate and address values.
var fzEdges = []uint64{
	0, ^uint64(0), 1 << 63, 1<<63 - 1, 1 << 31, 0xFFFFFFFF80000000, 0xFFFFFFFF, 0x7FFFFFFF,
	1, 2, 3, 4, 7, 8, 31, 32, 63, 64, 0x80, 0xFF, 0xFFFF, 0x8000,
	0x1FFFF, 0x20FFC, 0x20FFF, 0x20FF8, 0x21000, 0x20000, 0x10000, 0xFFFC,
	0xFFFFFFFC, 0xFFFFFFF8, 0xFFFFFFFE, 0xFFFFF000, 0xFFFF0000, 0xFFFEFFFF,
	0x100000000, 0x100020000, 0xFFFFFFFF00020000, 0x8000000000020FFC,
	1 << 32, 1<<32 - 2, 1 << 16, 0x7FFFFFFFFFFFFFFF, 0x8000000000000001, 0x5555555555555555,
}

// fzOffsets are offsets from a page's first byte: its edges and past them.
var fzOffsets = []int64{0, 1, 2, 4095, 4094, 4093, 4092, 4088, 4089, 4090, 2048, -1, -2, -4, -8, 4096, 8192, -4096}

// fzPage is a page mapped before the run.
type fzPage struct {
	addr   uint32
	access memory.Access
}

// fzScenario is a generated program with its initial machine state.
type fzScenario struct {
	profile   vm.Profile
	variant   byte // which recompiler: features, count slot, parts
	cb        *program.CodeBlob
	pages     []fzPage
	fill      []byte
	regs      [13]uint64
	gas       int64
	heapTop   uint32
	pc        uint32
	itemPCs   []uint32 // the pc of each generated item, and the end
	blockPCs  []uint32 // pcs the generator meant as block starts
	sbrk      bool     // the program has sbrk: gas is kept low (sbrk maps page by page, slowly)
	src       *fzSource
	generated map[string]bool // features the generator put in (for the seed coverage test)
}

// fzItem is one generated instruction, or raw bytes.
type fzItem struct {
	ins    isa.Ins
	raw    []byte
	start  bool // raw: the first byte is marked as an instruction start
	target int  // target selector for jumps and branches, -1 if none
	to     int  // or, when target is -2, the item to jump to
}

type fzGen struct {
	s   *fzSource
	sc  *fzScenario
	num isa.Numbering
	ops []isa.Op
	// regOps are the ops that compute on registers only.
	regOps []isa.Op
	pal    []uint8 // the registers the program names, if it has a palette
	items  []fzItem
	nJT    int
	last   *isa.Ins // the last memory access (its address is often reused)
}

func (g *fzGen) note(f string) {
	if g.sc.generated != nil {
		g.sc.generated[f] = true
	}
}

// val is an interesting 64-bit value.
func (g *fzGen) val() uint64 {
	s := g.s
	switch s.n(9) {
	case 0, 1:
		return fzEdges[s.n(len(fzEdges))]
	case 2, 3:
		return uint64(int64(g.pageAddr()) + fzOffsets[s.n(len(fzOffsets))])
	case 4:
		return uint64(int64(int8(s.u8())))
	case 5:
		return uint64(s.u32())
	case 6:
		return s.u64()
	case 7:
		return uint64(int64(int32(s.u32())))
	}
	// a page address with garbage above bit 32 (addresses are taken mod 2^32)
	return uint64(g.pageAddr()) + uint64(s.u8())<<32 + uint64(s.n(16))
}

// pageAddr is the address of a mapped page, or a page edge anywhere.
func (g *fzGen) pageAddr() uint32 {
	if len(g.sc.pages) == 0 || g.s.n(5) == 0 {
		return []uint32{0x20000, 0x10000, 0xFFFFF000, 0xFFFF0000, 0x30000, 0}[g.s.n(6)]
	}
	return g.sc.pages[g.s.n(len(g.sc.pages))].addr
}

// imm is an interesting immediate (4 bytes sign-extended at most).
func (g *fzGen) imm() int64 {
	switch g.s.n(4) {
	case 0:
		return 0
	case 1:
		return int64(int8(g.s.u8()))
	}
	return int64(int32(g.val()))
}

// addr is an address: near mapped pages' edges mostly.
func (g *fzGen) addr() int64 {
	if g.s.n(4) == 0 {
		return int64(int32(g.val()))
	}
	return int64(int32(int64(g.pageAddr()) + fzOffsets[g.s.n(len(fzOffsets))]))
}

// reg is a register: any nibble (13..15 decode as 12), or one of the
// program's palette when it has one. Programs that name few registers
// leave the recompiler registers to spare, and reuse registers more.
func (g *fzGen) reg() uint8 { return g.pick(g.s.u8()) }

func (g *fzGen) pick(b byte) uint8 {
	if len(g.pal) == 0 {
		return b & 15
	}
	return g.pal[int(b&15)%len(g.pal)]
}

// regs reads two registers from one byte.
func (g *fzGen) regs() (uint8, uint8) {
	b := g.s.u8()
	return g.pick(b), g.pick(b >> 4)
}

func (g *fzGen) add(in isa.Ins, target bool) {
	it := fzItem{ins: in, target: -1}
	if target {
		it.target = int(g.s.u8())
	}
	g.items = append(g.items, it)
	g.note("op/" + g.num.String() + "/" + in.Op.String())
}

// Memory access ops, by form.
var (
	fzDirectMem   = []isa.Op{isa.LoadU8, isa.LoadI8, isa.LoadU16, isa.LoadI16, isa.LoadU32, isa.LoadI32, isa.LoadU64, isa.StoreU8, isa.StoreU16, isa.StoreU32, isa.StoreU64, isa.StoreImmU8, isa.StoreImmU16, isa.StoreImmU32, isa.StoreImmU64}
	fzIndirectMem = []isa.Op{isa.LoadIndU8, isa.LoadIndI8, isa.LoadIndU16, isa.LoadIndI16, isa.LoadIndU32, isa.LoadIndI32, isa.LoadIndU64, isa.StoreIndU8, isa.StoreIndU16, isa.StoreIndU32, isa.StoreIndU64, isa.StoreImmIndU8, isa.StoreImmIndU16, isa.StoreImmIndU32, isa.StoreImmIndU64}
	fzJumps       = []isa.Op{isa.Jump, isa.LoadImmJump, isa.BranchEqImm, isa.BranchNeImm, isa.BranchLtUImm, isa.BranchLeUImm, isa.BranchGeUImm, isa.BranchGtUImm, isa.BranchLtSImm, isa.BranchLeSImm, isa.BranchGeSImm, isa.BranchGtSImm, isa.BranchEq, isa.BranchNe, isa.BranchLtU, isa.BranchLtS, isa.BranchGeU, isa.BranchGeS}
)

// affineStep adds x = x*a (+ c), the recurrence the recompiler splits
// in loops of one block (split.go), and returns how many items it added.
func (g *fzGen) affineStep() int {
	n := len(g.items)
	x, a := g.regs()
	switch g.s.n(3) {
	case 0:
		g.add(isa.Ins{Op: isa.Mul64, A: x, B: a, D: x}, false)
	case 1:
		g.add(isa.Ins{Op: isa.Mul64, A: a, B: x, D: x}, false)
	default:
		g.add(isa.Ins{Op: isa.MulImm64, A: x, B: x, Imm: g.imm()}, false)
	}
	switch g.s.n(3) {
	case 0:
		g.add(isa.Ins{Op: isa.AddImm64, A: x, B: x, Imm: g.imm()}, false)
	case 1:
		g.add(isa.Ins{Op: isa.Add64, A: x, B: g.reg(), D: x}, false)
	}
	g.note("loop/affine")
	return len(g.items) - n
}

func fzIndirectBase(in *isa.Ins) *uint8 {
	if in.Op >= isa.StoreImmIndU8 && in.Op <= isa.StoreImmIndU64 {
		return &in.A
	}
	return &in.B
}

func fzIsIndirect(op isa.Op) bool {
	for _, o := range fzIndirectMem {
		if o == op {
			return true
		}
	}
	return false
}

// plain adds op with random operands.
func (g *fzGen) plain(op isa.Op) {
	if op == isa.Sbrk {
		g.sbrk()
		return
	}
	// Only what the format has is read from the input, to keep inputs short.
	in := isa.Ins{Op: op}
	regs := func() { in.A, in.B = g.regs() }
	target := false
	switch op.Format() {
	case isa.FmtImm:
		in.Imm = g.imm()
		if op == isa.Ecalli && g.s.n(2) == 0 {
			in.Imm = int64(g.s.n(32))
		}
	case isa.FmtRegImm64:
		in.A, in.Imm = g.reg(), int64(g.val())
	case isa.FmtImmImm:
		in.Imm, in.Imm2 = g.addr(), g.imm()
	case isa.FmtOffset:
		target = true
	case isa.FmtRegImm:
		in.A = g.reg()
		if op == isa.LoadImm || op == isa.JumpInd {
			in.Imm = g.imm()
		} else {
			in.Imm = g.addr()
		}
	case isa.FmtRegImmImm:
		in.A, in.Imm, in.Imm2 = g.reg(), g.imm(), g.imm()
	case isa.FmtRegImmOffset:
		in.A, in.Imm, target = g.reg(), g.imm(), true
	case isa.FmtRegReg:
		in.D, in.A = g.regs()
	case isa.FmtRegRegImm:
		regs()
		in.Imm = g.imm()
	case isa.FmtRegRegOffset:
		regs()
		target = true
	case isa.FmtRegRegImmImm:
		regs()
		in.Imm, in.Imm2 = g.imm(), g.imm()
	case isa.FmtRegRegReg:
		regs()
		in.D = g.s.u8()
		if in.D >= 0x20 {
			in.D = g.pick(in.D) // mostly a register; otherwise the whole byte, which GP clamps to 12
		}
	}
	g.add(in, target)
}

// memAccess adds a memory access, often with its base register set up first
// or with the address of the previous access (the compiler shares checks).
func (g *fzGen) memAccess() {
	s := g.s
	direct := s.n(3) == 0
	var in isa.Ins
	if direct {
		in = isa.Ins{Op: fzDirectMem[s.n(len(fzDirectMem))], A: g.reg(), Imm: g.addr(), Imm2: g.imm()}
	} else {
		in = isa.Ins{Op: fzIndirectMem[s.n(len(fzIndirectMem))], A: g.reg(), B: g.reg(), Imm: int64(fzOffsets[s.n(len(fzOffsets))]), Imm2: g.imm()}
	}
	if _, ok := g.num.Byte(in.Op); !ok {
		return
	}
	mode := s.n(4)
	switch {
	case mode == 0 && g.last != nil:
		// the same address as the last access
		g.note("mem/shared")
		in.Imm = g.last.Imm
		if fzIsIndirect(in.Op) && fzIsIndirect(g.last.Op) {
			*fzIndirectBase(&in) = *fzIndirectBase(g.last)
		} else if fzIsIndirect(in.Op) != fzIsIndirect(g.last.Op) {
			in.Imm = g.addr()
		}
	case mode == 1 && !direct:
		// base register set to an address near a page edge
		g.note("mem/setup")
		base := *fzIndirectBase(&in)
		v := g.val()
		if s.n(2) == 0 {
			v = uint64(int64(g.pageAddr()) + fzOffsets[s.n(len(fzOffsets))])
		}
		g.add(isa.Ins{Op: isa.LoadImm64, A: base, Imm: int64(v)}, false)
	case mode == 2 && !direct:
		in.Imm = g.addr() // wild: base register + address
	}
	g.add(in, false)
	cp := in
	g.last = &cp
}

// djump adds jump_ind or load_imm_jump_ind, usually with the address set
// up: a valid table entry, the halt address, 0, odd, out of range, or with
// garbage above bit 32.
func (g *fzGen) djump() {
	s := g.s
	op := isa.JumpInd
	if s.n(2) == 0 {
		op = isa.LoadImmJumpInd
	}
	in := isa.Ins{Op: op, A: g.reg(), B: g.reg(), Imm: g.imm()}
	if s.n(4) == 0 {
		in.B = in.A // load_imm_jump_ind reads rB before writing rA
	}
	r, imm := &in.A, &in.Imm // the address register and immediate
	if op == isa.LoadImmJumpInd {
		r, imm = &in.B, &in.Imm2
	}
	n := max(g.nJT, 1)
	var a uint64
	switch kind := s.n(12); kind {
	case 0, 1, 2, 3:
		a = uint64(2 * (1 + s.n(n)))
		g.note("djump/valid")
	case 4:
		a = haltAddress
		g.note("djump/halt")
	case 5:
		a = 0
	case 6:
		a = uint64(2*s.n(n+1) + 1)
	case 7:
		a = uint64(2*(g.nJT+1) + 2*s.n(4))
	case 8:
		a = uint64(2*(1+s.n(n))) | uint64(s.u8()|1)<<32
		g.note("djump/high")
	case 9:
		a = g.val()
	default:
		// no setup: whatever the register holds
		*imm = g.imm()
		g.add(in, false)
		return
	}
	*imm = 0
	if s.n(2) == 0 {
		*imm = g.imm()
	}
	g.add(isa.Ins{Op: isa.LoadImm64, A: *r, Imm: int64(a - uint64(*imm))}, false)
	g.add(in, false)
}

// sbrk adds sbrk (GP 0.7 numberings) with its size set up, and often a store
// through the result.
func (g *fzGen) sbrk() {
	s := g.s
	if _, ok := g.num.Byte(isa.Sbrk); !ok {
		g.plain(isa.Ecalli)
		return
	}
	// The size is set up right before: sbrk maps the heap page by page, and
	// a random register could ask for gigabytes, which takes seconds.
	size, d := g.reg(), g.reg()
	v := []uint64{4096, 1, 0, 4095, 4097, 0x10000, 1<<32 - 1, ^uint64(0), 1 << 63, 1 << 18}[s.n(10)]
	if s.n(4) == 3 {
		v = uint64(s.u16())
	}
	g.add(isa.Ins{Op: isa.LoadImm64, A: size, Imm: int64(v)}, false)
	g.add(isa.Ins{Op: isa.Sbrk, A: size, D: d}, false)
	g.note("sbrk")
	g.sc.sbrk = true
	if s.n(2) == 0 {
		op := fzIndirectMem[s.n(len(fzIndirectMem))]
		in := isa.Ins{Op: op, A: g.reg(), B: d, Imm: fzOffsets[s.n(len(fzOffsets))], Imm2: g.imm()}
		if op >= isa.StoreImmIndU8 && op <= isa.StoreImmIndU64 {
			in.A = d
		}
		g.add(in, false)
	}
}

// fzGenerate builds the scenario that data describes.
func fzGenerate(data []byte, features map[string]bool) *fzScenario {
	s := newFzSource(data)
	sc := &fzScenario{src: s, generated: features}
	g := &fzGen{s: s, sc: sc}
	sc.profile = fzProfiles[s.n(len(fzProfiles))]
	g.num = sc.profile.Numbering
	for op := isa.Op(0); op < isa.NumOps; op++ {
		if _, ok := g.num.Byte(op); ok {
			g.ops = append(g.ops, op)
			if registerOnly(op) {
				g.regOps = append(g.regOps, op)
			}
		}
	}
	sc.variant = s.u8()

	// Memory: runs of pages, read-only or read-write, with gaps; at 0x10000,
	// at the top of the address space, around the halt address, anywhere.
	seen := map[uint32]bool{}
	for n := s.n(5); n > 0; n-- {
		var base uint32
		switch s.n(8) {
		case 0, 1, 2:
			base = 0x10000 + uint32(s.n(32))*0x1000
		case 3:
			base = 0x20000
		case 4:
			base = 0xFFFFF000 - uint32(s.n(3))*0x1000
		case 5:
			base = 0xFFFEF000 + uint32(s.n(3))*0x1000
		case 6:
			base = 0x10000
		default:
			base = max(s.u32()&^0xFFF, 0x10000)
		}
		for k := 1 + s.n(3); k > 0; k, base = k-1, base+0x1000 {
			acc := []memory.Access{memory.ReadWrite, memory.ReadWrite, memory.ReadOnly, memory.None}[s.n(4)]
			if acc != memory.None && !seen[base] && base >= memory.LowLimit {
				seen[base] = true
				sc.pages = append(sc.pages, fzPage{base, acc})
			}
			if base == 0xFFFFF000 {
				break
			}
		}
	}
	sc.fill = make([]byte, 1+s.n(16))
	for i := range sc.fill {
		sc.fill[i] = s.u8()
	}
	for i := range sc.regs {
		sc.regs[i] = g.val()
	}
	if s.n(2) == 0 {
		sc.regs[0] = haltAddress
	}
	switch s.n(4) {
	case 1:
		sc.heapTop = 0x30000 + uint32(s.u16())
	case 2:
		sc.heapTop = 0xFFFFD000 + uint32(s.u16())%0x3000
	case 3:
		if len(sc.pages) > 0 {
			sc.heapTop = sc.pages[s.n(len(sc.pages))].addr + uint32(s.u16())%0x2000
		}
	}
	sc.gas = []int64{1000, 100, 10000, 50000, 0, 1, 2, 3, 5, 7, 10, 20, 25, 30, 50, 200, 300000, 5 << 20}[s.n(18)]
	if sc.gas > 1000 {
		g.note("gas/large")
	}

	// The program.
	for n := s.n(14); n > 0; n-- {
		g.pal = append(g.pal, s.u8()&15)
	}
	if len(g.pal) > 0 {
		g.note("palette")
	}
	g.nJT = s.n(9)
	nItems := 1 + s.n(64)
	loopStart, loopEnd, loopReg := 0, -1, uint8(0)
	affine := false // the loop has an affine step: a body that may split
	for len(g.items) == 0 || len(g.items) < nItems && s.i < s.j {
		if loopEnd >= 0 && len(g.items) >= loopEnd {
			g.add(isa.Ins{Op: isa.AddImm64, A: loopReg, B: loopReg, Imm: -1}, false)
			g.items = append(g.items, fzItem{ins: isa.Ins{Op: isa.BranchNeImm, A: loopReg}, target: -2, to: loopStart})
			loopEnd, affine = -1, false
			continue
		}
		k := s.u8()
		if affine && k < 224 {
			// What a loop that splits may hold: arithmetic and accesses.
			if k < 96 {
				g.memAccess()
			} else {
				g.plain(g.regOps[int(k)%len(g.regOps)])
			}
			continue
		}
		switch {
		case k < 168:
			g.plain(g.ops[int(k)%len(g.ops)])
		case k < 196:
			g.memAccess()
		case k < 208:
			g.djump()
		case k < 216:
			g.plain(isa.Ecalli)
		case k < 222:
			g.sbrk()
		case k < 224:
			// junk that starts an instruction (maybe an undefined opcode)
			b := s.u8()
			if b&1 == 0 {
				// a defined opcode reading the next instruction as operands
				b, _ = g.num.Byte(g.ops[s.n(len(g.ops))])
			}
			g.items = append(g.items, fzItem{raw: []byte{b}, start: true, target: -1})
			g.note("junk/start")
		case k < 226:
			// bytes that lengthen the previous instruction
			raw := make([]byte, 1+s.n(6))
			for i := range raw {
				raw[i] = s.u8()
			}
			g.items = append(g.items, fzItem{raw: raw, target: -1})
			g.note("junk/extend")
		case k < 240:
			g.plain(fzJumps[s.n(len(fzJumps))])
		case k < 244 && loopEnd < 0:
			// a counted loop over the next few items (or until something
			// else leaves it)
			n := []int64{2, 3, 10, 100, 1000, 100000, 0, 1}[s.n(8)]
			loopReg = g.reg() % 13
			g.add(isa.Ins{Op: isa.LoadImm, A: loopReg, Imm: n}, false)
			g.add(isa.Ins{Op: isa.Fallthrough}, false)
			loopStart, loopEnd = len(g.items), len(g.items)+1+s.n(8)
			g.note("loop")
			if s.n(2) == 0 {
				loopEnd += g.affineStep()
				affine = true
			}
		case k < 244:
			g.plain(fzJumps[s.n(len(fzJumps))])
		case k < 246:
			g.plain(isa.Trap)
		case k < 248:
			g.add(isa.Ins{Op: isa.JumpInd}, false) // return: r0 often holds the halt address
		default:
			g.plain(g.ops[int(s.u8())%len(g.ops)])
		}
	}

	// Block starts as the generator sees them (the first item and those
	// after a terminator); targets are mostly these, sometimes any item.
	var starts []int
	for i := range g.items {
		if i == 0 || g.items[i-1].raw == nil && g.items[i-1].ins.Op.IsTerminator() {
			starts = append(starts, i)
		}
	}
	label := func(i int) string { return "i" + strconv.Itoa(i) }
	target := func(sel int) string {
		if sel < 176 {
			return label(starts[sel%len(starts)])
		}
		g.note("target/any")
		return label(sel % (len(g.items) + 1))
	}
	var wild []int // jumps whose offsets are overwritten
	a := isa.NewAsm(g.num)
	sc.itemPCs = make([]uint32, len(g.items)+1)
	for i, it := range g.items {
		sc.itemPCs[i] = a.PC()
		a.Label(label(i))
		if it.raw != nil {
			a.Raw(it.start, it.raw...)
			continue
		}
		in := it.ins
		if it.target == -2 {
			in.Label = label(it.to)
		} else if it.target >= 0 {
			in.Label = target(it.target)
			if it.target >= 250 {
				wild = append(wild, i)
			}
		}
		a.I(in)
	}
	sc.itemPCs[len(g.items)] = a.PC()
	a.Label(label(len(g.items)))
	for k := 0; k < g.nJT; k++ {
		a.JumpTableEntry(target(int(s.u8())))
	}
	blob, err := a.Blob()
	if err != nil {
		panic(err)
	}
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		panic(err)
	}
	// Wild jump targets: past the code either way, into instructions. The
	// offset is the last 4 bytes of a jump's encoding.
	for _, i := range wild {
		end := int(sc.itemPCs[i+1])
		v := []uint32{1, ^uint32(0), uint32(len(cb.Code)), uint32(len(cb.Code)) - sc.itemPCs[i] + 1, -sc.itemPCs[i] - 1, 1 << 31, s.u32()}[s.n(7)]
		cb.Code[end-4], cb.Code[end-3], cb.Code[end-2], cb.Code[end-1] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		g.note("target/wild")
	}
	// Wild jump table entries: past the code, in the middle of instructions.
	for k := range cb.JumpTable {
		if s.n(8) == 7 {
			cb.JumpTable[k] = []uint32{uint32(len(cb.Code)), uint32(len(cb.Code)) + 1 + uint32(s.u8()), ^uint32(0), uint32(s.u8())}[s.n(4)]
			g.note("jt/wild")
		}
	}
	// Flip a few bitmask bits: instructions vanish into their neighbours'
	// operands or junk starts in the middle of one.
	if s.n(16) == 15 {
		for n := 1 + s.n(3); n > 0; n-- {
			i := s.n(len(cb.Code) + 1)
			if i < len(cb.Code) {
				cb.Bitmask[i/8] ^= 1 << (i % 8)
				g.note("mask/flip")
			}
		}
	}
	sc.cb = cb
	if sc.sbrk {
		// sbrk maps the heap page by page (a syscall each): one sbrk of a
		// register holding an address would take a second. The heap starts
		// in the top 4 MiB instead, so it stays small.
		sc.gas = min(sc.gas, fzSbrkGas)
		if sc.heapTop != 0 {
			sc.heapTop = 0xFFC00000 + sc.heapTop&0x3FFFFF
		}
	}
	for _, i := range starts {
		sc.blockPCs = append(sc.blockPCs, sc.itemPCs[i])
	}
	sc.pc = fzPickPC(s.u8, sc)
	return sc
}

// fzSbrkGas bounds the gas of programs with sbrk, given at once or added.
const fzSbrkGas = 2000

// fzPickPC picks where to start or restart: 0 mostly, a block start, any
// item, any byte, the end of the code, past it.
func fzPickPC(next func() byte, sc *fzScenario) uint32 {
	b := next()
	n := uint32(len(sc.cb.Code))
	switch {
	case b < 160:
		return 0
	case b < 200:
		return sc.blockPCs[int(next())%len(sc.blockPCs)]
	case b < 225:
		return sc.itemPCs[int(next())%len(sc.itemPCs)]
	case b < 240:
		return uint32(int(next()) % int(n+1))
	case b < 248:
		return n
	case b < 252:
		return n + 1 + uint32(next())
	}
	return ^uint32(0) - uint32(next())
}

// fzDescribe writes a scenario for a failure report.
func fzDescribe(sc *fzScenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "profile %v, recompiler variant %s\n", sc.profile, fzVariantName(sc.variant))
	fmt.Fprintf(&b, "pages:")
	for _, p := range sc.pages {
		fmt.Fprintf(&b, " %#x(%v)", p.addr, p.access)
	}
	fmt.Fprintf(&b, "\nfill % x\nregs %#x\ngas %d heapTop %#x start pc %d\n", sc.fill, sc.regs, sc.gas, sc.heapTop, sc.pc)
	fmt.Fprintf(&b, "jump table %v\n", sc.cb.JumpTable)
	prog := isa.Analyze(sc.cb.Code, sc.cb.Bitmask, sc.cb.JumpTable, sc.profile.Numbering)
	for _, in := range prog.Instrs {
		mark := " "
		if in.BlockStart {
			mark = ">"
		}
		fmt.Fprintf(&b, "%s %4d: %s", mark, in.PC, fzIns(in))
		b.WriteString("\n")
	}
	return b.String()
}

// fzIns formats a decoded instruction with the operands its format has.
func fzIns(in isa.Instruction) string {
	if !in.Valid {
		return "invalid (trap)"
	}
	r := func(x uint8) string { return "r" + strconv.Itoa(int(x)) }
	s := in.Op.String()
	switch in.Op.Format() {
	case isa.FmtImm:
		return fmt.Sprintf("%s %#x", s, in.Imm)
	case isa.FmtRegImm64:
		return fmt.Sprintf("%s %s, %#x", s, r(in.A), in.Imm)
	case isa.FmtImmImm:
		return fmt.Sprintf("%s [%#x], %#x", s, uint32(in.Imm), in.Imm2)
	case isa.FmtOffset:
		return fmt.Sprintf("%s @%d", s, in.Target)
	case isa.FmtRegImm:
		return fmt.Sprintf("%s %s, %#x", s, r(in.A), in.Imm)
	case isa.FmtRegImmImm:
		return fmt.Sprintf("%s [%s+%#x], %#x", s, r(in.A), in.Imm, in.Imm2)
	case isa.FmtRegImmOffset:
		return fmt.Sprintf("%s %s, %#x, @%d", s, r(in.A), in.Imm, in.Target)
	case isa.FmtRegReg:
		return fmt.Sprintf("%s %s <- %s", s, r(in.D), r(in.A))
	case isa.FmtRegRegImm:
		return fmt.Sprintf("%s %s, %s, %#x", s, r(in.A), r(in.B), in.Imm)
	case isa.FmtRegRegOffset:
		return fmt.Sprintf("%s %s, %s, @%d", s, r(in.A), r(in.B), in.Target)
	case isa.FmtRegRegImmImm:
		return fmt.Sprintf("%s %s <- %#x, jump %s+%#x", s, r(in.A), in.Imm, r(in.B), in.Imm2)
	case isa.FmtRegRegReg:
		return fmt.Sprintf("%s %s <- %s, %s", s, r(in.D), r(in.A), r(in.B))
	}
	return s
}

// fzSeedBytes is seed k's input: pseudo-random bytes after a chosen profile.
func fzSeedBytes(k int64, profile int) []byte {
	rng := rand.New(rand.NewSource(k))
	b := make([]byte, 60+rng.Intn(400))
	rng.Read(b)
	b[0] = byte(profile)
	return b
}
