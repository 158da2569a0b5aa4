package amd64

// The emitters most instructions go through write an instruction's bytes
// straight into a 16-byte window of the buffer, indexes masked to 15 so
// that no write needs a bounds check: a third faster than appending byte by
// byte with a check each (the emitters are a fifth of a compile).

// win returns where the next instruction's bytes go: the buffer itself
// when 16 bytes are left, else a scratch array that commit copies in.
func (a *Asm) win() *[16]byte {
	if a.n+16 <= len(a.mem) {
		return (*[16]byte)(a.mem[a.n : a.n+16])
	}
	return &a.scratch
}

// commit ends an instruction of k bytes written into w (from win).
func (a *Asm) commit(w *[16]byte, k int) {
	if w == &a.scratch {
		a.commitScratch(k)
		return
	}
	a.n += k
}

//go:noinline
func (a *Asm) commitScratch(k int) { a.Bytes(a.scratch[:k]...) }

// rexOf is the REX prefix for operand size w (64-bit) and registers r, x, b
// (NoReg for none); 0x40 says nothing.
func rexOf(w bool, r, x, b Reg) byte {
	v := byte(0x40) | high(r)<<2 | high(x)<<1 | high(b)
	if w {
		v |= 8
	}
	return v
}

// high is a register's REX bit: its bit 3, or 0 for NoReg.
func high(r Reg) byte { return byte(r) >> 3 & ^(byte(r) >> 7) & 1 }

// putRex writes REX prefix v at i if it says anything (or force: the byte
// registers spl..dil need one).
func putRex(p *[16]byte, i int, v byte, force bool) int {
	if v != 0x40 || force {
		p[i&15] = v
		i++
	}
	return i
}

// putOp writes a one-byte opcode, or a two-byte one (0x0f xx) when op has
// a high byte.
func putOp(p *[16]byte, i int, op uint16) int {
	if op > 0xff {
		p[i&15] = byte(op >> 8)
		i++
	}
	p[i&15] = byte(op)
	return i + 1
}

func put32(p *[16]byte, i int, v int32) int {
	p[i&15] = byte(v)
	p[(i+1)&15] = byte(v >> 8)
	p[(i+2)&15] = byte(v >> 16)
	p[(i+3)&15] = byte(v >> 24)
	return i + 4
}

// putMem writes ModRM (+SIB +disp) for a memory operand at i.
func putMem(p *[16]byte, i int, reg byte, m Mem) int {
	reg = (reg & 7) << 3
	if m.Base == NoReg {
		// [index*scale + disp32] or [disp32] (absolute, through SIB so it is
		// not RIP-relative).
		idx := byte(4) // none
		if m.Index != NoReg {
			idx = byte(m.Index & 7)
		}
		p[i&15] = 0x04 | reg
		p[(i+1)&15] = scaleBits(m.Scale) | idx<<3 | 5
		return put32(p, i+2, m.Disp)
	}
	base := byte(m.Base & 7)
	var mod byte
	switch {
	case m.Disp == 0 && base != 5: // rbp/r13 need a displacement
		mod = 0
	case m.Disp >= -128 && m.Disp <= 127:
		mod = 0x40
	default:
		mod = 0x80
	}
	if m.Index != NoReg || base == 4 {
		idx := byte(4)
		if m.Index != NoReg {
			idx = byte(m.Index & 7)
		}
		p[i&15] = mod | reg | 4
		p[(i+1)&15] = scaleBits(m.Scale) | idx<<3 | base
		i += 2
	} else {
		p[i&15] = mod | reg | base
		i++
	}
	switch mod {
	case 0x40:
		p[i&15] = byte(int8(m.Disp))
		i++
	case 0x80:
		i = put32(p, i, m.Disp)
	}
	return i
}

// opRM emits an instruction with a register and a memory operand.
func (a *Asm) opRM(w bool, op uint16, reg Reg, m Mem) {
	p := a.win()
	i := putRex(p, 0, rexOf(w, reg, m.Index, m.Base), false)
	i = putOp(p, i, op)
	i = putMem(p, i, byte(reg), m)
	a.commit(p, i)
}

// rr emits REX (if needed), a one-byte opcode and a register-direct ModRM
// whose reg field is reg (a register or an opcode extension).
func (a *Asm) rr(w bool, op byte, reg byte, rm Reg) {
	p := a.win()
	i := putRex(p, 0, rexOf(w, Reg(reg), NoReg, rm), false)
	p[i&15] = op
	p[(i+1)&15] = 0xc0 | (reg&7)<<3 | byte(rm&7)
	a.commit(p, i+2)
}

// rel32Op emits a one- or two-byte opcode and a rel32 to target.
func (a *Asm) rel32Op(op uint16, target int) {
	p := a.win()
	i := putOp(p, 0, op)
	put32(p, i, int32(target-(a.Len()+i+4)))
	a.commit(p, i+4)
}

// opRR emits a two-register instruction: opcode bytes with reg in ModRM.reg
// and rm in ModRM.rm.
func (a *Asm) opRR(w bool, op uint16, reg, rm Reg) {
	p := a.win()
	i := putRex(p, 0, rexOf(w, reg, NoReg, rm), false)
	i = putOp(p, i, op)
	p[i&15] = 0xc0 | byte(reg&7)<<3 | byte(rm&7)
	a.commit(p, i+1)
}
