package isa

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/pvmd/pvmd/internal/shared"
)

// doomCode reads the doom code blob's code and bitmask (the largest program
// in the shared data) without depending on the vector or blob packages.
func doomCode(b *testing.B) (code, mask []byte) {
	path := shared.Require(b, "vectors", "gas-cost-model", "integration-tests", "doom.json")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var v struct{ Program []int }
	if err := json.Unmarshal(data, &v); err != nil {
		b.Fatal(err)
	}
	blob := make([]byte, len(v.Program))
	for i, x := range v.Program {
		blob[i] = byte(x)
	}
	// varint jump table count, entry size, varint code length (all < 2^21 here).
	read := func(off int) (uint64, int) {
		first := blob[off]
		l := 0
		for l < 8 && first&(0x80>>l) != 0 {
			l++
		}
		var x uint64
		for k := l - 1; k >= 0; k-- {
			x = x<<8 | uint64(blob[off+1+k])
		}
		x |= uint64(first&(0xff>>(l+1))) << (8 * l)
		return x, off + 1 + l
	}
	n, off := read(0)
	z := uint64(blob[off])
	clen, off := read(off + 1)
	off += int(n * z)
	return blob[off : off+int(clen)], blob[off+int(clen):]
}

func BenchmarkAnalyzeDoom(b *testing.B) {
	code, mask := doomCode(b)
	b.SetBytes(int64(len(code)))
	for b.Loop() {
		Analyze(code, mask, nil, Latest64)
	}
}
