package recompile

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/vectors"
)

// vectorFiles lists every runnable conformance vector.
func vectorFiles(tb testing.TB) []string {
	root := shared.Require(tb, "vectors")
	paths, err := vectors.Expand([]string{
		filepath.Join(root, "w3f-pvm-v0.4", "programs"),
		filepath.Join(root, "polkavm-gp07"),
		filepath.Join(root, "polkavm-gp080"),
		filepath.Join(root, "gas-cost-model", "programs"),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return paths
}

// TestVectors runs every vector on the recompiler (with the CPU's optional
// instructions and without them, and with most instructions naming
// registers lent to the memory bases) and requires the interpreter's
// verdict.
func TestVectors(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	engines := map[string]vm.Engine{
		"host":     New(),
		"portable": Engine{},
		// the bases in the registers the program uses most
		"lend-most": Engine{feat: hostFeatures(), lendMost: true},
	}
	ref := interp.New()
	for name, eng := range engines {
		t.Run(name, func(t *testing.T) {
			pass, total := 0, 0
			for _, path := range vectorFiles(t) {
				f, err := vectors.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				p := vectors.ProfileFor(f)
				got := vectors.Run(f, eng, p)
				want := vectors.Run(f, ref, p)
				total++
				if got.Passed() {
					pass++
				}
				if got.Passed() != want.Passed() || got.Divergence != want.Divergence ||
					strings.Join(got.Diffs, "\n") != strings.Join(want.Diffs, "\n") {
					t.Errorf("%s (%v): recompiler %v %q, interpreter %v %q", path, p, got.Diffs, got.Divergence, want.Diffs, want.Divergence)
				}
			}
			t.Logf("%d/%d vectors pass", pass, total)
		})
	}
}
