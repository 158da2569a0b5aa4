package proto_test

import (
	"bytes"
	"os"
	"testing"
)

// The TypeScript client ships a copy of the schema, which @grpc/proto-loader
// reads at run time (clients/typescript/generate.sh makes it). A copy that
// drifts would make that client speak an older protocol.
func TestTypeScriptCopyOfTheSchema(t *testing.T) {
	want, err := os.ReadFile("pvmd/v1/pvmd.proto")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../clients/typescript/proto/pvmd/v1/pvmd.proto")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("clients/typescript/proto/pvmd/v1/pvmd.proto differs from proto/pvmd/v1/pvmd.proto: run clients/typescript/generate.sh")
	}
}
