// Package memory is the guest's 32-bit address space in 4 KiB pages, each
// inaccessible, read-only or read-write.
//
// A Memory is one virtual reservation of 4 GiB (plus a guard page) and a
// one-byte-per-page permission table. Only pages the guest has mapped are
// accessible to the host process at all, and only pages it has touched cost
// physical memory, so an empty Memory costs almost nothing while every guest
// access is a table lookup and a plain load or store. The same layout serves
// the interpreter and the recompiler's generated code.
//
// The guest rules (spec notes §6) are in CheckAccess: an access whose lowest
// offending byte lies below 64 KiB panics; otherwise it page-faults at the
// page-aligned address of that byte.
package memory
