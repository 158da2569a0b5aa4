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
	pc            int
	// afterTerminator: the next position starts a basic block (GP's ϖ) if valid.
	afterTerminator bool
	// canFall: execution can run from the previous position into the next.
	canFall bool
	done    bool
	// stop ends the walk before the first position at or past it.
	stop int
}

func newWalker(code, bitmask []byte, num isa.Numbering) walker {
	return walker{code: code, bitmask: bitmask, num: num, afterTerminator: true, stop: len(code) + 1}
}

// splitWalker returns a walker for the positions from pc (a position of the
// whole walk whose previous position ends a gas block, see cutAt) up to
// stop.
func splitWalker(code, bitmask []byte, num isa.Numbering, pc, stop int) walker {
	return walker{code: code, bitmask: bitmask, num: num, pc: pc, afterTerminator: true, stop: stop}
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
func (w *walker) next(in *isa.Instruction) bool {
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
}

// opTables holds, per numbering, the decoding of every opcode byte.
var opTables = func() (t [3][256]opInfo) {
	for n := range t {
		for b := range t[n] {
			if op, ok := isa.Numbering(n).Lookup(byte(b)); ok {
				t[n][b] = opInfo{op, op.Format(), true}
			}
		}
	}
	return
}()

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
