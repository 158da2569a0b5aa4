package isa

import "testing"

// mask builds a bitmask with the given instruction starts.
func mask(codeLen int, starts ...int) []byte {
	m := make([]byte, (codeLen+7)/8)
	for _, s := range starts {
		m[s/8] |= 1 << (s % 8)
	}
	return m
}

func TestNumberings(t *testing.T) {
	cases := []struct {
		num  Numbering
		b    byte
		op   Op
		defd bool
	}{
		{GP08, 2, Unlikely, true},
		{GP08, 101, CountSetBits64, true},
		{GP08, 110, ReverseBytes, true},
		{GP08, 111, Trap, false},
		{GP07, 101, Sbrk, true},
		{GP07, 111, ReverseBytes, true},
		{GP07, 2, Trap, false},
		{Latest64, 3, Unlikely, true},
		{Latest64, 101, Sbrk, true},
		{GP08, 230, MinU, true},
		{GP08, 231, Trap, false},
	}
	for _, c := range cases {
		op, ok := c.num.Lookup(c.b)
		if ok != c.defd || (ok && op != c.op) {
			t.Errorf("%s byte %d: %v %v, want %v %v", c.num, c.b, op, ok, c.op, c.defd)
		}
	}
	// Both GP numberings define 139 opcodes.
	for _, num := range []Numbering{GP08, GP07} {
		n := 0
		for b := 0; b < 256; b++ {
			if _, ok := num.Lookup(byte(b)); ok {
				n++
			}
		}
		if n != 139 {
			t.Errorf("%s defines %d opcodes, want 139", num, n)
		}
	}
}

func TestSkip(t *testing.T) {
	m := mask(40, 0, 3, 35)
	if s := Skip(m, 40, 0); s != 2 {
		t.Errorf("skip(0) = %d, want 2", s)
	}
	if s := Skip(m, 40, 3); s != MaxSkip {
		t.Errorf("skip(3) = %d, want the cap %d", s, MaxSkip)
	}
	if s := Skip(m, 40, 35); s != 4 {
		t.Errorf("skip(35) = %d, want 4 (bits past the end count as set)", s)
	}
}

func TestDecodeOperands(t *testing.T) {
	cases := []struct {
		name string
		code []byte
		want Instruction
	}{
		{"3 regs, rD clamps the whole byte", []byte{190, 0x21, 0x1F}, Instruction{Op: Add32, A: 1, B: 2, D: 12, Len: 3}},
		{"reg reg: rD is the low nibble", []byte{100, 0x3D}, Instruction{Op: MoveReg, D: 12, A: 3, Len: 2}},
		{"ecalli sign-extends", []byte{10, 0x80}, Instruction{Op: Ecalli, Imm: 0xFFFF_FFFF_FFFF_FF80, Len: 2}},
		{"imm past the end reads zeros", []byte{51, 0x01, 0xFF}, Instruction{Op: LoadImm, A: 1, Imm: 0xFFFF_FFFF_FFFF_FFFF, Len: 3}},
		{"load_imm_64 raw", []byte{20, 0x02, 1, 2, 3, 4, 5, 6, 7, 0x88}, Instruction{Op: LoadImm64, A: 2, Imm: 0x8807060504030201, Len: 10}},
		{"two immediates", []byte{30, 0x02, 0x00, 0x01, 0xFF}, Instruction{Op: StoreImmU8, Imm: 0x100, Imm2: 0xFFFF_FFFF_FFFF_FFFF, Len: 5}},
		{"branch offset from its own pc", []byte{81, 0x17, 0xFE, 0xFB}, Instruction{Op: BranchEqImm, A: 7, Imm: 0xFFFF_FFFF_FFFF_FFFE, Target: 0xFFFF_FFFB, Len: 4}},
		{"length field not clamped by skip", []byte{30, 0x04, 9, 9, 9, 9}, Instruction{Op: StoreImmU8, Imm: 0x09090909, Len: 6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := DecodeAt(c.code, mask(len(c.code), 0), GP08, 0)
			c.want.Valid = true
			if in != c.want {
				t.Errorf("got  %+v\nwant %+v", in, c.want)
			}
		})
	}
}

func TestAnalyze(t *testing.T) {
	// jump +5 | (gap of 29 bytes without instruction starts) | trap
	code := make([]byte, 32)
	code[0] = 40
	code[1] = 31 // jump to 31
	code[31] = 1 // fallthrough
	p := Analyze(code, mask(32, 0, 31), nil, GP08)
	var pcs []uint32
	for _, in := range p.Instrs {
		pcs = append(pcs, in.PC)
	}
	// 0: jump; 25: where the capped skip lands (invalid); 31: fallthrough; 32: end trap.
	want := []uint32{0, 25, 31, 32}
	if len(pcs) != len(want) {
		t.Fatalf("positions %v, want %v", pcs, want)
	}
	for i := range want {
		if pcs[i] != want[i] {
			t.Fatalf("positions %v, want %v", pcs, want)
		}
	}
	if p.Instrs[1].Valid || p.Instrs[1].BlockStart {
		t.Errorf("the landing at 25 is not an instruction")
	}
	if !p.Instrs[2].BlockStart || !p.Instrs[3].BlockStart {
		t.Errorf("31 and the end trap after a fallthrough start blocks")
	}
	if err := p.Validate(); err == nil {
		t.Errorf("GP 0.8 validation accepts a walk through a non-instruction")
	}
	if _, ok := p.JumpTarget(31); !ok {
		t.Errorf("31 is a jump target")
	}
	if _, ok := p.JumpTarget(25); ok {
		t.Errorf("25 is no jump target")
	}
}

func TestAsmRoundTrip(t *testing.T) {
	a := NewAsm(GP07).JumpTableEntry("end").
		I(Ins{Op: StoreImmIndU32, A: 3, Imm: -4, Imm2: 1 << 20}, Ins{Op: BranchLtS, A: 1, B: 2, Label: "end"}, Ins{Op: Sbrk, D: 4, A: 5}).
		Label("end").I(Ins{Op: LoadImmJumpInd, A: 1, B: 2, Imm: 7, Imm2: -2})
	blob := a.MustBlob()
	if blob[0] != 1 || blob[1] != 4 {
		t.Fatalf("header %v", blob[:3])
	}
	codeLen := int(blob[2])
	code := blob[3+4 : 3+4+codeLen]
	m := blob[3+4+codeLen:]
	p := Analyze(code, m, []uint32{14}, GP07)
	got := p.Instrs
	if got[0].Op != StoreImmIndU32 || got[0].A != 3 || int64(got[0].Imm) != -4 || got[0].Imm2 != 1<<20 {
		t.Errorf("store: %+v", got[0])
	}
	if got[1].Op != BranchLtS || got[1].Target != 14 || got[2].Op != Sbrk || got[2].D != 4 || got[2].A != 5 {
		t.Errorf("branch/sbrk: %+v %+v", got[1], got[2])
	}
	if got[3].PC != 14 || got[3].Op != LoadImmJumpInd || got[3].Imm != 7 || int64(got[3].Imm2) != -2 {
		t.Errorf("load_imm_jump_ind: %+v", got[3])
	}
	if err := p.Validate(); err != nil {
		t.Errorf("a well-formed program fails validation: %v", err)
	}
}
