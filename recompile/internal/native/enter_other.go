//go:build !(linux && amd64)

package native

// Supported reports whether this build can run generated code.
const Supported = false

// Enter panics: this build cannot run generated code.
func Enter(ctx *Context) { panic("native: generated code cannot run on this platform") }

// Interrupt does nothing: no generated code runs on this platform.
func Interrupt(ctx *Context) bool { return false }
