package recompile

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
)

// FuzzDifferential runs generated programs (fuzzgen_test.go) on the
// interpreter and the recompiler from identical states and requires them to
// agree at every exit: status, pc, fault address, host id, registers, gas,
// instruction count, heap top, PC() and the memory of every page either
// could have changed. Between runs it answers as an embedder would, the same
// way for both: host calls change a register (and sometimes gas, memory
// contents or page permissions), page faults get their page mapped, out of
// gas gets more gas, and halts and panics restart somewhere. Everything is
// bounded by gas and a step count, so each input runs in milliseconds.
//
//	go test ./recompile -run '^$' -fuzz FuzzDifferential -fuzztime 5m -parallel 1
func FuzzDifferential(f *testing.F) {
	if !Supported() {
		f.Skip("recompiler not supported here")
	}
	for _, s := range fzSeeds {
		f.Add(fzSeedBytes(s.k, s.profile))
	}
	fzLimitMinimization()
	f.Fuzz(func(t *testing.T, data []byte) {
		fzCheck(t, data, nil)
	})
}

// fzLimitMinimization makes the fuzzer spend at most 100 runs (not the
// default minute) minimizing each input, unless -fuzzminimizetime is given.
// Go minimizes every input that finds new coverage, with up to n²/2 runs for
// n bytes; at a fraction of a millisecond per run, most minimizations would
// take the full minute, and a five-minute run would do little else. (Failures
// are reported with a disassembly of the program, so they need no
// minimization to be read.)
func fzLimitMinimization() {
	const name = "test.fuzzminimizetime"
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	if fl := flag.Lookup(name); fl != nil && !set {
		_ = fl.Value.Set("100x")
	}
}

// fzSeeds are pseudo-random inputs picked (by TestFuzzSeedCoverage with
// FUZZ_PICK_SEEDS=1) to cover every feature fzRequired lists.
var fzSeeds = []struct {
	k       int64
	profile int
}{
	{1618, 2}, {2263, 7}, {1700, 4}, {2859, 3}, {972, 4}, {58, 2}, {325, 5}, {662, 6}, {1489, 1}, {715, 3}, {2984, 0}, {2313, 1},
	{1280, 0}, {2563, 3}, {2922, 2}, {2575, 7}, {148, 4}, {313, 1}, {168, 0}, {250, 2}, {1875, 3}, {229, 5}, {28, 4}, {1214, 6},
	{1829, 5}, {2306, 2}, {977, 1}, {130, 2}, {452, 4}, {574, 6},
}

// fzCheck generates the scenario of data and runs it on both engines.
// features, when not nil, collects what the generator and the run covered.
//
// FUZZ_DESCRIBE=1 prints each scenario to stderr before it runs, for inputs
// that crash the process (go test -run=FuzzDifferential/NAME).
func fzCheck(t testing.TB, data []byte, features map[string]bool) {
	sc := fzGenerate(data, features)
	if os.Getenv("FUZZ_DESCRIBE") != "" {
		fmt.Fprintf(os.Stderr, "%s\n", fzDescribe(sc))
	}
	r := &fzRunner{t: t, sc: sc, features: features}
	defer func() {
		if partBytes != r.savedParts {
			partBytes = r.savedParts
		}
	}()
	r.run()
}

// fzVariantName says which recompiler a variant byte picks.
func fzVariantName(v byte) string {
	var s string
	switch v & 7 {
	case 3:
		s = "memory bases in the frame"
	case 4:
		s = "bases in the most used registers"
	case 5:
		s = "portable (no LZCNT/TZCNT/POPCNT/BMI2)"
	case 6:
		s = fmt.Sprintf("features %+v", fzEngine(v).feat)
		if v&0x78 == 0 {
			s = "some features"
		}
	case 7:
		s = "count slot"
	default:
		s = "New()"
	}
	if v&0x80 != 0 {
		s += ", compiled in parts"
	}
	return s
}

func fzEngine(v byte) Engine {
	e := Engine{feat: hostFeatures()}
	switch v & 7 {
	case 3:
		e.frameBases = true
	case 4:
		e.lendMost = true
	case 5:
		e.feat = features{}
	case 6:
		e.feat.lzcnt = e.feat.lzcnt && v&8 != 0
		e.feat.tzcnt = e.feat.tzcnt && v&16 != 0
		e.feat.popcnt = e.feat.popcnt && v&32 != 0
		e.feat.bmi2 = e.feat.bmi2 && v&64 != 0
	case 7:
		e.countSlot = true
	}
	return e
}

type fzMachine struct {
	inst vm.Instance
	mem  *memory.Memory
	c    vm.Compiled
}

func (m *fzMachine) close() {
	if m.inst != nil {
		m.inst.Close()
	} else if m.mem != nil {
		m.mem.Close()
	}
	if m.c != nil {
		m.c.Release()
	}
}

type fzRunner struct {
	t          testing.TB
	sc         *fzScenario
	features   map[string]bool
	savedParts int
	want, got  *fzMachine
	log        []string
	known      map[uint32]bool // pages the embedder mapped or changed
	rs         *fzGen          // the embedder's choices (the back of the input)
	heapLo     uint32
}

func (r *fzRunner) note(f string) {
	if r.features != nil {
		r.features[f] = true
	}
}

func (r *fzRunner) logf(format string, args ...any) {
	r.log = append(r.log, fmt.Sprintf(format, args...))
}

func (r *fzRunner) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s\n%s\nsteps:\n  %s", fmt.Sprintf(format, args...), fzDescribe(r.sc), strings.Join(r.log, "\n  "))
}

func (r *fzRunner) machine(eng vm.Engine) *fzMachine {
	sc := r.sc
	m := &fzMachine{}
	c, err := eng.Compile(sc.cb, sc.profile)
	if err != nil {
		r.t.Fatalf("%s: compile: %v", eng.Name(), err)
	}
	m.c = c
	if m.mem, err = memory.New(); err != nil {
		r.t.Fatal(err)
	}
	fill := bytes.Repeat(sc.fill, memory.PageSize/len(sc.fill)+1)[:memory.PageSize]
	for _, p := range sc.pages {
		if err := m.mem.SetAccess(p.addr, memory.PageSize, p.access); err != nil {
			r.t.Fatal(err)
		}
		if err := m.mem.Load(p.addr, fill); err != nil {
			r.t.Fatal(err)
		}
	}
	m.inst = c.Instantiate(m.mem, sc.pc)
	st := m.inst.State()
	st.Regs, st.Gas, st.HeapTop = sc.regs, sc.gas, sc.heapTop
	return m
}

func (r *fzRunner) run() {
	sc := r.sc
	r.savedParts = partBytes
	if sc.variant&0x80 != 0 {
		partBytes = 16 // cut even these small programs into parts
	}
	r.note("variant/" + fzVariantName(sc.variant&0x87))
	r.note("profile/" + sc.profile.String())
	r.want = r.machine(interp.New())
	defer r.want.close()
	r.got = r.machine(fzEngine(sc.variant))
	defer r.got.close()
	partBytes = r.savedParts
	if c, ok := r.got.c.(*compiled); ok && c.split > 0 {
		r.note("loop/split")
	}

	// The embedder reads what the generator left of the input, from the back.
	rest := append([]byte(nil), sc.src.b[sc.src.i:sc.src.j]...)
	for i, j := 0, len(rest)-1; i < j; i, j = i+1, j-1 {
		rest[i], rest[j] = rest[j], rest[i]
	}
	r.rs = &fzGen{s: newFzSource(rest), sc: sc}
	r.known = map[uint32]bool{}
	for _, p := range sc.pages {
		r.known[p.addr] = true
	}
	r.heapLo = uint32(min(uint64(sc.heapTop)+memory.PageSize-1, 1<<32-1) &^ (memory.PageSize - 1))

	ctx := context.Background()
	both := []*fzMachine{r.want, r.got}
	r.compare(-1, vm.Exit{})
	for step := 0; step < 24; step++ {
		we, werr := r.want.inst.Run(ctx)
		ge, gerr := r.got.inst.Run(ctx)
		if werr != nil || gerr != nil {
			r.fail("step %d: run errors: recompiler %v, interpreter %v", step, gerr, werr)
		}
		r.logf("step %d: %v", step, we)
		if ge != we {
			r.fail("step %d: exit %v, interpreter %v\n got %s\nwant %s", step, ge, we, fzStateOf(r.got), fzStateOf(r.want))
		}
		r.note("exit/" + we.Status.String())
		r.note("exit/" + we.Status.String() + "/" + sc.profile.String())
		r.compare(step, we)
		st := r.want.inst.State()
		if st.HeapTop != sc.heapTop {
			r.note("sbrk/grew")
		}

		rs := r.rs.s
		x := rs.u8()
		switch we.Status {
		case vm.HostCall:
			r.note("resume/host")
			reg, v := rs.n(13), r.rs.val()
			for _, m := range both {
				m.inst.State().Regs[reg] = v
			}
			r.logf("  answer: r%d = %#x", reg, v)
			if x&3 == 1 {
				g := []int64{-1, -5, 10, 100, -1 << 40, 1000}[rs.n(6)]
				for _, m := range both {
					m.inst.State().Gas = max(m.inst.State().Gas+r.gas(g), 0)
				}
				r.logf("  answer: gas %+d", g)
			}
			if x&4 != 0 {
				r.poke()
			}
			if x&8 != 0 {
				r.remap()
			}
			if x&0x30 == 0x30 {
				r.setPC()
			}
		case vm.PageFault:
			if we.FaultAddress < memory.LowLimit || x&0x30 == 0x30 {
				// an access wrapping past 4 GiB (nothing to map), or a restart
				if x&1 == 0 {
					r.finish()
					return
				}
				r.setPC()
				continue
			}
			r.note("resume/fault")
			acc := memory.ReadWrite
			if x&3 == 3 {
				acc = memory.ReadOnly
			}
			r.setAccess(we.FaultAddress, acc)
		case vm.OutOfGas:
			g := []int64{1, 2, 3, 5, 10, 25, 100, 1000, 10000, 0}[rs.n(10)]
			for _, m := range both {
				m.inst.State().Gas += r.gas(g)
			}
			r.logf("  add gas %d", g)
			r.note("resume/oog")
			if x&0x30 == 0x30 {
				r.setPC()
			}
		default: // halt, panic: the run is over; perhaps start again
			switch x & 3 {
			case 0:
				r.finish()
				return
			case 1:
				r.logf("  run again")
			default:
				r.setPC()
				if x&4 != 0 {
					g := []int64{10, 100, 1000, 10000}[rs.n(4)]
					for _, m := range both {
						m.inst.State().Gas += r.gas(g)
					}
					r.logf("  add gas %d", g)
				}
			}
		}
	}
	r.finish()
}

// gas is what the embedder gives instead of g.
func (r *fzRunner) gas(g int64) int64 {
	if r.sc.sbrk {
		return min(g, fzSbrkGas/2)
	}
	return g
}

// setPC restarts both machines at a chosen pc.
func (r *fzRunner) setPC() {
	pc := fzPickPC(r.rs.s.u8, r.sc)
	r.want.inst.SetPC(pc)
	r.got.inst.SetPC(pc)
	r.logf("  SetPC(%d)", pc)
	r.note("setpc")
	if g, w := r.got.inst.PC(), r.want.inst.PC(); g != w {
		r.fail("after SetPC(%d): PC() %d, interpreter %d", pc, g, w)
	}
}

// pageChoice is a page the embedder touches: a known one, the heap's, or
// one near a page address the generator likes.
func (r *fzRunner) pageChoice() uint32 {
	s := r.rs.s
	switch s.n(3) {
	case 0:
		if len(r.sc.pages) > 0 {
			return r.sc.pages[s.n(len(r.sc.pages))].addr
		}
	case 1:
		if top := r.want.inst.State().HeapTop; top > r.heapLo {
			return r.heapLo + uint32(s.n(int(min((top-r.heapLo+memory.PageSize-1)>>12, 256))))<<12
		}
	}
	a := uint64(r.rs.pageAddr()) + uint64(s.n(4))*memory.PageSize
	if a >= 1<<32 || a < memory.LowLimit {
		a = 0x20000
	}
	return uint32(a)
}

// poke writes a few bytes into a mapped page, as a host call would.
func (r *fzRunner) poke() {
	p := r.pageChoice()
	if r.want.mem.PageAccess(p) == memory.None {
		return
	}
	n := 1 + r.rs.s.n(8)
	off := uint32(r.rs.s.u16()) % (memory.PageSize - uint32(n) + 1)
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = r.rs.s.u8()
	}
	for _, m := range []*fzMachine{r.want, r.got} {
		if err := m.mem.Load(p+off, buf); err != nil {
			r.t.Fatal(err)
		}
	}
	r.known[p] = true
	r.logf("  answer: write % x at %#x", buf, p+off)
	r.note("host/poke")
}

// remap changes a page's access (unmapping it too), as a host could.
func (r *fzRunner) remap() {
	p := r.pageChoice()
	acc := []memory.Access{memory.None, memory.ReadOnly, memory.ReadWrite}[r.rs.s.n(3)]
	r.setAccess(p, acc)
	r.note("host/remap")
}

func (r *fzRunner) setAccess(p uint32, acc memory.Access) {
	for _, m := range []*fzMachine{r.want, r.got} {
		if err := m.mem.SetAccess(p, memory.PageSize, acc); err != nil {
			r.t.Fatal(err)
		}
	}
	r.known[p] = true
	r.logf("  map %#x %v", p, acc)
}

func fzStateOf(m *fzMachine) string {
	st := m.inst.State()
	return fmt.Sprintf("pc %d regs %#x gas %d instructions %d heap %#x", m.inst.PC(), st.Regs, st.Gas, st.Instructions, st.HeapTop)
}

// compare checks the machine states after step's exit.
func (r *fzRunner) compare(step int, e vm.Exit) {
	if g, w := fzStateOf(r.got), fzStateOf(r.want); g != w {
		r.fail("step %d (%v): state\n got %s\nwant %s", step, e, g, w)
	}
	if d := r.memDiff(false); d != "" {
		r.fail("step %d (%v): memory: %s", step, e, d)
	}
}

// memDiff compares the pages either engine could have changed: every page
// the embedder mapped, and the heap sbrk grew. Of a heap over 4 MiB (which
// the generator avoids), only the first and last pages are compared at every
// step; finish compares the rest where either process has touched it.
func (r *fzRunner) memDiff(all bool) string {
	a, b := r.got.mem, r.want.mem
	if a.MappedBytes() != b.MappedBytes() {
		return fmt.Sprintf("%d bytes mapped, interpreter %d", a.MappedBytes(), b.MappedBytes())
	}
	da, pa := a.Raw()
	db, pb := b.Raw()
	for p := range r.known {
		if d := fzPageDiff(p, da, pa, db, pb); d != "" {
			return d
		}
	}
	top := uint32(min(uint64(r.want.inst.State().HeapTop)+memory.PageSize-1, 1<<32-1) &^ (memory.PageSize - 1))
	if top <= r.heapLo {
		return ""
	}
	lo, hi := r.heapLo>>12, top>>12
	for p := lo; p < hi; p++ {
		if pa[p] != pb[p] {
			return fmt.Sprintf("heap page %#x: access %v, interpreter %v", p<<12, pa[p], pb[p])
		}
	}
	if hi-lo <= 1024 || !all {
		for p := lo; p < hi; p++ {
			if p == lo+32 && hi-lo > 1024 {
				p = hi - 32
			}
			if d := fzPageDiff(p<<12, da, pa, db, pb); d != "" {
				return d
			}
		}
		return ""
	}
	// Where neither process has touched the heap, it reads as zero in both.
	for p := lo; p < hi; {
		if pa[p] == memory.None {
			p++
			continue
		}
		q := p
		for q < hi && pa[q] != memory.None {
			q++
		}
		lo, hi := uint64(p)<<12, uint64(q)<<12
		ra, rb := resident(da[lo:hi]), resident(db[lo:hi])
		for k := range ra {
			if ra[k]&1 != 0 || rb[k]&1 != 0 {
				if d := fzPageDiff((p+uint32(k))<<12, da, pa, db, pb); d != "" {
					return d
				}
			}
		}
		p = q
	}
	return ""
}

func fzPageDiff(p uint32, da *memory.Data, pa *memory.PermTable, db *memory.Data, pb *memory.PermTable) string {
	if pa[p>>12] != pb[p>>12] {
		return fmt.Sprintf("page %#x: access %v, interpreter %v", p, pa[p>>12], pb[p>>12])
	}
	if pa[p>>12] == memory.None {
		return ""
	}
	o := uint64(p)
	x, y := da[o:o+memory.PageSize], db[o:o+memory.PageSize]
	if !bytes.Equal(x, y) {
		for i := range x {
			if x[i] != y[i] {
				return fmt.Sprintf("page %#x differs first at %#x: %#x, interpreter %#x", p, p+uint32(i), x[i], y[i])
			}
		}
	}
	return ""
}

// finish compares the whole heap once the run is over.
func (r *fzRunner) finish() {
	if d := r.memDiff(true); d != "" {
		r.fail("at the end: memory: %s", d)
	}
}

// fzRequired are the features the seed corpus must cover.
func fzRequired() []string {
	req := []string{
		"exit/halt", "exit/panic", "exit/out-of-gas", "exit/page-fault", "exit/host",
		"resume/host", "resume/fault", "resume/oog", "setpc", "host/poke", "host/remap", "sbrk/grew",
		"mem/shared", "mem/setup", "djump/valid", "djump/halt", "djump/high", "sbrk", "junk/start", "junk/extend",
		"target/any", "jt/wild", "mask/flip", "gas/large", "loop", "palette", "target/wild", "loop/affine", "loop/split",
	}
	for _, p := range fzProfiles {
		req = append(req, "profile/"+p.String())
		for st := vm.Halt; st <= vm.HostCall; st++ {
			req = append(req, "exit/"+st.String()+"/"+p.String())
		}
	}
	for _, v := range []byte{0, 5, 6, 7, 0x80} {
		req = append(req, "variant/"+fzVariantName(v))
	}
	for _, num := range []isa.Numbering{isa.GP08, isa.GP07, isa.Latest64} {
		for op := isa.Op(0); op < isa.NumOps; op++ {
			if _, ok := num.Byte(op); ok {
				req = append(req, "op/"+num.String()+"/"+op.String())
			}
		}
	}
	return req
}

// TestFuzzSeedCoverage checks that the seeds of FuzzDifferential cover
// every feature of fzRequired. With FUZZ_PICK_SEEDS=1 it picks new seeds
// greedily from pseudo-random inputs instead and prints them.
func TestFuzzSeedCoverage(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	req := fzRequired()
	if os.Getenv("FUZZ_PICK_SEEDS") != "" {
		// Greedy set cover over a pool of pseudo-random inputs.
		var pool []map[string]bool
		for k := int64(0); k < 3000; k++ {
			f := map[string]bool{}
			fzCheck(t, fzSeedBytes(k, int(k%int64(len(fzProfiles)))), f)
			pool = append(pool, f)
		}
		have := map[string]bool{}
		var picked []string
		for {
			best, gain := -1, 0
			for k, f := range pool {
				n := 0
				for _, r := range req {
					if f[r] && !have[r] {
						n++
					}
				}
				if n > gain {
					best, gain = k, n
				}
			}
			if best < 0 {
				break
			}
			for r := range pool[best] {
				have[r] = true
			}
			picked = append(picked, fmt.Sprintf("{%d, %d},", best, best%len(fzProfiles)))
		}
		t.Logf("%d seeds:\n%s", len(picked), strings.Join(picked, " "))
		for _, r := range req {
			if !have[r] {
				t.Errorf("no input covers %s", r)
			}
		}
		return
	}
	features := map[string]bool{}
	for _, s := range fzSeeds {
		fzCheck(t, fzSeedBytes(s.k, s.profile), features)
	}
	for _, r := range req {
		if !features[r] {
			t.Errorf("the seeds do not cover %s", r)
		}
	}
}

// TestFuzzPickCorpus copies a covering selection of a fuzzing cache into
// testdata (FUZZ_PICK_CORPUS=$(go env GOCACHE)/fuzz/github.com/pvmd/pvmd/recompile/FuzzDifferential):
// greedily, the inputs that add the most features, then every hundredth.
func TestFuzzPickCorpus(t *testing.T) {
	dir := os.Getenv("FUZZ_PICK_CORPUS")
	if dir == "" || !Supported() {
		t.Skip("FUZZ_PICK_CORPUS not set")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	type input struct {
		name string
		file []byte
		f    map[string]bool
	}
	var pool []input
	for _, e := range ents {
		b, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
			continue
		}
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatal(err)
		}
		f := map[string]bool{}
		fzCheck(t, []byte(data), f)
		pool = append(pool, input{e.Name(), b, f})
	}
	picked := map[int]bool{}
	have := map[string]bool{}
	for {
		best, gain := -1, 0
		for k, in := range pool {
			n := 0
			for f := range in.f {
				if !have[f] {
					n++
				}
			}
			if n > gain {
				best, gain = k, n
			}
		}
		if best < 0 {
			break
		}
		picked[best] = true
		for f := range pool[best].f {
			have[f] = true
		}
	}
	for k := 0; k < len(pool); k += 100 {
		picked[k] = true
	}
	out := "testdata/fuzz/FuzzDifferential"
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for k := range picked {
		if err := os.WriteFile(out+"/"+pool[k].name, pool[k].file, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of %d inputs cover %d features", len(picked), len(pool), len(have))
}
