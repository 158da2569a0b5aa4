// Package gas implements the Gray Paper 0.8 block gas cost model.
//
// Under GP 0.8 gas is charged once per basic block, on entry, and the amount
// is the running time of the block on a small virtual out-of-order CPU. The
// model is the pipeline simulator of PolkaVM (polkavm-common's simulator.rs),
// which the conformance vectors were generated with; this package is an
// independent Go implementation of the same machine:
//
//   - The front end decodes instructions in order, spending each
//     instruction's decode slots out of 4 per cycle. An instruction decoded in
//     cycle c may start executing at cycle c+1 at the earliest.
//   - Every decoded instruction except move_reg takes an entry of a 32-entry
//     reorder buffer. When it is full, or the cycle's decode slots are used
//     up, the front end stalls until the next cycle (and, for a full buffer,
//     until an entry retires).
//   - move_reg is eliminated at register rename: it costs one decode slot,
//     never executes, and makes its destination alias the producer of its
//     source.
//   - An instruction waits until the instructions producing its source
//     registers have finished (true dependencies only; the destination is
//     not a source, and a finished producer no longer counts).
//   - Each cycle at most 5 instructions start, oldest first, each only if
//     its execution units are free: ALU 4, LOAD 4, STORE 4, MUL 1, DIV 1
//     (units are held for the whole latency).
//   - Finished instructions retire in order; an instruction with latency L
//     that starts in cycle t releases its dependants for cycle t+L, is
//     complete in cycle t+L and can retire in cycle t+L+1.
//   - The instruction that ends the block drains the machine: nothing after
//     it is decoded, and the clock runs until the buffer is empty.
//
// The cost of a block is max(cycles-3, 1). Per instruction (latency / decode
// slots / units; "+1 if d≠s" adds a slot when the destination differs from
// the source, "+1 if d∉{s1,s2}" when it differs from both sources):
//
//	add_64, sub_64, and, or, xor                                      1 / 1 (+1 if d∉{s1,s2}) / ALU
//	and/xor/or_imm, add_imm_64, shifts and rot_r by imm, reverse_bytes 1 / 1 (+1 if d≠s) / ALU
//	add_32, sub_32                                                    2 / 2 (+1 if d∉{s1,s2}) / ALU
//	add_imm_32, shifts and rot_r_32 by imm                            2 / 2 (+1 if d≠s) / ALU
//	shifts and rotates by a register                                  64: 1 / 2, 32: 2 / 3 (+1 if d≠value) / ALU
//	alt-imm shifts and rotates                                        64: 1 / 3, 32: 2 / 4 / ALU
//	count_set_bits, leading_zero_bits, sign/zero_extend               1 / 1 / ALU
//	trailing_zero_bits                                                2 / 1 / 2×ALU
//	set_lt/set_gt (register or immediate)                             3 / 3 / ALU
//	cmov (register) / cmov (immediate)                                2 / 2 or 3 / ALU
//	min, max                                                          3 / 2 (+1 if d∉{s1,s2}) / ALU
//	and_inv, or_inv / xnor                                            2 / 3 or 2 (+1 if d∉{s1,s2}) / ALU
//	neg_add_imm_64 / neg_add_imm_32                                   2 / 3, 3 / 4 / ALU
//	mul_64 / mul_32                                                   3 / 1, 4 / 2 (+1 if d∉{s1,s2}) / ALU+MUL
//	mul_imm_64 / mul_imm_32                                           3 / 1, 4 / 2 (+1 if d≠s) / ALU+MUL
//	mul_upper_s_s, mul_upper_u_u / mul_upper_s_u                      4 / 4, 6 / 4 / ALU+MUL
//	div, rem                                                          60 / 4 / ALU+DIV
//	loads / stores                                                    25 / 1 / ALU+LOAD, ALU+STORE
//	load_imm / load_imm_64                                            1 / 1, 1 / 2 / none
//	unlikely                                                          40 / 1 / none
//	ecalli (sbrk on 0.7 ISAs, same cost)                              100 / 4 / ALU
//	trap, fallthrough, invalid, end of code                           2 / 1 / none, drains
//	jump, load_imm_jump                                               15 / 1 / none, drains
//	jump_ind, load_imm_jump_ind (source: the base register)           22 / 1 / none, drains
//	branches                                                          b / 1 / ALU, drains
//
// The branch latency b is 1 (a predicted branch) when the opcode byte at the
// fall-through pc or at the target pc is trap or unlikely, or that pc is past
// the end of the code, and 20 otherwise. The bytes are looked at raw: the
// bitmask is not consulted. Memory accesses are modelled as L2 hits (25).
//
// The clock is PolkaVM's, including its fast-forward: when nothing was
// decoded and nothing retired in a cycle (or the block has ended), the clock
// jumps straight to the next completion. That shortcut can show in the
// results (an instruction that lost the 5-per-cycle start race waits for the
// next event; TestStartWidth has an example), so it is part of the model.
//
// # Blocks
//
// A gas block starts at index 0 of isa.Program.Instrs and after every
// instruction that ends a block, and runs up to and including the next one
// (Blocks). When the code's last instruction ends a block, the implicit trap
// at pc = len(code) is a block of its own costing 2; the conformance tables
// never list it, since PolkaVM only costs blocks of real instructions.
//
// # Implementation
//
// Costs (every block of a program) and BlockCost (one block) compute exactly
// what a cycle-by-cycle run of the model gives, in one of three ways:
//
//   - Blocks with fewer than 32 buffer entries (all but 259 of doom's 34,318)
//     never fill the reorder buffer, so the decode cycle of every
//     instruction is known up front. If no limit binds, each instruction
//     simply starts when it is decoded and its inputs are ready; a
//     bit-parallel check of the start and unit limits confirms that
//     (fast.go).
//   - Otherwise such a block is scheduled event by event, visiting only the
//     cycles where something can start (eventSchedule).
//   - Larger blocks run through the general simulator (sim.go), which ticks
//     like PolkaVM's but keeps finish times in a timing wheel and stops once
//     the last instruction has started.
//
// A literal tick-by-tick model lives in the tests (refPipeline); the fast
// paths are checked against it on random blocks, and all three against the
// conformance vectors.
package gas
