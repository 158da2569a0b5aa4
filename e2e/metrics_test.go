package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	st "github.com/pvmd/pvmd/server/servertest"
	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/program"
)

// TestMetricsAndCache checks the cache and memory metrics against a known
// sequence of Upload, Invoke and Session calls, with a code cache small
// enough to evict.
func TestMetricsAndCache(t *testing.T) {
	// Three programs and a code cache that holds any two of them.
	progs := [][]byte{st.HostCallLoop(isa.GP08), st.TightLoop(isa.GP08), st.FaultThenHalt(isa.GP08)}
	var total int
	for _, p := range progs {
		total += compiledSize(t, p)
	}
	d := startDaemon(t, "--cache-bytes", fmt.Sprint(total-1))
	c := d.dial(t, "unix")
	ctx := context.Background()
	var hashes [][]byte
	for i, p := range progs {
		up, err := c.Upload(ctx, &pb.UploadRequest{Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: p},
			Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB, Engine: pb.Engine_ENGINE_INTERPRETER}})
		if err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
		if up.GetSizeBytes() == 0 || up.GetAlreadyCached() {
			t.Fatalf("upload %d: %v", i, up)
		}
		hashes = append(hashes, up.GetCodeHash())
	}
	m := d.scrape(t)
	if m.get("pvmd_code_cache_misses_total") != 3 || m.get("pvmd_code_cache_entries") != 2 || m.get("pvmd_code_cache_evictions_total") != 1 ||
		m.get("pvmd_code_cache_bytes") > float64(total-1) {
		t.Fatalf("after 3 uploads: misses %v, entries %v, evictions %v, bytes %v (of %d)", m.get("pvmd_code_cache_misses_total"),
			m.get("pvmd_code_cache_entries"), m.get("pvmd_code_cache_evictions_total"), m.get("pvmd_code_cache_bytes"), total-1)
	}
	// The first program was evicted: by hash it is unknown now.
	_, err := c.Invoke(ctx, &pb.InvokeRequest{Instance: &pb.Instantiate{Program: &pb.ProgramSpec{
		Program: &pb.ProgramSpec_CodeHash{CodeHash: hashes[0]}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB, Engine: pb.Engine_ENGINE_INTERPRETER}}})
	wantStatus(t, "evicted hash", err, codes.NotFound, "no program with hash")
	// The last upload is cached: Invoke by hash hits.
	resp := check[*pb.InvokeResponse](t)(c.Invoke(ctx, &pb.InvokeRequest{Instance: &pb.Instantiate{
		Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_CodeHash{CodeHash: hashes[2]}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB, Engine: pb.Engine_ENGINE_INTERPRETER},
		Gas:     100, Registers: st.Registers(nil)}}))
	if !resp.GetFromCache() || resp.GetExited().GetStatus() != pb.ExitStatus_EXIT_STATUS_PAGE_FAULT {
		t.Fatalf("invoke: %v", resp)
	}
	// Live instances hold guest memory.
	s := open(t, c)
	for range 3 {
		check[*pb.Instantiated](t)(s.Instantiate(&pb.Instantiate{Program: st.CodeBlob(progs[0]),
			PageMap: []*pb.PageRange{{Address: st.DataPage, Length: 3 * 4096, Access: rw}}}))
	}
	m = d.scrape(t)
	if m.get("pvmd_instances_active") != 3 || m.get("pvmd_guest_memory_bytes") != 3*3*4096 || m.get("pvmd_sessions_active") != 1 {
		t.Fatalf("with 3 instances: instances %v, memory %v, sessions %v", m.get("pvmd_instances_active"),
			m.get("pvmd_guest_memory_bytes"), m.get("pvmd_sessions_active"))
	}
	checkErr(t, s.Close())
	m = d.waitMetric(t, "the session to be freed", func(m metrics) bool {
		return m.get("pvmd_instances_active") == 0 && m.get("pvmd_guest_memory_bytes") == 0
	})
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"pvmd_runs_total", []string{"status", "page-fault"}, 1},
		{"grpc_server_handled_total", []string{"grpc_method", "Upload", "grpc_code", "OK"}, 3},
		{"grpc_server_handled_total", []string{"grpc_method", "Invoke", "grpc_code", "OK"}, 1},
		{"grpc_server_handling_seconds", []string{"grpc_method", "Upload"}, 3},
	} {
		if got := m.get(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, name := range []string{"process_resident_memory_bytes", "go_goroutines"} {
		if m.get(name) <= 0 {
			t.Errorf("%s missing", name)
		}
	}
}

// compiledSize is what a code blob takes in the cache under the interpreter
// (as the server counts it: compiled size plus the blob).
func compiledSize(t *testing.T, blob []byte) int {
	cb, err := program.DecodeCodeBlob(blob)
	checkErr(t, err)
	c, err := interp.New().Compile(cb, vm.GP08)
	checkErr(t, err)
	return c.SizeBytes() + len(blob)
}

// TestReflection lists the services over gRPC server reflection.
func TestReflection(t *testing.T) {
	d := startDaemon(t)
	conn := d.conn(t, "tcp")
	stream, err := rpb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
	checkErr(t, err)
	checkErr(t, stream.Send(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}}))
	resp, err := stream.Recv()
	checkErr(t, err)
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	got := strings.Join(names, ",")
	for _, want := range []string{"pvmd.v1.PvmdService", "grpc.health.v1.Health"} {
		if !strings.Contains(got, want) {
			t.Errorf("reflection lists %s; missing %s", got, want)
		}
	}
	stream.CloseSend()
}

// TestTLS serves TLS with a self-signed certificate; the client and
// `pvmd health --tls-ca` verify it.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeSelfSigned(t, certFile, keyFile)
	d := startDaemon(t, "--tls-cert", certFile, "--tls-key", keyFile)
	pemBytes, err := os.ReadFile(certFile)
	checkErr(t, err)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	conn, err := grpc.NewClient(d.tcp, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "localhost"})))
	checkErr(t, err)
	defer conn.Close()
	info := check[*pb.InfoResponse](t)(pb.NewPvmdServiceClient(conn).Info(context.Background(), &pb.InfoRequest{}))
	if len(info.GetEngines()) == 0 {
		t.Fatalf("info over TLS: %v", info)
	}
	out, err := exec.Command(pvmdBin, "health", "--addr", "tcp://"+d.tcp, "--tls-ca", certFile, "--tls-server-name", "localhost").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "SERVING" {
		t.Fatalf("pvmd health over TLS: %v: %s", err, out)
	}
	// Without TLS the health check fails (non-zero exit).
	if out, err := exec.Command(pvmdBin, "health", "--addr", "tcp://"+d.tcp, "--timeout", "1s").CombinedOutput(); err == nil {
		t.Fatalf("plaintext health check against a TLS server succeeded: %s", out)
	}
}

func writeSelfSigned(t *testing.T, certFile, keyFile string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	checkErr(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "pvmd test"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	checkErr(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	checkErr(t, err)
	checkErr(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	checkErr(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
}
