package main

import (
	"flag"
	"testing"
	"time"
)

func TestParseAddr(t *testing.T) {
	for _, c := range []struct{ in, network, addr string }{
		{"tcp://127.0.0.1:50051", "tcp", "127.0.0.1:50051"},
		{"[::1]:7", "tcp", "[::1]:7"},
		{"unix:///run/pvmd/pvmd.sock", "unix", "/run/pvmd/pvmd.sock"},
	} {
		n, a, err := parseAddr(c.in)
		if err != nil || n != c.network || a != c.addr {
			t.Errorf("parseAddr(%q) = %q, %q, %v", c.in, n, a, err)
		}
	}
	for _, bad := range []string{"http://x:1", "unix://relative.sock", "localhost", "tcp://nohost"} {
		if _, _, err := parseAddr(bad); err == nil {
			t.Errorf("parseAddr(%q) accepted", bad)
		}
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]uint64{"4096": 4096, "64KiB": 64 << 10, "16 MiB": 16 << 20, "4GiB": 4 << 30, "1MB": 1e6} {
		var b byteSize
		if err := b.Set(in); err != nil || uint64(b) != want {
			t.Errorf("Set(%q) = %d, %v", in, b, err)
		}
	}
	for _, bad := range []string{"", "x", "1.5GiB", "-1", "12XB"} {
		var b byteSize
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
	if s := formatBytes(64 << 20); s != "64MiB" {
		t.Errorf("String = %q", s)
	}
}

func TestEnvOverrides(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c serveConfig
	c.flags(fs)
	if err := fs.Parse([]string{"--max-sessions=5"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"PVMD_MAX_SESSIONS": "7", // the flag wins
		"PVMD_IDLE_TIMEOUT": "3s",
		"PVMD_LISTEN":       "unix:///a.sock,tcp://127.0.0.1:1",
		"PVMD_CACHE_BYTES":  "1MiB",
		"PVMD_METRICS_ADDR": "", // set but empty: disables metrics
	}
	if err := applyEnv(fs, func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if c.cfg.MaxSessions != 5 || c.cfg.IdleSessionTimeout != 3*time.Second || len(c.listen.values) != 2 ||
		c.cacheBytes != 1<<20 || c.metricsAddr != "" {
		t.Fatalf("config %+v", c)
	}
	env = map[string]string{"PVMD_MAX_GAS": "lots"}
	if err := applyEnv(fs, func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err == nil {
		t.Fatal("bad env value accepted")
	}
}
