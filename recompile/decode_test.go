package recompile

import (
	"math/rand"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/program"
	"github.com/pvmd/pvmd/vm/vectors"
)

// sharedPrograms returns the code blobs of every vector, benchmark and
// integration program in the shared data, with their vector profile.
func sharedPrograms(tb testing.TB) (names []string, blobs []*program.CodeBlob) {
	tb.Helper()
	root := shared.Require(tb, "vectors")
	dirs := []string{
		filepath.Join(root, "w3f-pvm-v0.4", "programs"),
		filepath.Join(root, "polkavm-gp07"),
		filepath.Join(root, "polkavm-gp080"),
		filepath.Join(root, "gas-cost-model", "programs"),
		filepath.Join(root, "gas-cost-model", "integration-tests"),
		shared.Path("bench"),
	}
	paths, err := vectors.Expand(dirs)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range paths {
		f, err := vectors.Load(p)
		if err != nil {
			tb.Fatal(err)
		}
		var blob []byte
		if f.Flat != nil {
			blob = f.Flat.Program
		} else {
			blob = f.Stepped.Program
		}
		cb, err := program.DecodeCodeBlob(blob)
		if err != nil {
			continue
		}
		names = append(names, p)
		blobs = append(blobs, cb)
	}
	return names, blobs
}

func checkSameAnalysis(t *testing.T, name string, cb *program.CodeBlob, num isa.Numbering) {
	t.Helper()
	want := isa.Analyze(cb.Code, cb.Bitmask, cb.JumpTable, num)
	got := analyze(cb.Code, cb.Bitmask, cb.JumpTable, num)
	if len(got.Instrs) != len(want.Instrs) {
		t.Fatalf("%s/%v: %d instructions, isa has %d", name, num, len(got.Instrs), len(want.Instrs))
	}
	for i := range want.Instrs {
		if !reflect.DeepEqual(got.Instrs[i], want.Instrs[i]) {
			t.Fatalf("%s/%v: instruction %d:\n got %+v\nwant %+v", name, num, i, got.Instrs[i], want.Instrs[i])
		}
	}
}

func TestDecodeMatchesISA(t *testing.T) {
	names, blobs := sharedPrograms(t)
	for i, cb := range blobs {
		for _, num := range []isa.Numbering{isa.GP07, isa.GP08, isa.Latest64} {
			checkSameAnalysis(t, names[i], cb, num)
		}
	}
	t.Logf("%d programs", len(blobs))
}

func TestDecodeRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for k := 0; k < 3000; k++ {
		n := rng.Intn(200)
		if k%100 == 0 {
			n = rng.Intn(5000)
		}
		code := make([]byte, n)
		rng.Read(code)
		if k%3 == 0 {
			// mostly defined opcodes
			for i := range code {
				if rng.Intn(3) == 0 {
					code[i] = byte(rng.Intn(231))
				}
			}
		}
		mask := make([]byte, (n+7)/8)
		density := rng.Intn(8) + 1
		for i := 0; i < n; i++ {
			if rng.Intn(density) == 0 || (k%5 == 0 && i%40 == 0) {
				mask[i>>3] |= 1 << (i & 7)
			}
		}
		cb := &program.CodeBlob{Code: code, Bitmask: mask}
		for _, num := range []isa.Numbering{isa.GP07, isa.GP08, isa.Latest64} {
			checkSameAnalysis(t, "random", cb, num)
		}
	}
}

// Walks cut where cutAt says yield exactly the positions of the whole walk.
func TestCutWalks(t *testing.T) {
	names, blobs := sharedPrograms(t)
	rng := rand.New(rand.NewSource(2))
	for i, cb := range blobs {
		for _, num := range []isa.Numbering{isa.GP07, isa.GP08, isa.Latest64} {
			want := analyze(cb.Code, cb.Bitmask, cb.JumpTable, num).Instrs
			cuts := []int{0}
			for k := 0; k < 5 && len(cb.Code) > 1; k++ {
				at := cuts[len(cuts)-1] + 1 + rng.Intn(len(cb.Code)/4+1)
				pc, ok := cutAt(cb.Code, cb.Bitmask, num, at, 100)
				if !ok || pc <= cuts[len(cuts)-1] {
					break
				}
				cuts = append(cuts, pc)
			}
			cuts = append(cuts, len(cb.Code)+1)
			var got []isa.Instruction
			for k := 0; k+1 < len(cuts); k++ {
				w := splitWalker(cb.Code, cb.Bitmask, num, cuts[k], cuts[k+1])
				if k == 0 {
					w = newWalker(cb.Code, cb.Bitmask, num)
					w.stop = cuts[1]
				}
				var in isa.Instruction
				for w.next(&in) {
					got = append(got, in)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s/%v cut at %v: walks differ", names[i], num, cuts)
			}
		}
	}
}
