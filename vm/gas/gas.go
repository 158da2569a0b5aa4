package gas

import (
	"sync"

	"github.com/pvmd/pvmd/vm/isa"
)

// BlockCost returns the GP 0.8 cost of the block p.Instrs[start..end] (end
// inclusive; p.Instrs[end] ends the block). Successor lookups for branch
// costs use p.
//
// To cost every block of a program, Costs is faster than calling BlockCost
// per block, and a Calculator saves BlockCost's trip to a pool of scratch
// space. An instruction before end that ends a block is simulated like any
// other block end (it drains the pipeline); a block whose last instruction
// does not end a block gets the implicit trap the code ends in. Neither
// happens for the blocks Blocks visits.
func BlockCost(p *isa.Program, start, end int) uint32 {
	s := pipelines.Get().(*pipeline)
	s.attach(p)
	c := s.blockCost(p.Instrs[start : end+1])
	s.code = nil
	pipelines.Put(s)
	return c
}

// pipelines keeps simulators (a few KiB each) between BlockCost calls.
var pipelines = sync.Pool{New: func() any { return new(pipeline) }}

// A Calculator computes block costs with scratch space it keeps between
// calls. The zero value is ready to use; a Calculator must not be used by
// several goroutines at once.
type Calculator struct {
	s pipeline
}

// BlockCost is the package's BlockCost, without the pool.
func (c *Calculator) BlockCost(p *isa.Program, start, end int) uint32 {
	c.s.attach(p)
	return c.s.blockCost(p.Instrs[start : end+1])
}

// Costs appends the cost of every gas block of p to dst, in the order Blocks
// visits them, and returns the extended slice. It allocates nothing beyond
// growing dst.
func Costs(p *isa.Program, dst []uint32) []uint32 {
	var s pipeline
	s.attach(p)
	for instrs := p.Instrs; len(instrs) > 0; {
		c, n, ok := s.smallCost(instrs)
		if !ok {
			n = blockLen(instrs)
			c = s.simulate(instrs[:n])
		}
		dst = append(dst, c)
		instrs = instrs[n:]
	}
	return dst
}

// Blocks calls fn for every gas block of p in pc order: the first starts at
// index 0, each later one right after an instruction that ends a block, and
// each runs up to and including the next instruction that ends a block (the
// last is the implicit trap at the end of the code).
func Blocks(p *isa.Program, fn func(start, end int)) {
	for start := 0; start < len(p.Instrs); {
		n := blockLen(p.Instrs[start:])
		fn(start, start+n-1)
		start += n
	}
}

// blockLen is the length of the gas block at the start of instrs (all of
// instrs if no instruction ends a block).
func blockLen(instrs []isa.Instruction) int {
	for i := range instrs {
		if instrs[i].EndsBlock() {
			return i + 1
		}
	}
	return len(instrs)
}

// attach prepares s for blocks of p.
func (s *pipeline) attach(p *isa.Program) {
	s.code = p.Code
	s.cheapOpcode = &noCheapOpcodes
	if int(p.Numbering) < len(cheapSuccessor) {
		s.cheapOpcode = &cheapSuccessor[p.Numbering]
	}
}

// noCheapOpcodes is used for numberings this package does not know: only
// successors past the end of the code make a branch cheap.
var noCheapOpcodes [256]bool

func (s *pipeline) blockCost(block []isa.Instruction) uint32 {
	if !s.exhaustive {
		if c, n, ok := s.smallCost(block); ok && n == len(block) {
			return c
		}
	}
	return s.simulate(block)
}

// simulate computes the cost of a block by running the model cycle by cycle.
func (s *pipeline) simulate(block []isa.Instruction) uint32 {
	s.reset()
	for i := range block {
		s.feed(&block[i])
	}
	if len(block) == 0 || !block[len(block)-1].EndsBlock() {
		// A block cut short ends like the code does: in an implicit trap.
		s.feed(&isa.Instruction{Op: isa.Trap, Valid: true})
	}
	return s.cost()
}
