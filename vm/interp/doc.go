// Package interp is pvmd's reference interpreter.
//
// Compile decodes a program once into a flat array of 24-byte instructions
// whose operands are pre-decoded and whose jump targets are pre-resolved to
// indices, with each basic block's gas cost stored on its first instruction.
// The dispatch loop walks that array by pointer and charges gas only when a
// block is entered; per-instruction gas (GP 0.7) is the same charge with the
// unused part given back at a mid-block exit, and an exact instruction-by-
// instruction run for the block that gas runs out in.
package interp
