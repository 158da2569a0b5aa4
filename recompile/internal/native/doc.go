// Package native holds the machinery that runs generated x86-64 code: pages
// of executable memory (written while writable, then made read+execute,
// never both at once) and the assembly trampoline that enters generated code
// with the guest registers in host registers and comes back with an exit.
//
// Only linux/amd64 runs code; elsewhere Supported is false and the functions
// fail.
package native

// Context is what the trampoline reads on entry and writes on exit. Its
// layout is fixed: the assembly uses the offsets below (checked by a test).
type Context struct {
	Regs  [13]uint64 // guest registers φ0..φ12
	Gas   uint64     // the gas the native code may spend (a slice of the real gas)
	Mem   uintptr    // base of the guest address space (memory.Data)
	Perm  uintptr    // base of the page permission table (memory.PermTable)
	Jump  uintptr    // base of the dynamic jump table (native addresses)
	Entry uintptr    // native address to start at
	Site  uintptr    // out: return address of the exit call (identifies the exit site)
	Aux   uint64     // out: rax at the exit (an address for faults and jumps)
	Count uint64     // instructions counter, incremented by generated code
	// Spill holds values generated code keeps in frame slots instead of
	// registers (the guest values of registers lent to other uses), in
	// and out.
	Spill [2]uint64
	// State is Idle or Running, and Interrupting while Interrupt writes
	// the gas slot; GasAddr is the gas slot's address while Running. Only
	// the assembly touches them.
	State   uint64
	GasAddr uintptr
}

// States of Context.State.
const (
	Idle         = 0
	Running      = 1
	Interrupting = 2
)

// InterruptBits are what Interrupt sets in the gas slot: a slot that held v
// (below 2^62) then holds v + InterruptBits, and stays negative as a signed
// number after any gas check subtracts from it, so the next check fails.
// Go recognises the bits in the slot it gets back and takes them off.
const InterruptBits = 3 << 62

// Offsets of Context fields.
const (
	CtxRegs  = 0
	CtxGas   = 104
	CtxMem   = 112
	CtxPerm  = 120
	CtxJump  = 128
	CtxEntry = 136
	CtxSite  = 144
	CtxAux   = 152
	CtxCount = 160
	CtxSpill = 168
	CtxState = 184
	CtxGasAt = 192
)

// Frame slots of the trampoline, as offsets from its stack pointer. Generated
// code called from the trampoline sees them at FrameBias more (the return
// address sits between), and deeper calls add 8 per level.
const (
	SlotGas   = 0
	SlotMem   = 8
	SlotPerm  = 16
	SlotJump  = 24
	SlotCtx   = 32
	SlotSite  = 40
	SlotAux   = 48
	SlotTmp   = 56
	SlotTmp2  = 64
	SlotCount = 72
	SlotSpill = 80 // two slots
	// Split loops' constants and the register they borrow (see
	// recompile's split.go); only generated code uses them.
	SlotSplitA2   = 96
	SlotSplitC2   = 104
	SlotSplitSave = 112
	FrameBias     = 8
)
