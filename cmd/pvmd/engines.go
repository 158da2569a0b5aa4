package main

import (
	"flag"
	"fmt"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/engines"
)

// engineFlags are the --engine and --profile flags shared by the commands
// that run programs.
type engineFlags struct {
	engine, profile string
}

func (f *engineFlags) register(fs *flag.FlagSet, profileHelp string) {
	fs.StringVar(&f.engine, "engine", "auto", "engine: "+engines.Help())
	fs.StringVar(&f.profile, "profile", "", profileHelp)
}

func (f *engineFlags) resolve() (vm.Engine, error) {
	e, err := engines.ByName(f.engine)
	if err != nil {
		return nil, fmt.Errorf("--engine: %w", err)
	}
	return e, nil
}
