// Original file: proto/pvmd/v1/pvmd.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { InfoRequest as _pvmd_v1_InfoRequest, InfoRequest__Output as _pvmd_v1_InfoRequest__Output } from '../../pvmd/v1/InfoRequest';
import type { InfoResponse as _pvmd_v1_InfoResponse, InfoResponse__Output as _pvmd_v1_InfoResponse__Output } from '../../pvmd/v1/InfoResponse';
import type { InvokeRequest as _pvmd_v1_InvokeRequest, InvokeRequest__Output as _pvmd_v1_InvokeRequest__Output } from '../../pvmd/v1/InvokeRequest';
import type { InvokeResponse as _pvmd_v1_InvokeResponse, InvokeResponse__Output as _pvmd_v1_InvokeResponse__Output } from '../../pvmd/v1/InvokeResponse';
import type { SessionRequest as _pvmd_v1_SessionRequest, SessionRequest__Output as _pvmd_v1_SessionRequest__Output } from '../../pvmd/v1/SessionRequest';
import type { SessionResponse as _pvmd_v1_SessionResponse, SessionResponse__Output as _pvmd_v1_SessionResponse__Output } from '../../pvmd/v1/SessionResponse';
import type { UploadRequest as _pvmd_v1_UploadRequest, UploadRequest__Output as _pvmd_v1_UploadRequest__Output } from '../../pvmd/v1/UploadRequest';
import type { UploadResponse as _pvmd_v1_UploadResponse, UploadResponse__Output as _pvmd_v1_UploadResponse__Output } from '../../pvmd/v1/UploadResponse';

/**
 * PvmdService runs PVM programs.
 */
export interface PvmdServiceClient extends grpc.Client {
  /**
   * Info describes this server: version, profiles, engines and limits.
   */
  Info(argument: _pvmd_v1_InfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _pvmd_v1_InfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _pvmd_v1_InfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _pvmd_v1_InfoRequest, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Info describes this server: version, profiles, engines and limits.
   */
  info(argument: _pvmd_v1_InfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _pvmd_v1_InfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _pvmd_v1_InfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _pvmd_v1_InfoRequest, callback: grpc.requestCallback<_pvmd_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Invoke instantiates a program, runs it to its first exit (a host call
   * counts as an exit) and destroys it: one round trip for programs that need
   * no host calls.
   */
  Invoke(argument: _pvmd_v1_InvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _pvmd_v1_InvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _pvmd_v1_InvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _pvmd_v1_InvokeRequest, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Invoke instantiates a program, runs it to its first exit (a host call
   * counts as an exit) and destroys it: one round trip for programs that need
   * no host calls.
   */
  invoke(argument: _pvmd_v1_InvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _pvmd_v1_InvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _pvmd_v1_InvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _pvmd_v1_InvokeRequest, callback: grpc.requestCallback<_pvmd_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Session is a conversation about any number of PVM instances. The client
   * sends requests; pvmd answers each one, in order, with exactly one response
   * carrying the same request_id. A run that reaches an `ecalli` answers with
   * HostCall; the client then sends Resume (or any other requests first, e.g.
   * to read memory or run an inner instance). Everything the session created
   * is freed when the stream ends, however it ends.
   */
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pvmd_v1_SessionRequest, _pvmd_v1_SessionResponse__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pvmd_v1_SessionRequest, _pvmd_v1_SessionResponse__Output>;
  /**
   * Session is a conversation about any number of PVM instances. The client
   * sends requests; pvmd answers each one, in order, with exactly one response
   * carrying the same request_id. A run that reaches an `ecalli` answers with
   * HostCall; the client then sends Resume (or any other requests first, e.g.
   * to read memory or run an inner instance). Everything the session created
   * is freed when the stream ends, however it ends.
   */
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pvmd_v1_SessionRequest, _pvmd_v1_SessionResponse__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pvmd_v1_SessionRequest, _pvmd_v1_SessionResponse__Output>;
  
  /**
   * Upload puts a program into the code cache (decoding and compiling it for
   * the given profile and engine) and returns its code hash, so that later
   * Instantiate requests can name it by hash instead of sending its bytes.
   */
  Upload(argument: _pvmd_v1_UploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  Upload(argument: _pvmd_v1_UploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  Upload(argument: _pvmd_v1_UploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  Upload(argument: _pvmd_v1_UploadRequest, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Upload puts a program into the code cache (decoding and compiling it for
   * the given profile and engine) and returns its code hash, so that later
   * Instantiate requests can name it by hash instead of sending its bytes.
   */
  upload(argument: _pvmd_v1_UploadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  upload(argument: _pvmd_v1_UploadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  upload(argument: _pvmd_v1_UploadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  upload(argument: _pvmd_v1_UploadRequest, callback: grpc.requestCallback<_pvmd_v1_UploadResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * PvmdService runs PVM programs.
 */
export interface PvmdServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Info describes this server: version, profiles, engines and limits.
   */
  Info: grpc.handleUnaryCall<_pvmd_v1_InfoRequest__Output, _pvmd_v1_InfoResponse>;
  
  /**
   * Invoke instantiates a program, runs it to its first exit (a host call
   * counts as an exit) and destroys it: one round trip for programs that need
   * no host calls.
   */
  Invoke: grpc.handleUnaryCall<_pvmd_v1_InvokeRequest__Output, _pvmd_v1_InvokeResponse>;
  
  /**
   * Session is a conversation about any number of PVM instances. The client
   * sends requests; pvmd answers each one, in order, with exactly one response
   * carrying the same request_id. A run that reaches an `ecalli` answers with
   * HostCall; the client then sends Resume (or any other requests first, e.g.
   * to read memory or run an inner instance). Everything the session created
   * is freed when the stream ends, however it ends.
   */
  Session: grpc.handleBidiStreamingCall<_pvmd_v1_SessionRequest__Output, _pvmd_v1_SessionResponse>;
  
  /**
   * Upload puts a program into the code cache (decoding and compiling it for
   * the given profile and engine) and returns its code hash, so that later
   * Instantiate requests can name it by hash instead of sending its bytes.
   */
  Upload: grpc.handleUnaryCall<_pvmd_v1_UploadRequest__Output, _pvmd_v1_UploadResponse>;
  
}

export interface PvmdServiceDefinition extends grpc.ServiceDefinition {
  Info: MethodDefinition<_pvmd_v1_InfoRequest, _pvmd_v1_InfoResponse, _pvmd_v1_InfoRequest__Output, _pvmd_v1_InfoResponse__Output>
  Invoke: MethodDefinition<_pvmd_v1_InvokeRequest, _pvmd_v1_InvokeResponse, _pvmd_v1_InvokeRequest__Output, _pvmd_v1_InvokeResponse__Output>
  Session: MethodDefinition<_pvmd_v1_SessionRequest, _pvmd_v1_SessionResponse, _pvmd_v1_SessionRequest__Output, _pvmd_v1_SessionResponse__Output>
  Upload: MethodDefinition<_pvmd_v1_UploadRequest, _pvmd_v1_UploadResponse, _pvmd_v1_UploadRequest__Output, _pvmd_v1_UploadResponse__Output>
}
