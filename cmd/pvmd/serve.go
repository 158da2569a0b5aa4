package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/pvmd/pvmd/server"
)

func init() {
	register("serve", "run the gRPC daemon (sessions, host calls, code cache, metrics)", runServe)
}

// envPrefix: every serve flag can be set as PVMD_<FLAG>, e.g. PVMD_MAX_SESSIONS.
const envPrefix = "PVMD_"

// listFlag is a flag that may be repeated (or comma-separated).
type listFlag struct {
	values []string
	set    bool
}

func (l *listFlag) String() string { return strings.Join(l.values, ",") }

func (l *listFlag) Set(s string) error {
	if !l.set { // the first explicit value replaces the default
		l.values, l.set = nil, true
	}
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			l.values = append(l.values, v)
		}
	}
	return nil
}

// byteSize is a flag holding a byte count, written as 123, 64KiB, 16MiB, 4GiB.
type byteSize uint64

func (b *byteSize) String() string { return formatBytes(uint64(*b)) }

func (b *byteSize) Set(s string) error {
	units := []struct {
		suffix string
		mult   uint64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	num, mult := strings.TrimSpace(s), uint64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	var n uint64
	if _, err := fmt.Sscanf(num, "%d", &n); err != nil || fmt.Sprint(n) != num {
		return fmt.Errorf("%q is not a byte size (e.g. 4096, 64KiB, 16MiB, 4GiB)", s)
	}
	*b = byteSize(n * mult)
	return nil
}

func formatBytes(n uint64) string {
	for _, u := range []struct {
		suffix string
		mult   uint64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return fmt.Sprintf("%d%s", n/u.mult, u.suffix)
		}
	}
	return fmt.Sprint(n)
}

// serveConfig is everything `pvmd serve` is configured with.
type serveConfig struct {
	listen          listFlag
	tlsCert, tlsKey string
	unixMode        string
	metricsAddr     string
	pprof           bool
	logLevel        string
	logFormat       string
	shutdownTimeout time.Duration
	cfg             server.Config

	maxMessage, instanceMemory, totalMemory, cacheBytes byteSize
}

func (c *serveConfig) flags(fs *flag.FlagSet) {
	d := server.DefaultConfig()
	c.cfg = d
	c.listen.values = []string{"tcp://127.0.0.1:50051"}
	fs.Var(&c.listen, "listen", "address to serve gRPC on: tcp://HOST:PORT or unix:///PATH (repeatable, or comma-separated)")
	fs.StringVar(&c.unixMode, "unix-mode", "0660", "permissions of unix sockets (octal): who may connect")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key, serve TLS")
	fs.StringVar(&c.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "127.0.0.1:9464", "HTTP address for /metrics (empty: no metrics endpoint)")
	fs.BoolVar(&c.pprof, "pprof", false, "also serve /debug/pprof/ on the metrics address")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGTERM, how long running sessions may take to finish before they are cut off")
	c.maxMessage = byteSize(d.MaxMessageBytes)
	fs.Var(&c.maxMessage, "max-message-bytes", "largest gRPC message (programs are sent in one)")
	fs.IntVar(&c.cfg.MaxSessions, "max-sessions", d.MaxSessions, "sessions open at once (0: no limit)")
	fs.IntVar(&c.cfg.MaxInstancesPerSession, "max-session-instances", d.MaxInstancesPerSession, "instances alive at once in one session (0: no limit)")
	fs.IntVar(&c.cfg.MaxInstances, "max-instances", d.MaxInstances, "instances alive at once in the server; each reserves 4 GiB of address space (0: no limit)")
	c.instanceMemory = byteSize(d.MaxGuestMemoryPerInstance)
	fs.Var(&c.instanceMemory, "max-instance-memory", "guest memory one instance may map (0: no limit)")
	c.totalMemory = byteSize(d.MaxGuestMemoryTotal)
	fs.Var(&c.totalMemory, "max-memory", "guest memory all instances together may map (0: no limit)")
	fs.Int64Var(&c.cfg.MaxGasPerRun, "max-gas", d.MaxGasPerRun, "most gas an instance may be given (0: no limit)")
	fs.IntVar(&c.cfg.MaxRangesPerInstance, "max-instance-ranges", d.MaxRangesPerInstance, "separate mapped memory ranges one instance may have (0: no limit)")
	fs.IntVar(&c.cfg.MaxMappings, "max-mappings", d.MaxMappings, "kernel memory mappings all instances may use, by estimate (default: 3/4 of vm.max_map_count; 0: no limit)")
	fs.DurationVar(&c.cfg.IdleSessionTimeout, "idle-timeout", d.IdleSessionTimeout, "close a session that sends nothing for this long (0: never)")
	c.cacheBytes = byteSize(d.CacheBytes)
	fs.Var(&c.cacheBytes, "cache-bytes", "size of the compiled-code cache")
}

// applyEnv sets every flag not given on the command line from PVMD_<FLAG>.
func applyEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		env := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := lookup(env); ok && !given[f.Name] {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	return errors.Join(errs...)
}

func runServe(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c serveConfig
	c.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: pvmd serve [flags]\n\n"+
			"Serves the pvmd.v1 gRPC API (plus grpc.health.v1 and reflection) until SIGTERM or\n"+
			"SIGINT, then stops accepting, lets sessions finish for --shutdown-timeout and exits.\n"+
			"Every flag can also be set as %s<FLAG> (e.g. PVMD_MAX_SESSIONS=64,\n"+
			"PVMD_LISTEN=unix:///run/pvmd/pvmd.sock); a flag on the command line wins.\n\n", envPrefix)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "pvmd serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := applyEnv(fs, os.LookupEnv); err != nil {
		fmt.Fprintln(os.Stderr, "pvmd serve:", err)
		return 2
	}
	log, err := newLogger(os.Stderr, c.logLevel, c.logFormat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd serve:", err)
		return 2
	}
	if err := serve(context.Background(), &c, log); err != nil {
		log.Error("pvmd serve failed", "err", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", format)
}

// pvmdVersion is the module version the binary was built from.
func pvmdVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// dialTarget turns an address flag (tcp://HOST:PORT, HOST:PORT or
// unix:///PATH) into a gRPC dial target.
func dialTarget(addr string) (string, error) {
	network, address, err := parseAddr(addr)
	if err != nil {
		return "", err
	}
	if network == "unix" {
		return "unix://" + address, nil
	}
	return address, nil
}

// parseAddr splits tcp://HOST:PORT, unix:///PATH or HOST:PORT into a network
// and an address.
func parseAddr(s string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(s, "unix://"):
		addr = strings.TrimPrefix(s, "unix://")
		if !strings.HasPrefix(addr, "/") && !strings.HasPrefix(addr, "@") {
			return "", "", fmt.Errorf("%q: a unix socket needs an absolute path (unix:///run/pvmd/pvmd.sock)", s)
		}
		return "unix", addr, nil
	case strings.HasPrefix(s, "tcp://"):
		s = strings.TrimPrefix(s, "tcp://")
	case strings.Contains(s, "://"):
		return "", "", fmt.Errorf("%q: want tcp://HOST:PORT or unix:///PATH", s)
	}
	if _, _, err := net.SplitHostPort(s); err != nil {
		return "", "", fmt.Errorf("%q: %v", s, err)
	}
	return "tcp", s, nil
}

func listen(spec string, unixMode os.FileMode) (net.Listener, string, error) {
	network, addr, err := parseAddr(spec)
	if err != nil {
		return nil, "", err
	}
	if network == "unix" && !strings.HasPrefix(addr, "@") {
		if err := os.MkdirAll(filepath.Dir(addr), 0o755); err != nil {
			return nil, "", err
		}
		// A socket left behind by a previous run would make Listen fail.
		if fi, err := os.Lstat(addr); err == nil && fi.Mode()&os.ModeSocket != 0 {
			if conn, err := net.Dial("unix", addr); err == nil {
				conn.Close()
				return nil, "", fmt.Errorf("%s: another server is listening there", addr)
			}
			os.Remove(addr)
		}
	}
	lis, err := net.Listen(network, addr)
	if err != nil {
		return nil, "", err
	}
	if network == "unix" {
		if !strings.HasPrefix(addr, "@") {
			if err := os.Chmod(addr, unixMode); err != nil {
				lis.Close()
				return nil, "", err
			}
		}
		return lis, "unix://" + addr, nil
	}
	return lis, "tcp://" + lis.Addr().String(), nil
}

// serve runs the daemon until ctx ends or a signal arrives.
func serve(ctx context.Context, c *serveConfig, log *slog.Logger) error {
	// From the start, so that a SIGTERM right after "pvmd serving" is logged
	// still stops us gracefully.
	sigCtx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	cfg := c.cfg
	cfg.MaxMessageBytes = int(c.maxMessage)
	cfg.MaxGuestMemoryPerInstance = uint64(c.instanceMemory)
	cfg.MaxGuestMemoryTotal = uint64(c.totalMemory)
	cfg.CacheBytes = int64(c.cacheBytes)
	cfg.Version = pvmdVersion()
	cfg.Logger = log
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()

	var opts []grpc.ServerOption
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return fmt.Errorf("--tls-cert and --tls-key go together")
	}
	if c.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey)
		if err != nil {
			return fmt.Errorf("TLS: %w", err)
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})))
	}
	if len(c.listen.values) == 0 {
		return fmt.Errorf("--listen: no address")
	}
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	mode, err := strconv.ParseUint(c.unixMode, 8, 32)
	if err != nil || mode > 0o777 {
		return fmt.Errorf("--unix-mode: %q is not an octal permission like 0660", c.unixMode)
	}
	var names []string
	for _, spec := range c.listen.values {
		lis, name, err := listen(spec, os.FileMode(mode))
		if err != nil {
			return fmt.Errorf("--listen %s: %w", spec, err)
		}
		listeners = append(listeners, lis)
		names = append(names, name)
	}

	var metricsSrv *http.Server
	if c.metricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(srv.Registry(), promhttp.HandlerOpts{Registry: srv.Registry()}))
		if c.pprof {
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
			mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		}
		lis, err := net.Listen("tcp", c.metricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go metricsSrv.Serve(lis)
		log.Info("serving metrics", "addr", "http://"+lis.Addr().String()+"/metrics", "pprof", c.pprof)
	}

	gs := srv.NewGRPCServer(opts...)
	errc := make(chan error, len(listeners))
	for i, lis := range listeners {
		log.Info("listening", "addr", names[i], "tls", c.tlsCert != "")
		go func() { errc <- gs.Serve(lis) }()
	}
	log.Info("pvmd serving", "version", cfg.Version, "engines", strings.Join(srv.EngineNames(), ","),
		"max_sessions", cfg.MaxSessions, "max_gas", cfg.MaxGasPerRun, "cache_bytes", cfg.CacheBytes)

	var serveErr error
	select {
	case <-sigCtx.Done():
		log.Info("shutting down: no new sessions; waiting for open ones", "timeout", c.shutdownTimeout)
	case serveErr = <-errc:
		log.Error("gRPC server stopped", "err", serveErr)
	}
	srv.Shutdown()
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(c.shutdownTimeout):
		log.Warn("sessions still open after the shutdown timeout; cutting them off")
		gs.Stop()
		<-stopped
	}
	if metricsSrv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		metricsSrv.Shutdown(sctx)
		cancel()
	}
	log.Info("pvmd stopped")
	return serveErr
}
