//go:build linux

package recompile

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadTime is the CPU time the calling thread has used: immune to the
// time other processes take the CPU away (the build machine is shared).
// It reads the scheduler's own clock: getrusage's times advance in ticks
// while a thread stays in user mode (a 25 ms guest run read as 28 ms).
func threadTime() time.Duration { return cpuClock(unix.CLOCK_THREAD_CPUTIME_ID) }

// processTime is the CPU time of the whole process (all threads).
func processTime() time.Duration { return cpuClock(unix.CLOCK_PROCESS_CPUTIME_ID) }

func cpuClock(id int32) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(id, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// contextSwitches is the number of times the process's threads have given
// up the CPU of their own accord (slept, waited on a futex).
func contextSwitches() int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Nvcsw
}
