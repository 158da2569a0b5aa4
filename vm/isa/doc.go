// Package isa knows the PVM instruction set: the instructions (Op), their
// operand formats, the byte values each Gray Paper version gives them
// (Numbering), how an instruction is decoded from a code blob, and how a
// program divides into basic blocks. It also has a small assembler (Asm) for
// tests, fuzzers and tools.
//
// Decoding follows the spec notes (§2, §3, §5): operands are read from the
// code followed by zeros, register numbers clamp to 12, positions that are
// not instructions decode as invalid traps, and the implicit trap past the
// end of the code is an instruction of its own.
package isa
