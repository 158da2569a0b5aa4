//go:build !linux

package native

import "errors"

// Code is a block of executable memory (unavailable on this platform).
type Code struct{}

// NewCode fails: this platform has no executable memory support here.
func NewCode(code []byte) (*Code, error) {
	return nil, errors.New("native: executable memory is not supported on this platform")
}

func (c *Code) Base() uintptr  { return 0 }
func (c *Code) Size() int      { return 0 }
func (c *Code) Release() error { return nil }
