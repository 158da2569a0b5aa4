//go:build linux && amd64

package native

// Supported reports whether this build can run generated code.
const Supported = true

// enter runs generated code from ctx.Entry until it exits.
//
//go:noescape
func enter(ctx *Context)

// Enter runs generated code from ctx.Entry until it exits. The trampoline
// only reads and writes ctx; it does not keep it.
func Enter(ctx *Context) { enter(ctx) }
