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

// randomBlob makes code of n bytes, mostly defined opcodes when opcodes is
// set, with about one instruction start in density positions, and a
// bitmask extra bytes longer than needed.
func randomBlob(rng *rand.Rand, n int, opcodes bool, density, extra int) *program.CodeBlob {
	code := make([]byte, n)
	rng.Read(code)
	if opcodes {
		for i := range code {
			if rng.Intn(3) == 0 {
				code[i] = byte(rng.Intn(231))
			}
		}
	}
	mask := make([]byte, (n+7)/8+extra)
	for i := 0; i < n; i++ {
		if rng.Intn(density) == 0 {
			mask[i>>3] |= 1 << (i & 7)
		}
	}
	return &program.CodeBlob{Code: code, Bitmask: mask}
}

// The walk decodes positions up to 24 bytes before the end of the code
// with 8-byte loads of code and bitmask, and the rest like isa. These walk
// codes of every length up to 120 bytes, so that the end of the code and
// of the bitmask falls in every place of the loads; with bitmasks longer
// than needed, and bits set past the code (which isa ignores).
func TestDecodeTails(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for n := 0; n <= 120; n++ {
		for k := 0; k < 40; k++ {
			cb := randomBlob(rng, n, k%2 == 0, 1+rng.Intn(6), []int{0, 0, 1, 7, 8, 9}[k%6])
			if k%4 == 1 {
				for i := n; i < 8*len(cb.Bitmask); i++ {
					cb.Bitmask[i>>3] |= 1 << (i & 7)
				}
			}
			for _, num := range []isa.Numbering{isa.GP07, isa.GP08, isa.Latest64} {
				checkSameAnalysis(t, "tail", cb, num)
			}
		}
	}
}

// Long runs of positions with no instruction start: skips capped at
// isa.MaxSkip, landings that are not instruction starts, and runs longer
// than a bitmask word.
func TestDecodeSparse(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for k := 0; k < 300; k++ {
		n := rng.Intn(600)
		cb := randomBlob(rng, n, true, 10+rng.Intn(60), rng.Intn(3))
		for _, num := range []isa.Numbering{isa.GP07, isa.GP08, isa.Latest64} {
			checkSameAnalysis(t, "sparse", cb, num)
		}
	}
}

// Every opcode byte of every numbering, with every skip up to past
// isa.MaxSkip and random operand bytes, decoded in the fast part of the
// walk.
func TestDecodeEveryOpcode(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for op := 0; op < 256; op++ {
		for sk := 0; sk <= isa.MaxSkip+2; sk++ {
			// Instructions of this opcode and skip, then 40 bytes of padding.
			var code []byte
			var starts []int
			for len(code) < 200 {
				starts = append(starts, len(code))
				code = append(code, byte(op))
				for i := 0; i < sk; i++ {
					code = append(code, byte(rng.Intn(256)))
				}
			}
			starts = append(starts, len(code))
			code = append(code, make([]byte, 40)...)
			mask := make([]byte, (len(code)+7)/8)
			for _, s := range starts {
				mask[s>>3] |= 1 << (s & 7)
			}
			cb := &program.CodeBlob{Code: code, Bitmask: mask}
			for _, num := range []isa.Numbering{isa.GP07, isa.GP08, isa.Latest64} {
				checkSameAnalysis(t, "opcode", cb, num)
			}
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
