package isa

import (
	"fmt"
)

// Asm assembles instructions into a GP code blob. Tests, fuzzers and tools
// use it to write programs by instruction rather than by byte. Immediates
// are encoded in their shortest form; jump offsets always take 4 bytes.
type Asm struct {
	num    Numbering
	code   []byte
	starts []bool
	labels map[string]uint32
	fixups []fixup
	table  []string // jump table entries, by label
	err    error
}

type fixup struct {
	at    int    // where the 4-byte offset goes
	pc    uint32 // the jumping instruction
	label string
}

// Ins is one instruction to assemble. Which fields matter depends on the
// opcode's format: A, B, D are registers; Imm and Imm2 are νX and νY; Label
// names a jump target.
type Ins struct {
	Op      Op
	A, B, D uint8
	Imm     int64
	Imm2    int64
	Label   string
}

// NewAsm starts an empty program in numbering num.
func NewAsm(num Numbering) *Asm { return &Asm{num: num, labels: map[string]uint32{}} }

// PC is the pc the next instruction will get.
func (a *Asm) PC() uint32 { return uint32(len(a.code)) }

// Label names the current pc.
func (a *Asm) Label(name string) *Asm {
	a.labels[name] = a.PC()
	return a
}

// JumpTableEntry appends an entry pointing at label; entry k is reached by a
// dynamic jump to address 2(k+1).
func (a *Asm) JumpTableEntry(label string) *Asm {
	a.table = append(a.table, label)
	return a
}

// Raw appends bytes as they are; the first one starts an instruction when start is set.
func (a *Asm) Raw(start bool, b ...byte) *Asm {
	for i, x := range b {
		a.code = append(a.code, x)
		a.starts = append(a.starts, start && i == 0)
	}
	return a
}

// I appends instructions.
func (a *Asm) I(ins ...Ins) *Asm {
	for _, in := range ins {
		a.emit(in)
	}
	return a
}

func (a *Asm) emit(in Ins) {
	b, ok := a.num.Byte(in.Op)
	if !ok {
		a.fail("%s has no opcode in numbering %s", in.Op, a.num)
		return
	}
	pc := a.PC()
	out := []byte{b}
	offset := func() {
		a.fixups = append(a.fixups, fixup{at: len(a.code) + len(out), pc: pc, label: in.Label})
		out = append(out, 0, 0, 0, 0)
	}
	switch in.Op.Format() {
	case FmtNone:
	case FmtImm:
		out = append(out, a.imm(in.Imm)...)
	case FmtRegImm64:
		out = append(out, in.A)
		v := uint64(in.Imm)
		for k := 0; k < 8; k++ {
			out = append(out, byte(v>>(8*k)))
		}
	case FmtImmImm:
		x := a.imm(in.Imm)
		out = append(out, byte(len(x)))
		out = append(append(out, x...), a.imm(in.Imm2)...)
	case FmtOffset:
		offset()
	case FmtRegImm:
		out = append(append(out, in.A), a.imm(in.Imm)...)
	case FmtRegImmImm:
		x := a.imm(in.Imm)
		out = append(out, in.A|byte(len(x))<<4)
		out = append(append(out, x...), a.imm(in.Imm2)...)
	case FmtRegImmOffset:
		x := a.imm(in.Imm)
		out = append(append(out, in.A|byte(len(x))<<4), x...)
		offset()
	case FmtRegReg:
		out = append(out, in.D|in.A<<4)
	case FmtRegRegImm:
		out = append(append(out, in.A|in.B<<4), a.imm(in.Imm)...)
	case FmtRegRegOffset:
		out = append(out, in.A|in.B<<4)
		offset()
	case FmtRegRegImmImm:
		x := a.imm(in.Imm)
		out = append(out, in.A|in.B<<4, byte(len(x)))
		out = append(append(out, x...), a.imm(in.Imm2)...)
	case FmtRegRegReg:
		out = append(out, in.A|in.B<<4, in.D)
	}
	a.Raw(true, out...)
}

// imm encodes v in the fewest bytes (0..4) whose sign extension gives v back.
func (a *Asm) imm(v int64) []byte {
	for n := 0; n <= 4; n++ {
		shift := uint(64 - 8*n)
		if n == 0 && v == 0 || n > 0 && int64(uint64(v)<<shift)>>shift == v {
			out := make([]byte, n)
			for k := range out {
				out[k] = byte(uint64(v) >> (8 * k))
			}
			return out
		}
	}
	a.fail("immediate %d does not fit 4 sign-extended bytes", v)
	return nil
}

func (a *Asm) fail(format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("asm at pc %d: "+format, append([]any{a.PC()}, args...)...)
	}
}

// Blob resolves labels and returns the code blob.
func (a *Asm) Blob() ([]byte, error) {
	for _, f := range a.fixups {
		t, ok := a.labels[f.label]
		if !ok {
			return nil, fmt.Errorf("asm: undefined label %q", f.label)
		}
		off := t - f.pc
		for k := 0; k < 4; k++ {
			a.code[f.at+k] = byte(off >> (8 * k))
		}
	}
	if a.err != nil {
		return nil, a.err
	}
	var blob []byte
	blob = AppendVarint(blob, uint64(len(a.table)))
	blob = append(blob, 4)
	blob = AppendVarint(blob, uint64(len(a.code)))
	for _, l := range a.table {
		t, ok := a.labels[l]
		if !ok {
			return nil, fmt.Errorf("asm: undefined jump table label %q", l)
		}
		blob = append(blob, byte(t), byte(t>>8), byte(t>>16), byte(t>>24))
	}
	blob = append(blob, a.code...)
	mask := make([]byte, (len(a.code)+7)/8)
	for i, s := range a.starts {
		if s {
			mask[i/8] |= 1 << (i % 8)
		}
	}
	return append(blob, mask...), nil
}

// MustBlob is Blob for programs known to be right (tests).
func (a *Asm) MustBlob() []byte {
	b, err := a.Blob()
	if err != nil {
		panic(err)
	}
	return b
}

// AppendVarint appends the GP general natural encoding of x.
func AppendVarint(b []byte, x uint64) []byte {
	if x < 1<<7 {
		return append(b, byte(x))
	}
	for l := 1; l < 8; l++ {
		if x < 1<<(7*(l+1)) {
			prefix := byte(0xff << (8 - l))
			b = append(b, prefix|byte(x>>(8*l)))
			for k := 0; k < l; k++ {
				b = append(b, byte(x>>(8*k)))
			}
			return b
		}
	}
	b = append(b, 0xff)
	for k := 0; k < 8; k++ {
		b = append(b, byte(x>>(8*k)))
	}
	return b
}
