package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func init() {
	register("health", "check a running daemon over grpc.health.v1 (exit 0 if SERVING)", runHealth)
}

func runHealth(args []string) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	addr := fs.String("addr", "tcp://127.0.0.1:50051", "the daemon: tcp://HOST:PORT, HOST:PORT or unix:///PATH")
	service := fs.String("service", "", `service to check ("" is the whole server; "pvmd.v1.PvmdService" the API)`)
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	useTLS := fs.Bool("tls", false, "connect with TLS")
	caFile := fs.String("tls-ca", "", "CA certificate (PEM) to verify the server with (default: the system roots)")
	serverName := fs.String("tls-server-name", "", "name to verify the server's certificate against")
	skipVerify := fs.Bool("tls-insecure", false, "do not verify the server's certificate")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: pvmd health [--addr ADDR] [flags]\n\n"+
			"Asks a pvmd daemon for its health (grpc.health.v1) and prints the status.\n"+
			"Exit status 0 if SERVING, 1 if not, 2 on usage errors.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	target, err := dialTarget(*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd health: --addr:", err)
		return 2
	}
	creds := insecure.NewCredentials()
	if *useTLS || *caFile != "" || *skipVerify {
		cfg := &tls.Config{ServerName: *serverName, InsecureSkipVerify: *skipVerify, MinVersion: tls.VersionTLS12}
		if *caFile != "" {
			pem, err := os.ReadFile(*caFile)
			if err != nil {
				fmt.Fprintln(os.Stderr, "pvmd health:", err)
				return 2
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				fmt.Fprintf(os.Stderr, "pvmd health: %s holds no PEM certificate\n", *caFile)
				return 2
			}
		}
		creds = credentials.NewTLS(cfg)
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(creds))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd health:", err)
		return 2
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: *service}, grpc.WaitForReady(true))
	if err != nil {
		fmt.Fprintf(os.Stderr, "pvmd health: %s: %v\n", *addr, err)
		return 1
	}
	fmt.Println(resp.GetStatus())
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return 1
	}
	return 0
}
