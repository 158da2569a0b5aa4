// Package shared locates the project's shared data (conformance vectors,
// benchmark programs, spec notes), which lives outside the repository in
// ../shared and is never copied into it.
package shared

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides where the shared data is.
const EnvVar = "PVMD_SHARED"

// Root returns the shared data directory: $PVMD_SHARED, or ../shared next to
// the module root (found by walking up from the working directory to go.mod).
func Root() string {
	if dir := os.Getenv(EnvVar); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return "../shared"
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared")
		}
		if filepath.Dir(dir) == dir {
			return "../shared"
		}
	}
}

// Path joins elements onto Root.
func Path(elem ...string) string {
	return filepath.Join(append([]string{Root()}, elem...)...)
}

// Require returns Path(elem...) or skips the test with a message saying what
// is missing and how to point at it.
func Require(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := Path(elem...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data %s is absent (set %s to the shared directory): %v", p, EnvVar, err)
	}
	return p
}
