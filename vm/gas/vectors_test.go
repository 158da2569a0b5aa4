package gas

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/program"
)

// costVector is the part of a gas-cost-model vector this package checks.
type costVector struct {
	Program    []byte            `json:"-"`
	RawProgram []int             `json:"program"`
	Costs      map[string]uint32 `json:"block-gas-costs"`
}

func loadCostVector(tb testing.TB, path string) *costVector {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var v costVector
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	v.Program = make([]byte, len(v.RawProgram))
	for i, b := range v.RawProgram {
		if b < 0 || b > 255 {
			tb.Fatalf("%s: program byte %d is %d", path, i, b)
		}
		v.Program[i] = byte(b)
	}
	return &v
}

func analyzeBlob(tb testing.TB, blob []byte, num isa.Numbering) *isa.Program {
	tb.Helper()
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		tb.Fatal(err)
	}
	return isa.Analyze(cb.Code, cb.Bitmask, cb.JumpTable, num)
}

// checkCostVector checks one vector: the block starts Blocks finds must be
// exactly the keys of block-gas-costs, and every block must cost what the
// table says, through BlockCost and through Costs. It returns the number of
// blocks checked and the number of end-of-code blocks (see below).
//
// The one known difference in the partition: when the code's last
// instruction ends a block, the implicit trap at pc = len(code) is a block
// of its own, which the tables never list (PolkaVM costs the blocks of
// instructions in the blob, and the end of the code is not one). Such a
// block, and only such a block, is accepted without a table entry; its cost
// is that of a lone trap, 2.
func checkCostVector(t *testing.T, path string) (blocks, endBlocks int) {
	v := loadCostVector(t, path)
	p := analyzeBlob(t, v.Program, isa.Latest64)

	want := make(map[uint32]uint32, len(v.Costs))
	for k, c := range v.Costs {
		pc, err := strconv.ParseUint(k, 10, 32)
		if err != nil {
			t.Fatalf("bad block-gas-costs key %q", k)
		}
		want[uint32(pc)] = c
	}

	costs := Costs(p, nil)
	seen := make(map[uint32]bool, len(want))
	var extra []uint32
	bad, k := 0, 0
	Blocks(p, func(start, end int) {
		pc := p.Instrs[start].PC
		got := BlockCost(p, start, end)
		if k >= len(costs) || costs[k] != got {
			t.Errorf("block at pc %d: Costs and BlockCost disagree", pc)
		}
		k++
		seen[pc] = true
		exp, ok := want[pc]
		if !ok {
			if int(pc) == len(p.Code) && start == end && start == len(p.Instrs)-1 {
				if got != 2 {
					t.Errorf("end-of-code block at pc %d: cost %d, want 2", pc, got)
				}
				endBlocks++
				return
			}
			extra = append(extra, pc)
			return
		}
		blocks++
		if got != exp {
			bad++
			if bad <= 5 {
				t.Errorf("block at pc %d (%d instructions, ends with %v): cost %d, want %d",
					pc, end-start+1, p.Instrs[end].Op, got, exp)
			}
		}
	})
	if k != len(costs) {
		t.Errorf("Costs gives %d costs for %d blocks", len(costs), k)
	}
	if bad > 5 {
		t.Errorf("%d blocks with a wrong cost in all", bad)
	}
	var missing []uint32
	for pc := range want {
		if !seen[pc] {
			missing = append(missing, pc)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i] < missing[j] })
	if len(extra) > 0 {
		t.Errorf("block starts not in the table: %v", extra)
	}
	if len(missing) > 0 {
		t.Errorf("table keys that are not block starts: %v", missing)
	}
	return blocks, endBlocks
}

func TestVectorPrograms(t *testing.T) {
	dir := shared.Require(t, "vectors", "gas-cost-model", "programs")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no vectors in %s", dir)
	}
	blocks, endBlocks := 0, 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, e := checkCostVector(t, f)
			blocks += b
			endBlocks += e
		})
	}
	t.Logf("%d programs: %d blocks checked; %d end-of-code blocks not in the tables", len(files), blocks, endBlocks)
}

func TestVectorIntegration(t *testing.T) {
	dir := shared.Require(t, "vectors", "gas-cost-model", "integration-tests")
	for _, name := range []string{"doom", "pinky", "prime-sieve"} {
		t.Run(name, func(t *testing.T) {
			b, e := checkCostVector(t, filepath.Join(dir, name+".json"))
			t.Logf("%s: %d blocks checked; %d end-of-code blocks not in the table", name, b, e)
		})
	}
}
