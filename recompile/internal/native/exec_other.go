//go:build !linux

package native

import "errors"

// Code is a block of executable memory (unavailable on this platform).
type Code struct{}

var errNoExec = errors.New("native: executable memory is not supported on this platform")

// Reserve fails: this platform has no executable memory support here.
func Reserve(size int) (*Code, error) { return nil, errNoExec }

// NewCode fails: this platform has no executable memory support here.
func NewCode(code []byte) (*Code, error) { return nil, errNoExec }

func (c *Code) Prefault(start, end int)    {}
func (c *Code) Writable() []byte           { return nil }
func (c *Code) Seal(parts ...[2]int) error { return errNoExec }
func (c *Code) Base() uintptr              { return 0 }
func (c *Code) Size() int                  { return 0 }
func (c *Code) Release() error             { return nil }
