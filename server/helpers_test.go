package server_test

import (
	"testing"
	"time"

	st "github.com/pvmd/pvmd/server/servertest"
)

// gauge reads an unlabelled metric's value (gauge or counter) from the
// server's registry; -1 when absent.
func gauge(t *testing.T, h *st.Harness, name string) float64 {
	t.Helper()
	mfs, err := h.Server.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		var sum float64
		for _, m := range mf.GetMetric() {
			switch {
			case m.GetGauge() != nil:
				sum += m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				sum += m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
		return sum
	}
	return -1
}

// waitGauge waits (up to 5 s) for a metric to reach want.
func waitGauge(t *testing.T, h *st.Harness, name string, want float64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := gauge(t, h, name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
