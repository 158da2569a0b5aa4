// Package server implements the pvmd.v1 gRPC API: sessions in which clients
// run PVM instances and answer their host calls, one-shot invocations, the
// code cache and the metrics.
package server

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/pvmd/pvmd/cache"
	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/program"
)

// Server is the pvmd service. Create it with New, serve it with
// NewGRPCServer, and Close it after the gRPC server has stopped.
type Server struct {
	pb.UnimplementedPvmdServiceServer

	cfg        Config
	log        *slog.Logger
	cache      *cache.Cache
	engines    []vm.Engine
	registry   *prometheus.Registry
	metrics    *metrics
	grpcMetric *grpcprom.ServerMetrics
	health     *health.Server

	sessions    atomic.Int64
	instances   atomic.Int64
	guestMemory atomic.Int64
	mappings    atomic.Int64 // estimated kernel mappings of all instances
	nextSession atomic.Uint64
}

// New creates a server.
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Engines == nil {
		cfg.Engines = buildEngines()
	}
	if err := checkEngines(cfg.Engines); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		cache:    cache.New(cfg.CacheBytes),
		engines:  cfg.Engines,
		registry: cfg.Registry,
		health:   health.NewServer(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
		registerRuntime(s.registry)
	}
	s.metrics = newMetrics(s.registry, s.cache, gauges{
		sessions:    func() float64 { return float64(s.sessions.Load()) },
		instances:   func() float64 { return float64(s.instances.Load()) },
		guestMemory: func() float64 { return float64(s.guestMemory.Load()) },
		mappings:    func() float64 { return float64(s.mappings.Load()) },

		guestMemoryLimit: float64(cfg.MaxGuestMemoryTotal),
	})
	s.grpcMetric = grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(
		grpcprom.WithHistogramBuckets(prometheus.ExponentialBuckets(1e-4, 4, 12))))
	s.registry.MustRegister(s.grpcMetric)
	s.health.SetServingStatus(pb.PvmdService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	return s, nil
}

// Registry holds the server's metrics, for /metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Health is the server's grpc.health.v1 service.
func (s *Server) Health() *health.Server { return s.health }

// Cache is the server's code cache.
func (s *Server) Cache() *cache.Cache { return s.cache }

// Shutdown reports NOT_SERVING to health checks, ahead of stopping.
func (s *Server) Shutdown() { s.health.Shutdown() }

// Close releases the code cache. Call it after the gRPC server has stopped.
func (s *Server) Close() { s.cache.Purge() }

// decoded is what the cache keeps next to a compiled program.
type decoded struct {
	format   pb.ProgramFormat
	standard *program.Standard // for PROGRAM_FORMAT_STANDARD
}

// loadProgram finds or builds the program a spec names. The caller must
// Release the handle.
func (s *Server) loadProgram(ctx context.Context, spec *pb.ProgramSpec, path string) (h *cache.Handle, hit bool, err error) {
	if spec == nil {
		return nil, false, invalid(path, "missing")
	}
	format := spec.GetFormat()
	if format != pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB && format != pb.ProgramFormat_PROGRAM_FORMAT_STANDARD {
		return nil, false, invalid(field(path, "format"), "%s: must be PROGRAM_FORMAT_CODE_BLOB or PROGRAM_FORMAT_STANDARD", format)
	}
	profile, err := vm.ParseProfile(spec.GetProfile())
	if err != nil {
		return nil, false, invalid(field(path, "profile"), "%v", err)
	}
	eng, err := s.resolveEngine(spec.GetEngine(), profile, field(path, "engine"))
	if err != nil {
		return nil, false, err
	}
	key := cache.Key{Format: uint8(format), Profile: profile, Engine: eng.Name()}
	var blob []byte
	blobField := field(path, "program_blob")
	switch p := spec.GetProgram().(type) {
	case *pb.ProgramSpec_ProgramBlob:
		blob = p.ProgramBlob
		key.Hash = s.cache.HashOf(blob)
	case *pb.ProgramSpec_CodeHash:
		blobField = field(path, "code_hash")
		if len(p.CodeHash) != len(key.Hash) {
			return nil, false, invalid(blobField, "%d bytes; a code hash is %d", len(p.CodeHash), len(key.Hash))
		}
		copy(key.Hash[:], p.CodeHash)
	default:
		return nil, false, invalid(field(path, "program"), "missing: set program_blob or code_hash")
	}
	build := func() (cache.Program, error) {
		if blob == nil {
			if blob = s.cache.Blob(key.Hash); blob == nil {
				return cache.Program{}, notFound(blobField, "no program with hash %s is cached; send program_blob", key.Hash)
			}
		}
		return s.build(blob, format, profile, eng, blobField)
	}
	return s.cache.Get(ctx, key, build)
}

// build decodes and compiles a program.
func (s *Server) build(blob []byte, format pb.ProgramFormat, profile vm.Profile, eng vm.Engine, path string) (cache.Program, error) {
	start := time.Now()
	d := &decoded{format: format}
	var code *program.CodeBlob
	var err error
	if format == pb.ProgramFormat_PROGRAM_FORMAT_STANDARD {
		d.standard, err = program.DecodeStandard(blob)
		if d.standard != nil {
			code = d.standard.Code
		}
	} else {
		code, err = program.DecodeCodeBlob(blob)
	}
	if err != nil {
		return cache.Program{}, invalid(path, "%v", err)
	}
	compiled, err := eng.Compile(code, profile)
	if err != nil {
		return cache.Program{}, invalid(path, "%s cannot run this program under %s: %v", eng.Name(), profile, err)
	}
	s.metrics.compileSeconds.WithLabelValues(eng.Name()).Observe(time.Since(start).Seconds())
	return cache.Program{Compiled: compiled, Decoded: d, Blob: blob, Size: int64(compiled.SizeBytes()) + int64(len(blob))}, nil
}

// Upload caches a program.
func (s *Server) Upload(ctx context.Context, req *pb.UploadRequest) (*pb.UploadResponse, error) {
	if _, ok := req.GetProgram().GetProgram().(*pb.ProgramSpec_ProgramBlob); !ok {
		return nil, statusError(invalid("program.program_blob", "missing: Upload needs the program's bytes"))
	}
	h, hit, err := s.loadProgram(ctx, req.GetProgram(), "program")
	if err != nil {
		return nil, statusError(err)
	}
	defer h.Release()
	key := h.Key()
	prog := h.Program()
	if !s.cache.Contains(key) {
		return nil, statusError(exhausted("program.program_blob", "the compiled program takes %d bytes, more than the code cache holds (%d, --cache-bytes)", prog.Size, s.cache.MaxBytes()))
	}
	return &pb.UploadResponse{
		CodeHash:      key.Hash[:],
		AlreadyCached: hit,
		Engine:        key.Engine,
		Profile:       key.Profile.String(),
		SizeBytes:     uint64(prog.Size),
	}, nil
}

// Invoke instantiates, runs to the first exit and destroys.
func (s *Server) Invoke(ctx context.Context, req *pb.InvokeRequest) (resp *pb.InvokeResponse, err error) {
	setPanicOnFault()
	x, hit, err := s.newInstance(ctx, req.GetInstance(), "instance", 0)
	if err != nil {
		return nil, statusError(err)
	}
	defer x.close()
	for i, r := range req.GetReadMemory() {
		if uint64(r.GetAddress())+uint64(r.GetLength()) > 1<<32 {
			return nil, statusError(invalid(index("read_memory", i), "%#x + %d bytes is past the 32-bit address space", r.GetAddress(), r.GetLength()))
		}
	}
	x.m.SetPC(x.entryPC)
	exit, err := x.execute(ctx)
	if err != nil {
		return nil, err
	}
	key := x.prog.Key()
	resp = &pb.InvokeResponse{CodeHash: key.Hash[:], FromCache: hit}
	if exit.Status == vm.HostCall {
		resp.Outcome = &pb.InvokeResponse_HostCall{HostCall: x.hostCall(exit)}
	} else {
		resp.Outcome = &pb.InvokeResponse_Exited{Exited: x.exited(exit)}
	}
	st := x.m.State()
	budget := s.cfg.MaxMessageBytes - 4096
	if exit.Status == vm.Halt {
		addr, n := st.Regs[7], st.Regs[8]
		if addr < 1<<32 && n <= uint64(budget) && addr+n <= 1<<32 {
			out := make([]byte, n)
			if st.Mem.Read(uint32(addr), out) == nil {
				resp.Output = out
				budget -= int(n)
			}
		}
	}
	for i, r := range req.GetReadMemory() {
		if int(r.GetLength()) > budget {
			return nil, statusError(exhausted(index("read_memory", i), "reading %d more bytes would pass the message size limit (%d, --max-message-bytes)", r.GetLength(), s.cfg.MaxMessageBytes))
		}
		chunk := &pb.MemoryChunk{Address: r.GetAddress()}
		data := make([]byte, r.GetLength())
		if st.Mem.Read(r.GetAddress(), data) == nil {
			chunk.Data = data
			budget -= len(data)
		}
		resp.Memory = append(resp.Memory, chunk)
	}
	return resp, nil
}

// Info describes the server.
func (s *Server) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	nums, gases := vm.ProfileNames()
	return &pb.InfoResponse{
		Version:        s.cfg.Version,
		Numberings:     nums,
		GasModels:      gases,
		DefaultProfile: vm.GP08.String(),
		Engines:        s.engineNameList(),
		Limits:         s.cfg.Limits.proto(s.cfg.CacheBytes),
	}, nil
}
