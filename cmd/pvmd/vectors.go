package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/vectors"
)

func init() {
	register("vectors", "run conformance vector files and report what differs", runVectors)
}

func runVectors(args []string) int {
	fs := flag.NewFlagSet("vectors", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: pvmd vectors [--engine E] [--profile P] [-v] PATH...\n\n"+
			"Runs vector files (flat w3f schema or the gas-cost-model step schema; a directory\n"+
			"means its *.json files), prints one line per failing case and closes with\n"+
			"'N passed, M failed'. Exit status 1 when anything failed.\n\n")
		fs.PrintDefaults()
	}
	var ef engineFlags
	ef.register(fs, "profile NUMBERING[/GAS] (default: inferred per file from its vector set)")
	verbose := fs.Bool("v", false, "also print passing cases")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	eng, err := ef.resolve()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd vectors:", err)
		return 2
	}
	var fixed *vm.Profile
	if ef.profile != "" {
		p, err := vm.ParseProfile(ef.profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pvmd vectors: --profile:", err)
			return 2
		}
		fixed = &p
	}
	files, err := vectors.Expand(fs.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd vectors:", err)
		return 2
	}
	passed, failed, diverged := 0, 0, 0
	for _, path := range files {
		f, err := vectors.Load(path)
		if err != nil {
			fmt.Printf("FAIL %s: %v\n", path, err)
			failed++
			continue
		}
		p := vectors.ProfileFor(f)
		if fixed != nil {
			p = *fixed
		}
		res := vectors.Run(f, eng, p)
		switch {
		case res.Divergence != "":
			diverged++
			fmt.Printf("KNOWN DIVERGENCE %s: %s\n", res.Name, res.Divergence)
		case res.Passed():
			passed++
			if *verbose {
				fmt.Printf("ok %s\n", res.Name)
			}
		default:
			failed++
			fmt.Printf("FAIL %s (%s, %s): %s\n", res.Name, path, p, strings.Join(res.Diffs, "; "))
		}
	}
	if diverged > 0 {
		fmt.Printf("%d known divergences (not counted as passed)\n", diverged)
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
