package recompile

import (
	"encoding/binary"
	"math/bits"

	"github.com/pvmd/pvmd/vm/isa"
)

// This file is a fast re-implementation of isa.DecodeAt and isa.Analyze's
// walk: the same instructions in the same order with the same flags
// (TestDecodeMatchesISA checks it on every program we have and on random
// blobs). isa.Analyze decodes doom's 164k instructions in 7-12 ms, most of
// the 10 ms compile budget; this walk reads the bitmask and operands a word
// at a time and yields instructions one by one, so the compiler never holds
// the whole program decoded.

// walker yields the positions isa.Analyze would put in Program.Instrs.
type walker struct {
	code, bitmask []byte
	num           isa.Numbering
	ops           *[256]opInfo
	pc            int
	// Positions below fast are decoded by next's fast path (see
	// fastLimit); it is 0 until the first call of next, which sets it, so
	// that stop can still be changed after the walker is made.
	fast    int
	started bool
	// afterTerminator: the next position starts a basic block (GP's ϖ) if valid.
	afterTerminator bool
	// canFall: execution can run from the previous position into the next.
	canFall bool
	done    bool
	// stop ends the walk before the first position at or past it.
	stop int
}

func newWalker(code, bitmask []byte, num isa.Numbering) walker {
	return walker{code: code, bitmask: bitmask, num: num, ops: opsFor(num), afterTerminator: true, stop: len(code) + 1}
}

// splitWalker returns a walker for the positions from pc (a position of the
// whole walk whose previous position ends a gas block, see cutAt) up to
// stop.
func splitWalker(code, bitmask []byte, num isa.Numbering, pc, stop int) walker {
	return walker{code: code, bitmask: bitmask, num: num, ops: opsFor(num), pc: pc, afterTerminator: true, stop: stop}
}

// cutAt finds a place at or after pc where the walk can be cut into two
// independent walks: an instruction start whose previous position ends a
// gas block (an invalid position, or a terminator). The walk after such a
// place starts in the same state as a fresh walk (afterTerminator set;
// canFall only matters at the end of the code, which is never a cut). It
// gives up after limit candidates.
func cutAt(code, bitmask []byte, num isa.Numbering, pc, limit int) (int, bool) {
	n := len(code)
	s := nextSetBit(bitmask, n, max(pc, 1))
	for ; limit > 0 && s < n; limit-- {
		// The previous instruction start.
		p := s - 1
		for p >= 0 && bitmask[p>>3]&(1<<(p&7)) == 0 {
			p--
		}
		var in isa.Instruction
		switch {
		case p < 0:
			// Position 0 is not an instruction start: an invalid trap.
			return s, true
		default:
			decodeAt(code, bitmask, num, uint32(p), &in)
			if !in.Valid || int(in.NextPC()) != s || in.Op.IsTerminator() {
				// An invalid instruction at p, an invalid landing between p
				// and s, or a terminator at p.
				return s, true
			}
		}
		s = nextSetBit(bitmask, n, s+1)
	}
	return 0, false
}

// next decodes the next position into in; false when the walk is over.
// Positions below w.fast (nearly all) are decoded here; the rest by
// nextSlow.
func (w *walker) next(in *isa.Instruction) bool {
	pc := w.pc
	if pc >= w.fast {
		return w.nextSlow(in)
	}
	// Bit 0 of m is pc's bitmask bit, bits 1..24 the following ones; a
	// bit 25 stops the count at isa.MaxSkip.
	j := uint(pc) >> 3
	m := binary.LittleEndian.Uint64(w.bitmask[j:j+8]) >> (pc & 7)
	sk := bits.TrailingZeros64(m>>1 | 1<<isa.MaxSkip)
	// The opcode and the bytes after it, all in the code (see fastLimit).
	p := (*[16]byte)(w.code[pc : pc+16])
	e := &w.ops[p[0]]
	if m&1 == 0 || !e.valid {
		w.invalid(pc, sk, in)
		return true
	}
	// Every operand layout is decoded by the same straight-line code, as
	// a switch on the format mispredicts on most instructions.
	v := binary.LittleEndian.Uint64(p[:8])
	lo, hi, r3 := regOf[v>>8&15], regOf[v>>12&15], regOf[v>>16&255]
	in.Op = e.op
	in.A = lo&e.aLo | hi&e.aHi
	in.B = hi & e.bHi
	in.D = lo&e.dLo | r3&e.dR3
	field := uint(v>>(e.lenShift&63)) & uint(e.lenMask) & 7
	ims := e.imms[sk&31][field]
	x, y := sext(p, e.at, ims.xl), sext(p, ims.yAt, ims.yl)
	if e.imm64 {
		x = binary.LittleEndian.Uint64(p[2:10])
	}
	in.Imm = x
	t := uint64(int64(int8(e.target)))
	in.Imm2 = y &^ t
	in.Target = (uint32(pc) + uint32(y)) & uint32(t)
	in.PC, in.Len, in.Valid = uint32(pc), uint32(1+sk), true
	in.BlockStart = w.afterTerminator
	w.afterTerminator = e.term
	w.canFall = e.fall
	w.pc = pc + 1 + sk
	return true
}

// immSpot is where the immediates are, for one format, skip and length
// field: the first is at pc+layout.at, the second at pc+yAt. The shifts
// xl, yl cut n (0..4) bytes out of the 8 bytes there (see sext).
type immSpot struct{ xl, yAt, yl, _ uint8 }

// shiftFor is sext's l for an immediate of n bytes.
func shiftFor(n int) uint8 { return uint8(63 - 8*n) }

// sext reads the immediate at p[at:] as a signed number widened to 64
// bits, from one 8-byte load: shifted left by l+1 (64-8n, split in two so
// that n = 0 needs no check for a shift by 64, and gives 0) to drop the
// bytes past n, and back to sign-extend.
func sext(p *[16]byte, at, l uint8) uint64 {
	v := binary.LittleEndian.Uint64(p[at&7:]) << (l & 63) << 1
	return uint64(int64(v) >> ((l + 1) & 63))
}

// invalid yields the invalid position pc (not an instruction start, or an
// undefined opcode) below w.fast; the walk goes on at the next start.
func (w *walker) invalid(pc, sk int, in *isa.Instruction) {
	*in = isa.Instruction{PC: uint32(pc), Op: isa.Trap, Len: uint32(1 + sk)}
	w.afterTerminator = true
	w.canFall = false
	w.pc = nextSetBit(w.bitmask, len(w.code), pc+1)
}

// nextSlow is next for positions at or past w.fast: the end of the walk, or
// the last bytes of the code, which are decoded by decodeAt.
func (w *walker) nextSlow(in *isa.Instruction) bool {
	if !w.started {
		w.started = true
		w.fast = min(w.stop, fastLimit(w.code, w.bitmask))
		if w.pc < w.fast {
			return w.next(in)
		}
	}
	if w.done || w.pc >= w.stop {
		return false
	}
	pc := w.pc
	decodeAt(w.code, w.bitmask, w.num, uint32(pc), in)
	in.BlockStart = w.afterTerminator && in.Valid
	if pc == len(w.code) {
		if pc > 0 && !w.canFall {
			in.BlockStart = false
		}
		w.done = true
		return true
	}
	w.afterTerminator = in.Valid && in.Op.IsTerminator()
	w.canFall = canFallInto(in)
	if in.Valid {
		w.pc = int(in.NextPC())
	} else {
		w.pc = nextSetBit(w.bitmask, len(w.code), pc+1)
		w.afterTerminator = true
	}
	return true
}

// fastLimit is where the walk's fast path ends: for pc below it, the
// bitmask has 8 bytes from byte pc/8 (so one load gives bit pc and the 24
// bits after it, all within the code as pc+24 < len(code)), and the code has
// 16 bytes from pc (so every immediate is read with one 8-byte load).
func fastLimit(code, bitmask []byte) int {
	return min(len(code)-isa.MaxSkip, 8*(len(bitmask)-7))
}

// canFallInto mirrors isa's rule for whether the implicit trap at the end of
// the code is a block start: only if execution can run into it.
func canFallInto(in *isa.Instruction) bool {
	if !in.Valid {
		return false
	}
	switch in.Op {
	case isa.Trap, isa.Jump, isa.JumpInd, isa.LoadImmJump, isa.LoadImmJumpInd:
		return false
	}
	return true
}

// maskBits returns bitmask bits j, j+1, ... (at least 32 of them) in the low
// bits of the result, with every bit at or past codeLen set.
func maskBits(bitmask []byte, codeLen, j int) uint64 {
	if j >= codeLen {
		return ^uint64(0)
	}
	var w uint64
	if b := j >> 3; b+8 <= len(bitmask) {
		w = binary.LittleEndian.Uint64(bitmask[b:]) >> (j & 7)
	} else {
		for k := 7; k >= 0; k-- {
			w <<= 8
			if b+k < len(bitmask) {
				w |= uint64(bitmask[b+k])
			}
		}
		w >>= j & 7
	}
	if rest := codeLen - j; rest < 57 {
		w |= ^uint64(0) << rest
	}
	return w
}

// skip is isa.Skip: zero bits after position i, at most MaxSkip.
func skip(bitmask []byte, codeLen, i int) int {
	return min(bits.TrailingZeros64(maskBits(bitmask, codeLen, i+1)), isa.MaxSkip)
}

// nextSetBit is the first instruction start at or after i, or codeLen.
func nextSetBit(bitmask []byte, codeLen, i int) int {
	for i < codeLen {
		w := maskBits(bitmask, codeLen, i)
		if w != 0 {
			return min(i+bits.TrailingZeros64(w), codeLen)
		}
		i += 32
	}
	return codeLen
}

// le reads n (0..8) little-endian bytes of ζ (the code followed by zeros) at i.
func le(code []byte, i, n int) uint64 {
	if i+8 <= len(code) {
		v := binary.LittleEndian.Uint64(code[i:])
		if n == 8 {
			return v
		}
		return v & (1<<(8*n) - 1)
	}
	var v uint64
	for k := n - 1; k >= 0; k-- {
		v <<= 8
		if i+k < len(code) {
			v |= uint64(code[i+k])
		}
	}
	return v
}

// sx reads n (0..4) bytes at i as a signed number widened to 64 bits.
func sx(code []byte, i, n int) uint64 {
	if n == 0 {
		return 0
	}
	shift := uint(64 - 8*n)
	return uint64(int64(le(code, i, n)<<shift) >> shift)
}

func clampReg(x byte) uint8 { return min(x, 12) }

func clampLen(n int) int { return max(0, min(n, 4)) }

// opInfo is what the decoder needs to know about an opcode byte.
type opInfo struct {
	op     isa.Op
	format isa.Format
	valid  bool
	term   bool // op.IsTerminator()
	fall   bool // canFallInto an instruction with op
	layout
}

// layout says how next finds the operands of a format; masks are 0 or
// 0xff.
type layout struct {
	// The registers, from the low and high nibble of the byte after the
	// opcode (lo, hi) and the byte after that (r3):
	// A = lo&aLo | hi&aHi, B = hi&bHi, D = lo&dLo | r3&dR3.
	aLo, aHi, bHi, dLo, dR3 uint8
	// The first immediate is at pc+at, the second right after it; where
	// exactly is in immTable, indexed by the skip and the length field:
	// the bits at lenShift of the opcode word masked by lenMask (0 in the
	// formats with no such field).
	at, lenShift, lenMask uint8
	// target: the second immediate is a jump offset, which goes to Target
	// as pc plus it (0 or 0xff).
	target uint8
	// imm64: the immediate is the 8 bytes at pc+2 (load_imm_64).
	imm64 bool
	// imms is the format's part of immTable.
	imms *[32][8]immSpot
}

// layouts holds the layout of every format.
var layouts = func() (t [16]layout) {
	const y = 0xff
	t[isa.FmtNone] = layout{at: 1}
	t[isa.FmtImm] = layout{at: 1}
	t[isa.FmtRegImm64] = layout{aLo: y, at: 2, imm64: true}
	t[isa.FmtImmImm] = layout{at: 2, lenShift: 8, lenMask: 7}
	t[isa.FmtOffset] = layout{at: 1, target: y}
	t[isa.FmtRegImm] = layout{aLo: y, at: 2}
	t[isa.FmtRegImmImm] = layout{aLo: y, at: 2, lenShift: 12, lenMask: 7}
	t[isa.FmtRegImmOffset] = layout{aLo: y, at: 2, lenShift: 12, lenMask: 7, target: y}
	t[isa.FmtRegReg] = layout{dLo: y, aHi: y, at: 1}
	t[isa.FmtRegRegImm] = layout{aLo: y, bHi: y, at: 2}
	t[isa.FmtRegRegOffset] = layout{aLo: y, bHi: y, at: 2, target: y}
	t[isa.FmtRegRegImmImm] = layout{aLo: y, bHi: y, at: 3, lenShift: 16, lenMask: 7}
	t[isa.FmtRegRegReg] = layout{aLo: y, bHi: y, dR3: y, at: 1}
	return
}()

// layoutOf is the layout of format f.
func layoutOf(f isa.Format) layout {
	l := layouts[f]
	l.imms = &immTable[f]
	return l
}

// immTable[format][skip][field] is where the immediates are, where field
// is the length field of the formats with two immediates (0 in the
// others). This is isa's operand decoding as a table.
var immTable = func() (t [16][32][8]immSpot) {
	for f := range t {
		at := int(layouts[f].at)
		for sk := range t[f] {
			for field := range t[f][sk] {
				lx, ly := 0, 0
				switch isa.Format(f) {
				case isa.FmtImm:
					lx = clampLen(sk)
				case isa.FmtOffset:
					ly = clampLen(sk)
				case isa.FmtRegImm, isa.FmtRegRegImm:
					lx = clampLen(sk - 1)
				case isa.FmtRegRegOffset:
					ly = clampLen(sk - 1)
				case isa.FmtImmImm, isa.FmtRegImmImm, isa.FmtRegImmOffset:
					lx = clampLen(field)
					ly = clampLen(sk - lx - 1)
				case isa.FmtRegRegImmImm:
					lx = clampLen(field)
					ly = clampLen(sk - lx - 2)
				}
				t[f][sk][field] = immSpot{xl: shiftFor(lx), yAt: uint8(at + lx), yl: shiftFor(ly)}
			}
		}
	}
	return
}()

// regOf[b] is b as a register number: clamped to 12.
var regOf = func() (t [256]uint8) {
	for b := range t {
		t[b] = clampReg(byte(b))
	}
	return
}()

func opTable(num isa.Numbering) *[256]opInfo {
	t := new([256]opInfo)
	for b := range t {
		if op, ok := num.Lookup(byte(b)); ok {
			in := isa.Instruction{Op: op, Valid: true}
			t[b] = opInfo{op, op.Format(), true, op.IsTerminator(), canFallInto(&in), layoutOf(op.Format())}
		}
	}
	return t
}

// opTables holds, per numbering, the decoding of every opcode byte.
var opTables = [...]*[256]opInfo{opTable(0), opTable(1), opTable(2)}

// opsFor is the opcode table of num.
func opsFor(num isa.Numbering) *[256]opInfo {
	if int(num) < len(opTables) {
		return opTables[num]
	}
	return opTable(num)
}

func lookup(num isa.Numbering, b byte) (isa.Op, isa.Format, bool) {
	if int(num) < len(opTables) {
		e := &opTables[num][b]
		return e.op, e.format, e.valid
	}
	op, ok := num.Lookup(b)
	if !ok {
		return isa.Trap, 0, false
	}
	return op, op.Format(), true
}

// decodeAt is isa.DecodeAt writing into in.
func decodeAt(code, bitmask []byte, num isa.Numbering, pc uint32, in *isa.Instruction) {
	i := int(pc)
	*in = isa.Instruction{PC: pc, Op: isa.Trap}
	sk := skip(bitmask, len(code), i)
	in.Len = uint32(1 + sk)
	if i >= len(code) {
		in.Valid = i == len(code)
		return
	}
	if bitmask[i>>3]&(1<<(i&7)) == 0 {
		return
	}
	op, format, ok := lookup(num, code[i])
	if !ok {
		return
	}
	in.Op, in.Valid = op, true
	var b1 byte
	if i+1 < len(code) {
		b1 = code[i+1]
	}
	lo, hi := clampReg(b1&15), clampReg(b1>>4)
	switch format {
	case isa.FmtNone:
	case isa.FmtImm:
		in.Imm = sx(code, i+1, clampLen(sk))
	case isa.FmtRegImm64:
		in.A = lo
		in.Imm = le(code, i+2, 8)
	case isa.FmtImmImm:
		lx := clampLen(int(b1 & 7))
		ly := clampLen(sk - lx - 1)
		in.Imm = sx(code, i+2, lx)
		in.Imm2 = sx(code, i+2+lx, ly)
	case isa.FmtOffset:
		in.Target = pc + uint32(sx(code, i+1, clampLen(sk)))
	case isa.FmtRegImm:
		in.A = lo
		in.Imm = sx(code, i+2, clampLen(sk-1))
	case isa.FmtRegImmImm:
		in.A = lo
		lx := clampLen(int(b1>>4) & 7)
		ly := clampLen(sk - lx - 1)
		in.Imm = sx(code, i+2, lx)
		in.Imm2 = sx(code, i+2+lx, ly)
	case isa.FmtRegImmOffset:
		in.A = lo
		lx := clampLen(int(b1>>4) & 7)
		ly := clampLen(sk - lx - 1)
		in.Imm = sx(code, i+2, lx)
		in.Target = pc + uint32(sx(code, i+2+lx, ly))
	case isa.FmtRegReg:
		in.D, in.A = lo, hi
	case isa.FmtRegRegImm:
		in.A, in.B = lo, hi
		in.Imm = sx(code, i+2, clampLen(sk-1))
	case isa.FmtRegRegOffset:
		in.A, in.B = lo, hi
		in.Target = pc + uint32(sx(code, i+2, clampLen(sk-1)))
	case isa.FmtRegRegImmImm:
		in.A, in.B = lo, hi
		var b2 byte
		if i+2 < len(code) {
			b2 = code[i+2]
		}
		lx := clampLen(int(b2 & 7))
		ly := clampLen(sk - lx - 2)
		in.Imm = sx(code, i+3, lx)
		in.Imm2 = sx(code, i+3+lx, ly)
	case isa.FmtRegRegReg:
		in.A, in.B = lo, hi
		var b2 byte
		if i+2 < len(code) {
			b2 = code[i+2]
		}
		in.D = clampReg(b2)
	}
}

// analyze is isa.Analyze built on the fast walk (for tests and tools).
func analyze(code, bitmask []byte, jumpTable []uint32, num isa.Numbering) *isa.Program {
	p := &isa.Program{Code: code, Bitmask: bitmask, JumpTable: jumpTable, Numbering: num}
	w := newWalker(code, bitmask, num)
	var in isa.Instruction
	for w.next(&in) {
		p.Instrs = append(p.Instrs, in)
	}
	return p
}
