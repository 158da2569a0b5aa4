package recompile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"

	"github.com/pvmd/pvmd/recompile/internal/amd64"
	"github.com/pvmd/pvmd/recompile/internal/native"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/gas"
	"github.com/pvmd/pvmd/vm/isa"
)

// Generated code layout (one image, see compile):
//
//	prelude:    the exit routine, eight memory-check routines, constants
//	hot parts:  every gas block in pc order, each opening with its gas check
//	cold parts: out-of-line stubs (failed gas checks, memory slow paths,
//	            exits, entries that set registers up)
//	jump table: the native form of the program's jump table
//
// Every way out of generated code is a call to the exit routine, which
// records the call's return address (the "site") and rax, and returns to the
// trampoline. The site table maps each return address to the instruction,
// the kind of exit and what Go needs to finish it; the machine state at the
// site is always the state before the exiting instruction (or after it, for
// the few exits that complete it), so Go can finish the exit exactly as the
// interpreter does.

// exitKind says what an exit site is.
type exitKind uint8

const (
	// siteGas: the gas check of the block starting at idx failed; the slot
	// has had arg (the block cost) subtracted and must get it back.
	siteGas exitKind = iota
	// siteMem: the memory access of idx was refused by the fast check and the
	// exact check; rax holds the guest address.
	siteMem
	// siteTrap: idx panics (trap, invalid instruction, static jump to a
	// non-block-start).
	siteTrap
	// siteJump: the dynamic jump of idx found no block; rax holds the
	// address (halt if it is the halt address, else panic).
	siteJump
	// siteHost: ecalli at idx.
	siteHost
	// siteSbrk: sbrk at idx (GP 0.7), performed in Go.
	siteSbrk
)

// site is one exit call in the generated code.
type site struct {
	ret  uint32 // code offset of the call's return address
	idx  uint32 // instruction index
	arg  uint32 // siteGas: the block cost; otherwise instructions after idx in its block
	kind exitKind
}

// features are the optional instructions generated code may use.
type features struct {
	lzcnt, tzcnt, popcnt, bmi2 bool
}

// Frame offsets as seen by block code (one call below the trampoline) and by
// the prelude's routines (two calls below).
const (
	fGas   = native.FrameBias + native.SlotGas
	fMem   = native.FrameBias + native.SlotMem
	fPerm  = native.FrameBias + native.SlotPerm
	fTmp   = native.FrameBias + native.SlotTmp
	fSite  = native.FrameBias + native.SlotSite
	fAux   = native.FrameBias + native.SlotAux
	fCount = native.FrameBias + native.SlotCount
	fSpill = native.FrameBias + native.SlotSpill
	fA2    = native.FrameBias + native.SlotSplitA2
	fC2    = native.FrameBias + native.SlotSplitC2
	fSave  = native.FrameBias + native.SlotSplitSave
)

const (
	t0  = native.T0 // rax
	t1  = native.T1 // rcx
	rsp = amd64.RSP
)

// branchFix is a jump to a static target, resolved once every block is laid
// out.
type branchFix struct {
	rel    int32 // offset of the rel32 field
	target uint32
	idx    uint32 // the branch
}

// compiler holds the state of one compilation.
type compiler struct {
	// hot holds the blocks; cold (further on in the same image) the
	// out-of-line stubs.
	hot, cold amd64.Asm
	img       *native.Code
	code      []byte
	mask      []byte
	num       isa.Numbering
	model     vm.GasModel
	feat      features
	// jumpEntries is the length of the jump table; jumpTable its pcs;
	// jtOff the image offset of its native form (see djump).
	jumpEntries int
	jumpTable   []uint32
	jtOff       int
	// count is how generated code counts instructions (needed only where
	// gas does not tell the count).
	count countMode
	// ratio is the largest number of instructions per unit of gas of any
	// block (rounded up): it bounds the count a slice of gas can pay for.
	ratio uint64
	// maxLen is the most instructions one gas check pays for (the longest
	// block, or twice an unrolled one).
	maxLen uint64
	// unrolled counts the loops emitted as two copies (see maxUnrolled),
	// split those of them with a split recurrence (see split.go).
	unrolled, split int
	// window is where a part's instruction tables start in the program's
	// (see windows).
	window int
	// scr is the part's pooled scratch (see scratch).
	scr *scratch

	pcs    []uint32 // pc of each instruction index
	offs   []uint32 // code offset where each instruction starts (after its block's gas check)
	bStart []uint32 // each block's first index
	bCost  []uint32 // each block's cost under the gas model
	bLabel []int32  // code offset of each block's gas check
	bPC    []uint32 // each block's first pc
	// blockBits and blockRank find a block by its first pc (indexBlocks).
	blockBits []uint64
	blockRank []uint32
	starts    []uint64 // bit i: instruction i is a basic-block start (ϖ), a valid jump target

	hotSites  []site
	coldSites []site
	sites     []partSites // every part's sites, once compiled
	branches  []branchFix

	coldOrg int // image offset of the cold code

	// hotBytes and coldBytes are the sizes of the code (all parts).
	hotBytes, coldBytes int

	// hotPF and coldPF are where the part's regions stop being
	// prefaulted (see prefault).
	hotPF, coldPF int

	// n bounds the number of positions of a part; next is the image
	// offset of the next part's code, or -1 for the last part.
	n    int
	next int
	// partBase is the first instruction number of each part, once merged.
	partBase []int

	// a is where emit writes: the hot code, or the cold code while a
	// group's exact copy is emitted (exact set, see memory.go).
	a     *amd64.Asm
	exact bool
	// wrapped: emitting an instruction that names lent registers (see
	// spilled); its accesses form no groups.
	wrapped bool
	// bases says where generated code finds the guest memory and the
	// permission table (see memBases).
	bases memBases
	lent  uint16 // bases.lent(), or 0 while emitting with the bases in the frame
	// regChecks are the register-base checks built so far (regCheck),
	// by base register (16: after a lea), size and need.
	regChecks [17 << 3]checkTmpl
	// grp is the memory access group being emitted (see memory.go).
	grp memGroup
	// pair is the two-copy loop being emitted (see emitPair).
	pair pairState
	// zf is the guest register whose zero test the host's ZF holds after
	// the last instruction emitted, or -1.
	zf int
	// first is the index of the block's first instruction.
	first   uint32
	buf     []isa.Instruction // the block being compiled
	accBits []uint64          // bit k: c.buf[k] is a memory access
	costP   isa.Program       // reused for the gas model
	calc    *gas.Calculator
	invalid bool // GP 0.8 validation failed

	// prelude
	exitOff  int
	checkOff [2][4]int // [write][log2 size]
	probeOff [2][4]int // the same checks, reporting failure in CF (split.go)
	constOff int
}

// countMode is how generated code counts executed instructions.
type countMode uint8

const (
	// countNone: it does not (gas tells the count).
	countNone countMode = iota
	// countPacked: the gas slot holds gas<<countShift | count, and the gas
	// check of a block subtracts gasWord(cost, n): one read-modify-write
	// with an immediate, which modern x86 cores run without the latency
	// of a store-to-load round trip (two of them, or one with a register
	// operand, cost that latency on every block).
	countPacked
	// countSlot: a separate add to a count slot (for programs whose blocks
	// run so many instructions per unit of gas that a packed count could
	// overflow within a reasonable slice).
	countSlot
)

// countShift is the width of the count in a packed gas slot.
const countShift = 24

// gasWord is what a block of n instructions costing cost subtracts from a
// packed gas slot. It borrows exactly when the gas is below cost, provided
// the count so far plus n stays below 2^countShift (see packedSlice).
func gasWord(cost uint32, n int) uint64 { return uint64(cost)<<countShift - uint64(n) }

// packedSlice is the largest gas slot for which a packed count cannot
// overflow: a run on a slot's worth of gas executes at most ratio
// instructions per unit of gas it pays for, plus the instructions of one
// block it cannot pay for (at most maxLen, whatever its cost). It is zero
// or negative when no useful slot is safe.
func packedSlice(ratio, maxLen uint64) int64 {
	if maxLen >= 1<<(countShift-1) {
		return 0
	}
	return int64((1<<countShift-maxLen)/max(ratio, 1)) - 1<<8
}

// cost is the gas of the block in c.buf under the model.
func (c *compiler) cost() uint32 {
	if c.model == vm.GasBlockCost {
		c.costP.Instrs = c.buf
		return c.calc.BlockCost(&c.costP, 0, len(c.buf)-1)
	}
	return uint32(len(c.buf))
}

func reg(x uint8) amd64.Reg { return native.GuestReg[x] }

// Bounds used to size the image: no instruction's code is longer than
// maxHot bytes (a block's gas check included) nor needs more than maxCold
// bytes of stubs.
const (
	maxHot      = 128
	maxCold     = 96
	preludeSize = 4096
	// maxImage keeps every rel32 jump within range.
	maxImage = 1 << 30
)

// positions bounds the number of positions the walk yields: every
// instruction start has its bitmask bit set, a gap longer than isa.MaxSkip
// lands on at most one position per 1+MaxSkip bytes, and the end is one more.
func positions(code, mask []byte) int {
	n := 2 + len(code)/(1+isa.MaxSkip)
	for _, b := range mask {
		n += bits.OnesCount8(b)
	}
	return n
}

// partBytes is the least code a part of a parallel compile gets (a
// variable for tests).
var partBytes = 64 << 10

// compile translates the whole program into a fresh image. Large programs
// are cut into parts (at gas block boundaries) compiled in parallel, each
// into its own hot and cold regions of the image:
//
//	[prelude][hot 0][hot 1]...[cold 0][cold 1]...
func (c *compiler) compile() error {
	// Where to cut.
	k := min(max(runtime.GOMAXPROCS(0), 2), 4, len(c.code)/partBytes)
	cuts := []int{0}
	for i := 1; i < k; i++ {
		if pc, ok := cutAt(c.code, c.mask, c.num, i*len(c.code)/k, 1<<12); ok && pc > cuts[len(cuts)-1] {
			cuts = append(cuts, pc)
		}
	}
	cuts = append(cuts, len(c.code)+1)
	k = len(cuts) - 1

	// Lay out the image.
	parts := make([]*compiler, k)
	hot, cold := make([]int, k+1), make([]int, k+1)
	hot[0] = preludeSize
	for i := range parts {
		lo, hi := cuts[i], min(cuts[i+1], len(c.code))
		n := positions(c.code[lo:hi], c.mask[lo/8:(hi+7)/8])
		parts[i] = &compiler{code: c.code, mask: c.mask, num: c.num, model: c.model, feat: c.feat,
			jumpEntries: c.jumpEntries, count: c.count, n: n, bases: c.bases}
		hot[i+1] = hot[i] + n*maxHot + 4096
	}
	cold[0] = hot[k]
	for i, q := range parts {
		cold[i+1] = cold[i] + q.n*maxCold + 1024
	}
	c.windows(parts)
	defer c.recycle(parts)
	c.jtOff = (cold[k] + 15) &^ 15
	end := c.jtOff + 4*(2*c.jumpEntries+1)
	if end > maxImage {
		return fmt.Errorf("recompile: program too large (%d bytes of code, %d jump table entries)", len(c.code), c.jumpEntries)
	}
	img, err := native.Reserve(end)
	if err != nil {
		return err
	}
	c.img = img
	mem := img.Writable()
	pre := amd64.NewAsm(mem[:preludeSize], 0)
	img.Prefault(0, preludeSize)
	c.prelude(&pre)
	if pre.Size() > preludeSize {
		return fmt.Errorf("recompile: internal error: the prelude outgrew its %d bytes", preludeSize)
	}

	// Compile the parts.
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i, q := range parts {
		// Most programs need about 20 bytes of hot code and 5 of cold code
		// per instruction: map most of that in at once, the rest as the
		// code grows (see prefault).
		q.img = img
		q.hotPF, q.coldPF = hot[i]+q.n*18, cold[i]+q.n*4
		q.hot = amd64.NewAsm(mem[hot[i]:hot[i+1]], hot[i])
		q.cold = amd64.NewAsm(mem[cold[i]:cold[i+1]], cold[i])
		q.exitOff, q.checkOff, q.probeOff, q.constOff, q.jtOff = c.exitOff, c.checkOff, c.probeOff, c.constOff, c.jtOff
		q.bases, q.lent = c.bases, c.bases.lent()
		q.a = &q.hot
		q.next = -1
		if i+1 < k {
			q.next = hot[i+1]
		}
		w := splitWalker(c.code, c.mask, c.num, cuts[i], cuts[i+1])
		if i == 0 {
			w = newWalker(c.code, c.mask, c.num)
			w.stop = cuts[1]
		}
		if i == k-1 {
			// The last part on this goroutine: one wake-up fewer.
			errs[i] = q.compilePart(w)
			continue
		}
		wg.Go(func() { errs[i] = q.compilePart(w) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		img.Release()
		return err
	}
	c.merge(parts)
	c.indexBlocks()
	// Each part patches its own code and adds its own stubs: in parallel.
	for _, q := range parts[1:] {
		wg.Go(func() { c.resolveBranches(q) })
	}
	c.resolveBranches(parts[0])
	wg.Wait()
	for _, q := range parts {
		if !q.hot.Finish() || !q.cold.Finish() {
			img.Release()
			return fmt.Errorf("recompile: internal error: unbound label")
		}
	}
	c.collectSites(parts)
	// The jump table: one int32 per address 0..2|j|, the target block's
	// offset from the table, or 0 (no block).
	jt := mem[c.jtOff:end]
	for k, pc := range c.jumpTable {
		if off, ok := c.blockLabel(pc); ok {
			binary.LittleEndian.PutUint32(jt[8*(k+1):], uint32(int32(int(off)-c.jtOff)))
		}
	}
	for _, q := range parts {
		c.hotBytes += q.hot.Size()
		c.coldBytes += q.cold.Size()
	}
	seal := [][2]int{{0, pre.Len()}}
	for _, q := range parts {
		seal = append(seal, [2]int{q.hot.Org, q.hot.Len()})
	}
	for _, q := range parts {
		seal = append(seal, [2]int{q.cold.Org, q.cold.Len()})
	}
	seal = append(seal, [2]int{c.jtOff, end})
	if err := img.Seal(seal...); err != nil {
		return err
	}
	c.coldOrg = cold[0]
	return nil
}

// scratch is what a part needs only while the program compiles, kept
// between compiles (allocating it afresh cost page faults and collections:
// it is a fifth of what a compile allocates).
type scratch struct {
	calc               gas.Calculator
	starts             []uint64
	bStart, bCost, bPC []uint32
	bLabel             []int32
	branches           []branchFix
	buf                []isa.Instruction
	accBits            []uint64
	// The program's, in the merging compiler (see indexBlocks).
	blockBits []uint64
	blockRank []uint32
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// takeScratch gives the part its tables from a pooled scratch.
func (c *compiler) takeScratch() {
	s := scratches.Get().(*scratch)
	n := c.n
	c.scr = s
	c.calc = &s.calc
	c.starts = zeroed(s.starts, (n+63)/64)
	c.bStart = grown(s.bStart, n/3)
	c.bCost = grown(s.bCost, n/3)
	c.bPC = grown(s.bPC, n/3)
	c.bLabel = grown(s.bLabel, n/3)
	c.branches = grown(s.branches, n/4)
	c.buf = grown(s.buf, 64)
	c.accBits = s.accBits[:0]
}

// zeroed is b, or a new slice, with n zero elements.
func zeroed[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// grown is b emptied, with room for n elements.
func grown[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, 0, n)
	}
	return b[:0]
}

// recycle returns the parts' scratch, and the merged tables' (c's), to the
// pool once the program is compiled. Block starts and costs are the
// program's (the part's, when there is only one): those stay out of it.
func (c *compiler) recycle(parts []*compiler) {
	if s := c.scr; s != nil {
		c.scr = nil
		s.starts, s.bPC, s.bLabel = c.starts, c.bPC, c.bLabel
		s.blockBits, s.blockRank = c.blockBits, c.blockRank
		scratches.Put(s)
	}
	for _, q := range parts {
		s := q.scr
		if s == nil {
			continue
		}
		q.scr, q.calc = nil, nil
		s.starts, s.bPC, s.bLabel, s.branches, s.buf, s.accBits = q.starts, q.bPC, q.bLabel, q.branches, q.buf, q.accBits
		s.bStart, s.bCost = nil, nil
		if len(parts) > 1 {
			s.bStart, s.bCost = q.bStart, q.bCost
		}
		scratches.Put(s)
	}
}

// compilePart compiles the positions w walks (gas blocks never straddle
// parts).
func (c *compiler) compilePart(w walker) error {
	n := c.n
	// Each part maps its own pages in (a third of the compile's wall time
	// when the caller did it for all parts before starting them).
	c.img.Prefault(c.hot.Org, c.hotPF)
	c.img.Prefault(c.cold.Org, c.coldPF)
	c.costP = isa.Program{Code: c.code, Bitmask: c.mask, Numbering: c.num}
	c.hotSites = make([]site, 0, n/8)
	c.coldSites = make([]site, 0, n*3/4)
	c.takeScratch()
	for {
		// Gather one gas block, decoding in place, noting where its memory
		// accesses are (see planGroup).
		clear(c.accBits[:min(len(c.buf)/64+1, len(c.accBits))])
		c.buf = c.buf[:0]
		for {
			k := len(c.buf)
			if k == cap(c.buf) {
				c.buf = append(c.buf, isa.Instruction{})[:k]
			}
			if k>>6+1 >= len(c.accBits) {
				// A word past the block's too (see access).
				c.accBits = append(c.accBits, 0)
			}
			in := &c.buf[:k+1][k]
			if !w.next(in) {
				break
			}
			c.buf = c.buf[:k+1]
			c.accBits[k>>6] |= uint64(isAccess[in.Op]) << (k & 63)
			if in.EndsBlock() {
				break
			}
		}
		if len(c.buf) == 0 {
			if c.next >= 0 {
				// Execution falls through (a branch not taken, a
				// fallthrough) into the next part's first block.
				c.hot.JmpTo(c.next)
			}
			return nil
		}
		c.prefault()
		if c.hot.Room() < maxHot*len(c.buf) || c.cold.Room() < maxCold*len(c.buf) {
			// Cannot happen with the bounds above; fail rather than let the
			// code grow out of the image.
			return fmt.Errorf("recompile: internal error: code size bound exceeded")
		}
		c.emitBlock()
	}
}

// prefault maps in the next stretch of the part's hot or cold region
// before the code reaches it: a page fault costs about as much as mapping
// a dozen pages at once in this kind of VM.
func (c *compiler) prefault() {
	const margin, chunk = 8 << 10, 64 << 10
	if c.hot.Len()+margin > c.hotPF {
		c.img.Prefault(c.hotPF, c.hotPF+chunk)
		c.hotPF += chunk
	}
	if c.cold.Len()+margin > c.coldPF {
		c.img.Prefault(c.coldPF, c.coldPF+chunk)
		c.coldPF += chunk
	}
}

// windows gives each part its window of one pair of instruction tables
// (pc, code offset), as long as its bound on positions, so that merge
// only closes the gaps instead of copying every entry into new tables.
func (c *compiler) windows(parts []*compiler) {
	total := 0
	for _, q := range parts {
		total += q.n
	}
	pcs, offs := make([]uint32, total), make([]uint32, total)
	at := 0
	for _, q := range parts {
		q.window = at
		q.pcs, q.offs = pcs[at:at:at+q.n], offs[at:at:at+q.n]
		at += q.n
	}
	c.pcs, c.offs = pcs[:0], offs[:0]
}

// merge joins the parts' instruction and block tables into c's; the
// instruction numbers of part i are offset by partBase[i].
func (c *compiler) merge(parts []*compiler) {
	var n, nb int
	for _, q := range parts {
		n += len(q.pcs)
		nb += len(q.bStart)
	}
	if len(parts) == 1 {
		q := parts[0]
		c.pcs, c.offs, c.starts = q.pcs, q.offs, q.starts
		c.bStart, c.bCost, c.bLabel, c.bPC = q.bStart, q.bCost, q.bLabel, q.bPC
		c.partBase = []int{0}
		c.ratio, c.maxLen, c.invalid, c.unrolled, c.split = q.ratio, q.maxLen, q.invalid, q.unrolled, q.split
		return
	}
	sc := scratches.Get().(*scratch)
	c.scr = sc
	c.starts = zeroed(sc.starts, (n+63)/64)
	c.bStart = make([]uint32, 0, nb)
	c.bCost = make([]uint32, 0, nb)
	c.bLabel = grown(sc.bLabel, nb)
	c.bPC = grown(sc.bPC, nb)
	for _, q := range parts {
		base := len(c.pcs)
		c.partBase = append(c.partBase, base)
		if base == q.window {
			c.pcs, c.offs = c.pcs[:base+len(q.pcs)], c.offs[:base+len(q.offs)]
		} else {
			// Close the gap before the part's window (append moves it
			// down within the shared tables).
			c.pcs = append(c.pcs, q.pcs...)
			c.offs = append(c.offs, q.offs...)
		}
		for _, b := range q.bStart {
			c.bStart = append(c.bStart, b+uint32(base))
			if q.starts[b/64]&(1<<(b%64)) != 0 {
				g := b + uint32(base)
				c.starts[g/64] |= 1 << (g % 64)
			}
		}
		c.bCost = append(c.bCost, q.bCost...)
		c.bLabel = append(c.bLabel, q.bLabel...)
		c.bPC = append(c.bPC, q.bPC...)
		c.ratio = max(c.ratio, q.ratio)
		c.maxLen = max(c.maxLen, q.maxLen)
		c.unrolled += q.unrolled
		c.split += q.split
		c.invalid = c.invalid || q.invalid
	}
}

// partSites are the exit sites of one part of the image, whose code ends
// at hotEnd and coldEnd; their instruction indices are the part's own, base
// less than the program's.
type partSites struct {
	hotEnd, coldEnd uint32
	base            uint32
	hot, cold       []site // each sorted by return address
}

// collectSites keeps each part's exit sites where they are (copying them
// into one table costs more than finding the part on each exit).
func (c *compiler) collectSites(parts []*compiler) {
	c.sites = make([]partSites, len(parts))
	for i, q := range parts {
		c.sites[i] = partSites{hotEnd: uint32(q.hot.Len()), coldEnd: uint32(q.cold.Len()),
			base: uint32(c.partBase[i]), hot: q.hotSites, cold: q.coldSites}
	}
}

// checkValid is isa.Program.Validate on the instructions as they are walked.
func (c *compiler) checkValid(in *isa.Instruction) {
	if int(in.PC) == len(c.code) {
		if len(c.code) == 0 {
			c.invalid = true
		}
		return
	}
	if !in.Valid || int(in.NextPC()) > len(c.code) {
		c.invalid = true
	}
}

func (c *compiler) emitBlock() {
	a := &c.hot
	n := len(c.buf)
	first := uint32(len(c.pcs))
	cost := c.cost()
	last := &c.buf[n-1]
	selfLoop := last.Valid && (last.Op.IsBranch() || last.Op == isa.Jump) && last.Target == c.buf[0].PC
	if selfLoop {
		// A loop of one block: start it on a cache line (worth a few
		// percent on small loops).
		a.AlignNop(64)
	}
	c.bStart = append(c.bStart, first)
	c.bCost = append(c.bCost, cost)
	c.bLabel = append(c.bLabel, int32(a.Len()))
	c.bPC = append(c.bPC, c.buf[0].PC)
	c.first = first
	c.zf = -1
	c.grp = memGroup{}
	if c.buf[0].BlockStart {
		c.starts[first/64] |= 1 << (first % 64)
	}

	// Gas check: sub [gas], cost; js stub (with the count packed in, see
	// countPacked). Slots stay far below 2^62, so the result is negative
	// exactly when the gas was below the cost.
	w := c.blockWord(cost, n)
	var loopDone []jumpOut
	if selfLoop && c.pairable(w) {
		loopDone = c.emitPair(w)
	}
	gasOp(a, amd64.SUB, w)
	// A signed test: a slot carrying native.InterruptBits fails it too.
	c.exitStub(a.JccRel(amd64.CondS), siteGas, first, cost)
	if c.count == countSlot {
		a.ALUMI(8, amd64.ADD, amd64.M(rsp, fCount), int32(n))
	}
	c.ratio = max(c.ratio, (uint64(n)+uint64(cost)-1)/max(uint64(cost), 1))
	c.maxLen = max(c.maxLen, uint64(n))
	for k := range c.buf {
		in := &c.buf[k]
		idx := uint32(len(c.pcs))
		c.pcs = append(c.pcs, in.PC)
		c.offs = append(c.offs, uint32(a.Len()))
		c.checkValid(in)
		c.emit(in, k, idx, uint32(n-1-k))
	}
	for _, j := range loopDone {
		j.asm.PatchRel32(j.rel, a.Len())
	}
	c.patchFalls()
}

// gasOp emits the subtraction (op SUB) or addition (ADD) of v on the gas
// slot: with an immediate where v fits one, else through rax.
func gasOp(a *amd64.Asm, op amd64.ALU, v uint64) {
	if v < 1<<31 {
		a.ALUMI(8, op, amd64.M(rsp, fGas), int32(v))
		return
	}
	a.MovImm(t0, v)
	a.ALUMR(op, amd64.M(rsp, fGas), t0)
}

// blockWord is what the gas check of a block of n instructions costing
// cost subtracts from the gas slot.
func (c *compiler) blockWord(cost uint32, n int) uint64 {
	if c.count == countPacked {
		return gasWord(cost, n)
	}
	return uint64(cost)
}

// Tiny loops. A block that branches to itself and does nothing but
// register arithmetic runs as two copies under one gas check for both:
// one taken branch and one gas check per two iterations instead of per
// iteration, which lets a loop like countdown's (add; branch) run at one
// iteration per cycle, its add's latency, where the branches and the gas
// check alone held it to about 1.1 (measured in a C harness on this
// machine). The block's usual code follows the copies: Go enters there,
// every exit is there, and the copies hand over to it when the slot cannot
// pay for two iterations. Longer loops gain nothing from the copies alone:
// one more branch is lost among their work (mixed's 9-instruction loop ran
// 3% slower unrolled); those carrying an affine recurrence gain from
// splitting it (split.go).
const maxUnrolled = 4

// pairable reports whether the block in c.buf, a loop of itself whose gas
// check subtracts w, runs as two copies: a tiny loop, or one whose
// recurrence splits (c.pair.split, c.pair.rec). Its instructions exit
// nowhere (register arithmetic and memory accesses, ending in a
// conditional branch to its start), none names a register lent to the
// memory bases, and the count has no slot of its own.
func (c *compiler) pairable(w uint64) bool {
	n := len(c.buf)
	c.pair.split = false
	if n > maxSplit || c.count == countSlot || !c.buf[0].BlockStart || !c.buf[n-1].Op.IsBranch() {
		return false
	}
	// The copies come out of the slack the image bounds leave (maxHot
	// bytes per position, most of it unused): never out of what the
	// positions still to come may need.
	left := c.n - len(c.pcs)
	if c.hot.Room()-maxHot*left < 2*maxHot*n+128 || c.cold.Room()-maxCold*left < 128+96*n {
		return false
	}
	memory := false
	for k := range c.buf {
		in := &c.buf[k]
		if !in.Valid || c.lentIn(in) != 0 {
			return false
		}
		if k < n-1 && !registerOnly(in.Op) {
			if accesses[in.Op].size == 0 {
				return false
			}
			memory = true
		}
	}
	// A tiny loop pays for its pair with an immediate: through a register,
	// the gas slot's read-modify-write would carry a store-to-load latency
	// from one pair to the next that such a loop cannot hide.
	tiny := n <= maxUnrolled && !memory && 2*w < 1<<31
	c.pair.rec, c.pair.split = c.findRecurrence(tiny)
	return c.pair.split || tiny
}

// registerOnly reports whether op only computes on registers: no memory,
// no exit, no control flow.
func registerOnly(op isa.Op) bool {
	switch op.Format() {
	case isa.FmtRegRegReg, isa.FmtRegImm64:
		return true
	case isa.FmtRegRegImm, isa.FmtRegReg:
		return accesses[op].size == 0 && op != isa.Sbrk && !op.IsTerminator()
	}
	return op == isa.LoadImm
}

// jumpOut is a jump (rel32 field at rel in asm) to the end of the block.
type jumpOut struct {
	asm *amd64.Asm
	rel int
}

// emitPair emits the two copies of the loop in c.buf (see maxUnrolled and
// split.go), whose gas check subtracts w, and returns the jumps to patch
// to the end of the block.
func (c *compiler) emitPair(w uint64) []jumpOut {
	a := &c.hot
	n := len(c.buf)
	r := &c.pair.rec
	if c.pair.split {
		c.splitSetup(r)
	}
	head := a.Len()
	gasOp(a, amd64.SUB, 2*w)
	short := a.JccRel(amd64.CondS)
	c.pair.w = w
	var exit1 int
	for copy := range 2 {
		c.pair.copy = copy + 1
		c.zf = -1
		if c.pair.split && copy == 0 {
			c.secondStep(r)
		}
		for k := range n - 1 {
			switch {
			case c.pair.split && copy == 1 && k == r.at:
				// The step, computed by the first copy.
				a.MovRR(reg(r.x), reg(r.tmp))
				c.zf = -1
			case c.pair.split && copy == 1 && k > r.at && k < r.at+r.steps():
			default:
				c.emit(&c.buf[k], k, 0, 0) // no exit sites: see fallBack
			}
		}
		last := &c.buf[n-1]
		cond, _ := c.compare(last, reg(last.A), reg(last.B), c.zf)
		c.zf = -1
		if copy == 0 {
			exit1 = a.JccRel(cond.Invert())
		} else {
			a.JccTo(cond, head)
		}
	}
	c.pair.copy = 0
	c.restoreBorrowed(a)
	done := []jumpOut{{a, a.JmpRel()}}

	// The slot cannot pay for two iterations: give the gas back and run
	// the usual code, which checks for one.
	a.PatchRel32(short, c.cold.Len())
	gasOp(&c.cold, amd64.ADD, 2*w)
	c.restoreBorrowed(&c.cold)
	c.cold.JmpTo(a.Len())
	// The loop ended after the first copy: give back the second's gas.
	a.PatchRel32(exit1, c.cold.Len())
	gasOp(&c.cold, amd64.ADD, w)
	c.restoreBorrowed(&c.cold)
	done = append(done, jumpOut{&c.cold, c.cold.JmpRel()})
	c.maxLen = max(c.maxLen, uint64(2*n))
	c.unrolled++
	if c.pair.split {
		c.split++
	}
	return done
}

// exitHere emits an inline call to the exit routine for idx.
func (c *compiler) exitHere(kind exitKind, idx, arg uint32) {
	c.hot.CallTo(c.exitOff)
	c.hotSites = append(c.hotSites, site{ret: uint32(c.hot.Len()), idx: idx, arg: arg, kind: kind})
}

// exitStub sends the jump whose rel32 field is at rel (in the hot code) to
// an out-of-line exit.
func (c *compiler) exitStub(rel int, kind exitKind, idx, arg uint32) {
	c.hot.PatchRel32(rel, c.cold.Len())
	c.cold.CallTo(c.exitOff)
	c.coldSites = append(c.coldSites, site{ret: uint32(c.cold.Len()), idx: idx, arg: arg, kind: kind})
}

// stub2 sends the jumps at rel1 and rel2 (if >= 0; both in from) to an
// out-of-line call of routine whose return address is the exit site; back
// >= 0 makes the stub jump back there when the routine returns.
func (c *compiler) stub2(from *amd64.Asm, rel1, rel2, back, routine int, s site) {
	here := c.cold.Len()
	from.PatchRel32(rel1, here)
	if rel2 >= 0 {
		from.PatchRel32(rel2, here)
	}
	c.cold.CallTo(routine)
	s.ret = uint32(c.cold.Len())
	c.coldSites = append(c.coldSites, s)
	if back >= 0 {
		c.cold.JmpTo(back)
	}
}

// jumpTo emits a jump (cond, or always if always) to the block at target.
func (c *compiler) jumpTo(cond amd64.Cond, always bool, target, idx uint32) {
	var rel int
	if always {
		rel = c.hot.JmpRel()
	} else {
		rel = c.hot.JccRel(cond)
	}
	c.branches = append(c.branches, branchFix{rel: int32(rel), target: target, idx: idx})
}

// indexBlocks builds the rank directory blockLabel uses: a bit per code byte
// set where a gas block starts, and the number of set bits before each
// 64-bit word.
func (c *compiler) indexBlocks() {
	words := len(c.code)/64 + 1
	if s := c.scr; s != nil {
		c.blockBits, c.blockRank = zeroed(s.blockBits, words), zeroed(s.blockRank, words)
	} else {
		c.blockBits, c.blockRank = make([]uint64, words), make([]uint32, words)
	}
	for _, pc := range c.bPC {
		c.blockBits[pc/64] |= 1 << (pc % 64)
	}
	var n uint32
	for w, b := range c.blockBits {
		c.blockRank[w] = n
		n += uint32(bits.OnesCount64(b))
	}
}

// blockLabel returns the code offset of the gas check of the block at pc if
// pc is a basic-block start (ϖ). Every ϖ start begins a gas block; the rank
// directory gives the block's number.
func (c *compiler) blockLabel(pc uint32) (int32, bool) {
	w := int(pc / 64)
	if w >= len(c.blockBits) {
		return 0, false
	}
	word := c.blockBits[w]
	bit := uint64(1) << (pc % 64)
	if word&bit == 0 {
		return 0, false
	}
	b := c.blockRank[w] + uint32(bits.OnesCount64(word&(bit-1)))
	if k := c.bStart[b]; c.starts[k/64]&(1<<(k%64)) == 0 {
		return 0, false
	}
	return c.bLabel[b], true
}

// resolveBranches points part q's static jumps at their blocks (using c's
// merged tables), or at a panic exit where the target is not a block start.
func (c *compiler) resolveBranches(q *compiler) {
	for _, b := range q.branches {
		if off, ok := c.blockLabel(b.target); ok {
			q.hot.PatchRel32(int(b.rel), int(off))
			continue
		}
		// Not a block start: the jump panics at the branch.
		q.exitStub(int(b.rel), siteTrap, b.idx, 0)
	}
}

// ---- prelude

func (c *compiler) prelude(a *amd64.Asm) {
	// exit: pop the site, save it and rax in the trampoline's frame, return
	// to the trampoline.
	c.exitOff = a.Len()
	a.Pop(t1)
	a.Store(8, amd64.M(rsp, fSite), t1)
	a.Store(8, amd64.M(rsp, fAux), t0)
	a.Ret()

	// probe failure: set CF and return (every probe's success path
	// returns with CF clear: its last flags come from a cmp of a byte with
	// 0, or with 3 when equal).
	probeFail := a.Len()
	a.Stc()
	a.Ret()

	// check_{r,w}{1,2,4,8}: eax = guest address of an access the inline
	// check refused (unmapped or read-only first page, or unaligned).
	// Returns if the access is allowed after all (an unaligned access whose
	// pages are both accessible); otherwise exits with the caller's return
	// address as the site. Two calls deep: frame slots are 8 further away.
	// probe_{r,w}{1,2,4,8}: the same, but returns with CF set instead of
	// exiting.
	for routine := 0; routine < 4; routine++ {
		w, probe := routine&1, routine>>1
		fail := c.exitOff
		if probe == 1 {
			fail = probeFail
		}
		for lg := 0; lg < 4; lg++ {
			a.Align(16)
			if probe == 1 {
				c.probeOff[w][lg] = a.Len()
			} else {
				c.checkOff[w][lg] = a.Len()
			}
			size := int32(1) << lg
			need := int32(0) // read: fail if perm == 0
			failCond := amd64.CondE
			if w == 1 {
				need, failCond = 3, amd64.CondNE // write: fail unless perm == 3
			}
			// rcx = the permission byte of the first page; checked.
			first := func() int {
				a.MovRR32(t1, t0)
				a.ShiftRI32(amd64.SHR, t1, 12)
				a.ALURM(amd64.ADD, t1, amd64.M(rsp, fPerm+8))
				a.ALUMI(1, amd64.CMP, amd64.M(t1, 0), need)
				return a.JccRel(failCond)
			}
			var fails []int
			if size > 1 {
				a.MovRR32(t1, t0)
				a.ALURI32(amd64.AND, t1, 0xfff)
				a.ALURI32(amd64.CMP, t1, 0x1000-size)
				crossing := a.JccShort(amd64.CondA)
				fails = append(fails, first())
				a.Ret()
				// The access crosses into the next page, which must exist
				// below 4 GiB and allow the access too.
				a.PatchShort(crossing)
				fails = append(fails, first())
				a.MovRR32(t1, t0)
				a.ShiftRI32(amd64.SHR, t1, 12)
				a.ALURI32(amd64.ADD, t1, 1)
				a.ALURI32(amd64.CMP, t1, 1<<20)
				fails = append(fails, a.JccRel(amd64.CondAE))
				a.ALURM(amd64.ADD, t1, amd64.M(rsp, fPerm+8))
				a.ALUMI(1, amd64.CMP, amd64.M(t1, 0), need)
				fails = append(fails, a.JccRel(failCond))
				// Leave rcx at the first page's permission, as the inline
				// check does (see memCSE).
				a.Lea(t1, amd64.M(t1, -1))
			} else {
				fails = append(fails, first())
			}
			a.Ret()
			for _, f := range fails {
				a.PatchRel32(f, fail)
			}
		}
	}
	// Constants for the portable popcount.
	a.Align(8)
	c.constOff = a.Len()
	for _, k := range []uint64{0x5555555555555555, 0x3333333333333333, 0x0f0f0f0f0f0f0f0f, 0x0101010101010101} {
		for i := 0; i < 8; i++ {
			a.Bytes(byte(k >> (8 * i)))
		}
	}
	a.Align(16)
}
