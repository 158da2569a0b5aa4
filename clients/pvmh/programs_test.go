package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/program"
)

// The programs the C and Python tests run are assembled here and committed
// as test/programs.h and test/programs.json, so that those tests also run
// without Go (test/Makefile). TestPrograms checks the committed files are
// current; -update rewrites them.

var update = flag.Bool("update", false, "rewrite test/programs.h and test/programs.json")

// testProgram is one program for the C and Python tests.
type testProgram struct {
	name    string
	comment string
	blob    []byte            // GP code blob, or the standard program blob when std is set
	std     bool              // blob is a JAM standard program
	parts   bool              // also emit code, bitmask and jump table separately
	pcs     map[string]uint32 // named pcs
	consts  map[string]uint64 // other numbers the tests need
}

// marks records the pcs of named instructions while assembling.
type marks struct {
	a   *isa.Asm
	pcs map[string]uint32
}

func newMarks(n isa.Numbering) *marks { return &marks{a: isa.NewAsm(n), pcs: map[string]uint32{}} }

func (m *marks) at(name string, in isa.Ins) *marks {
	m.pcs[name] = m.a.PC()
	m.a.I(in)
	return m
}

func (m *marks) i(ins ...isa.Ins) *marks { m.a.I(ins...); return m }

func (m *marks) label(l string) *marks { m.a.Label(l); return m }

func haltProgram(n isa.Numbering) *marks {
	return newMarks(n).i(
		isa.Ins{Op: isa.LoadImm, A: 7, Imm: 40},
		isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: 2},
		isa.Ins{Op: isa.LoadImm64, A: 8, Imm: 0x1122334455667788},
		isa.Ins{Op: isa.LoadImm, A: 1, Imm: 2},
		isa.Ins{Op: isa.JumpInd, A: 1, Imm: 0},
	).label("end").i(
		isa.Ins{Op: isa.AddImm64, A: 9, B: 7, Imm: 1},
	).at("exit", isa.Ins{Op: isa.JumpInd, A: 0, Imm: 0})
}

const (
	hostPage    = 0x20000
	faultPage   = 0x30000
	stdROData   = 0x0102030405060708
	stdArgValue = 0x10
)

// standardBlob encodes a JAM standard program (spec notes §9).
func standardBlob(ro, rw []byte, heapPages uint16, stack uint32, code []byte) []byte {
	le := func(v uint64, n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		return b
	}
	var out []byte
	out = append(out, le(uint64(len(ro)), 3)...)
	out = append(out, le(uint64(len(rw)), 3)...)
	out = append(out, le(uint64(heapPages), 2)...)
	out = append(out, le(uint64(stack), 3)...)
	out = append(out, ro...)
	out = append(out, rw...)
	out = append(out, le(uint64(len(code)), 4)...)
	return append(out, code...)
}

func testPrograms() []testProgram {
	var progs []testProgram

	h := haltProgram(isa.GP08)
	h.a.JumpTableEntry("end")
	progs = append(progs, testProgram{
		name: "halt", parts: true, blob: h.a.MustBlob(), pcs: h.pcs,
		comment: `load_imm r7, 40; add_imm_64 r7, r7, 2; load_imm_64 r8, 0x1122334455667788;
load_imm r1, 2; jump_ind r1, 0 (jump table entry 0 = end);
end: add_imm_64 r9, r7, 1; exit: jump_ind r0, 0 (halts with r0 = 0xFFFF0000).
Ends with r7 = 42, r8 = 0x1122334455667788, r9 = 43.`,
	})

	h07 := haltProgram(isa.GP07)
	h07.a.JumpTableEntry("end")
	progs = append(progs, testProgram{
		name: "halt07", blob: h07.a.MustBlob(), pcs: h07.pcs,
		consts:  map[string]uint64{"gas_used": 7},
		comment: "The halt program in GP 0.7 numbering: 7 instructions, so 7 gas under gp-0.7.",
	})

	hc := newMarks(isa.GP08).i(
		isa.Ins{Op: isa.LoadImm, A: 9, Imm: 3},
		isa.Ins{Op: isa.Fallthrough},
	).label("loop").at("ecalli", isa.Ins{Op: isa.Ecalli, Imm: 7}).i(
		isa.Ins{Op: isa.LoadU32, A: 10, Imm: hostPage},
		isa.Ins{Op: isa.Add64, D: 11, A: 11, B: 10},
		isa.Ins{Op: isa.AddImm64, A: 9, B: 9, Imm: -1},
		isa.Ins{Op: isa.BranchNeImm, A: 9, Imm: 0, Label: "loop"},
	).at("ecalli2", isa.Ins{Op: isa.Ecalli, Imm: -2}).
		at("exit", isa.Ins{Op: isa.JumpInd, A: 0, Imm: 0})
	progs = append(progs, testProgram{
		name: "hostcall", blob: hc.a.MustBlob(), pcs: hc.pcs,
		consts: map[string]uint64{"page": hostPage},
		comment: `Needs page 0x20000 read-write and r0 = 0xFFFF0000.
load_imm r9, 3; fallthrough;
loop: ecalli 7; load_u32 r10, [0x20000]; add_64 r11, r11, r10; add_imm_64 r9, r9, -1; branch_ne_imm r9, 0, loop;
ecalli2: ecalli -2 (id 2^64-2); exit: jump_ind r0, 0.
A host that adds 10 to r7 and 1 to the u32 at 0x20000 on each ecalli 7 leaves
r7 = 30, r11 = 1+2+3 = 6 and [0x20000] = 3.`,
	})

	f := newMarks(isa.GP08).i(
		isa.Ins{Op: isa.LoadImm, A: 8, Imm: 77},
	).at("store", isa.Ins{Op: isa.StoreU32, A: 8, Imm: faultPage}).i(
		isa.Ins{Op: isa.LoadU32, A: 9, Imm: faultPage},
	).at("exit", isa.Ins{Op: isa.JumpInd, A: 0, Imm: 0})
	progs = append(progs, testProgram{
		name: "fault", blob: f.a.MustBlob(), pcs: f.pcs,
		consts: map[string]uint64{"page": faultPage},
		comment: `load_imm r8, 77; store: store_u32 [0x30000], r8; load_u32 r9, [0x30000]; exit: jump_ind r0, 0.
Faults at 0x30000 until that page is writable; then halts with r9 = 77.`,
	})

	p := newMarks(isa.GP08).at("load", isa.Ins{Op: isa.LoadU8, A: 1, Imm: 0x100}).
		i(isa.Ins{Op: isa.JumpInd, A: 0, Imm: 0})
	progs = append(progs, testProgram{
		name: "panic", blob: p.a.MustBlob(), pcs: p.pcs,
		comment: "load: load_u8 r1, [0x100] panics (below 64 KiB); jump_ind r0, 0.",
	})

	o := newMarks(isa.GP08).label("loop").
		at("loop", isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: 1}).
		i(isa.Ins{Op: isa.Jump, Label: "loop"})
	progs = append(progs, testProgram{
		name: "oog", blob: o.a.MustBlob(), pcs: o.pcs,
		comment: "loop: add_imm_64 r7, r7, 1; jump loop. Runs until out of gas.",
	})

	ro := make([]byte, 8)
	for i := range ro {
		ro[i] = byte(uint64(stdROData) >> (8 * i))
	}
	rw := make([]byte, 8)
	s := &program.Standard{RO: ro, RW: rw}
	out := s.HeapStart()
	sp := newMarks(isa.GP08).i(
		isa.Ins{Op: isa.LoadU64, A: 9, Imm: program.ROStart},
		isa.Ins{Op: isa.LoadIndU64, A: 10, B: 7, Imm: 0},
		isa.Ins{Op: isa.Add64, D: 11, A: 9, B: 10},
		isa.Ins{Op: isa.StoreU64, A: 11, Imm: int64(out)},
		isa.Ins{Op: isa.LoadImm, A: 7, Imm: int64(out)},
		isa.Ins{Op: isa.LoadImm, A: 8, Imm: 8},
	).at("exit", isa.Ins{Op: isa.JumpInd, A: 0, Imm: 0})
	progs = append(progs, testProgram{
		name: "standard", std: true, pcs: sp.pcs,
		blob: standardBlob(ro, rw, 0, 4096, sp.a.MustBlob()),
		consts: map[string]uint64{
			"out_addr": uint64(out), "ro_value": stdROData,
			"heap_end": uint64(out) + program.PageSize, "stack_top": program.StackTop, "args_start": program.ArgsStart,
		},
		comment: `JAM standard program: RO data = u64 0x0102030405060708, 8 bytes of RW data, stack 4096.
Reads the u64 at 0x10000 (RO) and the first u64 of its arguments, stores their sum
at the start of the RW data (out_addr) and halts with r7 = out_addr, r8 = 8:
the output is the 8-byte sum.`,
	})
	return progs
}

func cIdent(s string) string { return strings.ToUpper(s) }

func cBytes(b []byte) string {
	var sb strings.Builder
	for i, x := range b {
		if i%16 == 0 {
			sb.WriteString("\n    ")
		}
		fmt.Fprintf(&sb, "0x%02x,", x)
	}
	return sb.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

const generatedBy = "Code generated by TestPrograms (clients/pvmh/programs_test.go); DO NOT EDIT.\nRegenerate with: go test ./clients/pvmh -run TestPrograms -update"

// renderHeader writes the programs as C arrays and macros.
func renderHeader(progs []testProgram) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "/* %s */\n\n#include <stdint.h>\n", generatedBy)
	for _, p := range progs {
		n := cIdent(p.name)
		fmt.Fprintf(&b, "\n/* %s:\n   %s */\n", p.name, strings.ReplaceAll(p.comment, "\n", "\n   "))
		fmt.Fprintf(&b, "static const uint8_t %s_BLOB[] = {%s\n};\n", n, cBytes(p.blob))
		if p.parts {
			cb, err := program.DecodeCodeBlob(p.blob)
			if err != nil {
				panic(err)
			}
			unpacked := make([]byte, len(cb.Code))
			for i := range unpacked {
				unpacked[i] = cb.Bitmask[i/8] >> (i % 8) & 1
			}
			fmt.Fprintf(&b, "static const uint8_t %s_CODE[] = {%s\n};\n", n, cBytes(cb.Code))
			fmt.Fprintf(&b, "/* packed: one bit per code byte */\nstatic const uint8_t %s_BITMASK[] = {%s\n};\n", n, cBytes(cb.Bitmask))
			fmt.Fprintf(&b, "/* unpacked: one byte per code byte, as the proposal's callers pass it */\nstatic const uint8_t %s_BITMASK_BYTES[] = {%s\n};\n", n, cBytes(unpacked))
			var jt []string
			for _, e := range cb.JumpTable {
				jt = append(jt, fmt.Sprint(e))
			}
			fmt.Fprintf(&b, "static const uint32_t %s_JUMP_TABLE[] = {%s};\n", n, strings.Join(jt, ", "))
		}
		for _, k := range sortedKeys(p.pcs) {
			fmt.Fprintf(&b, "#define %s_PC_%s %du\n", n, cIdent(k), p.pcs[k])
		}
		for _, k := range sortedKeys(p.consts) {
			fmt.Fprintf(&b, "#define %s_%s 0x%xull\n", n, cIdent(k), p.consts[k])
		}
	}
	return b.Bytes()
}

// renderJSON writes the programs for the Python test.
func renderJSON(progs []testProgram) []byte {
	type entry struct {
		Comment      string            `json:"comment"`
		Blob         string            `json:"blob"`
		Standard     bool              `json:"standard,omitempty"`
		Code         string            `json:"code,omitempty"`
		Bitmask      string            `json:"bitmask,omitempty"`
		BitmaskBytes string            `json:"bitmask_bytes,omitempty"`
		JumpTable    []uint32          `json:"jump_table,omitempty"`
		PCs          map[string]uint32 `json:"pcs,omitempty"`
		Consts       map[string]uint64 `json:"consts,omitempty"`
	}
	all := map[string]any{"_": generatedBy}
	for _, p := range progs {
		e := entry{Comment: p.comment, Blob: hex.EncodeToString(p.blob), Standard: p.std, PCs: p.pcs, Consts: p.consts}
		if p.parts {
			cb, _ := program.DecodeCodeBlob(p.blob)
			unpacked := make([]byte, len(cb.Code))
			for i := range unpacked {
				unpacked[i] = cb.Bitmask[i/8] >> (i % 8) & 1
			}
			e.Code, e.Bitmask, e.BitmaskBytes, e.JumpTable = hex.EncodeToString(cb.Code), hex.EncodeToString(cb.Bitmask), hex.EncodeToString(unpacked), cb.JumpTable
		}
		all[p.name] = e
	}
	out, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n')
}

func TestPrograms(t *testing.T) {
	progs := testPrograms()
	files := map[string][]byte{
		filepath.Join("test", "programs.h"):    renderHeader(progs),
		filepath.Join("test", "programs.json"): renderJSON(progs),
	}
	for path, want := range files {
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (generate it with: go test ./clients/pvmh -run TestPrograms -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: regenerate it with: go test ./clients/pvmh -run TestPrograms -update", path)
		}
	}
}
