// Package vm is the engine-independent face of the JAM PVM (Gray Paper,
// Appendix A): profiles (opcode numbering and gas model), machine state,
// exits, and the Engine interface that the interpreter (vm/interp) and the
// recompiler (recompile) both implement, so that callers never care which
// engine runs a program.
//
// Subpackages, one job each:
//   - vm/program: decoding code blobs and JAM standard program blobs;
//   - vm/isa: opcode tables, instruction decoding, basic blocks;
//   - vm/gas: the gas cost models;
//   - vm/memory: the guest address space and its page permissions;
//   - vm/cursor: where an instance resumes between runs, for both engines;
//   - vm/interp: the reference interpreter;
//   - vm/vectors: the conformance-vector formats and runner.
package vm
