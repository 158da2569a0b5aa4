package recompile

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// The differential test: random programs, random machine states, every
// profile; the recompiler must agree with the interpreter on every exit
// (status, pc, fault address, host id), on registers, gas, instruction count
// and memory after each, and keep agreeing as host calls are answered, faulting
// pages mapped and gas added.

// page is a page the test maps.
type page struct {
	addr   uint32
	access memory.Access
}

// scenario is one program with its initial state.
type scenario struct {
	blob    []byte
	pages   []page
	fill    []byte // initial contents of every mapped page, repeated
	regs    [13]uint64
	gas     int64
	pc      uint32
	heapTop uint32
	profile vm.Profile
}

var profiles = []vm.Profile{
	vm.GP08, vm.GP07,
	{Numbering: isa.GP07, Gas: vm.GasBlockInstructions},
	{Numbering: isa.Latest64, Gas: vm.GasBlockCost},
	{Numbering: isa.GP08, Gas: vm.GasPerInstruction},
}

// interesting values for registers and immediates.
func special(rng *rand.Rand, pages []page) uint64 {
	switch rng.Intn(12) {
	case 0:
		return 0
	case 1:
		return ^uint64(0)
	case 2:
		return 1 << 63
	case 3:
		return 1<<63 - 1
	case 4:
		return 1 << 31
	case 5:
		return 0xffffffff80000000
	case 6:
		return uint64(rng.Intn(70))
	case 7, 8, 9:
		if len(pages) > 0 {
			// near a mapped page, often near its edges
			p := pages[rng.Intn(len(pages))]
			off := []int64{0, 1, 4095, 4094, 4093, 4092, 4088, 4089, 2048, -1, -8, 4096}[rng.Intn(12)]
			return uint64(int64(p.addr) + off)
		}
		return uint64(rng.Intn(1 << 20))
	case 10:
		return 0xFFFF0000
	}
	return rng.Uint64()
}

func randImm(rng *rand.Rand, pages []page) int64 {
	switch rng.Intn(6) {
	case 0:
		return 0
	case 1:
		return int64(rng.Intn(64)) - 32
	case 2:
		return int64(int32(special(rng, pages)))
	case 3:
		return int64(int32(rng.Uint32()))
	}
	return int64(rng.Intn(4096)) - 2048
}

// nonTerminators are the instructions that continue in their block.
var nonTerminators, terminators []isa.Op

func init() {
	for op := isa.Op(0); op < isa.NumOps; op++ {
		if op.IsTerminator() {
			terminators = append(terminators, op)
		} else {
			nonTerminators = append(nonTerminators, op)
		}
	}
}

func genScenario(rng *rand.Rand) scenario {
	var sc scenario
	sc.profile = profiles[rng.Intn(len(profiles))]
	num := sc.profile.Numbering

	// Memory: a few runs of pages somewhere above 64 KiB, sometimes the
	// very last page.
	for n := rng.Intn(4); n >= 0; n-- {
		base := uint32(0x10000 + rng.Intn(64)*0x1000)
		if rng.Intn(8) == 0 {
			base = uint32(0xffffd000 + rng.Intn(3)*0x1000)
		}
		for k := rng.Intn(3); k >= 0; k-- {
			acc := memory.ReadWrite
			if rng.Intn(3) == 0 {
				acc = memory.ReadOnly
			}
			if a := uint64(base) + uint64(k)*0x1000; a < 1<<32 {
				sc.pages = append(sc.pages, page{uint32(a), acc})
			}
		}
	}
	sc.fill = make([]byte, 1+rng.Intn(64))
	rng.Read(sc.fill)
	for i := range sc.regs {
		sc.regs[i] = special(rng, sc.pages)
	}
	if rng.Intn(4) == 0 {
		sc.heapTop = uint32(0x30000 + rng.Intn(0x10000))
	}

	a := isa.NewAsm(num)
	nBlocks := 1 + rng.Intn(12)
	label := func(k int) string { return "L" + strconv.Itoa(k) }
	// Targets are block starts, or sometimes a label inside a block (M),
	// which jumps to must panic on.
	target := func() string {
		if rng.Intn(8) == 0 {
			return "M" + strconv.Itoa(rng.Intn(nBlocks))
		}
		return label(rng.Intn(nBlocks))
	}
	for k := 0; k < 1+rng.Intn(4); k++ {
		a.JumpTableEntry(target())
	}
	// Sometimes a few registers only, leaving others free for the
	// compiler (memBases).
	nRegs := []int{13, 13, 11, 8}[rng.Intn(4)]
	reg := func() uint8 { return uint8(rng.Intn(nRegs)) }
	var lastMem *isa.Ins
	for b := 0; b < nBlocks; b++ {
		a.Label(label(b))
		mid := false
		for k := rng.Intn(10); k > 0; k-- {
			if !mid && rng.Intn(3) == 0 {
				a.Label("M" + strconv.Itoa(b))
				mid = true
			}
			op := nonTerminators[rng.Intn(len(nonTerminators))]
			if rng.Intn(25) == 0 {
				op = isa.Ecalli
			}
			if _, ok := num.Byte(op); !ok {
				continue
			}
			if op == isa.Ecalli && rng.Intn(2) == 0 {
				continue
			}
			in := isa.Ins{Op: op, A: reg(), B: reg(), D: reg(), Imm: randImm(rng, sc.pages), Imm2: randImm(rng, sc.pages)}
			if accessSize(op) > 0 && op != isa.Ecalli && isMemOp(op) {
				// Often the address of the last access (the compiler shares
				// the check's work).
				if lastMem != nil && rng.Intn(2) == 0 {
					in.Imm = lastMem.Imm
					if isIndirect(op) == isIndirect(lastMem.Op) {
						base := baseReg(lastMem)
						if op >= isa.StoreImmIndU8 && op <= isa.StoreImmIndU64 {
							in.A = base
						} else {
							in.B = base
						}
					}
				}
				cp := in
				lastMem = &cp
			}
			if op == isa.LoadImm64 {
				in.Imm = int64(special(rng, sc.pages))
			}
			if op == isa.Sbrk {
				in.A = reg()
			}
			a.I(in)
		}
		if !mid {
			a.Label("M" + strconv.Itoa(b))
		}
		op := terminators[rng.Intn(len(terminators))]
		if op == isa.Trap && rng.Intn(3) != 0 {
			op = isa.Fallthrough
		}
		in := isa.Ins{Op: op, A: reg(), B: reg(), Imm: randImm(rng, sc.pages), Label: target()}
		switch op {
		case isa.JumpInd, isa.LoadImmJumpInd:
			// a valid table address most of the time, sometimes the halt address
			if rng.Intn(5) == 0 {
				r := in.A
				if op == isa.LoadImmJumpInd {
					r = in.B
				}
				a.I(isa.Ins{Op: isa.LoadImm64, A: r, Imm: 0xFFFF0000})
				in.Imm, in.Imm2 = 0, 0
			} else if rng.Intn(4) != 0 {
				in.Imm2 = int64(2 * (1 + rng.Intn(4)))
				if op == isa.JumpInd {
					in.Imm = in.Imm2
				}
			}
		}
		a.I(in)
		if rng.Intn(10) == 0 {
			a.Raw(true, byte(rng.Intn(256)), byte(rng.Intn(256))) // junk, maybe invalid
		}
	}
	blob, err := a.Blob()
	if err != nil {
		panic(err)
	}
	sc.blob = blob
	sc.gas = []int64{1, 2, 3, 5, 10, 20, 50, 100, 1000, 100000}[rng.Intn(10)]
	sc.gas += int64(rng.Intn(20))
	// Start at 0 mostly, sometimes anywhere.
	if rng.Intn(5) == 0 {
		sc.pc = uint32(rng.Intn(len(blob)))
	}
	return sc
}

func isMemOp(op isa.Op) bool {
	return (op >= isa.StoreImmU8 && op <= isa.StoreImmU64) || (op >= isa.LoadU8 && op <= isa.StoreImmIndU64) ||
		(op >= isa.StoreIndU8 && op <= isa.LoadIndU64)
}

func isIndirect(op isa.Op) bool {
	return (op >= isa.StoreImmIndU8 && op <= isa.StoreImmIndU64) || (op >= isa.StoreIndU8 && op <= isa.LoadIndU64)
}

func baseReg(in *isa.Ins) uint8 {
	if in.Op >= isa.StoreImmIndU8 && in.Op <= isa.StoreImmIndU64 {
		return in.A
	}
	return in.B
}

// machine is one engine's instance of a scenario.
type machine struct {
	vm.Instance
	mem *memory.Memory
	c   vm.Compiled
}

func (m *machine) Close() error {
	err := m.Instance.Close()
	m.c.Release()
	return err
}

func newMachine(t *testing.T, eng vm.Engine, sc *scenario) *machine {
	cb, err := program.DecodeCodeBlob(sc.blob)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Compile(cb, sc.profile)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sc.pages {
		if err := mem.SetAccess(p.addr, memory.PageSize, p.access); err != nil {
			t.Fatal(err)
		}
		buf := bytes.Repeat(sc.fill, memory.PageSize/len(sc.fill)+1)[:memory.PageSize]
		if err := mem.Load(p.addr, buf); err != nil {
			t.Fatal(err)
		}
	}
	inst := c.Instantiate(mem, sc.pc)
	st := inst.State()
	st.Regs = sc.regs
	st.Gas = sc.gas
	st.HeapTop = sc.heapTop
	return &machine{inst, mem, c}
}

// memDiff compares two guest memories: the page permissions, and the
// contents of every accessible page either process has touched (pages never
// touched read as zero in both; sbrk can map gigabytes, so reading them all
// is out of the question).
func memDiff(a, b *memory.Memory) string {
	da, pa := a.Raw()
	db, pb := b.Raw()
	if *pa != *pb {
		for p := range pa {
			if pa[p] != pb[p] {
				return fmt.Sprintf("page %#x: access %v, interpreter %v", p<<12, pa[p], pb[p])
			}
		}
	}
	for p := 0; p < len(pa); {
		if pa[p] == memory.None {
			p++
			continue
		}
		q := p
		for q < len(pa) && pa[q] != memory.None {
			q++
		}
		ra, rb := resident(da[p<<12:q<<12]), resident(db[p<<12:q<<12])
		for k := range ra {
			if ra[k]&1 == 0 && rb[k]&1 == 0 {
				continue
			}
			o := (p + k) << 12
			if !bytes.Equal(da[o:o+memory.PageSize], db[o:o+memory.PageSize]) {
				return fmt.Sprintf("page %#x differs", o)
			}
		}
		p = q
	}
	return ""
}

// resident reports which pages of b are in memory (bit 0 of each byte).
func resident(b []byte) []byte {
	vec := make([]byte, len(b)/memory.PageSize)
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		panic(errno)
	}
	return vec
}

func stateOf(m *machine) string {
	st := m.State()
	return fmt.Sprintf("pc %d regs %x gas %d instructions %d heap %#x", m.PC(), st.Regs, st.Gas, st.Instructions, st.HeapTop)
}

// runScenario runs one scenario on both engines, step by step.
func runScenario(t *testing.T, eng vm.Engine, sc *scenario, rng *rand.Rand) {
	want := newMachine(t, interp.New(), sc)
	defer want.Close()
	got := newMachine(t, eng, sc)
	defer got.Close()
	ctx := context.Background()
	for step := 0; step < 12; step++ {
		we, werr := want.Run(ctx)
		ge, gerr := got.Run(ctx)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("step %d: error %v, interpreter %v", step, gerr, werr)
		}
		diffStats[fmt.Sprintf("%v/%v", sc.profile, we.Status)]++
		if ge != we {
			t.Fatalf("step %d: exit %v, interpreter %v\n got %s\nwant %s", step, ge, we, stateOf(got), stateOf(want))
		}
		if gs, ws := stateOf(got), stateOf(want); gs != ws {
			t.Fatalf("step %d (%v): state\n got %s\nwant %s", step, ge, gs, ws)
		}
		if d := memDiff(got.mem, want.mem); d != "" {
			t.Fatalf("step %d (%v): memory: %s", step, ge, d)
		}
		// Continue as an embedder would.
		switch we.Status {
		case vm.Halt, vm.Panic:
			if rng.Intn(2) == 0 {
				return
			}
			pc := uint32(rng.Intn(len(sc.blob) + 2))
			want.SetPC(pc)
			got.SetPC(pc)
		case vm.HostCall:
			v := special(rng, sc.pages)
			r := rng.Intn(13)
			want.State().Regs[r] = v
			got.State().Regs[r] = v
			g := int64(rng.Intn(3))
			want.State().Gas -= min(g, want.State().Gas)
			got.State().Gas -= min(g, got.State().Gas)
		case vm.PageFault:
			if we.FaultAddress < memory.LowLimit {
				return // an access wrapping past 4 GiB: nothing to map
			}
			acc := memory.ReadWrite
			if rng.Intn(4) == 0 {
				acc = memory.ReadOnly
			}
			for _, m := range []*machine{want, got} {
				if err := m.mem.SetAccess(we.FaultAddress, memory.PageSize, acc); err != nil {
					t.Fatal(err)
				}
			}
		case vm.OutOfGas:
			g := int64(rng.Intn(40))
			want.State().Gas += g
			got.State().Gas += g
		}
	}
}

var diffStats = map[string]int{}

func TestDifferential(t *testing.T) {
	defer func() { t.Logf("exits seen: %v", diffStats) }()
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	if s := os.Getenv("RECOMPILE_DIFF_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := int64(1)
	if s := os.Getenv("RECOMPILE_DIFF_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	engines := []vm.Engine{New(), Engine{}, Engine{feat: hostFeatures(), countSlot: true}, Engine{feat: hostFeatures(), frameBases: true},
		Engine{feat: hostFeatures(), lendMost: true}}
	// Every other scenario is compiled in parts, as large programs are.
	defer func(b int) { partBytes = b }(partBytes)
	for i := 0; i < n; i++ {
		rng := rand.New(rand.NewSource(seed + int64(i)))
		sc := genScenario(rng)
		eng := engines[i%len(engines)]
		partBytes = []int{64 << 10, 16}[i/len(engines)%2]
		ok := t.Run(fmt.Sprintf("seed%d", seed+int64(i)), func(t *testing.T) {
			runScenario(t, eng, &sc, rng)
		})
		if !ok {
			t.Logf("profile %v, program % x", sc.profile, sc.blob)
			break
		}
	}
}
