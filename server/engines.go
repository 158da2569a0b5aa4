package server

import (
	"fmt"
	"strings"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/engines"
)

// Engine selection lives in this file alone.

// buildEngines lists every engine this build has, fastest first.
func buildEngines() []vm.Engine {
	var out []vm.Engine
	for _, name := range engines.Names() {
		if name == "auto" {
			continue
		}
		if e, err := engines.ByName(name); err == nil {
			out = append(out, e)
		}
	}
	return out
}

// autoEngine is the engine ENGINE_AUTO picks for a profile: the fastest
// one offered. Extend it here when an engine does not suit some profile.
func autoEngine(offered []vm.Engine, _ vm.Profile) vm.Engine { return offered[0] }

// engineNames maps the API's engine values to engine names.
var engineNames = map[pb.Engine]string{
	pb.Engine_ENGINE_INTERPRETER: "interpreter",
	pb.Engine_ENGINE_RECOMPILER:  "recompiler",
}

// resolveEngine returns the engine a request asks for.
func (s *Server) resolveEngine(want pb.Engine, p vm.Profile, path string) (vm.Engine, error) {
	if want == pb.Engine_ENGINE_UNSPECIFIED || want == pb.Engine_ENGINE_AUTO {
		return autoEngine(s.engines, p), nil
	}
	name, ok := engineNames[want]
	if !ok {
		return nil, invalid(path, "unknown engine %d", want)
	}
	for _, e := range s.engines {
		if e.Name() == name {
			return e, nil
		}
	}
	return nil, precondition(path, "engine %q is not available on this server (it has %s)", name, strings.Join(s.engineNameList(), ", "))
}

// EngineNames lists the server's engines, fastest first.
func (s *Server) EngineNames() []string { return s.engineNameList() }

func (s *Server) engineNameList() []string {
	names := make([]string, len(s.engines))
	for i, e := range s.engines {
		names[i] = e.Name()
	}
	return names
}

func checkEngines(es []vm.Engine) error {
	if len(es) == 0 {
		return fmt.Errorf("no engines")
	}
	return nil
}
