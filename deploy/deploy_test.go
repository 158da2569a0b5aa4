// Package deploy holds no code: it is the home of the deployment files
// (Kubernetes, Prometheus, Grafana, compose) and of the tests that check them,
// since no container engine runs where CI does.
package deploy

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"gopkg.in/yaml.v3"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm/isa"
)

// deployFiles returns every YAML and JSON file under deploy/.
func deployFiles(t *testing.T) (yamls, jsons []string) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".yml", ".yaml":
			yamls = append(yamls, path)
		case ".json":
			jsons = append(jsons, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return yamls, jsons
}

// yamlDocs parses every document of a YAML file.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []map[string]any
	dec := yaml.NewDecoder(f)
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if err == io.EOF {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
}

func TestFilesParse(t *testing.T) {
	yamls, jsons := deployFiles(t)
	if len(yamls) < 6 || len(jsons) < 1 {
		t.Fatalf("found %d YAML and %d JSON files; deploy/ should have the manifests, rules, compose and dashboard", len(yamls), len(jsons))
	}
	for _, p := range yamls {
		if len(yamlDocs(t, p)) == 0 {
			t.Errorf("%s: no YAML documents", p)
		}
	}
	for _, p := range jsons {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) {
			t.Errorf("%s: not valid JSON", p)
		}
	}
}

// get walks a parsed YAML document along a path of keys and list indices.
func get(v any, path ...any) (any, bool) {
	for _, k := range path {
		switch key := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[key]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || key >= len(l) {
				return nil, false
			}
			v = l[key]
		}
	}
	return v, true
}

// required lists, per kind, the fields an object must carry to be accepted
// by the API server (the ones without defaults).
var required = map[string][][]any{
	"Deployment": {
		{"metadata", "name"}, {"spec", "selector", "matchLabels"}, {"spec", "template", "metadata", "labels"},
		{"spec", "template", "spec", "containers", 0, "name"}, {"spec", "template", "spec", "containers", 0, "image"},
	},
	"Service":                 {{"metadata", "name"}, {"spec", "ports", 0, "port"}, {"spec", "selector"}},
	"PodDisruptionBudget":     {{"metadata", "name"}, {"spec", "selector", "matchLabels"}},
	"HorizontalPodAutoscaler": {{"metadata", "name"}, {"spec", "scaleTargetRef", "kind"}, {"spec", "scaleTargetRef", "name"}, {"spec", "maxReplicas"}},
}

func TestKubernetesObjects(t *testing.T) {
	kinds := map[string]int{}
	files, _ := filepath.Glob("kubernetes/*.yaml")
	for _, p := range files {
		for _, doc := range yamlDocs(t, p) {
			kind, _ := doc["kind"].(string)
			api, _ := doc["apiVersion"].(string)
			name, _ := get(doc, "metadata", "name")
			where := fmt.Sprintf("%s: %s %v", p, kind, name)
			if kind == "" || api == "" {
				t.Errorf("%s: an object without kind or apiVersion", p)
				continue
			}
			kinds[kind]++
			fields, known := required[kind]
			if !known {
				t.Errorf("%s: no checks for kind %s; add its required fields", where, kind)
			}
			for _, f := range fields {
				if _, ok := get(doc, f...); !ok {
					t.Errorf("%s: missing %v", where, f)
				}
			}
			switch kind {
			case "Deployment":
				checkDeployment(t, where, doc)
			case "Service":
				if ip, _ := get(doc, "spec", "clusterIP"); ip != "None" {
					t.Errorf("%s: the pool's Service must be headless (clusterIP: None) so clients balance long-lived streams", where)
				}
			case "PodDisruptionBudget":
				_, a := get(doc, "spec", "minAvailable")
				_, b := get(doc, "spec", "maxUnavailable")
				if a == b {
					t.Errorf("%s: needs exactly one of minAvailable and maxUnavailable", where)
				}
			}
		}
	}
	for _, k := range []string{"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in deploy/kubernetes", k)
		}
	}
}

// checkDeployment checks what makes a pvmd pod work: the selector matches
// the pod labels, and every pvmd container has probes, resources and a way
// to shut down gracefully.
func checkDeployment(t *testing.T, where string, doc map[string]any) {
	sel, _ := get(doc, "spec", "selector", "matchLabels")
	labels, _ := get(doc, "spec", "template", "metadata", "labels")
	for k, v := range sel.(map[string]any) {
		if l, _ := labels.(map[string]any); l[k] != v {
			t.Errorf("%s: selector %s=%v does not match the pod labels", where, k, v)
		}
	}
	podSpec, _ := get(doc, "spec", "template", "spec")
	var containers []any
	for _, field := range []string{"containers", "initContainers"} {
		if l, ok := get(podSpec, field); ok {
			containers = append(containers, l.([]any)...)
		}
	}
	found := false
	for _, c := range containers {
		if name, _ := get(c, "name"); name != "pvmd" {
			continue
		}
		found = true
		for _, probe := range []string{"readinessProbe", "livenessProbe"} {
			if _, ok := get(c, probe); !ok {
				t.Errorf("%s: pvmd has no %s", where, probe)
			}
		}
		if _, ok := get(c, "resources", "requests", "memory"); !ok {
			t.Errorf("%s: pvmd has no memory request", where)
		}
		args, _ := get(c, "args")
		if !strings.Contains(fmt.Sprint(args), "--shutdown-timeout") {
			t.Errorf("%s: pvmd should be given --shutdown-timeout", where)
		}
	}
	if !found {
		t.Errorf("%s: no container named pvmd", where)
	}
	if g, ok := get(podSpec, "terminationGracePeriodSeconds"); !ok || g.(int) < 30 {
		t.Errorf("%s: terminationGracePeriodSeconds %v leaves sessions no time to finish", where, g)
	}
}

var metricName = regexp.MustCompile(`\b(?:pvmd|grpc_server)_[a-z_]+\b`)

// referencedMetrics collects the metric names used in the alert rules and the
// dashboard.
func referencedMetrics(t *testing.T) map[string][]string {
	t.Helper()
	refs := map[string][]string{}
	add := func(where, expr string) {
		for _, m := range metricName.FindAllString(expr, -1) {
			refs[m] = append(refs[m], where)
		}
	}
	for _, doc := range yamlDocs(t, "prometheus/alerts.yml") {
		groups, _ := doc["groups"].([]any)
		for _, g := range groups {
			rules, _ := get(g, "rules")
			for _, r := range rules.([]any) {
				name, _ := get(r, "alert")
				expr, _ := get(r, "expr")
				add(fmt.Sprintf("alert %v", name), fmt.Sprint(expr))
			}
		}
	}
	data, err := os.ReadFile("grafana/pvmd-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatal(err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			add("panel "+p.Title, tg.Expr)
		}
	}
	return refs
}

var built struct {
	sync.Once
	path string
	err  error
}

// buildPvmd builds the binary the way the Dockerfile does (its RUN go build
// line, output redirected), once per test run, and returns its path.
func buildPvmd(t *testing.T) string {
	t.Helper()
	built.Do(func() { built.path, built.err = buildLikeDockerfile() })
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func buildLikeDockerfile() (string, error) {
	dockerfile, err := os.ReadFile("../Dockerfile")
	if err != nil {
		return "", err
	}
	var build string
	sc := bufio.NewScanner(bytes.NewReader(dockerfile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "RUN ") && strings.Contains(line, "go build") {
			build = strings.TrimPrefix(line, "RUN ")
		}
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "-o /out/pvmd") {
		return "", fmt.Errorf("the Dockerfile's build line %q should build /out/pvmd with CGO_ENABLED=0", build)
	}
	dir, err := os.MkdirTemp("", "pvmd-deploy-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "pvmd")
	cmd := exec.Command("sh", "-c", strings.Replace(build, "-o /out/pvmd", "-o "+bin, 1))
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", build, err, out)
	}
	return bin, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
	os.Exit(code)
}

func TestDockerBinaryIsStatic(t *testing.T) {
	bin := buildPvmd(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the image's binary is dynamically linked (program header %v)", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the image's binary needs %v", libs)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// daemon is a running pvmd.
type daemon struct {
	cmd                *exec.Cmd
	grpcAddr, httpAddr string
}

func startDaemon(t *testing.T, bin string) *daemon {
	t.Helper()
	d := &daemon{grpcAddr: freeAddr(t), httpAddr: freeAddr(t)}
	d.cmd = exec.Command(bin, "serve", "--listen", "tcp://"+d.grpcAddr, "--metrics-addr", d.httpAddr, "--log-level", "warn")
	d.cmd.Stderr = os.Stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.stop() })
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command(bin, "health", "--addr", "tcp://"+d.grpcAddr, "--timeout", "1s").Run() != nil {
		if time.Now().After(deadline) {
			t.Fatal("pvmd did not become healthy in 10s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return d
}

func (d *daemon) stop() {
	if d.cmd.ProcessState == nil {
		d.cmd.Process.Signal(os.Interrupt)
		d.cmd.Wait()
	}
}

// invokeOnce makes the daemon compile and run a program, so that every
// labelled metric has a child to export.
func invokeOnce(t *testing.T, addr string) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	blob := isa.NewAsm(isa.GP08).I(isa.Ins{Op: isa.LoadImm, A: 7, Imm: 1}, isa.Ins{Op: isa.Trap}).MustBlob()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := pb.NewPvmdServiceClient(conn).Invoke(ctx, &pb.InvokeRequest{Instance: &pb.Instantiate{
		Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: blob}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB},
		Gas:     1000,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetExited() == nil {
		t.Fatalf("invoke: %v", resp)
	}
}

// scrape returns the metric names a /metrics page has samples or metadata for.
func scrape(t *testing.T, addr string) map[string]bool {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	names := map[string]bool{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") {
			if f := strings.Fields(line); len(f) >= 3 {
				names[f[2]] = true
			}
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	return names
}

func TestMetricsInRulesAndDashboardExist(t *testing.T) {
	d := startDaemon(t, buildPvmd(t))
	invokeOnce(t, d.grpcAddr)
	exported := scrape(t, d.httpAddr)
	refs := referencedMetrics(t)
	if len(refs) < 10 {
		t.Fatalf("only %d metric names found in the rules and dashboard", len(refs))
	}
	var names []string
	for n := range refs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !exported[n] {
			t.Errorf("%s (used by %s) is not exported by pvmd", n, strings.Join(refs[n], ", "))
		}
	}
	// The metric list: each must be on the page.
	for _, n := range []string{"pvmd_gas_consumed_total", "pvmd_runs_total", "pvmd_host_calls_total",
		"pvmd_host_call_roundtrip_seconds", "pvmd_compile_seconds", "pvmd_code_cache_hits_total",
		"pvmd_code_cache_misses_total", "pvmd_code_cache_evictions_total", "pvmd_code_cache_bytes",
		"pvmd_sessions_active", "pvmd_instances_active", "pvmd_guest_memory_bytes", "grpc_server_handled_total"} {
		if !exported[n] {
			t.Errorf("pvmd does not export %s", n)
		}
	}
}

func TestHealthCommand(t *testing.T) {
	bin := buildPvmd(t)
	d := startDaemon(t, bin)
	if out, err := exec.Command(bin, "health", "--addr", "tcp://"+d.grpcAddr).CombinedOutput(); err != nil {
		t.Fatalf("pvmd health against a running daemon: %v\n%s", err, out)
	}
	d.stop()
	out, err := exec.Command(bin, "health", "--addr", "tcp://"+d.grpcAddr, "--timeout", "2s").CombinedOutput()
	if err == nil {
		t.Fatalf("pvmd health against a stopped daemon succeeded:\n%s", out)
	}
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() == 0 {
		t.Fatalf("pvmd health: %v", err)
	}
}
