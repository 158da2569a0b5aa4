package recompile

import (
	"math/bits"

	"github.com/pvmd/pvmd/recompile/internal/amd64"
	"github.com/pvmd/pvmd/vm/isa"
)

// Guest memory accesses.
//
// An access computes its guest address (φbase + off mod 2^32, or off) and
// checks, inline, the permission of the address's page and natural
// alignment (which rules out crossing into the next page). Anything the
// inline check refuses goes to the prelude's exact check for the access,
// which returns if the access is allowed after all (unaligned within a
// page, or crossing into an accessible page below 4 GiB) and exits
// otherwise.
//
// Groups. Consecutive accesses of a block to the same address (the same
// base register and offset, with only instructions between that leave rax
// and the base register alone, see planGroup) are checked once, by the
// first, for the largest size and the strongest permission of the group;
// the others use rax as the first left it, with no check. When the combined
// check fails, the first access jumps to an exact copy of the group in the
// cold code, where every access calls its exact check, and which jumps back
// after the last access. Go enters the instructions of a group after its
// first (a SetPC, a retry after a page fault) in that copy.
//
// Bases. The memory base and the permission table base live in frame
// slots, or in the host registers of two guest registers the program
// rarely names (memBases): then an access is `[mem + rax]` and the page
// check one fusible `test byte [perm + page], reg8` (regCheck).

// memBases says which guest registers lend their host registers to the
// bases while native code runs. Their guest values live in the frame's
// spill slots meanwhile (Go moves them in and out around Enter): when the
// program names such a register, the instruction loads it from its slot,
// runs with the bases in the frame, and stores it back (see spilled).
type memBases struct {
	// mem holds the guest memory base plus bias(); perm (only used with
	// mem) the permission table base plus 1. -1: in frame slots.
	mem, perm int8
}

func (b memBases) memReg() amd64.Reg {
	if b.mem < 0 {
		return amd64.NoReg
	}
	return reg(uint8(b.mem))
}

func (b memBases) permReg() amd64.Reg {
	if b.perm < 0 {
		return amd64.NoReg
	}
	return reg(uint8(b.perm))
}

// bias is what the memory base register holds beyond the base: 2 when the
// permission table is in a register too. Both bases are page-aligned, so
// the low byte of the memory register is then 2 (a permission byte's write
// bit) and the permission register's 1 (its read bit): `test byte [perm +
// page - 1], reg8; je fail` checks a page in one macro-fused instruction.
func (b memBases) bias() int32 {
	if b.perm >= 0 {
		return 2
	}
	return 0
}

// lent is the set of guest registers whose host registers hold bases.
func (b memBases) lent() uint16 {
	var m uint16
	if b.mem >= 0 {
		m |= 1 << b.mem
	}
	if b.perm >= 0 {
		m |= 1 << b.perm
	}
	return m
}

// slot is the frame offset of guest register g's spill slot (g lent).
func (b memBases) slot(g int) int32 {
	if int8(g) == b.perm {
		return fSpill + 8
	}
	return fSpill
}

// regUse counts, over (a prefix of) the program, the instructions naming
// each guest register and the memory accesses.
type regUse struct {
	refs     [13]int
	accesses int
}

// scanSample bounds how many instructions scanRegs reads.
const scanSample = 4 << 10

// scanRegs counts register use over the program's first scanSample
// instructions.
func scanRegs(code, mask []byte, num isa.Numbering) regUse {
	w := newWalker(code, mask, num)
	var in isa.Instruction
	var u regUse
	for n := 0; n < scanSample && w.next(&in); n++ {
		if !in.Valid {
			continue
		}
		if accesses[in.Op].size != 0 {
			u.accesses++
		}
		for m := regsOf(&in); m != 0; m &= m - 1 {
			u.refs[bits.TrailingZeros16(m)]++
		}
	}
	return u
}

// lentIn is the set of lent registers (memBases) in names. The decoder
// leaves the register fields an instruction does not have at 0, and φ0 is
// never lent.
func (c *compiler) lentIn(in *isa.Instruction) uint16 {
	if c.lent == 0 {
		return 0
	}
	return (1<<in.A | 1<<in.B | 1<<in.D) & c.lent
}

// regsOf is the set of guest registers in names.
func regsOf(in *isa.Instruction) uint16 {
	switch in.Op.Format() {
	case isa.FmtRegImm64, isa.FmtRegImm, isa.FmtRegImmImm, isa.FmtRegImmOffset:
		return 1 << in.A
	case isa.FmtRegReg:
		return 1<<in.A | 1<<in.D
	case isa.FmtRegRegImm, isa.FmtRegRegOffset, isa.FmtRegRegImmImm:
		return 1<<in.A | 1<<in.B
	case isa.FmtRegRegReg:
		return 1<<in.A | 1<<in.B | 1<<in.D
	}
	return 0
}

// chooseBases picks the registers to lend: the two least used (not φ0,
// whose rdx the multiplications and divisions use), when each access
// saves more than the loads and stores around the instructions naming them
// cost.
func chooseBases(u regUse) memBases {
	b := memBases{mem: -1, perm: -1}
	cost := 0
	for k := 0; k < 2; k++ {
		best := -1
		for r := 12; r >= 1; r-- {
			if int8(r) != b.mem && (best < 0 || u.refs[r] < u.refs[best]) {
				best = r
			}
		}
		if cost += max(u.refs[best], 0); 2*cost > u.accesses {
			break
		}
		if k == 0 {
			b.mem = int8(best)
		} else {
			b.perm = int8(best)
		}
	}
	return b
}

// accessInfo describes a memory access instruction (see accesses).
type accessInfo struct {
	size uint8 // bytes moved; 0: not an access
	kind accessKind
	// base: where the base register is (baseNone: an absolute address)
	base uint8
}

type accessKind uint8

const (
	kindLoad accessKind = iota
	kindLoadSX
	kindStore    // of φA
	kindStoreImm // of Imm2
)

const (
	baseNone = iota
	baseA
	baseB
)

// accesses describes every access instruction; isAccess is 1 for them.
var (
	accesses [256]accessInfo
	isAccess [256]uint8
)

func init() {
	for op := isa.Op(0); op < isa.NumOps; op++ {
		x := &accesses[op]
		switch {
		case op >= isa.LoadU8 && op <= isa.LoadU64:
			x.kind, x.base = kindLoad, baseNone
		case op >= isa.StoreU8 && op <= isa.StoreU64:
			x.kind, x.base = kindStore, baseNone
		case op >= isa.StoreImmU8 && op <= isa.StoreImmU64:
			x.kind, x.base = kindStoreImm, baseNone
		case op >= isa.LoadIndU8 && op <= isa.LoadIndU64:
			x.kind, x.base = kindLoad, baseB
		case op >= isa.StoreIndU8 && op <= isa.StoreIndU64:
			x.kind, x.base = kindStore, baseB
		case op >= isa.StoreImmIndU8 && op <= isa.StoreImmIndU64:
			x.kind, x.base = kindStoreImm, baseA
		default:
			continue
		}
		switch op {
		case isa.LoadI8, isa.LoadI16, isa.LoadI32, isa.LoadIndI8, isa.LoadIndI16, isa.LoadIndI32:
			x.kind = kindLoadSX
		}
		x.size = uint8(accessSize(op))
		isAccess[op] = 1
		if accessSize(op) == 0 || isStore(op) != (x.kind >= kindStore) {
			panic("recompile: access table")
		}
	}
}

// accessOf returns the base register (-1 for none) and offset of a memory
// access; ok is false for other instructions.
func accessOf(in *isa.Instruction) (base int, off uint32, ok bool) {
	x := accesses[in.Op]
	switch {
	case x.size == 0 || !in.Valid:
		return 0, 0, false
	case x.base == baseB:
		return int(in.B), uint32(in.Imm), true
	case x.base == baseA:
		return int(in.A), uint32(in.Imm), true
	}
	return -1, uint32(in.Imm), true
}

// writesBase reports whether the access in (a load) overwrites its own base.
func writesBase(in *isa.Instruction) bool {
	return in.Op >= isa.LoadIndU8 && in.Op <= isa.LoadIndU64 && in.A == in.B
}

// memGroup is the group of accesses being emitted (see above).
type memGroup struct {
	on bool
	// k0 and last are the block positions of the first and last access.
	k0, last int
	// mem is the operand the accesses use.
	mem amd64.Mem
	// fails are the rel32 fields of the first access's check (-1: none).
	fails [2]int
}

// opClass sorts instructions for keeps.
type opClass uint8

const (
	classOther     opClass = iota
	classKeepsA            // leaves rax and rcx alone, writes φA
	classKeepsD            // leaves rax and rcx alone, writes φD
	classKeepsNone         // leaves rax and rcx alone, writes no register
)

var opClasses [256]opClass

func init() {
	for op := isa.Op(0); op < isa.NumOps; op++ {
		switch op {
		case isa.Unlikely:
			opClasses[op] = classKeepsNone
		case isa.LoadImm, isa.LoadImm64,
			isa.AddImm64, isa.AndImm, isa.XorImm, isa.OrImm, isa.MulImm64, isa.NegAddImm64,
			isa.ShloLImm64, isa.ShloRImm64, isa.SharRImm64, isa.RotR64Imm:
			opClasses[op] = classKeepsA
		case isa.MoveReg, isa.SignExtend8, isa.SignExtend16, isa.ZeroExtend16, isa.ReverseBytes,
			isa.Add64, isa.Sub64, isa.Mul64, isa.And, isa.Xor, isa.Or, isa.CmovIz, isa.CmovNz:
			opClasses[op] = classKeepsD
		}
	}
}

// maxGap bounds how far apart (in instructions) the accesses of a group
// may be: the search is on every access's compile path.
const maxGap = 4

// planGroup returns the block position of the last access of the group
// starting with the access at k (k itself if it has no company). It runs
// for every access, so the common answer is found from the block's access
// bits (c.accBits) and one look at the next access.
func (c *compiler) planGroup(k, base int, off uint32) int {
	if writesBase(&c.buf[k]) {
		return k
	}
	last := k
	for {
		j := c.nextAccess(last)
		if j < 0 || j-last > maxGap {
			return last
		}
		in := &c.buf[j]
		if b, o, _ := accessOf(in); b != base || o != off || !in.Valid || c.lentIn(in) != 0 || !c.keeps(last+1, j, base) {
			return last
		}
		last = j
		if writesBase(in) {
			return last
		}
	}
}

// nextAccess is the block position of the first access after k, or -1.
func (c *compiler) nextAccess(k int) int {
	for w := (k + 1) >> 6; w < len(c.accBits) && w<<6 < len(c.buf); w++ {
		b := c.accBits[w]
		if w == (k+1)>>6 {
			b &= ^uint64(0) << ((k + 1) & 63)
		}
		if b != 0 {
			if j := w<<6 + bits.TrailingZeros64(b); j < len(c.buf) {
				return j
			}
			return -1
		}
	}
	return -1
}

// keeps reports whether the instructions at block positions [from, to)
// may come between the accesses of a group: their code leaves rax and rcx
// alone (uses neither), and they do not write the base register.
func (c *compiler) keeps(from, to, base int) bool {
	for j := from; j < to; j++ {
		in := &c.buf[j]
		if !in.Valid {
			return false
		}
		switch opClasses[in.Op] {
		case classKeepsA:
			if int(in.A) == base {
				return false
			}
		case classKeepsD:
			if int(in.D) == base {
				return false
			}
		case classKeepsNone:
		default:
			return false
		}
	}
	return true
}

// access emits the memory access in at block position k.
func (c *compiler) access(in *isa.Instruction, k int, idx, unspent uint32) {
	base, off, _ := accessOf(in)
	x := accesses[in.Op]
	size, write := int(x.size), x.kind >= kindStore
	switch {
	case c.exact:
		// In a group's exact copy: always the exact check.
		a := c.a
		c.addrToEAX(a, base, off)
		a.CallTo(c.checkRoutine(size, write))
		c.coldSites = append(c.coldSites, site{ret: uint32(a.Len()), idx: idx, arg: unspent, kind: siteMem})
		c.move(in, c.raxMem(a))
		return
	case c.grp.on:
		// A later access of the group: checked by the first.
		c.move(in, c.grp.mem)
		switch {
		case k != c.grp.last:
		case c.pair.copy != 0:
			// A split loop's copy: a failed check leaves the copy for the
			// usual code (fallBack), so no exact copy of the group.
			c.grp = memGroup{}
		default:
			c.finishGroup()
		}
		return
	}
	last := k
	if k1 := k + 1; !c.wrapped {
		// Is the next access close, with the same offset? (The bits miss
		// one just past a 64-instruction boundary, which then forms no
		// group.) This runs for every access: keep it short.
		if w := (c.accBits[k1>>6] >> (k1 & 63)) & (1<<maxGap - 1); w != 0 && c.buf[k1+bits.TrailingZeros64(w)].Imm == in.Imm {
			last = c.planGroup(k, base, off)
		}
	}
	gsize, gwrite := size, write
	for j := k + 1; j <= last; j++ {
		if y := accesses[c.buf[j].Op]; y.size != 0 {
			gsize = max(gsize, int(y.size))
			gwrite = gwrite || y.kind >= kindStore
		}
	}
	mem, fail1, fail2, back, eax := c.fastCheck(base, off, gsize, gwrite)
	if c.pair.copy != 0 {
		// In a split loop's copy (see split.go).
		if fail1 >= 0 {
			c.probe(fail1, fail2, back, eax, base, off, gsize, gwrite)
			c.fallBack(k)
		}
		if last > k {
			c.grp = memGroup{on: true, k0: k, last: last, mem: mem}
		}
		c.move(in, mem)
		return
	}
	fails := [2]int{fail1, fail2}
	if last > k {
		c.grp = memGroup{on: true, k0: k, last: last, mem: mem, fails: fails}
		c.move(in, mem)
		return
	}
	if fails[0] >= 0 {
		// The slow path: the exact check, then back to the access.
		stub := c.cold.Len()
		for _, f := range fails {
			if f >= 0 {
				c.hot.PatchRel32(f, stub)
			}
		}
		if !eax {
			c.addrToEAX(&c.cold, base, off)
		}
		c.cold.CallTo(c.checkRoutine(size, write))
		c.coldSites = append(c.coldSites, site{ret: uint32(c.cold.Len()), idx: idx, arg: unspent, kind: siteMem})
		c.cold.JmpTo(back)
	}
	c.move(in, mem)
}

// finishGroup emits the exact copy of the group just emitted (its last
// access included) and points the first access's check and Go's entries at
// it.
func (c *compiler) finishGroup() {
	g := c.grp
	c.grp = memGroup{}
	back := c.hot.Len()
	start := c.cold.Len()
	for _, f := range g.fails {
		if f >= 0 {
			c.hot.PatchRel32(f, start)
		}
	}
	c.a, c.exact = &c.cold, true
	n := len(c.buf)
	for j := g.k0; j <= g.last; j++ {
		idx := c.first + uint32(j)
		if j > g.k0 {
			c.offs[idx] = uint32(c.cold.Len())
		}
		c.emit(&c.buf[j], j, idx, uint32(n-1-j))
	}
	c.cold.JmpTo(back)
	c.a, c.exact = &c.hot, false
	c.zf = -1
}

// addrToEAX computes the guest address of an access into eax.
func (c *compiler) addrToEAX(a *amd64.Asm, base int, off uint32) {
	switch {
	case base < 0:
		a.MovImm(t0, uint64(off))
	case off == 0:
		a.MovRR32(t0, reg(uint8(base)))
	default:
		a.Lea32(t0, amd64.M(reg(uint8(base)), int32(off)))
	}
}

// raxMem turns the guest address in eax into the operand of the access
// (adding the memory base to rax when it is in the frame).
func (c *compiler) raxMem(a *amd64.Asm) amd64.Mem {
	if r := c.bases.memReg(); r != amd64.NoReg {
		return amd64.MI(r, t0, 1, -c.bases.bias())
	}
	a.Bytes(addMemBase[:]...)
	return amd64.M(t0, 0)
}

// fastCheck emits the inline check of an access of size bytes at (φbase +
// off), needing write access if write, and what sets up its operand. It
// returns the operand, the rel32 fields of the jumps taken when the check
// fails (-1: none), where a slow path that has checked the guest address
// in eax continues, and whether eax already holds that address where the
// check fails. (Two ints, not an array: Go returns arrays through memory,
// and the caller's 16-byte copy of two 8-byte stores stalled store
// forwarding, 9 ns per access.)
func (c *compiler) fastCheck(base int, off uint32, size int, write bool) (mem amd64.Mem, fail1, fail2, back int, eax bool) {
	a := &c.hot
	fail1, fail2 = -1, -1
	rm, rp := c.bases.memReg(), c.bases.permReg()
	req := rp // low byte 1: the read bit
	if write {
		req = rm // low byte 2: the write bit
	}
	if base < 0 {
		// A constant address: whether it crosses a page is known.
		addr := off
		switch {
		case int(addr&0xfff)+size > 0x1000:
			fail1 = a.JmpRel() // always the exact check
		case rp != amd64.NoReg:
			a.TestMR8(amd64.M(rp, int32(addr>>12)-1), req)
			fail1 = a.JccRel(amd64.CondE)
		default:
			need, fail := int32(0), amd64.CondE
			if write {
				need, fail = 3, amd64.CondNE
			}
			a.Load(8, t1, amd64.M(rsp, fPerm))
			a.ALUMI(1, amd64.CMP, amd64.M(t1, int32(addr>>12)), need)
			fail1 = a.JccRel(fail)
		}
		back = a.Len()
		if rm != amd64.NoReg && addr < 1<<31 {
			return amd64.M(rm, int32(addr)-c.bases.bias()), fail1, fail2, back, false
		}
		a.MovImm(t0, uint64(addr))
		return c.raxMem(a), fail1, fail2, back, false
	}
	b := reg(uint8(base))
	if rp != amd64.NoReg {
		// From a template (see regCheck).
		key := int(b)
		if off != 0 {
			a.Lea32(t0, amd64.M(b, int32(off)))
			key = 16
		}
		key = key<<3 | bits.TrailingZeros(uint(size))<<1
		if write {
			key |= 1
		}
		t := &c.regChecks[key]
		if t.n == 0 {
			c.regCheck(t, b, off != 0, size, write)
		}
		pos := a.Len()
		a.Bytes(t.code[:t.n]...)
		fail1 = pos + int(t.rel1)
		if t.rel2 >= 0 {
			fail2 = pos + int(t.rel2)
		}
		return amd64.MI(rm, t0, 1, -c.bases.bias()), fail1, fail2, pos + int(t.back), off != 0
	}
	c.addrToEAX(a, base, off)
	fail1 = a.Len() + permCheckRel
	if write {
		a.Bytes(permCheckWrite[:]...)
	} else {
		a.Bytes(permCheckRead[:]...)
	}
	if size > 1 {
		fail2 = a.Len() + alignCheckRel
		t := alignCheck
		t[1] = byte(size - 1)
		a.Bytes(t[:]...)
	}
	back = a.Len()
	return c.raxMem(a), fail1, fail2, back, true
}

// checkTmpl is the code of a register-base check (regCheck).
type checkTmpl struct {
	code       [32]byte
	n          uint8
	rel1, rel2 int8 // where the rel32 fields of the jumps to the slow path are (-1: none)
	back       int8 // where a slow path continues
}

// regCheck builds the check of an access of size bytes at [b] (or, with
// lea, at eax, which a lea has set from b), with the bases in registers:
//
//	mov ecx, b32; shr ecx, 12; test byte [perm+rcx-1], req8; je slow
//	test b8, size-1; jne slow  (size > 1)
//	back: mov eax, b32         (not with lea)
//
// Emitting it from bytes costs a fraction of encoding it each time.
func (c *compiler) regCheck(t *checkTmpl, b amd64.Reg, lea bool, size int, write bool) {
	rp, req := c.bases.permReg(), c.bases.permReg()
	if write {
		req = c.bases.memReg()
	}
	a := amd64.NewAsm(t.code[:], 0)
	if lea {
		b = t0
	}
	a.MovRR32(t1, b)
	a.ShiftRI32(amd64.SHR, t1, 12)
	a.TestMR8(amd64.MI(rp, t1, 1, -1), req)
	t.rel1, t.rel2 = int8(a.JccRel(amd64.CondE)), -1
	if size > 1 {
		a.TestRI8(b, uint8(size-1))
		t.rel2 = int8(a.JccRel(amd64.CondNE))
	}
	t.back = int8(a.Len())
	if !lea {
		a.MovRR32(t0, b)
	}
	t.n = uint8(a.Len())
}

// move emits the data movement of the access in through operand m.
func (c *compiler) move(in *isa.Instruction, m amd64.Mem) {
	a := c.a
	x := accesses[in.Op]
	switch x.kind {
	case kindLoad:
		a.Load(int(x.size), reg(in.A), m)
	case kindLoadSX:
		a.LoadSX(int(x.size), reg(in.A), m)
	case kindStore:
		a.Store(int(x.size), m, reg(in.A))
	default:
		a.StoreImm(int(x.size), m, int32(in.Imm2))
	}
}

// checkRoutine is the prelude's exact check for an access.
func (c *compiler) checkRoutine(size int, write bool) int {
	return routineFor(&c.checkOff, size, write)
}

// routineFor is the routine for an access of size bytes in a table of
// prelude routines by [write][log2 size] (checkOff, probeOff).
func routineFor(table *[2][4]int, size int, write bool) int {
	w := 0
	if write {
		w = 1
	}
	return table[w][bits.TrailingZeros(uint(size))]
}

// Templates for the frame-slot checks, built with the encoder (and so
// checked by its tests) once.
var (
	// mov ecx, eax; shr ecx, 12; add rcx, [rsp+perm]; cmp byte [rcx], 0 or 3; je/jne rel32
	permCheckRead, permCheckWrite [19]byte
	// test al, size-1; jne rel32
	alignCheck [8]byte
	// add rax, [rsp+mem]
	addMemBase [5]byte
)

// Offsets of the rel32 fields in the templates.
const (
	permCheckRel  = 15
	alignCheckRel = 4
)

func init() {
	for w, t := range []*[19]byte{&permCheckRead, &permCheckWrite} {
		var a amd64.Asm
		a.MovRR32(t1, t0)
		a.ShiftRI32(amd64.SHR, t1, 12)
		a.ALURM(amd64.ADD, t1, amd64.M(rsp, fPerm))
		if w == 1 {
			a.ALUMI(1, amd64.CMP, amd64.M(t1, 0), 3)
			a.JccRel(amd64.CondNE)
		} else {
			a.ALUMI(1, amd64.CMP, amd64.M(t1, 0), 0)
			a.JccRel(amd64.CondE)
		}
		if copy(t[:], a.Code()) != len(t) || a.Len() != len(t) {
			panic("recompile: permission check template size")
		}
	}
	var a amd64.Asm
	a.TestRI8(t0, 7)
	if a.JccRel(amd64.CondNE) != alignCheckRel || copy(alignCheck[:], a.Code()) != len(alignCheck) || a.Len() != len(alignCheck) {
		panic("recompile: alignment check template size")
	}
	a.Reset()
	a.ALURM(amd64.ADD, t0, amd64.M(rsp, fMem))
	if copy(addMemBase[:], a.Code()) != len(addMemBase) || a.Len() != len(addMemBase) {
		panic("recompile: memory base template size")
	}
}
