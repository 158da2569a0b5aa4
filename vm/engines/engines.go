// Package engines chooses an engine by name: "interpreter", "recompiler", or
// "auto" (the fastest one this machine supports: the recompiler on
// linux/amd64, the interpreter elsewhere).
package engines

import (
	"fmt"
	"strings"

	"github.com/pvmd/pvmd/recompile"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
)

// all lists the engines this machine can run, fastest first: the
// recompiler where native code runs (linux/amd64), then the interpreter.
func all() []vm.Engine {
	if recompile.Supported() {
		return []vm.Engine{recompile.New(), interp.New()}
	}
	return []vm.Engine{interp.New()}
}

// Names lists the accepted engine names.
func Names() []string {
	names := []string{"auto"}
	for _, e := range all() {
		names = append(names, e.Name())
	}
	return names
}

// Help is a one-line description for flags.
func Help() string { return strings.Join(Names(), ", ") + " (auto picks the fastest available)" }

// ByName returns the named engine; "auto" and "" give the fastest.
func ByName(name string) (vm.Engine, error) {
	engines := all()
	if name == "" || name == "auto" {
		return engines[0], nil
	}
	for _, e := range engines {
		if e.Name() == name {
			return e, nil
		}
	}
	return nil, fmt.Errorf("unknown engine %q: want one of %s", name, strings.Join(Names(), ", "))
}
