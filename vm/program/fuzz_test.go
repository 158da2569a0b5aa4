package program

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pvmd/pvmd/vm/isa"
)

func seedBlobs() [][]byte {
	return [][]byte{
		{0, 0, 3, 190, 135, 9, 1},
		{2, 2, 3, 0x10, 0x00, 0x01, 0x01, 190, 135, 9, 0b101},
		isa.NewAsm(isa.GP08).JumpTableEntry("x").Label("x").
			I(isa.Ins{Op: isa.LoadImm64, A: 1, Imm: -5}, isa.Ins{Op: isa.JumpInd, A: 1, Imm: 2}).MustBlob(),
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	}
}

// FuzzDecodeCodeBlob: decoding never panics, errors are DecodeErrors, and
// what decodes can be analysed under every numbering.
func FuzzDecodeCodeBlob(f *testing.F) {
	for _, b := range seedBlobs() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, blob []byte) {
		cb, err := DecodeCodeBlob(blob)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		if len(cb.Bitmask) != (len(cb.Code)+7)/8 || !bytes.Contains(blob, cb.Code) {
			t.Fatalf("inconsistent decode: %d code bytes, %d mask bytes", len(cb.Code), len(cb.Bitmask))
		}
		for _, num := range []isa.Numbering{isa.GP08, isa.GP07, isa.Latest64} {
			p := isa.Analyze(cb.Code, cb.Bitmask, cb.JumpTable, num)
			last := p.Instrs[len(p.Instrs)-1]
			if int(last.PC) != len(cb.Code) || last.Op != isa.Trap {
				t.Fatalf("the last position is %v at %d, want the trap at %d", last.Op, last.PC, len(cb.Code))
			}
			_ = p.Validate()
		}
	})
}

// FuzzDecodeStandard: a JAM standard program blob either decodes to a layout
// that fits the address space or fails with a DecodeError; never a panic.
func FuzzDecodeStandard(f *testing.F) {
	f.Add(standardBlob([]byte{1, 2, 3}, []byte{4}, 1, 4096, []byte{0, 0, 1, 0, 1}), []byte("args"))
	f.Add(standardBlob(nil, nil, 0, 0, []byte{0, 0, 0}), []byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte{1})
	f.Fuzz(func(t *testing.T, blob, args []byte) {
		s, err := DecodeStandard(blob)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		regions, err := s.Layout(args)
		if err != nil {
			t.Fatal(err)
		}
		end := uint64(0)
		for _, r := range regions {
			if uint64(r.Address) < end || uint64(r.Address)+uint64(r.Length) > 1<<32 || r.Length%PageSize != 0 {
				t.Fatalf("regions overlap or leave the address space: %+v", regions)
			}
			end = uint64(r.Address) + uint64(r.Length)
		}
	})
}
