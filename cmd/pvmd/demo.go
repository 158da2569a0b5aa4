package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
	"github.com/pvmd/pvmd/vm/isa"
)

func init() {
	register("demo", "talk to a running daemon: upload a program, answer its host calls", runDemo)
}

// The demo guest asks its host for numbers (host call 1 returns the next
// one in φ7, 0 when there are no more), sums their squares in φ8, writes
// the sum to 0x20000 and halts.
func demoProgram() []byte {
	const r0, r7, r8, r9, r10 = 0, 7, 8, 9, 10
	return isa.NewAsm(isa.GP08).
		I(isa.Ins{Op: isa.LoadImm, A: r10, Imm: 0x20000}, isa.Ins{Op: isa.Fallthrough}).
		Label("next").
		I(isa.Ins{Op: isa.Ecalli, Imm: 1},
			isa.Ins{Op: isa.BranchEqImm, A: r7, Imm: 0, Label: "done"}).
		I(isa.Ins{Op: isa.Mul64, A: r7, B: r7, D: r9},
			isa.Ins{Op: isa.Add64, A: r8, B: r9, D: r8},
			isa.Ins{Op: isa.Jump, Label: "next"}).
		Label("done").
		I(isa.Ins{Op: isa.StoreIndU64, A: r8, B: r10, Imm: 0},
			isa.Ins{Op: isa.JumpInd, A: r0, Imm: 0}).
		MustBlob()
}

func runDemo(args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "tcp://127.0.0.1:50051", "the daemon: tcp://HOST:PORT or unix:///PATH")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: pvmd demo [--addr ADDR]\n\n"+
			"Connects to a running pvmd, uploads a small guest program, runs it in a session\n"+
			"and answers its host calls, printing each step.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	target, err := dialTarget(*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pvmd demo: --addr:", err)
		return 2
	}
	if err := demo(target); err != nil {
		fmt.Fprintln(os.Stderr, "pvmd demo:", err)
		return 1
	}
	return 0
}

func demo(target string) error {
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	client := pb.NewPvmdServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	info, err := client.Info(ctx, &pb.InfoRequest{})
	if err != nil {
		return fmt.Errorf("info: %w", err)
	}
	fmt.Printf("connected to pvmd %s: engines %v, profiles %v\n", info.GetVersion(), info.GetEngines(), info.GetNumberings())

	up, err := client.Upload(ctx, &pb.UploadRequest{Program: &pb.ProgramSpec{
		Program: &pb.ProgramSpec_ProgramBlob{ProgramBlob: demoProgram()},
		Format:  pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB,
	}})
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	fmt.Printf("uploaded the guest: code hash %s, compiled by the %s engine for %s\n",
		hex.EncodeToString(up.GetCodeHash()), up.GetEngine(), up.GetProfile())

	stream, err := client.Session(ctx)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	var next uint64
	do := func(req *pb.SessionRequest) (*pb.SessionResponse, error) {
		next++
		req.RequestId = next
		if err := stream.Send(req); err != nil {
			return nil, err
		}
		resp, err := stream.Recv()
		if err != nil {
			return nil, err
		}
		if e := resp.GetError(); e != nil {
			return nil, fmt.Errorf("%s (field %s)", e.GetMessage(), e.GetField())
		}
		return resp, nil
	}

	resp, err := do(&pb.SessionRequest{Request: &pb.SessionRequest_Instantiate{Instantiate: &pb.Instantiate{
		Program: &pb.ProgramSpec{Program: &pb.ProgramSpec_CodeHash{CodeHash: up.GetCodeHash()}, Format: pb.ProgramFormat_PROGRAM_FORMAT_CODE_BLOB},
		Gas:     1_000_000,
		// φ0 holds the return address: the halt address, as for a standard program.
		Registers: []uint64{0xFFFF0000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		PageMap:   []*pb.PageRange{{Address: 0x20000, Length: 4096, Access: pb.PageAccess_PAGE_ACCESS_READ_WRITE}},
	}}})
	if err != nil {
		return fmt.Errorf("instantiate: %w", err)
	}
	id := resp.GetInstantiated().GetInstanceId()
	fmt.Printf("instance %d created from the cache: %v\n", id, resp.GetInstantiated().GetFromCache())

	numbers := []uint64{3, 4, 12}
	resp, err = do(&pb.SessionRequest{Request: &pb.SessionRequest_Run{Run: &pb.Run{InstanceId: id}}})
	for err == nil && resp.GetHostCall() != nil {
		hc := resp.GetHostCall()
		var answer uint64
		if len(numbers) > 0 {
			answer, numbers = numbers[0], numbers[1:]
		}
		fmt.Printf("  host call %d at pc %d (gas %d, running sum φ8 = %d): answering φ7 = %d\n",
			hc.GetCallId(), hc.GetPc(), hc.GetGas(), hc.GetRegisters()[8], answer)
		resp, err = do(&pb.SessionRequest{Request: &pb.SessionRequest_Resume{Resume: &pb.Resume{
			InstanceId:   id,
			SetRegisters: []*pb.RegisterValue{{Index: 7, Value: answer}},
		}}})
	}
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	ex := resp.GetExited()
	fmt.Printf("the guest stopped: %s at pc %d with %d gas left\n", ex.GetStatus(), ex.GetPc(), ex.GetGas())

	resp, err = do(&pb.SessionRequest{Request: &pb.SessionRequest_ReadMemory{ReadMemory: &pb.ReadMemory{InstanceId: id, Address: 0x20000, Length: 8}}})
	if err != nil {
		return fmt.Errorf("read memory: %w", err)
	}
	sum := binary.LittleEndian.Uint64(resp.GetMemoryData().GetData())
	fmt.Printf("it wrote 3² + 4² + 12² = %d to guest memory at 0x20000\n", sum)
	if _, err := do(&pb.SessionRequest{Request: &pb.SessionRequest_Destroy{Destroy: &pb.Destroy{InstanceId: id}}}); err != nil {
		return fmt.Errorf("destroy: %w", err)
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	if sum != 169 || ex.GetStatus() != pb.ExitStatus_EXIT_STATUS_HALT {
		return fmt.Errorf("unexpected result: %s, sum %d", ex.GetStatus(), sum)
	}
	return nil
}
