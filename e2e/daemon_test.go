package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
)

// pvmdBin is the binary under test, built once by TestMain.
var pvmdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pvmd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pvmdBin = filepath.Join(dir, "pvmd")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	args := []string{"build", "-o", pvmdBin}
	if os.Getenv("PVMD_E2E_RACE") != "" { // run the daemon under the race detector
		args = append(args, "-race")
	}
	build := exec.Command(goTool, append(args, "github.com/pvmd/pvmd/cmd/pvmd")...)
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building pvmd: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// daemon is a running `pvmd serve`, listening on TCP and a unix socket.
type daemon struct {
	t       testing.TB
	cmd     *exec.Cmd
	tcp     string // host:port
	unix    string // socket path
	metrics string // http://host:port/metrics

	mu     sync.Mutex
	logs   []string
	exited chan struct{}
	err    error // Wait's result
}

// startDaemon starts pvmd serve with extra flags and waits until it serves.
// It is stopped (SIGTERM, and it must exit 0) when the test ends.
func startDaemon(t testing.TB, extra ...string) *daemon {
	t.Helper()
	dir := t.TempDir()
	d := &daemon{t: t, unix: filepath.Join(dir, "pvmd.sock"), exited: make(chan struct{})}
	args := append([]string{"serve",
		"--listen", "tcp://127.0.0.1:0", "--listen", "unix://" + d.unix,
		"--metrics-addr", "127.0.0.1:0", "--log-format", "json", "--shutdown-timeout", "5s",
	}, extra...)
	d.cmd = exec.Command(pvmdBin, args...)
	d.cmd.Env = append(os.Environ(), "GOTRACEBACK=all")
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go d.readLogs(stderr, ready)
	go func() { d.err = d.cmd.Wait(); close(d.exited) }()
	select {
	case <-ready:
	case <-d.exited:
		t.Fatalf("pvmd exited before serving: %v\n%s", d.err, d.logText())
	case <-time.After(20 * time.Second):
		d.cmd.Process.Kill()
		t.Fatalf("pvmd did not start serving\n%s", d.logText())
	}
	t.Cleanup(func() {
		if err := d.stop(); err != nil {
			t.Errorf("stopping pvmd: %v\n%s", err, d.logText())
		}
		if t.Failed() {
			t.Logf("pvmd log:\n%s", d.logText())
		}
	})
	return d
}

func (d *daemon) readLogs(r io.Reader, ready chan struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	signalled := false
	for sc.Scan() {
		line := sc.Text()
		d.mu.Lock()
		d.logs = append(d.logs, line)
		d.mu.Unlock()
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		switch {
		case rec.Msg == "listening" && strings.HasPrefix(rec.Addr, "tcp://"):
			d.tcp = strings.TrimPrefix(rec.Addr, "tcp://")
		case rec.Msg == "serving metrics":
			d.metrics = rec.Addr
		case rec.Msg == "pvmd serving" && !signalled:
			signalled = true
			close(ready)
		}
	}
}

func (d *daemon) logText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.logs, "\n")
}

// logsContaining returns the log lines that contain s.
func (d *daemon) logsContaining(s string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, l := range d.logs {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// stop sends SIGTERM and waits for a clean exit.
func (d *daemon) stop() error {
	select {
	case <-d.exited:
		return d.err
	default:
	}
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-d.exited:
		return d.err
	case <-time.After(20 * time.Second):
		d.cmd.Process.Kill()
		<-d.exited
		return fmt.Errorf("pvmd did not exit within 20s of SIGTERM")
	}
}

// target is the gRPC target for "tcp" or "unix".
func (d *daemon) target(network string) string {
	if network == "unix" {
		return "unix://" + d.unix
	}
	return d.tcp
}

// dial connects to the daemon over "tcp" or "unix".
func (d *daemon) dial(t testing.TB, network string) pb.PvmdServiceClient {
	t.Helper()
	conn := d.conn(t, network)
	return pb.NewPvmdServiceClient(conn)
}

func (d *daemon) conn(t testing.TB, network string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(d.target(network), grpc.WithTransportCredentials(insecure.NewCredentials()),
		// Fixed flow-control windows turn off BDP probing, whose pings
		// would otherwise ride along with every other host call.
		grpc.WithInitialWindowSize(4<<20), grpc.WithInitialConnWindowSize(16<<20),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20), grpc.MaxCallSendMsgSize(256<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// scrape reads /metrics.
func (d *daemon) scrape(t testing.TB) metrics {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.metrics, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return metrics(mfs)
}

// metrics are scraped metric families.
type metrics map[string]*dto.MetricFamily

// get sums the samples of name whose labels include the given pairs
// ("engine", "interpreter", ...). Histograms count their observations.
func (m metrics) get(name string, labels ...string) float64 {
	mf, ok := m[name]
	if !ok {
		return -1
	}
	var sum float64
next:
	for _, s := range mf.GetMetric() {
		have := map[string]string{}
		for _, lp := range s.GetLabel() {
			have[lp.GetName()] = lp.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case s.GetCounter() != nil:
			sum += s.GetCounter().GetValue()
		case s.GetGauge() != nil:
			sum += s.GetGauge().GetValue()
		case s.GetHistogram() != nil:
			sum += float64(s.GetHistogram().GetSampleCount())
		case s.GetUntyped() != nil:
			sum += s.GetUntyped().GetValue()
		}
	}
	return sum
}

// names lists the metric names (for failure messages).
func (m metrics) names() []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// waitMetric waits up to 10 s for cond on a fresh scrape.
func (d *daemon) waitMetric(t testing.TB, what string, cond func(metrics) bool) metrics {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := d.scrape(t)
		if cond(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
