// Package cursor keeps an engine instance's place between runs: the
// instruction a run starts at and how it starts there (paying for the
// block, with the block already paid for, after a host call, repeating a
// final exit, or panicking at a pc that is no instruction). The
// interpreter (vm/interp) and the recompiler (recompile) share these rules
// through it, so that their exits and resumptions cannot drift apart.
package cursor
