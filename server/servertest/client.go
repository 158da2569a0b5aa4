package servertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/server"
)

// Session is a client's end of a Session stream, one request at a time.
type Session struct {
	Stream pb.PvmdService_SessionClient
	next   uint64
}

// OpenSession opens a Session stream.
func OpenSession(ctx context.Context, c pb.PvmdServiceClient) (*Session, error) {
	st, err := c.Session(ctx)
	if err != nil {
		return nil, err
	}
	return &Session{Stream: st}, nil
}

// Close ends the stream from the client side and waits for the server to
// end it.
func (s *Session) Close() error {
	if err := s.Stream.CloseSend(); err != nil {
		return err
	}
	for {
		if _, err := s.Stream.Recv(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// Do sends one request and returns its response. An Error response is
// returned as a gRPC status error with its code and message.
func (s *Session) Do(req *pb.SessionRequest) (*pb.SessionResponse, error) {
	s.next++
	req.RequestId = s.next
	if err := s.Stream.Send(req); err != nil {
		if errors.Is(err, io.EOF) { // the stream ended: Recv has the status
			_, err = s.Stream.Recv()
		}
		return nil, err
	}
	resp, err := s.Stream.Recv()
	if err != nil {
		return nil, err
	}
	if resp.GetRequestId() != req.RequestId {
		return nil, fmt.Errorf("response to request %d, want %d", resp.GetRequestId(), req.RequestId)
	}
	if e := resp.GetError(); e != nil {
		return resp, status.Error(codes.Code(e.GetCode()), e.GetMessage())
	}
	return resp, nil
}

// Instantiate creates an instance.
func (s *Session) Instantiate(req *pb.Instantiate) (*pb.Instantiated, error) {
	resp, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_Instantiate{Instantiate: req}})
	return resp.GetInstantiated(), err
}

// Run starts a run (pc and gas may be nil).
func (s *Session) Run(id uint64, pc *uint32, gas *int64) (*pb.SessionResponse, error) {
	return s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_Run{Run: &pb.Run{InstanceId: id, Pc: pc, Gas: gas}}})
}

// Resume continues a paused run.
func (s *Session) Resume(req *pb.Resume) (*pb.SessionResponse, error) {
	return s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_Resume{Resume: req}})
}

// ReadMemory reads guest memory.
func (s *Session) ReadMemory(id uint64, addr, n uint32) ([]byte, error) {
	resp, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_ReadMemory{ReadMemory: &pb.ReadMemory{InstanceId: id, Address: addr, Length: n}}})
	return resp.GetMemoryData().GetData(), err
}

// WriteMemory writes guest memory.
func (s *Session) WriteMemory(id uint64, addr uint32, data []byte, force bool) error {
	_, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_WriteMemory{WriteMemory: &pb.WriteMemory{InstanceId: id, Address: addr, Data: data, Force: force}}})
	return err
}

// MapPages changes page access.
func (s *Session) MapPages(id uint64, addr uint32, n uint64, access pb.PageAccess) error {
	_, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_MapPages{MapPages: &pb.MapPages{InstanceId: id,
		Pages: &pb.PageRange{Address: addr, Length: n, Access: access}}}})
	return err
}

// GetState reads the machine state.
func (s *Session) GetState(id uint64) (*pb.InstanceState, error) {
	resp, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_GetState{GetState: &pb.GetState{InstanceId: id}}})
	return resp.GetInstanceState(), err
}

// SetRegisters changes registers and gas (gas may be nil).
func (s *Session) SetRegisters(id uint64, regs []*pb.RegisterValue, gas *int64) error {
	_, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_SetRegisters{SetRegisters: &pb.SetRegisters{InstanceId: id, Registers: regs, Gas: gas}}})
	return err
}

// Destroy frees an instance.
func (s *Session) Destroy(id uint64) error {
	_, err := s.Do(&pb.SessionRequest{Request: &pb.SessionRequest_Destroy{Destroy: &pb.Destroy{InstanceId: id}}})
	return err
}

// Registers returns 13 registers with φ0 = HaltAddress and the given others.
func Registers(set map[int]uint64) []uint64 {
	r := make([]uint64, 13)
	r[0] = HaltAddress
	for i, v := range set {
		r[i] = v
	}
	return r
}

// CodeBlob is a ProgramSpec for a code blob under the default profile.
func CodeBlob(blob []byte) *pb.ProgramSpec {
	return &pb.ProgramSpec{Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: blob}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB}
}

// Harness is an in-process server on a loopback listener, with a client.
type Harness struct {
	Server *server.Server
	GRPC   *grpc.Server
	Addr   string
	Conn   *grpc.ClientConn
	Client pb.PvmdServiceClient
}

// Start serves cfg on 127.0.0.1 until the test ends.
func Start(tb testing.TB, cfg server.Config) *Harness {
	tb.Helper()
	srv, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	gs := srv.NewGRPCServer()
	go gs.Serve(lis)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<30), grpc.MaxCallSendMsgSize(1<<30)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn.Close()
		stopped := make(chan struct{})
		go func() { gs.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			gs.Stop()
		}
		srv.Close()
	})
	return &Harness{Server: srv, GRPC: gs, Addr: lis.Addr().String(), Conn: conn, Client: pb.NewPvmdServiceClient(conn)}
}

// Ptr returns a pointer to v (for optional fields).
func Ptr[T any](v T) *T { return &v }
