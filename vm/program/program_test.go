package program

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pvmd/pvmd/vm/isa"
)

func TestVarintRoundTrip(t *testing.T) {
	for _, x := range []uint64{0, 1, 127, 128, 255, 1 << 14, 1<<14 - 1, 1 << 21, 1<<28 + 5, 1 << 35, 1 << 56, 1<<63 + 12345, ^uint64(0)} {
		enc := isa.AppendVarint(nil, x)
		r := &reader{b: enc}
		got, err := r.varint("x")
		if err != nil || got != x || r.off != len(enc) {
			t.Errorf("varint %d: encoded %x, decoded %d (off %d) err %v", x, enc, got, r.off, err)
		}
	}
}

func TestDecodeCodeBlob(t *testing.T) {
	// 2 jump table entries of 2 bytes, 3 bytes of code, bitmask 0b101.
	blob := []byte{2, 2, 3, 0x10, 0x00, 0x01, 0x01, 190, 135, 9, 0b101}
	cb, err := DecodeCodeBlob(blob)
	if err != nil {
		t.Fatal(err)
	}
	if len(cb.JumpTable) != 2 || cb.JumpTable[0] != 0x10 || cb.JumpTable[1] != 0x101 {
		t.Errorf("jump table %v", cb.JumpTable)
	}
	if !bytes.Equal(cb.Code, []byte{190, 135, 9}) || !bytes.Equal(cb.Bitmask, []byte{0b101}) {
		t.Errorf("code %v mask %v", cb.Code, cb.Bitmask)
	}
}

func TestDecodeCodeBlobErrors(t *testing.T) {
	cases := []struct {
		name  string
		blob  []byte
		field string
	}{
		{"empty", nil, "jump table length"},
		{"truncated varint", []byte{0x80}, "jump table length"},
		{"no entry size", []byte{0}, "jump table entry size"},
		{"entry size 5", []byte{0, 5, 0}, "jump table entry size"},
		{"absurd jump table", []byte{0xf0, 0xff, 0xff, 0xff, 0x7f, 4, 0}, "jump table length"},
		{"absurd code length", []byte{0, 0, 0xf0, 0xff, 0xff, 0xff, 0x0f}, "code length"},
		{"short jump table", []byte{2, 4, 0, 1, 2, 3}, "jump table"},
		{"short code", []byte{0, 0, 3, 1}, "code"},
		{"missing bitmask", []byte{0, 0, 1, 0}, "opcode bitmask"},
		{"bitmask padding", []byte{0, 0, 1, 0, 0b11}, "opcode bitmask"},
		{"trailing bytes", []byte{0, 0, 1, 0, 1, 9}, "end of blob"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeCodeBlob(c.blob)
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v, want a DecodeError", err)
			}
			if de.Field != c.field {
				t.Errorf("field %q, want %q (%v)", de.Field, c.field, err)
			}
		})
	}
}

// standardBlob builds a JAM standard program blob around a code blob.
func standardBlob(ro, rw []byte, heapPages uint16, stack uint32, code []byte) []byte {
	le := func(v uint64, n int) []byte {
		out := make([]byte, n)
		for i := range out {
			out[i] = byte(v >> (8 * i))
		}
		return out
	}
	var b []byte
	b = append(b, le(uint64(len(ro)), 3)...)
	b = append(b, le(uint64(len(rw)), 3)...)
	b = append(b, le(uint64(heapPages), 2)...)
	b = append(b, le(uint64(stack), 3)...)
	b = append(b, ro...)
	b = append(b, rw...)
	b = append(b, le(uint64(len(code)), 4)...)
	return append(b, code...)
}

func TestDecodeStandardLayout(t *testing.T) {
	code := []byte{0, 0, 1, 0, 1} // one trap
	blob := standardBlob([]byte{1, 2, 3}, make([]byte, 5000), 2, 100, code)
	s, err := DecodeStandard(blob)
	if err != nil {
		t.Fatal(err)
	}
	if s.HeapStart() != 0x30000 {
		t.Errorf("heap start %#x, want 0x30000 (2 zones + Z(3))", s.HeapStart())
	}
	if want := uint32(0x30000 + 2*PageSize + 2*PageSize); s.HeapEnd() != want {
		t.Errorf("heap end %#x, want %#x", s.HeapEnd(), want)
	}
	regions, err := s.Layout([]byte("args"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Region{
		{Address: 0x10000, Length: PageSize},
		{Address: 0x30000, Length: 4 * PageSize, Writable: true},
		{Address: StackTop - PageSize, Length: PageSize, Writable: true},
		{Address: ArgsStart, Length: PageSize},
	}
	if len(regions) != len(want) {
		t.Fatalf("regions %+v", regions)
	}
	for i, r := range regions {
		if r.Address != want[i].Address || r.Length != want[i].Length || r.Writable != want[i].Writable {
			t.Errorf("region %d: %#x+%#x w=%v, want %#x+%#x w=%v", i, r.Address, r.Length, r.Writable, want[i].Address, want[i].Length, want[i].Writable)
		}
	}
	regs := InitialRegisters(4)
	if regs[0] != 0xFFFF0000 || regs[1] != 0xFEFE0000 || regs[7] != 0xFEFF0000 || regs[8] != 4 {
		t.Errorf("initial registers %x", regs)
	}
}

func TestDecodeStandardErrors(t *testing.T) {
	code := []byte{0, 0, 1, 0, 1}
	good := standardBlob(nil, nil, 0, 0, code)
	if _, err := DecodeStandard(good); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(good); n++ {
		if _, err := DecodeStandard(good[:n]); !errors.Is(err, ErrMalformed) {
			t.Errorf("truncated to %d bytes: error %v", n, err)
		}
	}
	if _, err := DecodeStandard(append(good, 0)); !errors.Is(err, ErrMalformed) {
		t.Errorf("trailing byte: %v", err)
	}
	// With 3-byte sizes and 2-byte heap pages the GP's fit condition always
	// holds; check the largest encodable program.
	big := &Standard{RO: make([]byte, 0xffffff), RW: make([]byte, 0xffffff), HeapPages: 0xffff, StackSize: 0xffffff}
	if !big.fits() {
		t.Errorf("the largest encodable sizes fit 4 GiB (about 0.3 GiB in all)")
	}
}
