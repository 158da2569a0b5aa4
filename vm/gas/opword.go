package gas

import "github.com/pvmd/pvmd/vm/isa"

// opWord is an opCost packed into one word for the per-instruction loops:
// a single load gives everything but the units, and each field comes out
// with a constant shift. The role fields hold bit offsets into the register
// word decodeOp builds.
type opWord uint64

const (
	owDst     = 0  // role of the destination
	owSrc1    = 8  // role of the first source
	owSrc2    = 16 // role of the second source
	owCmp     = 24 // role compared with dst for the extra decode slot
	owLatency = 32
	owSlots   = 40
	owKind    = 48
)

func (w opWord) latency() uint32 { return uint32(uint8(w >> owLatency)) }
func (w opWord) kind() uint8     { return uint8(w >> owKind) }

// opWords and opUnits are costTable in the form decodeOp reads.
var opWords, opUnits = buildOpWords()

func buildOpWords() (words [256]opWord, units [256]uint32) {
	for op := range costTable {
		c := &costTable[op]
		words[op] = opWord(c.dst)<<owDst | opWord(c.src1)<<owSrc1 | opWord(c.src2)<<owSrc2 |
			opWord(c.cmp)<<owCmp | opWord(c.latency)<<owLatency | opWord(c.slots)<<owSlots |
			opWord(c.kind)<<owKind
		units[op] = c.units
	}
	return words, units
}

// decodeOp returns what the model needs of one instruction: its packed
// costs, the units it holds while executing, the registers it writes and
// reads (noDst and noReg where there are none; all below 16) and its decode
// slots. Hot loops call its pieces themselves, which the compiler inlines.
func decodeOp(in *isa.Instruction) (w opWord, units uint32, dst, src1, src2 uint8, slots uint32) {
	op := effectiveOp(in)
	w, units = opWords[op], opUnits[op]
	dst, src1, src2, cmp := w.registers(registerWord(in))
	return w, units, dst, src1, src2, w.slots(dst, src1, cmp)
}

// effectiveOp is the op that in executes as.
func effectiveOp(in *isa.Instruction) isa.Op {
	if !in.Valid {
		// An invalid position executes as a trap and ends the block.
		return isa.Trap
	}
	return in.Op
}

// registerWord lays out in's registers at the bit offsets the roles name.
func registerWord(in *isa.Instruction) uint64 {
	return noReg | uint64(in.A)<<roleA | uint64(in.B)<<roleB | uint64(in.D)<<roleD | noDst<<roleNoDst
}

// registers picks the registers of the op's roles from an instruction's
// register word.
func (w opWord) registers(regs uint64) (dst, src1, src2, cmp uint8) {
	dst = uint8(regs>>(w>>owDst&63)) & 15
	src1 = uint8(regs>>(w>>owSrc1&63)) & 15
	src2 = uint8(regs>>(w>>owSrc2&63)) & 15
	cmp = uint8(regs>>(w>>owCmp&63)) & 15
	return dst, src1, src2, cmp
}

// slots is the number of decode slots the op takes: the base count, plus
// one if dst differs from src1 and from cmp. (Branch-free: the outcome is
// hard to predict.)
func (w opWord) slots(dst, src1, cmp uint8) uint32 {
	return uint32(uint8(w>>owSlots)) + b2u(dst != src1)&b2u(dst != cmp)
}
