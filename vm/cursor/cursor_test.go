package cursor

import (
	"testing"

	"github.com/pvmd/pvmd/vm"
)

var pcs = []uint32{0, 3, 5, 9}

func TestSetAndPC(t *testing.T) {
	var c Cursor
	c.Set(5, 2, true)
	if c.Next != Charge || c.Idx != 2 || c.PC(pcs) != 5 {
		t.Fatalf("startable: next %d idx %d pc %d", c.Next, c.Idx, c.PC(pcs))
	}
	c.Set(4, 0, false)
	if c.Next != BadEntry || c.PC(pcs) != 4 {
		t.Fatalf("bad entry: next %d pc %d", c.Next, c.PC(pcs))
	}
	// After an exit the pc is the exit's, until the next Set.
	c.Set(3, 1, true)
	c.Idx = 3
	c.Stop(vm.Exit{Status: vm.PageFault, PC: 9}, Charged)
	if c.PC(pcs) != 9 {
		t.Fatalf("after an exit: pc %d, want 9", c.PC(pcs))
	}
	c.Set(0, 0, true)
	if c.PC(pcs) != 0 {
		t.Fatalf("after Set: pc %d, want 0", c.PC(pcs))
	}
}

func TestBegin(t *testing.T) {
	hostExit := vm.Exit{Status: vm.HostCall, PC: 3, HostID: 7}
	for _, tc := range []struct {
		name      string
		p         vm.Profile
		rejected  bool
		gas       int64
		prepare   func(c *Cursor)
		wantOver  bool
		wantExit  vm.Exit
		wantNext  Next
		wantIdx   int
		wantGas   int64
		wantCount uint64
	}{
		{name: "fresh start", p: vm.GP08, gas: 10, prepare: func(c *Cursor) { c.Set(3, 1, true) },
			wantNext: Charge, wantIdx: 1, wantGas: 10},
		{name: "after a host call, gp-0.8", p: vm.GP08, gas: 10, prepare: func(c *Cursor) { c.Idx = 1; c.Stop(hostExit, AfterHost) },
			wantNext: Charged, wantIdx: 2, wantGas: 10},
		{name: "after a host call, gp-0.7", p: vm.GP07, gas: 10, prepare: func(c *Cursor) { c.Idx = 1; c.Stop(hostExit, AfterHost) },
			wantNext: Charge, wantIdx: 2, wantGas: 10},
		{name: "a final exit repeats", p: vm.GP08, gas: 10, prepare: func(c *Cursor) { c.Stop(vm.Exit{Status: vm.Halt, PC: 9}, Done) },
			wantOver: true, wantExit: vm.Exit{Status: vm.Halt, PC: 9}, wantNext: Done, wantGas: 10},
		{name: "bad entry, gp-0.8: refused, free", p: vm.GP08, gas: 10, prepare: func(c *Cursor) { c.Set(4, 0, false) },
			wantOver: true, wantExit: vm.Exit{Status: vm.Panic, PC: 4}, wantNext: Done, wantGas: 10},
		{name: "bad entry, gp-0.7: a trap, one gas", p: vm.GP07, gas: 10, prepare: func(c *Cursor) { c.Set(4, 0, false) },
			wantOver: true, wantExit: vm.Exit{Status: vm.Panic, PC: 4}, wantNext: Done, wantGas: 9, wantCount: 1},
		{name: "bad entry, gp-0.7, no gas", p: vm.GP07, gas: 0, prepare: func(c *Cursor) { c.Set(4, 0, false) },
			wantOver: true, wantExit: vm.Exit{Status: vm.OutOfGas, PC: 4}, wantNext: BadEntry, wantGas: 0},
		{name: "bad entry, gp-0.7, rejected program: free", p: vm.GP07, rejected: true, gas: 10, prepare: func(c *Cursor) { c.Set(4, 0, false) },
			wantOver: true, wantExit: vm.Exit{Status: vm.Panic, PC: 4}, wantNext: Done, wantGas: 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Cursor
			tc.prepare(&c)
			st := vm.State{Gas: tc.gas}
			exit, over := c.Begin(&st, tc.p, tc.rejected)
			if over != tc.wantOver || exit != tc.wantExit {
				t.Errorf("Begin = %+v, %v; want %+v, %v", exit, over, tc.wantExit, tc.wantOver)
			}
			if c.Next != tc.wantNext || (!over && c.Idx != tc.wantIdx) {
				t.Errorf("next %d idx %d; want %d %d", c.Next, c.Idx, tc.wantNext, tc.wantIdx)
			}
			if st.Gas != tc.wantGas || st.Instructions != tc.wantCount {
				t.Errorf("gas %d, instructions %d; want %d, %d", st.Gas, st.Instructions, tc.wantGas, tc.wantCount)
			}
		})
	}
}

func TestMidBlock(t *testing.T) {
	if MidBlock(vm.GP08) != Charged || MidBlock(vm.GP07) != Charge {
		t.Fatal("gp-0.8 resumes a paid block as charged, gp-0.7 pays per instruction")
	}
}
