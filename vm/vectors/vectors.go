// Package vectors reads the PVM conformance-vector formats and runs them on
// any engine: the flat schema of the w3f v0.4 set (also used by the PolkaVM
// GP 0.7/0.8 sets and the benchmark programs) and the step schema of the
// gas-cost-model set.
package vectors

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pvmd/pvmd/vm"
)

// Bytes is a byte string written in JSON as an array of numbers.
type Bytes []byte

// UnmarshalJSON reads [1, 2, 3].
func (b *Bytes) UnmarshalJSON(data []byte) error {
	var ints []uint8
	if err := json.Unmarshal(data, &ints); err != nil {
		return err
	}
	*b = ints
	return nil
}

// PageMapEntry maps [Address, Address+Length).
type PageMapEntry struct {
	Address  uint32 `json:"address"`
	Length   uint32 `json:"length"`
	Writable bool   `json:"is-writable"`
}

// MemoryChunk is bytes at an address.
type MemoryChunk struct {
	Address  uint32 `json:"address"`
	Contents Bytes  `json:"contents"`
}

// Flat is one vector of the w3f schema.
type Flat struct {
	Name                     string         `json:"name"`
	InitialRegs              []uint64       `json:"initial-regs"`
	InitialPC                uint32         `json:"initial-pc"`
	InitialPageMap           []PageMapEntry `json:"initial-page-map"`
	InitialMemory            []MemoryChunk  `json:"initial-memory"`
	InitialGas               int64          `json:"initial-gas"`
	Program                  Bytes          `json:"program"`
	ExpectedStatus           string         `json:"expected-status"`
	ExpectedRegs             []uint64       `json:"expected-regs"`
	ExpectedPC               uint32         `json:"expected-pc"`
	ExpectedMemory           []MemoryChunk  `json:"expected-memory"`
	ExpectedGas              int64          `json:"expected-gas"`
	ExpectedPageFaultAddress *uint32        `json:"expected-page-fault-address"`
}

// Step is one step of the step schema; Kind says which fields matter.
type Step struct {
	Kind string `json:"kind"` // set-reg, map, write, run, assert
	// set-reg
	Reg   int    `json:"reg"`
	Value uint64 `json:"value"`
	// map and write
	Address  uint32 `json:"address"`
	Length   uint32 `json:"length"`
	Writable bool   `json:"is_writable"`
	Contents Bytes  `json:"contents"`
	// assert
	Status           string        `json:"status"`
	Gas              int64         `json:"gas"`
	PC               uint32        `json:"pc"`
	Regs             []uint64      `json:"regs"`
	Memory           []MemoryChunk `json:"memory"`
	PageFaultAddress *uint32       `json:"page_fault_address"`
}

// Stepped is one vector of the step schema (gas-cost-model).
type Stepped struct {
	Name          string            `json:"name"`
	InitialPC     uint32            `json:"initial-pc"`
	InitialGas    int64             `json:"initial-gas"`
	Program       Bytes             `json:"program"`
	Steps         []Step            `json:"steps"`
	BlockGasCosts map[string]uint32 `json:"block-gas-costs"`
}

// BlockCosts returns the expected block costs keyed by pc.
func (s *Stepped) BlockCosts() (map[uint32]uint32, error) {
	out := make(map[uint32]uint32, len(s.BlockGasCosts))
	for k, v := range s.BlockGasCosts {
		pc, err := strconv.ParseUint(k, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("block-gas-costs key %q: %w", k, err)
		}
		out[uint32(pc)] = v
	}
	return out, nil
}

// File is a parsed vector file of either schema.
type File struct {
	Path    string
	Flat    *Flat    // set for the flat schema
	Stepped *Stepped // set for the step schema
}

// Name is the vector's own name.
func (f *File) Name() string {
	if f.Flat != nil {
		return f.Flat.Name
	}
	return f.Stepped.Name
}

// Load parses a vector file, telling the schemas apart by their fields.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f := &File{Path: path}
	_, hasSteps := probe["steps"]
	_, hasCosts := probe["block-gas-costs"]
	if hasSteps || hasCosts {
		f.Stepped = new(Stepped)
		err = json.Unmarshal(data, f.Stepped)
	} else if _, ok := probe["program"]; ok {
		f.Flat = new(Flat)
		err = json.Unmarshal(data, f.Flat)
	} else {
		return nil, fmt.Errorf("%s: neither a flat nor a step vector (no program field)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Expand turns paths (files or directories) into the JSON files to run, in
// order; directories contribute their *.json files, sorted.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		out = append(out, matches...)
	}
	return out, nil
}

// ProfileFor is the profile a vector file needs, inferred from the set it
// belongs to (see ../shared/vectors/README.md): GP 0.8 unless the path names
// one of the GP 0.7-numbered sets.
func ProfileFor(f *File) vm.Profile {
	p := filepath.ToSlash(f.Path)
	switch {
	case f.Stepped != nil || strings.Contains(p, "gas-cost-model"):
		return mustProfile("latest64")
	case strings.Contains(p, "w3f-pvm"):
		return mustProfile("gp-0.7/block-instructions")
	case strings.Contains(p, "polkavm-gp07"):
		return vm.GP07
	}
	return vm.GP08
}

func mustProfile(s string) vm.Profile {
	p, err := vm.ParseProfile(s)
	if err != nil {
		panic(err)
	}
	return p
}
