package recompile

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pvmd/pvmd/internal/shared"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
	"github.com/pvmd/pvmd/vm/vectors"
)

// One Compiled runs in many instances at once.
func TestConcurrentInstances(t *testing.T) {
	if !Supported() {
		t.Skip("unsupported")
	}
	f, err := vectors.Load(shared.Require(t, "bench", "mixed_1000.json"))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := program.DecodeCodeBlob(f.Flat.Program)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New().Compile(cb, vm.GP08)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				m, err := vectors.NewFlat(f.Flat, New(), vm.GP08)
				if err != nil {
					t.Error(err)
					return
				}
				// Run the shared Compiled on the same initial memory.
				mem, err := memory.New()
				if err != nil {
					t.Error(err)
					return
				}
				for _, e := range f.Flat.InitialPageMap {
					if err := vm.MapRegion(mem, program.Region{Address: e.Address, Length: e.Length, Writable: e.Writable}); err != nil {
						t.Error(err)
					}
				}
				inst := c.Instantiate(mem, f.Flat.InitialPC)
				copy(inst.State().Regs[:], f.Flat.InitialRegs)
				inst.State().Gas = f.Flat.InitialGas
				e1, err1 := inst.Run(context.Background())
				e2, err2 := m.Run(context.Background())
				if err1 != nil || err2 != nil || e1 != e2 || inst.State().Regs != m.State().Regs || inst.State().Gas != m.State().Gas {
					t.Errorf("shared run %v %v, own run %v %v", e1, err1, e2, err2)
				}
				inst.Close()
				m.Close()
			}
		}()
	}
	wg.Wait()
}

// Instantiating a compiled program is cheap (the guest memory is the
// caller's).
func TestInstantiateSpeed(t *testing.T) {
	if !Supported() {
		t.Skip("unsupported")
	}
	c, err := New().Compile(loadDoom(t), vm.GP08)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	const n = 1000
	start := time.Now()
	for i := 0; i < n; i++ {
		c.Instantiate(mem, 0)
	}
	per := time.Since(start) / n
	t.Logf("Instantiate (doom): %v", per)
	start = time.Now()
	for i := 0; i < 100; i++ {
		m, err := memory.New()
		if err != nil {
			t.Fatal(err)
		}
		c.Instantiate(m, 0).Close()
	}
	t.Logf("memory.New + Instantiate + Close: %v", time.Since(start)/100)
	if per > 50*time.Microsecond {
		t.Errorf("Instantiate takes %v", per)
	}
}
