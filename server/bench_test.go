package server

import (
	"context"
	"testing"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
)

// BenchmarkInstantiateCached is the server-side cost of instantiating a
// cached program (and destroying the instance): hash lookup, guest memory
// reservation, page map, registers. Sub-benchmarks name the program by
// bytes (which are hashed every time) or by code hash, for a tiny program
// and one with 1 MiB of code.
//
//	go test -run '^$' -bench InstantiateCached ./server
func BenchmarkInstantiateCached(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Engines = []vm.Engine{interp.New()}
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tiny := isa.NewAsm(isa.GP08).I(isa.Ins{Op: isa.Ecalli, Imm: 1}, isa.Ins{Op: isa.Trap}).MustBlob()
	big := isa.NewAsm(isa.GP08)
	for big.PC() < 1<<20 {
		big.I(isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: 1})
	}
	bigBlob := big.I(isa.Ins{Op: isa.Trap}).MustBlob()
	for _, prog := range []struct {
		name string
		blob []byte
	}{{"tiny", tiny}, {"1MiB", bigBlob}} {
		spec := &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: prog.blob}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB}
		req := &pb.Instantiate{Program: spec, Gas: 1000, Registers: make([]uint64, 13),
			PageMap: []*pb.PageRange{{Address: 0x20000, Length: 4096, Access: pb.PageAccess_PAGE_ACCESS_READ_WRITE}}}
		x, _, err := s.newInstance(context.Background(), req, "instantiate", 1) // compile into the cache
		if err != nil {
			b.Fatal(err)
		}
		hash := x.prog.Key().Hash
		x.close()
		byHash := &pb.Instantiate{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_CodeHash{CodeHash: hash[:]}, Format: spec.Format},
			Gas: req.Gas, Registers: req.Registers, PageMap: req.PageMap}
		for _, v := range []struct {
			name string
			req  *pb.Instantiate
		}{{"by-blob", req}, {"by-hash", byHash}} {
			b.Run(prog.name+"/"+v.name, func(b *testing.B) {
				for range b.N {
					x, hit, err := s.newInstance(context.Background(), v.req, "instantiate", 1)
					if err != nil || !hit {
						b.Fatal(hit, err)
					}
					x.close()
				}
			})
		}
	}
}
