package program

import "fmt"

// Standard program constants (spec notes §9).
const (
	PageSize    = 1 << 12
	ZoneSize    = 1 << 16
	MaxArgsSize = 1 << 24

	ROStart    = ZoneSize
	StackTop   = 1<<32 - 2*ZoneSize - MaxArgsSize // 0xFEFE0000
	ArgsStart  = 1<<32 - ZoneSize - MaxArgsSize   // 0xFEFF0000
	HaltReturn = 1<<32 - ZoneSize                 // 0xFFFF0000: djump here halts
)

// Region is a range of guest memory a program starts with.
type Region struct {
	Address  uint32
	Length   uint32 // a multiple of PageSize
	Writable bool
	Data     []byte // initial contents (the rest is zero); len(Data) <= Length
}

// Standard is a decoded JAM standard program blob (the GP's Y function).
type Standard struct {
	Code      *CodeBlob
	RO, RW    []byte
	HeapPages uint32
	StackSize uint32
	CodeBytes []byte // the raw code blob, as embedded
}

// DecodeStandard parses a JAM standard program blob and its code blob.
func DecodeStandard(blob []byte) (*Standard, error) {
	r := &reader{b: blob}
	roLen, err := r.fixed("ro data length", 3)
	if err != nil {
		return nil, err
	}
	rwLen, err := r.fixed("rw data length", 3)
	if err != nil {
		return nil, err
	}
	heap, err := r.fixed("heap pages", 2)
	if err != nil {
		return nil, err
	}
	stack, err := r.fixed("stack size", 3)
	if err != nil {
		return nil, err
	}
	ro, err := r.bytes("ro data", roLen)
	if err != nil {
		return nil, err
	}
	rw, err := r.bytes("rw data", rwLen)
	if err != nil {
		return nil, err
	}
	codeLen, err := r.fixed("code blob length", 4)
	if err != nil {
		return nil, err
	}
	codeBytes, err := r.bytes("code blob", codeLen)
	if err != nil {
		return nil, err
	}
	if r.off != len(blob) {
		return nil, r.fail("end of blob", "%d trailing bytes", len(blob)-r.off)
	}
	s := &Standard{RO: ro, RW: rw, HeapPages: uint32(heap), StackSize: uint32(stack), CodeBytes: codeBytes}
	if !s.fits() {
		return nil, &DecodeError{Field: "memory layout", Offset: 0,
			Reason: fmt.Sprintf("ro %d + rw %d + heap %d pages + stack %d do not fit the 32-bit address space", roLen, rwLen, heap, stack)}
	}
	s.Code, err = DecodeCodeBlob(codeBytes)
	if err != nil {
		if de, ok := err.(*DecodeError); ok {
			de.Offset += len(blob) - len(codeBytes)
		}
		return nil, err
	}
	return s, nil
}

func pageAlign(x uint64) uint64 { return (x + PageSize - 1) &^ (PageSize - 1) }
func zoneAlign(x uint64) uint64 { return (x + ZoneSize - 1) &^ (ZoneSize - 1) }

func (s *Standard) fits() bool {
	total := 5*ZoneSize + zoneAlign(uint64(len(s.RO))) + zoneAlign(uint64(len(s.RW))+uint64(s.HeapPages)*PageSize) +
		zoneAlign(uint64(s.StackSize)) + MaxArgsSize
	return total <= 1<<32
}

// HeapStart is where the RW data (and the 0.7 sbrk heap) begins.
func (s *Standard) HeapStart() uint32 {
	return uint32(2*ZoneSize + zoneAlign(uint64(len(s.RO))))
}

// HeapEnd is the first address past the RW data and its extra heap pages.
func (s *Standard) HeapEnd() uint32 {
	return s.HeapStart() + uint32(pageAlign(uint64(len(s.RW)))) + s.HeapPages*PageSize
}

// Layout returns the initial memory regions for the given argument bytes.
func (s *Standard) Layout(args []byte) ([]Region, error) {
	if len(args) > MaxArgsSize {
		return nil, fmt.Errorf("arguments are %d bytes; at most %d", len(args), MaxArgsSize)
	}
	var regions []Region
	add := func(addr uint32, length uint64, writable bool, data []byte) {
		if length > 0 {
			regions = append(regions, Region{Address: addr, Length: uint32(length), Writable: writable, Data: data})
		}
	}
	add(ROStart, pageAlign(uint64(len(s.RO))), false, s.RO)
	add(s.HeapStart(), uint64(s.HeapEnd()-s.HeapStart()), true, s.RW)
	stack := pageAlign(uint64(s.StackSize))
	add(uint32(StackTop-stack), stack, true, nil)
	add(ArgsStart, pageAlign(uint64(len(args))), false, args)
	return regions, nil
}

// InitialRegisters are the registers a standard program starts with.
func InitialRegisters(argLen int) [13]uint64 {
	var r [13]uint64
	r[0] = HaltReturn
	r[1] = StackTop
	r[7] = ArgsStart
	r[8] = uint64(argLen)
	return r
}
