package isa

import (
	"errors"
	"fmt"
	"math/bits"
	"sort"
)

// Program is a code blob decoded into instructions and basic blocks, shared
// by every engine and by the gas models.
type Program struct {
	Code      []byte
	Bitmask   []byte
	JumpTable []uint32
	Numbering Numbering
	// Instrs holds every position execution can reach in pc order: each
	// instruction start, each place where a too-long gap lands execution on a
	// non-instruction byte (an invalid trap), and the implicit trap at
	// len(Code). For each i, Instrs[i+1] is at Instrs[i].NextPC() unless
	// Instrs[i] ends its block.
	Instrs []Instruction
}

// Analyze decodes every instruction of a code blob and marks the basic-block
// starts. It never fails; invalid positions decode as traps.
func Analyze(code, bitmask []byte, jumpTable []uint32, num Numbering) *Program {
	p := &Program{Code: code, Bitmask: bitmask, JumpTable: jumpTable, Numbering: num}
	p.Instrs = make([]Instruction, 0, estimateCount(bitmask, len(code)))
	afterTerminator := true // pc 0 starts a block
	pc := 0
	for pc <= len(code) {
		in := DecodeAt(code, bitmask, num, uint32(pc))
		in.BlockStart = afterTerminator && in.Valid
		if pc == len(code) && len(p.Instrs) > 0 && !p.Instrs[len(p.Instrs)-1].canFallInto() {
			// The implicit trap is a block of its own only where execution
			// can run into it (as PolkaVM counts blocks).
			in.BlockStart = false
		}
		afterTerminator = in.Valid && in.Op.IsTerminator()
		p.Instrs = append(p.Instrs, in)
		if pc == len(code) {
			break
		}
		next := int(in.NextPC())
		if !in.Valid {
			// Nothing continues past an invalid trap; resume at the next
			// instruction start.
			next = nextSetBit(bitmask, len(code), pc+1)
			afterTerminator = true
		}
		pc = next
	}
	return p
}

// canFallInto reports whether execution can continue from in to the next
// position: any valid instruction but trap and the unconditional jumps.
func (in *Instruction) canFallInto() bool {
	if !in.Valid {
		return false
	}
	switch in.Op {
	case Trap, Jump, JumpInd, LoadImmJump, LoadImmJumpInd:
		return false
	}
	return true
}

// estimateCount is the number of set bitmask bits plus the end trap.
func estimateCount(bitmask []byte, codeLen int) int {
	n := 1
	for _, b := range bitmask {
		n += bits.OnesCount8(b)
	}
	return n
}

// Index returns the index in Instrs of the instruction at pc.
func (p *Program) Index(pc uint32) (int, bool) {
	i := sort.Search(len(p.Instrs), func(i int) bool { return p.Instrs[i].PC >= pc })
	if i < len(p.Instrs) && p.Instrs[i].PC == pc {
		return i, true
	}
	return 0, false
}

// JumpTarget returns the index of the block a static jump or branch to pc
// lands on, or false when pc is not a basic-block start (the jump panics).
func (p *Program) JumpTarget(pc uint32) (int, bool) {
	i, ok := p.Index(pc)
	if !ok || !p.Instrs[i].BlockStart {
		return 0, false
	}
	return i, true
}

// BlockStartIndex returns the first index of the block containing index i:
// the gas-charging unit that runs from an instruction after a block end up to
// the next block end.
func (p *Program) BlockStartIndex(i int) int {
	for i > 0 && !p.Instrs[i-1].EndsBlock() {
		i--
	}
	return i
}

// BlockEndIndex returns the index of the instruction that ends the block
// containing index i.
func (p *Program) BlockEndIndex(i int) int {
	for !p.Instrs[i].EndsBlock() {
		i++
	}
	return i
}

// ErrInvalidCode is returned by Validate for blobs GP 0.8 rejects up front.
var ErrInvalidCode = errors.New("invalid code")

// Validate applies GP 0.8's up-front check: starting at 0 and stepping by
// 1+skip, every position holds a defined instruction, and the walk ends
// exactly at the end of the code.
func (p *Program) Validate() error {
	if len(p.Code) == 0 {
		return fmt.Errorf("%w: empty code", ErrInvalidCode)
	}
	for _, in := range p.Instrs {
		if int(in.PC) == len(p.Code) {
			return nil
		}
		if !in.Valid {
			return fmt.Errorf("%w: no valid instruction at pc %d", ErrInvalidCode, in.PC)
		}
		if int(in.NextPC()) > len(p.Code) {
			return fmt.Errorf("%w: instruction at pc %d runs past the end", ErrInvalidCode, in.PC)
		}
	}
	return nil
}

// ValidEntry reports whether pc is a place GP 0.8 lets execution start:
// an instruction position of the validated walk.
func (p *Program) ValidEntry(pc uint32) bool {
	i, ok := p.Index(pc)
	return ok && p.Instrs[i].Valid && int(pc) < len(p.Code)
}
