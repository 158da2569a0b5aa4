package vm

import (
	"fmt"
	"strings"

	"github.com/pvmd/pvmd/vm/isa"
)

// GasModel is how gas is charged.
type GasModel uint8

const (
	// GasBlockCost charges each basic block its GP 0.8 pipeline-model cost
	// when the block is entered.
	GasBlockCost GasModel = iota
	// GasPerInstruction charges 1 per instruction as it executes (GP 0.7).
	GasPerInstruction
	// GasBlockInstructions charges each block its instruction count on entry
	// (what the public w3f v0.4 vectors expect).
	GasBlockInstructions
)

var gasModelNames = map[GasModel]string{
	GasBlockCost:         "gp-0.8",
	GasPerInstruction:    "per-instruction",
	GasBlockInstructions: "block-instructions",
}

func (g GasModel) String() string {
	if s, ok := gasModelNames[g]; ok {
		return s
	}
	return fmt.Sprintf("gas(%d)", uint8(g))
}

// Profile is the pair of orthogonal choices that make a PVM version: which
// byte is which instruction, and how gas is charged.
type Profile struct {
	Numbering isa.Numbering
	Gas       GasModel
}

// The named profiles.
var (
	// GP08 is the default: GP 0.8.0 numbering, validation and block gas.
	GP08 = Profile{isa.GP08, GasBlockCost}
	// GP07 is GP 0.7.2: sbrk, 1 gas per instruction.
	GP07 = Profile{isa.GP07, GasPerInstruction}
)

// Validates reports whether programs are checked up front (GP 0.8).
func (p Profile) Validates() bool { return p.Numbering == isa.GP08 }

// String is the profile's name, accepted back by ParseProfile. A profile
// whose gas model is not its numbering's default is written "numbering/gas".
func (p Profile) String() string {
	if defaultGas(p.Numbering) == p.Gas {
		return p.Numbering.String()
	}
	return p.Numbering.String() + "/" + p.Gas.String()
}

func defaultGas(n isa.Numbering) GasModel {
	if n == isa.GP07 {
		return GasPerInstruction
	}
	return GasBlockCost
}

// ProfileNames lists the accepted numbering and gas model names.
func ProfileNames() (numberings, gasModels []string) {
	for _, n := range []isa.Numbering{isa.GP08, isa.GP07, isa.Latest64} {
		numberings = append(numberings, n.String())
	}
	for _, g := range []GasModel{GasBlockCost, GasPerInstruction, GasBlockInstructions} {
		gasModels = append(gasModels, g.String())
	}
	return
}

// ParseProfile reads "NUMBERING" or "NUMBERING/GAS", e.g. "gp-0.8",
// "gp-0.7", "gp-0.7/block-instructions", "latest64". The empty string is GP08.
func ParseProfile(s string) (Profile, error) {
	if s == "" {
		return GP08, nil
	}
	numName, gasName, hasGas := strings.Cut(s, "/")
	var p Profile
	found := false
	for _, n := range []isa.Numbering{isa.GP08, isa.GP07, isa.Latest64} {
		if n.String() == numName {
			p, found = Profile{n, defaultGas(n)}, true
		}
	}
	if !found {
		nums, gases := ProfileNames()
		return p, fmt.Errorf("unknown profile %q: want one of %s, optionally followed by /GAS with GAS one of %s",
			s, strings.Join(nums, ", "), strings.Join(gases, ", "))
	}
	if hasGas {
		found = false
		for g, name := range gasModelNames {
			if name == gasName {
				p.Gas, found = g, true
			}
		}
		if !found {
			_, gases := ProfileNames()
			return p, fmt.Errorf("unknown gas model %q in profile %q: want one of %s", gasName, s, strings.Join(gases, ", "))
		}
	}
	return p, nil
}
