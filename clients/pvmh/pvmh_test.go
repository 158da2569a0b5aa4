//go:build cgo

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEExamples checks that README.md shows the examples the tests run.
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"example.c", "example.py"} {
		src, err := os.ReadFile(filepath.Join("test", f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(readme), string(src)) {
			t.Errorf("README.md does not contain test/%s verbatim", f)
		}
	}
}

func TestPackBitmask(t *testing.T) {
	cases := []struct {
		mask []byte
		n    int
		want []byte
		ok   bool
	}{
		{[]byte{0x05}, 3, []byte{0x05}, true},    // packed
		{[]byte{1, 0, 1}, 3, []byte{0x05}, true}, // one byte per code byte
		{[]byte{1, 0, 7, 0, 0, 0, 0, 0, 1}, 9, []byte{0x05, 0x01}, true},
		{[]byte{0x01}, 1, []byte{0x01}, true}, // ambiguous, same meaning
		{[]byte{0x0d}, 3, nil, false},         // padding bit set
		{[]byte{1, 0}, 3, nil, false},         // neither length
	}
	for _, c := range cases {
		got, err := packBitmask(c.mask, c.n)
		if (err == nil) != c.ok || string(got) != string(c.want) {
			t.Errorf("packBitmask(%x, %d) = %x, %v; want %x, ok=%t", c.mask, c.n, got, err, c.want, c.ok)
		}
	}
}
