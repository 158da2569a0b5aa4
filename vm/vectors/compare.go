package vectors

import (
	"fmt"
	"hash/fnv"
	"sort"

	"github.com/pvmd/pvmd/vm"
)

// expectation is what a vector expects after a run, in either schema.
type expectation struct {
	status string
	pc     uint32
	gas    int64
	regs   []uint64
	memory []MemoryChunk
	fault  *uint32
}

func (w *expectation) compare(m *Machine, exit vm.Exit) []string {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	if got := exit.Status.String(); got != w.status {
		add("status: got %q, want %q", got, w.status)
	}
	if exit.PC != w.pc {
		add("pc: got %d, want %d", exit.PC, w.pc)
	}
	st := m.State()
	if st.Gas != w.gas {
		add("gas: got %d, want %d", st.Gas, w.gas)
	}
	for i := 0; i < vm.NumRegs && i < len(w.regs); i++ {
		if st.Regs[i] != w.regs[i] {
			add("r%d: got %#x, want %#x", i, st.Regs[i], w.regs[i])
		}
	}
	gotFault := exit.Status == vm.PageFault
	switch {
	case w.fault != nil && !gotFault:
		add("page fault address: got none, want %#x", *w.fault)
	case w.fault == nil && gotFault:
		add("page fault address: got %#x, want none", exit.FaultAddress)
	case w.fault != nil && *w.fault != exit.FaultAddress:
		add("page fault address: got %#x, want %#x", exit.FaultAddress, *w.fault)
	}
	diffs = append(diffs, CompareMemory(m.NonZeroBytes(), w.memory)...)
	return diffs
}

// NonZeroBytes returns every non-zero byte in the machine's mapped ranges.
func (m *Machine) NonZeroBytes() map[uint32]byte {
	out := make(map[uint32]byte)
	for _, e := range m.Mapped {
		buf := make([]byte, e.Length)
		if err := m.State().Mem.Read(e.Address, buf); err != nil {
			continue
		}
		for i, b := range buf {
			if b != 0 {
				out[e.Address+uint32(i)] = b
			}
		}
	}
	return out
}

// CompareMemory compares the non-zero bytes of a machine's memory (address
// to byte) with a vector's expected memory, and describes any difference.
func CompareMemory(got map[uint32]byte, want []MemoryChunk) []string {
	wantBytes := make(map[uint32]byte)
	for _, c := range want {
		for i, b := range c.Contents {
			if b != 0 {
				wantBytes[c.Address+uint32(i)] = b
			}
		}
	}
	var bad []uint32
	for a, b := range got {
		if wantBytes[a] != b {
			bad = append(bad, a)
		}
	}
	for a := range wantBytes {
		if _, ok := got[a]; !ok {
			bad = append(bad, a)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i] < bad[j] })
	a := bad[0]
	return []string{fmt.Sprintf("memory: %d bytes differ, first at %#x: got %#x, want %#x", len(bad), a, got[a], wantBytes[a])}
}

// MemoryFNV is FNV-1a 64 over the bytes of the given ranges, in order: the
// mem_fnv of `pvmd run`.
func (m *Machine) MemoryFNV(ranges []PageMapEntry) uint64 {
	h := fnv.New64a()
	for _, e := range ranges {
		buf := make([]byte, e.Length)
		_ = m.State().Mem.Read(e.Address, buf) // unreadable ranges hash as zeros
		h.Write(buf)
	}
	return h.Sum64()
}
