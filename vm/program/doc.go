// Package program decodes the two blob formats a PVM program arrives in: the
// GP code blob (`deblob`: jump table, code, opcode bitmask) and the JAM
// standard program blob (the GP's Y: read-only data, read-write data, heap
// pages, stack size and an embedded code blob), together with the standard
// memory layout and initial registers.
//
// Decoding never panics: every problem is a *DecodeError naming the field
// and byte offset, and wraps ErrMalformed.
package program
