package amd64

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Known encodings, checked by hand against the Intel manual and objdump;
// these run even where objdump is absent.
func TestKnownBytes(t *testing.T) {
	cases := []struct {
		name string
		emit func(a *Asm)
		want []byte
	}{
		{"mov rax,rbx", func(a *Asm) { a.MovRR(RAX, RBX) }, []byte{0x48, 0x89, 0xd8}},
		{"mov r15,r8", func(a *Asm) { a.MovRR(R15, R8) }, []byte{0x4d, 0x89, 0xc7}},
		{"sub [rsp+8],21", func(a *Asm) { a.ALUMI(8, SUB, M(RSP, 8), 21) }, []byte{0x48, 0x83, 0x6c, 0x24, 0x08, 0x15}},
		{"movzx eax,byte [rbx+rcx]", func(a *Asm) { a.Load(1, RAX, MI(RBX, RCX, 1, 0)) }, []byte{0x0f, 0xb6, 0x04, 0x0b}},
		{"shlx rax,rbx,rax", func(a *Asm) { a.ShiftX(SHLX, RAX, RBX, RAX) }, []byte{0xc4, 0xe2, 0xf9, 0xf7, 0xc3}},
		{"lzcnt rax,rcx", func(a *Asm) { a.BitCountRR(LZCNT, RAX, RCX) }, []byte{0xf3, 0x48, 0x0f, 0xbd, 0xc1}},
		{"mov byte [rsp],sil", func(a *Asm) { a.Store(1, M(RSP, 0), RSI) }, []byte{0x40, 0x88, 0x34, 0x24}},
		{"sete r13b", func(a *Asm) { a.Setcc(CondE, R13) }, []byte{0x41, 0x0f, 0x94, 0xc5}},
		{"jmp [rax*8+0x100]", func(a *Asm) { a.JmpM(MI(NoReg, RAX, 8, 0x100)) }, []byte{0xff, 0x24, 0xc5, 0x00, 0x01, 0x00, 0x00}},
		{"mov eax,1", func(a *Asm) { a.MovImm(RAX, 1) }, []byte{0xb8, 1, 0, 0, 0}},
		{"mov rax,-1", func(a *Asm) { a.MovImm(RAX, ^uint64(0)) }, []byte{0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff}},
		{"movabs r9", func(a *Asm) { a.MovImm(R9, 0x123456789) }, []byte{0x49, 0xb9, 0x89, 0x67, 0x45, 0x23, 1, 0, 0, 0}},
		{"ret", func(a *Asm) { a.Ret() }, []byte{0xc3}},
	}
	for _, c := range cases {
		var a Asm
		c.emit(&a)
		if !bytes.Equal(a.Code(), c.want) {
			t.Errorf("%s: got % x, want % x", c.name, a.Code(), c.want)
		}
	}
}

func TestAlignNop(t *testing.T) {
	for start := 0; start < 64; start++ {
		a := NewAsm(make([]byte, 128), 1000)
		for i := 0; i < start; i++ {
			a.Int3()
		}
		a.AlignNop(64)
		if a.Len()%64 != 0 {
			t.Fatalf("from %d: ends at %d", start, a.Len())
		}
		// Only whole NOPs, at most 9 bytes each.
		code := a.Code()[start:]
		for len(code) > 0 {
			n := 0
			for k := 9; k >= 1; k-- {
				if len(code) >= k && bytes.Equal(code[:k], nops[k]) {
					n = k
					break
				}
			}
			if n == 0 {
				t.Fatalf("from %d: not a NOP: % x", start, code)
			}
			code = code[n:]
		}
	}
}

func TestLabels(t *testing.T) {
	var a Asm
	back := a.NewLabel()
	fwd := a.NewLabel()
	a.Bind(back)
	a.Jcc(CondNE, fwd) // 0: 0f 85 rel32 -> 11
	a.Jmp(back)        // 6: e9 rel32 -> 0
	a.Bind(fwd)        // 11
	a.Call(back)       // 11: e8 rel32 -> 0
	if !a.Finish() {
		t.Fatal("unbound label")
	}
	want := []byte{0x0f, 0x85, 5, 0, 0, 0, 0xe9, 0xf5, 0xff, 0xff, 0xff, 0xe8, 0xf0, 0xff, 0xff, 0xff}
	if !bytes.Equal(a.Code(), want) {
		t.Fatalf("got % x, want % x", a.Code(), want)
	}
	a.Reset()
	j := a.JccShort(CondE)
	a.Ret()
	a.PatchShort(j)
	if want := []byte{0x74, 1, 0xc3}; !bytes.Equal(a.Code(), want) {
		t.Fatalf("short: got % x, want % x", a.Code(), want)
	}
}

// ---- exhaustive checks against objdump

var (
	names64 = regNames
	names32 = [16]string{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"}
	names16 = [16]string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"}
	names8  = [16]string{"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"}
)

func hex(v int64) string {
	if v < 0 {
		return "-0x" + strconv.FormatInt(-v, 16)
	}
	return "0x" + strconv.FormatInt(v, 16)
}

// memText is how objdump -M intel prints m.
func memText(m Mem) string {
	var b strings.Builder
	b.WriteByte('[')
	if m.Base != NoReg {
		b.WriteString(names64[m.Base])
	}
	if m.Index != NoReg {
		if m.Base != NoReg {
			b.WriteByte('+')
		}
		fmt.Fprintf(&b, "%s*%d", names64[m.Index], m.Scale)
	}
	switch {
	case m.Base == NoReg && m.Index == NoReg:
		return "ds:" + hex(int64(m.Disp))
	case m.Base == NoReg:
		fmt.Fprintf(&b, "%s%s", sign(m.Disp), hex(int64(m.Disp)))
	case m.Disp != 0 || m.Base&7 == 5:
		fmt.Fprintf(&b, "%s%s", sign(m.Disp), hex(int64(m.Disp)))
	}
	b.WriteByte(']')
	return b.String()
}

func sign(d int32) string {
	if d < 0 {
		return ""
	}
	return "+"
}

type dcase struct {
	off  int
	want string
}

// checker accumulates instructions and their expected disassembly.
type checker struct {
	a     Asm
	cases []dcase
}

func (c *checker) add(want string, emit func(a *Asm)) {
	c.cases = append(c.cases, dcase{c.a.Len(), want})
	emit(&c.a)
}

var spaces = regexp.MustCompile(`\s+`)

func (c *checker) run(t *testing.T) {
	t.Helper()
	objdump, err := exec.LookPath("objdump")
	if err != nil {
		t.Skip("objdump not installed")
	}
	path := filepath.Join(t.TempDir(), "code.bin")
	if err := os.WriteFile(path, c.a.Code(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(objdump, "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	line := regexp.MustCompile(`^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$`)
	for _, l := range strings.Split(string(out), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		off, _ := strconv.ParseInt(m[1], 16, 64)
		got[int(off)] = strings.TrimSpace(spaces.ReplaceAllString(m[2], " "))
	}
	bad := 0
	for _, cs := range c.cases {
		if g := got[cs.off]; g != cs.want {
			t.Errorf("at %#x: got %q, want %q", cs.off, g, cs.want)
			if bad++; bad > 20 {
				t.Fatal("too many errors")
			}
		}
	}
}

var allRegs = []Reg{RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15}

func TestObjdumpRegReg(t *testing.T) {
	var c checker
	aluNames := []string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}
	for _, d := range allRegs {
		for _, s := range allRegs {
			c.add(fmt.Sprintf("mov %s,%s", names64[d], names64[s]), func(a *Asm) { a.MovRR(d, s) })
			c.add(fmt.Sprintf("mov %s,%s", names32[d], names32[s]), func(a *Asm) { a.MovRR32(d, s) })
			for op := ADD; op <= CMP; op++ {
				c.add(fmt.Sprintf("%s %s,%s", aluNames[op], names64[d], names64[s]), func(a *Asm) { a.ALURR(op, d, s) })
				c.add(fmt.Sprintf("%s %s,%s", aluNames[op], names32[d], names32[s]), func(a *Asm) { a.ALURR32(op, d, s) })
			}
			c.add(fmt.Sprintf("test %s,%s", names64[d], names64[s]), func(a *Asm) { a.TestRR(d, s) })
			c.add(fmt.Sprintf("test %s,%s", names32[d], names32[s]), func(a *Asm) { a.TestRR32(d, s) })
			c.add(fmt.Sprintf("movsxd %s,%s", names64[d], names32[s]), func(a *Asm) { a.Movsxd(d, s) })
			c.add(fmt.Sprintf("movsx %s,%s", names64[d], names8[s]), func(a *Asm) { a.Movsx8(d, s) })
			c.add(fmt.Sprintf("movsx %s,%s", names64[d], names16[s]), func(a *Asm) { a.Movsx16(d, s) })
			c.add(fmt.Sprintf("movzx %s,%s", names32[d], names8[s]), func(a *Asm) { a.Movzx8(d, s) })
			c.add(fmt.Sprintf("movzx %s,%s", names32[d], names16[s]), func(a *Asm) { a.Movzx16(d, s) })
			c.add(fmt.Sprintf("imul %s,%s", names64[d], names64[s]), func(a *Asm) { a.Imul(d, s) })
			c.add(fmt.Sprintf("imul %s,%s", names32[d], names32[s]), func(a *Asm) { a.Imul32(d, s) })
			c.add(fmt.Sprintf("imul %s,%s,0x5", names64[d], names64[s]), func(a *Asm) { a.ImulImm(d, s, 5) })
			c.add(fmt.Sprintf("imul %s,%s,0x12345", names32[d], names32[s]), func(a *Asm) { a.ImulImm32(d, s, 0x12345) })
			c.add(fmt.Sprintf("imul %s,%s,0xffffffffffffff80", names64[d], names64[s]), func(a *Asm) { a.ImulImm(d, s, -128) })
			c.add(fmt.Sprintf("lzcnt %s,%s", names64[d], names64[s]), func(a *Asm) { a.BitCountRR(LZCNT, d, s) })
			c.add(fmt.Sprintf("tzcnt %s,%s", names32[d], names32[s]), func(a *Asm) { a.BitCountRR32(TZCNT, d, s) })
			c.add(fmt.Sprintf("popcnt %s,%s", names64[d], names64[s]), func(a *Asm) { a.BitCountRR(POPCNT, d, s) })
			c.add(fmt.Sprintf("bsr %s,%s", names64[d], names64[s]), func(a *Asm) { a.Bsr(d, s) })
			c.add(fmt.Sprintf("bsf %s,%s", names32[d], names32[s]), func(a *Asm) { a.Bsf32(d, s) })
			c.add(fmt.Sprintf("cmovb %s,%s", names64[d], names64[s]), func(a *Asm) { a.Cmov(CondB, d, s) })
			c.add(fmt.Sprintf("cmove %s,%s", names32[d], names32[s]), func(a *Asm) { a.Cmov32(CondE, d, s) })
			c.add(fmt.Sprintf("rorx %s,%s,0x7", names64[d], names64[s]), func(a *Asm) { a.Rorx(d, s, 7) })
			c.add(fmt.Sprintf("rorx %s,%s,0x1f", names32[d], names32[s]), func(a *Asm) { a.Rorx32(d, s, 31) })
			for _, amt := range allRegs {
				c.add(fmt.Sprintf("shlx %s,%s,%s", names64[d], names64[s], names64[amt]), func(a *Asm) { a.ShiftX(SHLX, d, s, amt) })
				c.add(fmt.Sprintf("sarx %s,%s,%s", names32[d], names32[s], names32[amt]), func(a *Asm) { a.ShiftX32(SARX, d, s, amt) })
				c.add(fmt.Sprintf("shrx %s,%s,%s", names64[d], names64[s], names64[amt]), func(a *Asm) { a.ShiftX(SHRX, d, s, amt) })
			}
		}
	}
	c.run(t)
}

func TestObjdumpOneReg(t *testing.T) {
	var c checker
	aluNames := []string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}
	shiftNames := map[Shift]string{ROL: "rol", ROR: "ror", SHL: "shl", SHR: "shr", SAR: "sar"}
	condNames := []string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"}
	for _, r := range allRegs {
		for op := ADD; op <= CMP; op++ {
			c.add(fmt.Sprintf("%s %s,0x7f", aluNames[op], names64[r]), func(a *Asm) { a.ALURI(op, r, 127) })
			c.add(fmt.Sprintf("%s %s,0xffffffffffffff80", aluNames[op], names64[r]), func(a *Asm) { a.ALURI(op, r, -128) })
			c.add(fmt.Sprintf("%s %s,0x12345678", aluNames[op], names64[r]), func(a *Asm) { a.ALURI(op, r, 0x12345678) })
			c.add(fmt.Sprintf("%s %s,0xffffffff87654321", aluNames[op], names64[r]), func(a *Asm) { a.ALURI(op, r, -0x789abcdf) })
			c.add(fmt.Sprintf("%s %s,0x12345678", aluNames[op], names32[r]), func(a *Asm) { a.ALURI32(op, r, 0x12345678) })
			c.add(fmt.Sprintf("%s %s,0x5", aluNames[op], names32[r]), func(a *Asm) { a.ALURI32(op, r, 5) })
		}
		for _, op := range []Shift{ROL, ROR, SHL, SHR, SAR} {
			c.add(fmt.Sprintf("%s %s,0x3", shiftNames[op], names64[r]), func(a *Asm) { a.ShiftRI(op, r, 3) })
			c.add(fmt.Sprintf("%s %s,1", shiftNames[op], names64[r]), func(a *Asm) { a.ShiftRI(op, r, 1) })
			c.add(fmt.Sprintf("%s %s,0x1f", shiftNames[op], names32[r]), func(a *Asm) { a.ShiftRI32(op, r, 31) })
			c.add(fmt.Sprintf("%s %s,cl", shiftNames[op], names64[r]), func(a *Asm) { a.ShiftRCL(op, r) })
			c.add(fmt.Sprintf("%s %s,cl", shiftNames[op], names32[r]), func(a *Asm) { a.ShiftRCL32(op, r) })
		}
		c.add(fmt.Sprintf("neg %s", names64[r]), func(a *Asm) { a.Neg(r) })
		c.add(fmt.Sprintf("neg %s", names32[r]), func(a *Asm) { a.Neg32(r) })
		c.add(fmt.Sprintf("not %s", names64[r]), func(a *Asm) { a.Not(r) })
		c.add(fmt.Sprintf("bswap %s", names64[r]), func(a *Asm) { a.Bswap(r) })
		c.add(fmt.Sprintf("mul %s", names64[r]), func(a *Asm) { a.MulDivR(MUL, r) })
		c.add(fmt.Sprintf("imul %s", names64[r]), func(a *Asm) { a.MulDivR(IMUL, r) })
		c.add(fmt.Sprintf("div %s", names64[r]), func(a *Asm) { a.MulDivR(DIV, r) })
		c.add(fmt.Sprintf("idiv %s", names32[r]), func(a *Asm) { a.MulDivR32(IDIV, r) })
		c.add(fmt.Sprintf("test %s,0x7", names8[r]), func(a *Asm) { a.TestRI8(r, 7) })
		c.add(fmt.Sprintf("test %s,0xfff", names32[r]), func(a *Asm) { a.TestRI32(r, 0xfff) })
		for cc := CondO; cc <= CondG; cc++ {
			c.add(fmt.Sprintf("set%s %s", condNames[cc], names8[r]), func(a *Asm) { a.Setcc(cc, r) })
		}
		c.add(fmt.Sprintf("jmp %s", names64[r]), func(a *Asm) { a.JmpR(r) })
		c.add(fmt.Sprintf("call %s", names64[r]), func(a *Asm) { a.CallR(r) })
		c.add(fmt.Sprintf("push %s", names64[r]), func(a *Asm) { a.Push(r) })
		c.add(fmt.Sprintf("pop %s", names64[r]), func(a *Asm) { a.Pop(r) })
		c.add(fmt.Sprintf("xor %s,%s", names32[r], names32[r]), func(a *Asm) { a.MovImm(r, 0) })
		c.add(fmt.Sprintf("mov %s,0x0", names32[r]), func(a *Asm) { a.MovImmKeepFlags(r, 0) })
		c.add(fmt.Sprintf("mov %s,0xfffffffe", names32[r]), func(a *Asm) { a.MovImm(r, 0xfffffffe) })
		c.add(fmt.Sprintf("mov %s,0xfffffffffffffffe", names64[r]), func(a *Asm) { a.MovImm(r, ^uint64(1)) })
		c.add(fmt.Sprintf("movabs %s,0x123456789abcdef", names64[r]), func(a *Asm) { a.MovImm(r, 0x123456789abcdef) })
	}
	for n := 1; n <= 9; n++ {
		want := map[int]string{1: "nop", 2: "xchg ax,ax", 3: "nop DWORD PTR [rax]", 4: "nop DWORD PTR [rax+0x0]",
			5: "nop DWORD PTR [rax+rax*1+0x0]", 6: "nop WORD PTR [rax+rax*1+0x0]", 7: "nop DWORD PTR [rax+0x0]",
			8: "nop DWORD PTR [rax+rax*1+0x0]", 9: "nop WORD PTR [rax+rax*1+0x0]"}[n]
		c.add(want, func(a *Asm) { a.Bytes(nops[n]...) })
	}
	c.add("cqo", func(a *Asm) { a.Cqo() })
	c.add("cdq", func(a *Asm) { a.Cdq() })
	c.add("ret", func(a *Asm) { a.Ret() })
	c.run(t)
}

func TestObjdumpMemory(t *testing.T) {
	var c checker
	bases := append([]Reg{NoReg}, allRegs...)
	indexes := []Reg{NoReg, RAX, RBP, RDI, R8, R12, R13, R15}
	disps := []int32{0, 8, -8, 0x1000, -0x12345}
	sizes := map[int]string{1: "BYTE", 2: "WORD", 4: "DWORD", 8: "QWORD"}
	aluNames := []string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}
	n := 0
	for _, b := range bases {
		for _, x := range indexes {
			for _, d := range disps {
				if b == NoReg && x == NoReg && d < 0 {
					continue
				}
				scale := uint8(1 << (n % 4))
				n++
				m := MI(b, x, scale, d)
				if x == NoReg {
					m.Scale = 1
				}
				ms := memText(m)
				r := allRegs[n%16]
				c.add(fmt.Sprintf("mov %s,QWORD PTR %s", names64[r], ms), func(a *Asm) { a.Load(8, r, m) })
				c.add(fmt.Sprintf("mov %s,DWORD PTR %s", names32[r], ms), func(a *Asm) { a.Load(4, r, m) })
				c.add(fmt.Sprintf("movzx %s,WORD PTR %s", names32[r], ms), func(a *Asm) { a.Load(2, r, m) })
				c.add(fmt.Sprintf("movzx %s,BYTE PTR %s", names32[r], ms), func(a *Asm) { a.Load(1, r, m) })
				c.add(fmt.Sprintf("movsx %s,BYTE PTR %s", names64[r], ms), func(a *Asm) { a.LoadSX(1, r, m) })
				c.add(fmt.Sprintf("movsx %s,WORD PTR %s", names64[r], ms), func(a *Asm) { a.LoadSX(2, r, m) })
				c.add(fmt.Sprintf("movsxd %s,DWORD PTR %s", names64[r], ms), func(a *Asm) { a.LoadSX(4, r, m) })
				for _, sz := range []int{1, 2, 4, 8} {
					var rn string
					switch sz {
					case 1:
						rn = names8[r]
					case 2:
						rn = names16[r]
					case 4:
						rn = names32[r]
					default:
						rn = names64[r]
					}
					c.add(fmt.Sprintf("mov %s PTR %s,%s", sizes[sz], ms, rn), func(a *Asm) { a.Store(sz, m, r) })
				}
				c.add(fmt.Sprintf("mov BYTE PTR %s,0x85", ms), func(a *Asm) { a.StoreImm(1, m, -123) })
				c.add(fmt.Sprintf("mov WORD PTR %s,0xff85", ms), func(a *Asm) { a.StoreImm(2, m, -123) })
				c.add(fmt.Sprintf("mov DWORD PTR %s,0xffffff85", ms), func(a *Asm) { a.StoreImm(4, m, -123) })
				c.add(fmt.Sprintf("mov QWORD PTR %s,0xffffffffffffff85", ms), func(a *Asm) { a.StoreImm(8, m, -123) })
				c.add(fmt.Sprintf("lea %s,%s", names64[r], ms), func(a *Asm) { a.Lea(r, m) })
				c.add(fmt.Sprintf("lea %s,%s", names32[r], ms), func(a *Asm) { a.Lea32(r, m) })
				op := ALU(n % 8)
				c.add(fmt.Sprintf("%s %s,QWORD PTR %s", aluNames[op], names64[r], ms), func(a *Asm) { a.ALURM(op, r, m) })
				c.add(fmt.Sprintf("%s QWORD PTR %s,%s", aluNames[op], ms, names64[r]), func(a *Asm) { a.ALUMR(op, m, r) })
				c.add(fmt.Sprintf("imul %s,QWORD PTR %s", names64[r], ms), func(a *Asm) { a.ImulRM(r, m) })
				c.add(fmt.Sprintf("%s QWORD PTR %s,0x15", aluNames[op], ms), func(a *Asm) { a.ALUMI(8, op, m, 21) })
				c.add(fmt.Sprintf("%s QWORD PTR %s,0x1234", aluNames[op], ms), func(a *Asm) { a.ALUMI(8, op, m, 0x1234) })
				c.add(fmt.Sprintf("cmp BYTE PTR %s,0x3", ms), func(a *Asm) { a.ALUMI(1, CMP, m, 3) })
				c.add(fmt.Sprintf("test BYTE PTR %s,%s", ms, names8[r]), func(a *Asm) { a.TestMR8(m, r) })
				c.add(fmt.Sprintf("jmp QWORD PTR %s", ms), func(a *Asm) { a.JmpM(m) })
			}
		}
	}
	c.run(t)
}

func TestObjdumpBranches(t *testing.T) {
	var c checker
	condNames := []string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"}
	for cc := CondO; cc <= CondG; cc++ {
		c.add(fmt.Sprintf("j%s 0x0", condNames[cc]), func(a *Asm) { a.JccTo(cc, 0) })
	}
	c.add("jmp 0x0", func(a *Asm) { a.JmpTo(0) })
	c.add("call 0x0", func(a *Asm) { a.CallTo(0) })
	c.add("stc", func(a *Asm) { a.Stc() })
	off := c.a.Len()
	c.add(fmt.Sprintf("lea rcx,[rip+0xfffffffffffffff9] # %#x", off), func(a *Asm) { a.LeaRIP(RCX, off) })
	off = c.a.Len()
	c.add(fmt.Sprintf("add r12,QWORD PTR [rip+0xfffffffffffffff9] # %#x", off), func(a *Asm) { a.ALURRIP(ADD, R12, off) })
	c.run(t)
}

func TestObjdumpRel(t *testing.T) {
	var c checker
	var at int
	c.add("jne 0x6", func(a *Asm) { at = a.JccRel(CondNE) })
	c.a.PatchRel32(at, 6)
	c.add("jmp 0x0", func(a *Asm) { at = a.JmpRel() })
	c.a.PatchRel32(at, 0)
	off := c.a.Len()
	c.add(fmt.Sprintf("mov r13,QWORD PTR [rip+0xfffffffffffffff9] # %#x", off), func(a *Asm) { a.MovRIP(R13, off) })
	c.run(t)
}

// TestWindowAtEnd emits instructions into buffers just big enough for
// them: the 16-byte window cannot fit there, so the bytes go through the
// scratch array, and must come out the same and in place (the image is
// written in place; growing would lose the code).
func TestWindowAtEnd(t *testing.T) {
	emits := []func(a *Asm){
		func(a *Asm) { a.Load(8, R12, MI(R10, RAX, 1, -2)) },
		func(a *Asm) { a.Lea32(RAX, M(R13, 0x12345)) },
		func(a *Asm) { a.ALURR(ADD, R8, R9) },
		func(a *Asm) { a.ALURI(SUB, RAX, 0x1000) },
		func(a *Asm) { a.ALUMI(8, SUB, M(RSP, 8), 0x14fffffe) },
		func(a *Asm) { a.MovImm(R9, 0xffffffff) },
		func(a *Asm) { a.StoreImm(2, MI(R10, RAX, 1, -2), 0x1234) },
		func(a *Asm) { a.Store(1, M(RSI, 4), RSI) },
		func(a *Asm) { a.TestMR8(MI(R9, RCX, 1, -1), R10) },
		func(a *Asm) { a.CallTo(0) },
		func(a *Asm) { a.JccTo(CondNE, 100) },
	}
	for i, emit := range emits {
		var big Asm
		big.Int3()
		emit(&big)
		want := big.Code()
		buf := make([]byte, len(want))
		a := NewAsm(buf, 0)
		a.Int3()
		emit(&a)
		if !bytes.Equal(a.Code(), want) || !bytes.Equal(buf, want) {
			t.Errorf("emitter %d: got % x (buffer % x), want % x", i, a.Code(), buf, want)
		}
	}
}
