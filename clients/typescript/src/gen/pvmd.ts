import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Ack as _pvmd_v1_Ack, Ack__Output as _pvmd_v1_Ack__Output } from './pvmd/v1/Ack';
import type { Destroy as _pvmd_v1_Destroy, Destroy__Output as _pvmd_v1_Destroy__Output } from './pvmd/v1/Destroy';
import type { Error as _pvmd_v1_Error, Error__Output as _pvmd_v1_Error__Output } from './pvmd/v1/Error';
import type { Exited as _pvmd_v1_Exited, Exited__Output as _pvmd_v1_Exited__Output } from './pvmd/v1/Exited';
import type { GetState as _pvmd_v1_GetState, GetState__Output as _pvmd_v1_GetState__Output } from './pvmd/v1/GetState';
import type { HostCall as _pvmd_v1_HostCall, HostCall__Output as _pvmd_v1_HostCall__Output } from './pvmd/v1/HostCall';
import type { InfoRequest as _pvmd_v1_InfoRequest, InfoRequest__Output as _pvmd_v1_InfoRequest__Output } from './pvmd/v1/InfoRequest';
import type { InfoResponse as _pvmd_v1_InfoResponse, InfoResponse__Output as _pvmd_v1_InfoResponse__Output } from './pvmd/v1/InfoResponse';
import type { InstanceState as _pvmd_v1_InstanceState, InstanceState__Output as _pvmd_v1_InstanceState__Output } from './pvmd/v1/InstanceState';
import type { Instantiate as _pvmd_v1_Instantiate, Instantiate__Output as _pvmd_v1_Instantiate__Output } from './pvmd/v1/Instantiate';
import type { Instantiated as _pvmd_v1_Instantiated, Instantiated__Output as _pvmd_v1_Instantiated__Output } from './pvmd/v1/Instantiated';
import type { InvokeRequest as _pvmd_v1_InvokeRequest, InvokeRequest__Output as _pvmd_v1_InvokeRequest__Output } from './pvmd/v1/InvokeRequest';
import type { InvokeResponse as _pvmd_v1_InvokeResponse, InvokeResponse__Output as _pvmd_v1_InvokeResponse__Output } from './pvmd/v1/InvokeResponse';
import type { Limits as _pvmd_v1_Limits, Limits__Output as _pvmd_v1_Limits__Output } from './pvmd/v1/Limits';
import type { MapPages as _pvmd_v1_MapPages, MapPages__Output as _pvmd_v1_MapPages__Output } from './pvmd/v1/MapPages';
import type { MemoryChunk as _pvmd_v1_MemoryChunk, MemoryChunk__Output as _pvmd_v1_MemoryChunk__Output } from './pvmd/v1/MemoryChunk';
import type { MemoryData as _pvmd_v1_MemoryData, MemoryData__Output as _pvmd_v1_MemoryData__Output } from './pvmd/v1/MemoryData';
import type { MemoryRange as _pvmd_v1_MemoryRange, MemoryRange__Output as _pvmd_v1_MemoryRange__Output } from './pvmd/v1/MemoryRange';
import type { PageRange as _pvmd_v1_PageRange, PageRange__Output as _pvmd_v1_PageRange__Output } from './pvmd/v1/PageRange';
import type { ProgramSpec as _pvmd_v1_ProgramSpec, ProgramSpec__Output as _pvmd_v1_ProgramSpec__Output } from './pvmd/v1/ProgramSpec';
import type { PvmdServiceClient as _pvmd_v1_PvmdServiceClient, PvmdServiceDefinition as _pvmd_v1_PvmdServiceDefinition } from './pvmd/v1/PvmdService';
import type { ReadMemory as _pvmd_v1_ReadMemory, ReadMemory__Output as _pvmd_v1_ReadMemory__Output } from './pvmd/v1/ReadMemory';
import type { RegisterValue as _pvmd_v1_RegisterValue, RegisterValue__Output as _pvmd_v1_RegisterValue__Output } from './pvmd/v1/RegisterValue';
import type { Resume as _pvmd_v1_Resume, Resume__Output as _pvmd_v1_Resume__Output } from './pvmd/v1/Resume';
import type { Run as _pvmd_v1_Run, Run__Output as _pvmd_v1_Run__Output } from './pvmd/v1/Run';
import type { SessionRequest as _pvmd_v1_SessionRequest, SessionRequest__Output as _pvmd_v1_SessionRequest__Output } from './pvmd/v1/SessionRequest';
import type { SessionResponse as _pvmd_v1_SessionResponse, SessionResponse__Output as _pvmd_v1_SessionResponse__Output } from './pvmd/v1/SessionResponse';
import type { SetRegisters as _pvmd_v1_SetRegisters, SetRegisters__Output as _pvmd_v1_SetRegisters__Output } from './pvmd/v1/SetRegisters';
import type { UploadRequest as _pvmd_v1_UploadRequest, UploadRequest__Output as _pvmd_v1_UploadRequest__Output } from './pvmd/v1/UploadRequest';
import type { UploadResponse as _pvmd_v1_UploadResponse, UploadResponse__Output as _pvmd_v1_UploadResponse__Output } from './pvmd/v1/UploadResponse';
import type { WriteMemory as _pvmd_v1_WriteMemory, WriteMemory__Output as _pvmd_v1_WriteMemory__Output } from './pvmd/v1/WriteMemory';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
    }
  }
  pvmd: {
    v1: {
      Ack: MessageTypeDefinition<_pvmd_v1_Ack, _pvmd_v1_Ack__Output>
      Destroy: MessageTypeDefinition<_pvmd_v1_Destroy, _pvmd_v1_Destroy__Output>
      Engine: EnumTypeDefinition
      Error: MessageTypeDefinition<_pvmd_v1_Error, _pvmd_v1_Error__Output>
      ExitStatus: EnumTypeDefinition
      Exited: MessageTypeDefinition<_pvmd_v1_Exited, _pvmd_v1_Exited__Output>
      GetState: MessageTypeDefinition<_pvmd_v1_GetState, _pvmd_v1_GetState__Output>
      HostCall: MessageTypeDefinition<_pvmd_v1_HostCall, _pvmd_v1_HostCall__Output>
      InfoRequest: MessageTypeDefinition<_pvmd_v1_InfoRequest, _pvmd_v1_InfoRequest__Output>
      InfoResponse: MessageTypeDefinition<_pvmd_v1_InfoResponse, _pvmd_v1_InfoResponse__Output>
      InstanceState: MessageTypeDefinition<_pvmd_v1_InstanceState, _pvmd_v1_InstanceState__Output>
      Instantiate: MessageTypeDefinition<_pvmd_v1_Instantiate, _pvmd_v1_Instantiate__Output>
      Instantiated: MessageTypeDefinition<_pvmd_v1_Instantiated, _pvmd_v1_Instantiated__Output>
      InvokeRequest: MessageTypeDefinition<_pvmd_v1_InvokeRequest, _pvmd_v1_InvokeRequest__Output>
      InvokeResponse: MessageTypeDefinition<_pvmd_v1_InvokeResponse, _pvmd_v1_InvokeResponse__Output>
      Limits: MessageTypeDefinition<_pvmd_v1_Limits, _pvmd_v1_Limits__Output>
      MapPages: MessageTypeDefinition<_pvmd_v1_MapPages, _pvmd_v1_MapPages__Output>
      MemoryChunk: MessageTypeDefinition<_pvmd_v1_MemoryChunk, _pvmd_v1_MemoryChunk__Output>
      MemoryData: MessageTypeDefinition<_pvmd_v1_MemoryData, _pvmd_v1_MemoryData__Output>
      MemoryRange: MessageTypeDefinition<_pvmd_v1_MemoryRange, _pvmd_v1_MemoryRange__Output>
      PageAccess: EnumTypeDefinition
      PageRange: MessageTypeDefinition<_pvmd_v1_PageRange, _pvmd_v1_PageRange__Output>
      ProgramFormat: EnumTypeDefinition
      ProgramSpec: MessageTypeDefinition<_pvmd_v1_ProgramSpec, _pvmd_v1_ProgramSpec__Output>
      /**
       * PvmdService runs PVM programs.
       */
      PvmdService: SubtypeConstructor<typeof grpc.Client, _pvmd_v1_PvmdServiceClient> & { service: _pvmd_v1_PvmdServiceDefinition }
      ReadMemory: MessageTypeDefinition<_pvmd_v1_ReadMemory, _pvmd_v1_ReadMemory__Output>
      RegisterValue: MessageTypeDefinition<_pvmd_v1_RegisterValue, _pvmd_v1_RegisterValue__Output>
      Resume: MessageTypeDefinition<_pvmd_v1_Resume, _pvmd_v1_Resume__Output>
      Run: MessageTypeDefinition<_pvmd_v1_Run, _pvmd_v1_Run__Output>
      RunState: EnumTypeDefinition
      SessionRequest: MessageTypeDefinition<_pvmd_v1_SessionRequest, _pvmd_v1_SessionRequest__Output>
      SessionResponse: MessageTypeDefinition<_pvmd_v1_SessionResponse, _pvmd_v1_SessionResponse__Output>
      SetRegisters: MessageTypeDefinition<_pvmd_v1_SetRegisters, _pvmd_v1_SetRegisters__Output>
      UploadRequest: MessageTypeDefinition<_pvmd_v1_UploadRequest, _pvmd_v1_UploadRequest__Output>
      UploadResponse: MessageTypeDefinition<_pvmd_v1_UploadResponse, _pvmd_v1_UploadResponse__Output>
      WriteMemory: MessageTypeDefinition<_pvmd_v1_WriteMemory, _pvmd_v1_WriteMemory__Output>
    }
  }
}

