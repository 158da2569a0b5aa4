package recompile

import (
	"github.com/pvmd/pvmd/vm/gas"
	"github.com/pvmd/pvmd/vm/isa"
)

func gasCostsAll(p *isa.Program) []uint32 { return gas.Costs(p, nil) }
