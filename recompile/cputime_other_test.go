//go:build !linux

package recompile

import "time"

var start = time.Now()

// threadTime is wall time where thread CPU time is not available.
func threadTime() time.Duration { return time.Since(start) }

// processTime is wall time where CPU time is not available.
func processTime() time.Duration { return time.Since(start) }

// contextSwitches is not known here.
func contextSwitches() int64 { return -1 }
