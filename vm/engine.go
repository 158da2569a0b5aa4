package vm

import (
	"context"
	"errors"
	"fmt"

	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// Status is why a run stopped.
type Status uint8

const (
	Halt Status = iota
	Panic
	OutOfGas
	PageFault
	HostCall
)

var statusNames = [...]string{"halt", "panic", "out-of-gas", "page-fault", "host"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// Exit is the outcome of a run (spec notes §7).
type Exit struct {
	Status Status
	// PC is the instruction that exited: the halting jump, the trap or
	// faulting instruction, the ecalli, or the one that could not be paid.
	PC uint32
	// FaultAddress is the page-aligned address of a PageFault.
	FaultAddress uint32
	// HostID is the ecalli immediate of a HostCall.
	HostID uint64
}

func (e Exit) String() string {
	switch e.Status {
	case PageFault:
		return fmt.Sprintf("page-fault at %#x (pc %d)", e.FaultAddress, e.PC)
	case HostCall:
		return fmt.Sprintf("host call %d (pc %d)", e.HostID, e.PC)
	}
	return fmt.Sprintf("%s (pc %d)", e.Status, e.PC)
}

// ErrClosed is returned by Run on an instance that was closed.
var ErrClosed = errors.New("instance is closed")

// NumRegs is the number of PVM registers.
const NumRegs = 13

// State is the machine state an embedder reads and changes between runs.
// Engines keep their instance's state here, so host calls see one layout
// whichever engine runs.
type State struct {
	Regs [NumRegs]uint64
	// Gas left. It never goes below zero under the block models; under
	// GasPerInstruction it does not either (an instruction that cannot be
	// paid is not executed).
	Gas int64
	Mem *memory.Memory
	// HeapTop is the GP 0.7 sbrk heap pointer (0 when the program has no heap).
	HeapTop uint32
	// Instructions counts the instructions executed (approximate at a
	// mid-block exit under the block models: the whole block is counted).
	Instructions uint64
}

// Instance is one running machine of a compiled program.
type Instance interface {
	// State is the live machine state; change it only between runs.
	State() *State
	// PC is where the next Run starts, or after an exit the exiting pc.
	PC() uint32
	// SetPC makes the next Run start afresh at pc (any pending host call or
	// fault is forgotten; the block at pc is charged again).
	SetPC(pc uint32)
	// Run executes until an exit. After a HostCall exit the next Run continues
	// at the following instruction; after a PageFault it retries the faulting
	// one; after Halt, Panic or OutOfGas it repeats that exit until SetPC.
	// A cancelled ctx stops the run with ctx.Err() at a block boundary.
	Run(ctx context.Context) (Exit, error)
	// Close frees the instance and its memory.
	Close() error
}

// Compiled is a program prepared by an engine for one profile. It is
// immutable and safe to share between goroutines and instances.
type Compiled interface {
	Profile() Profile
	// Instantiate creates an instance starting at pc with the given memory,
	// which it takes ownership of.
	Instantiate(mem *memory.Memory, pc uint32) Instance
	// SizeBytes is the memory the compiled form holds, for cache accounting.
	SizeBytes() int
	// Release frees resources not managed by the Go heap (executable
	// memory); the Compiled must not be used afterwards.
	Release()
}

// Engine turns programs into something it can run.
type Engine interface {
	Name() string
	Compile(code *program.CodeBlob, p Profile) (Compiled, error)
}
