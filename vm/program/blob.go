package program

import (
	"errors"
	"fmt"
)

// Limits that keep a hostile blob from asking for absurd allocations. A blob
// can never describe more than it holds, but these also bound what we accept.
const (
	MaxCodeLen        = 64 << 20 // bytes of code
	MaxJumpTableLen   = 16 << 20 // entries
	MaxJumpEntryBytes = 4        // PolkaVM's bound on the entry size z
)

// ErrMalformed is wrapped by every decoding error, so callers can test with
// errors.Is and still show the precise reason.
var ErrMalformed = errors.New("malformed program")

// DecodeError says where a blob stopped making sense.
type DecodeError struct {
	Field  string // what was being read
	Offset int    // byte offset in the blob
	Reason string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("malformed program: %s at byte %d: %s", e.Field, e.Offset, e.Reason)
}

func (e *DecodeError) Unwrap() error { return ErrMalformed }

// CodeBlob is a decoded GP code blob (deblob): jump table, code and opcode bitmask.
type CodeBlob struct {
	JumpTable []uint32
	Code      []byte
	Bitmask   []byte
}

// reader walks a blob, turning every short read into a DecodeError.
type reader struct {
	b   []byte
	off int
}

func (r *reader) fail(field, format string, args ...any) error {
	return &DecodeError{Field: field, Offset: r.off, Reason: fmt.Sprintf(format, args...)}
}

func (r *reader) bytes(field string, n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.off) {
		return nil, r.fail(field, "needs %d bytes, %d left", n, len(r.b)-r.off)
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

// fixed reads an n-byte little-endian number.
func (r *reader) fixed(field string, n int) (uint64, error) {
	s, err := r.bytes(field, uint64(n))
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v, nil
}

// varint reads a GP general natural number (spec notes §2).
func (r *reader) varint(field string) (uint64, error) {
	start := r.off
	first, err := r.bytes(field, 1)
	if err != nil {
		return 0, err
	}
	b := first[0]
	l := 0
	for l < 8 && b&(0x80>>l) != 0 {
		l++
	}
	rest, err := r.bytes(field, uint64(l))
	if err != nil {
		r.off = start
		return 0, err
	}
	var v uint64
	for i := l - 1; i >= 0; i-- {
		v = v<<8 | uint64(rest[i])
	}
	if l < 8 {
		high := uint64(b) & (0xff >> (l + 1))
		v |= high << (8 * l)
	}
	return v, nil
}

// DecodeCodeBlob parses a GP code blob. Every byte must be accounted for.
func DecodeCodeBlob(blob []byte) (*CodeBlob, error) {
	r := &reader{b: blob}
	count, err := r.varint("jump table length")
	if err != nil {
		return nil, err
	}
	if count > MaxJumpTableLen {
		return nil, r.fail("jump table length", "%d entries is over the limit of %d", count, MaxJumpTableLen)
	}
	z, err := r.fixed("jump table entry size", 1)
	if err != nil {
		return nil, err
	}
	if z > MaxJumpEntryBytes {
		return nil, r.fail("jump table entry size", "%d bytes; at most %d", z, MaxJumpEntryBytes)
	}
	codeLen, err := r.varint("code length")
	if err != nil {
		return nil, err
	}
	if codeLen > MaxCodeLen {
		return nil, r.fail("code length", "%d bytes is over the limit of %d", codeLen, MaxCodeLen)
	}
	table, err := r.bytes("jump table", count*z)
	if err != nil {
		return nil, err
	}
	code, err := r.bytes("code", codeLen)
	if err != nil {
		return nil, err
	}
	maskLen := (codeLen + 7) / 8
	mask, err := r.bytes("opcode bitmask", maskLen)
	if err != nil {
		return nil, err
	}
	if codeLen%8 != 0 && mask[len(mask)-1]>>(codeLen%8) != 0 {
		return nil, &DecodeError{Field: "opcode bitmask", Offset: r.off - 1, Reason: "padding bits past the code are not zero"}
	}
	if r.off != len(blob) {
		return nil, r.fail("end of blob", "%d trailing bytes", len(blob)-r.off)
	}
	cb := &CodeBlob{Code: code, Bitmask: mask, JumpTable: make([]uint32, count)}
	for i := range cb.JumpTable {
		var v uint32
		for k := int(z) - 1; k >= 0; k-- {
			v = v<<8 | uint32(table[i*int(z)+k])
		}
		cb.JumpTable[i] = v
	}
	return cb, nil
}
