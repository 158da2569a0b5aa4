//go:build cgo

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCABI builds libpvm.so into a temporary directory and runs the C test
// (test/test.c, compiled with gcc against pvm.h) and the Python ctypes test
// (test/test_pvmh.py) against it.
func TestCABI(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	dir := t.TempDir()
	lib := filepath.Join(dir, "libpvm.so")
	build := exec.Command(goTool, "build", "-buildmode=c-shared", "-o", lib, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -buildmode=c-shared: %v\n%s", err, out)
	}

	t.Run("C", func(t *testing.T) {
		gcc, err := exec.LookPath("gcc")
		if err != nil {
			t.Skip("gcc not found: skipping the C test of pvm.h")
		}
		bin := filepath.Join(dir, "test_c")
		cc := exec.Command(gcc, "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror", "-O1",
			"-I.", "-Itest", "-o", bin, filepath.Join("test", "test.c"),
			"-L"+dir, "-lpvm", "-Wl,-rpath,"+dir, "-lpthread")
		if out, err := cc.CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, out)
		}
		run(t, exec.Command(bin))

		ex := filepath.Join(dir, "example")
		cc = exec.Command(gcc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I.", "-o", ex, filepath.Join("test", "example.c"),
			"-L"+dir, "-lpvm", "-Wl,-rpath,"+dir)
		if out, err := cc.CombinedOutput(); err != nil {
			t.Fatalf("gcc example.c: %v\n%s", err, out)
		}
		if out := run(t, exec.Command(ex)); !strings.Contains(out, "guest says: hello") {
			t.Errorf("example.c printed %q", out)
		}
	})

	t.Run("Python", func(t *testing.T) {
		py := pythonPath()
		if py == "" {
			t.Skip("python3 not found: skipping the Python ctypes test of pvm.h")
		}
		cmd := exec.Command(py, filepath.Join("test", "test_pvmh.py"))
		cmd.Env = append(os.Environ(), "PVMH_LIB="+lib, "PYTHONDONTWRITEBYTECODE=1")
		run(t, cmd)

		cmd = exec.Command(py, filepath.Join("test", "example.py"))
		cmd.Env = append(os.Environ(), "PVMH_LIB="+lib, "PYTHONDONTWRITEBYTECODE=1")
		if out := run(t, cmd); !strings.Contains(out, "guest says: hello") {
			t.Errorf("example.py printed %q", out)
		}
	})
}

func pythonPath() string {
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return ""
}

func run(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	t.Logf("%s", out)
	return string(out)
}

// TestGuard checks that a panic in an export becomes its error result and
// a last-error message instead of crossing into C.
func TestGuard(t *testing.T) {
	runtime.LockOSThread() // the last error is per thread
	defer runtime.UnlockOSThread()
	ret := func() (ret int) {
		defer guard("pvm_test", &ret, -7)
		var m map[string]int
		m["x"] = 1 // panics
		return 1
	}()
	if ret != -7 {
		t.Errorf("result after a panic = %d, want -7", ret)
	}
	if msg := lastError(); !strings.Contains(msg, "pvm_test: internal error: assignment to entry in nil map") {
		t.Errorf("last error = %q", msg)
	}
	func() {
		defer guardVoid("pvm_test_void")
		panic("boom")
	}()
	if msg := lastError(); msg != "pvm_test_void: internal error: boom" {
		t.Errorf("last error = %q", msg)
	}
}
