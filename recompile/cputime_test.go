package recompile

import (
	"runtime"
	"sort"
	"testing"
	"time"
)

// measure runs f n times on a locked thread and returns the median and the
// minimum thread CPU time and the median wall time.
func measure(n int, f func()) (median, best, wall time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cpu, wl []time.Duration
	for i := 0; i < n; i++ {
		t0, w0 := threadTime(), time.Now()
		f()
		cpu = append(cpu, threadTime()-t0)
		wl = append(wl, time.Since(w0))
	}
	sort.Slice(cpu, func(i, j int) bool { return cpu[i] < cpu[j] })
	sort.Slice(wl, func(i, j int) bool { return wl[i] < wl[j] })
	return cpu[n/2], cpu[0], wl[n/2]
}

var _ = testing.Short
