package server

import (
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/pvmd/pvmd/proto/pvmd/v1"
)

// requestError is a failed request: a gRPC code, the offending field's path
// in the request (e.g. "resume.memory_writes[1].address") and what is wrong.
type requestError struct {
	code  codes.Code
	field string
	msg   string
}

func (e *requestError) Error() string {
	if e.field == "" {
		return e.msg
	}
	return e.field + ": " + e.msg
}

// GRPCStatus lets status.FromError and status.Code see the code.
func (e *requestError) GRPCStatus() *status.Status { return status.New(e.code, e.Error()) }

func fail(code codes.Code, field, format string, args ...any) *requestError {
	return &requestError{code: code, field: field, msg: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) *requestError {
	return fail(codes.InvalidArgument, field, format, args...)
}

func notFound(field, format string, args ...any) *requestError {
	return fail(codes.NotFound, field, format, args...)
}

func precondition(field, format string, args ...any) *requestError {
	return fail(codes.FailedPrecondition, field, format, args...)
}

func exhausted(field, format string, args ...any) *requestError {
	return fail(codes.ResourceExhausted, field, format, args...)
}

// errorResponse turns an error into the Error a session sends.
func errorResponse(err error) *pb.Error {
	var re *requestError
	if errors.As(err, &re) {
		return &pb.Error{Code: uint32(re.code), Message: re.Error(), Field: re.field}
	}
	st := status.Convert(err)
	return &pb.Error{Code: uint32(st.Code()), Message: st.Message()}
}

// statusError turns an error into what a unary handler returns.
func statusError(err error) error {
	var re *requestError
	if errors.As(err, &re) {
		return re.GRPCStatus().Err()
	}
	return err
}

// field joins a field path: field("resume", "gas") = "resume.gas".
func field(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// index is a repeated field's element: index("resume.memory_writes", 1).
func index(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }
