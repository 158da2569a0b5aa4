//go:build linux && amd64

package native

import _ "unsafe" // for go:linkname

// Supported reports whether this build can run generated code.
const Supported = true

// enter runs generated code from ctx.Entry until it exits.
//
//go:noescape
func enter(ctx *Context)

// The runtime's system-call bracket, as the syscall package and x/sys use
// it. Between the two the goroutine counts as blocked outside Go: a
// stop-the-world (a GC) does not wait for it and its P can run other
// goroutines, which is what generated code needs, since it cannot be
// preempted and may spend long stretches in cache misses or first-touch
// page faults that no gas slice bounds in time. The runtime keeps both
// names for packages outside the standard library (go.dev/issue/67401).
//
//go:linkname entersyscall runtime.entersyscall
func entersyscall()

//go:linkname exitsyscall runtime.exitsyscall
func exitsyscall()

// Enter runs generated code from ctx.Entry until it exits. The trampoline
// only reads and writes ctx; it does not keep it. Generated code touches
// only the trampoline's frame, guest memory and ctx's non-pointer fields,
// so it is safe to run while the collector works; nothing between the two
// brackets may grow the stack, hence nosplit.
//
//go:nosplit
func Enter(ctx *Context) {
	entersyscall()
	enter(ctx)
	exitsyscall()
}

// Interrupt makes generated code running on ctx, if any, exit at its next
// gas check (see InterruptBits), and reports whether it was running. Any
// goroutine may call it; the write can be lost to a gas check racing with
// it, so call it again until the code has exited.
//
//go:noescape
func Interrupt(ctx *Context) bool
