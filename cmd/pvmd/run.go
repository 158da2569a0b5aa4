package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/vectors"
)

func init() {
	register("run", "run one flat vector file and print its outcome as JSON", runOne)
}

// runReport is the one JSON line `pvmd run` prints: the common harness shape
// of PVM implementations, so pvmd can be compared side by side with them.
type runReport struct {
	Status           string   `json:"status"`
	PC               uint32   `json:"pc"`
	Gas              int64    `json:"gas"`
	GasUsed          int64    `json:"gas_used"`
	Regs             []uint64 `json:"regs"`
	PageFaultAddress *uint32  `json:"page-fault-address"`
	MemFNV           string   `json:"mem_fnv"`
	Instructions     uint64   `json:"instructions"`
	ExecSeconds      float64  `json:"exec_s"`
}

func runOne(args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: pvmd run [--engine E] [--profile P] [--repeat N] FILE.json\n\n"+
			"Runs one flat vector (w3f schema) from its initial state and prints one JSON line:\n"+
			"status, pc, gas, gas_used, regs, page-fault-address, mem_fnv (FNV-1a 64 over the\n"+
			"initial-page-map regions), instructions, exec_s (best of N runs, decode and compile\n"+
			"included).\n\n")
		fs.PrintDefaults()
	}
	var ef engineFlags
	ef.register(fs, "profile NUMBERING[/GAS] (default: inferred from the file's vector set)")
	repeat := fs.Int("repeat", 1, "run N times and report the best time")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *repeat < 1 {
		fs.Usage()
		return 2
	}
	eng, err := ef.resolve()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd run:", err)
		return 2
	}
	f, err := vectors.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd run:", err)
		return 1
	}
	if f.Flat == nil {
		fmt.Fprintln(os.Stderr, "pvmd run: not a flat (w3f schema) vector:", fs.Arg(0))
		return 1
	}
	p := vectors.ProfileFor(f)
	if ef.profile != "" {
		if p, err = vm.ParseProfile(ef.profile); err != nil {
			fmt.Fprintln(os.Stderr, "pvmd run: --profile:", err)
			return 2
		}
	}
	var best time.Duration
	var report runReport
	for i := 0; i < *repeat; i++ {
		r, elapsed, err := runFlatOnce(f.Flat, eng, p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pvmd run:", err)
			return 1
		}
		if i == 0 || elapsed < best {
			best = elapsed
		}
		report = r
	}
	report.ExecSeconds = best.Seconds()
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
	return 0
}

func runFlatOnce(v *vectors.Flat, eng vm.Engine, p vm.Profile) (runReport, time.Duration, error) {
	start := time.Now()
	m, err := vectors.NewFlat(v, eng, p)
	if err != nil {
		return runReport{}, 0, err
	}
	defer m.Close()
	exit, err := m.Run(context.Background())
	elapsed := time.Since(start)
	if err != nil {
		return runReport{}, 0, err
	}
	st := m.State()
	r := runReport{
		Status:       exit.Status.String(),
		PC:           exit.PC,
		Gas:          st.Gas,
		GasUsed:      v.InitialGas - st.Gas,
		Regs:         append([]uint64(nil), st.Regs[:]...),
		MemFNV:       fmt.Sprintf("%016x", m.MemoryFNV(v.InitialPageMap)),
		Instructions: st.Instructions,
	}
	if exit.Status == vm.PageFault {
		addr := exit.FaultAddress
		r.PageFaultAddress = &addr
	}
	return r, elapsed, nil
}
