package vectors

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/gas"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// Result is the verdict on one vector file.
type Result struct {
	Path, Name string
	// Diffs lists what differed from the expectation; empty means passed.
	Diffs []string
	// Divergence, when set, says why a difference is a known, deliberate
	// one (the case is neither a pass nor a failure).
	Divergence string
}

// Passed reports whether the vector passed.
func (r *Result) Passed() bool { return len(r.Diffs) == 0 && r.Divergence == "" }

// knownDivergences are vectors whose expectation pvmd deliberately does not
// follow, with the reason. Each applies only when pvmd's outcome is the one
// the reason names and everything else matches.
var knownDivergences = map[string]string{
	"inst_store_imm_u8_trap_read_only": "expects panic on a write to a read-only page; GP 0.8 (and PolkaVM since 2026) says page fault, which pvmd follows",
	"inst_store_u8_trap_read_only":     "expects panic on a write to a read-only page; GP 0.8 (and PolkaVM since 2026) says page fault, which pvmd follows",
}

// Run runs a vector file on eng under profile p and compares the outcome.
func Run(f *File, eng vm.Engine, p vm.Profile) Result {
	res := Result{Path: f.Path, Name: f.Name()}
	var err error
	if f.Flat != nil {
		res.Diffs, err = runFlat(f.Flat, eng, p)
	} else {
		res.Diffs, err = runStepped(f.Stepped, eng, p)
		if reason, ok := knownDivergences[f.Stepped.Name]; ok && err == nil && onlyPanicBecameFault(res.Diffs) {
			res.Diffs, res.Divergence = nil, reason
		}
	}
	if err != nil {
		res.Diffs = append(res.Diffs, err.Error())
	}
	return res
}

func onlyPanicBecameFault(diffs []string) bool {
	sawStatus := false
	for _, d := range diffs {
		if _, rest, ok := strings.Cut(d, ": "); ok && strings.HasPrefix(d, "step ") {
			d = rest
		}
		switch {
		case d == `status: got "page-fault", want "panic"`:
			sawStatus = true
		case strings.HasPrefix(d, "page fault address: got ") && strings.HasSuffix(d, ", want none"):
		default:
			return false
		}
	}
	return sawStatus
}

// Machine is an instance together with the ranges it has mapped, so that its
// memory can be compared and hashed.
type Machine struct {
	vm.Instance
	Mapped []PageMapEntry
}

// Close frees the instance.
func (m *Machine) Close() { m.Instance.Close() }

func (m *Machine) mapRange(e PageMapEntry) error {
	r := program.Region{Address: e.Address, Length: e.Length, Writable: e.Writable}
	if err := vm.MapRegion(m.State().Mem, r); err != nil {
		return err
	}
	m.Mapped = append(m.Mapped, e)
	return nil
}

// newMachine compiles a code blob and instantiates it with empty memory.
func newMachine(blob []byte, pc uint32, eng vm.Engine, p vm.Profile) (*Machine, error) {
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		return nil, err
	}
	c, err := eng.Compile(cb, p)
	if err != nil {
		return nil, err
	}
	mem, err := memory.New()
	if err != nil {
		return nil, err
	}
	return &Machine{Instance: c.Instantiate(mem, pc)}, nil
}

// NewFlat compiles and instantiates a flat vector, ready to run.
func NewFlat(v *Flat, eng vm.Engine, p vm.Profile) (*Machine, error) {
	m, err := newMachine(v.Program, v.InitialPC, eng, p)
	if err != nil {
		return nil, err
	}
	mem := m.State().Mem
	for _, e := range v.InitialPageMap {
		if err := m.mapRange(e); err != nil {
			m.Close()
			return nil, err
		}
	}
	for _, chunk := range v.InitialMemory {
		if err := mem.Load(chunk.Address, chunk.Contents); err != nil {
			m.Close()
			return nil, fmt.Errorf("initial memory at %#x: %w", chunk.Address, err)
		}
	}
	st := m.State()
	copy(st.Regs[:], v.InitialRegs)
	st.Gas = v.InitialGas
	return m, nil
}

func runFlat(v *Flat, eng vm.Engine, p vm.Profile) ([]string, error) {
	m, err := NewFlat(v, eng, p)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	exit, err := m.Run(context.Background())
	if err != nil {
		return nil, err
	}
	want := expectation{status: v.ExpectedStatus, pc: v.ExpectedPC, gas: v.ExpectedGas,
		regs: v.ExpectedRegs, memory: v.ExpectedMemory, fault: v.ExpectedPageFaultAddress}
	return want.compare(m, exit), nil
}

func runStepped(v *Stepped, eng vm.Engine, p vm.Profile) ([]string, error) {
	diffs, err := CheckBlockCosts(v, p.Numbering)
	if err != nil || len(v.Steps) == 0 {
		return diffs, err
	}
	m, err := newMachine(v.Program, v.InitialPC, eng, p)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	mem := m.State().Mem
	m.State().Gas = v.InitialGas
	var exit vm.Exit
	for k, s := range v.Steps {
		switch s.Kind {
		case "set-reg":
			if s.Reg < 0 || s.Reg >= vm.NumRegs {
				return diffs, fmt.Errorf("step %d: register %d", k, s.Reg)
			}
			m.State().Regs[s.Reg] = s.Value
		case "map":
			if err := m.mapRange(PageMapEntry{s.Address, s.Length, s.Writable}); err != nil {
				return diffs, fmt.Errorf("step %d: %w", k, err)
			}
		case "write":
			if err := mem.Load(s.Address, s.Contents); err != nil {
				return diffs, fmt.Errorf("step %d: write %#x: %w", k, s.Address, err)
			}
		case "run":
			if exit, err = m.Run(context.Background()); err != nil {
				return diffs, err
			}
		case "assert":
			want := expectation{status: s.Status, pc: s.PC, gas: s.Gas, regs: s.Regs, memory: s.Memory, fault: s.PageFaultAddress}
			for _, d := range want.compare(m, exit) {
				diffs = append(diffs, fmt.Sprintf("step %d: %s", k, d))
			}
		default:
			return diffs, fmt.Errorf("step %d: unknown kind %q", k, s.Kind)
		}
	}
	return diffs, nil
}

// CheckBlockCosts compares the file's block-gas-costs with the blocks and
// costs pvmd computes: the same block starts, the same cost for each.
func CheckBlockCosts(v *Stepped, num isa.Numbering) ([]string, error) {
	want, err := v.BlockCosts()
	if err != nil || len(want) == 0 {
		return nil, err
	}
	cb, err := program.DecodeCodeBlob(v.Program)
	if err != nil {
		return nil, err
	}
	prog := isa.Analyze(cb.Code, cb.Bitmask, cb.JumpTable, num)
	got := make(map[uint32]uint32)
	for start := 0; start < len(prog.Instrs); {
		end := prog.BlockEndIndex(start)
		if prog.Instrs[start].BlockStart {
			got[prog.Instrs[start].PC] = gas.BlockCost(prog, start, end)
		}
		start = end + 1
	}
	var diffs []string
	for _, pc := range sortedKeys(want) {
		g, ok := got[pc]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("block cost: pc %d is a block start in the file, not in pvmd", pc))
		case g != want[pc]:
			diffs = append(diffs, fmt.Sprintf("block cost at pc %d: got %d, want %d", pc, g, want[pc]))
		}
	}
	for _, pc := range sortedKeys(got) {
		if _, ok := want[pc]; !ok {
			diffs = append(diffs, fmt.Sprintf("block cost: pc %d is a block start in pvmd, not in the file", pc))
		}
	}
	return diffs, nil
}

func sortedKeys(m map[uint32]uint32) []uint32 {
	keys := make([]uint32, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
