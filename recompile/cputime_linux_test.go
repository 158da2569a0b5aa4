//go:build linux

package recompile

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadTime is the CPU time the calling thread has used: immune to the
// time other processes take the CPU away (the build machine is shared).
func threadTime() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processTime is the CPU time of the whole process (all threads).
func processTime() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
