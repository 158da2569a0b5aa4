// Original file: proto/pvmd/v1/pvmd.proto

import type { Instantiate as _pvmd_v1_Instantiate, Instantiate__Output as _pvmd_v1_Instantiate__Output } from '../../pvmd/v1/Instantiate';
import type { Run as _pvmd_v1_Run, Run__Output as _pvmd_v1_Run__Output } from '../../pvmd/v1/Run';
import type { Resume as _pvmd_v1_Resume, Resume__Output as _pvmd_v1_Resume__Output } from '../../pvmd/v1/Resume';
import type { ReadMemory as _pvmd_v1_ReadMemory, ReadMemory__Output as _pvmd_v1_ReadMemory__Output } from '../../pvmd/v1/ReadMemory';
import type { WriteMemory as _pvmd_v1_WriteMemory, WriteMemory__Output as _pvmd_v1_WriteMemory__Output } from '../../pvmd/v1/WriteMemory';
import type { MapPages as _pvmd_v1_MapPages, MapPages__Output as _pvmd_v1_MapPages__Output } from '../../pvmd/v1/MapPages';
import type { GetState as _pvmd_v1_GetState, GetState__Output as _pvmd_v1_GetState__Output } from '../../pvmd/v1/GetState';
import type { SetRegisters as _pvmd_v1_SetRegisters, SetRegisters__Output as _pvmd_v1_SetRegisters__Output } from '../../pvmd/v1/SetRegisters';
import type { Destroy as _pvmd_v1_Destroy, Destroy__Output as _pvmd_v1_Destroy__Output } from '../../pvmd/v1/Destroy';
import type { Long } from '@grpc/proto-loader';

/**
 * SessionRequest is one request in a session.
 */
export interface SessionRequest {
  /**
   * Chosen by the client and echoed in the response; pvmd does not interpret
   * it (it need not be unique, but it is easier to debug if it is).
   */
  'requestId'?: (number | string | Long);
  /**
   * Create an instance of a program. Answered with Instantiated.
   */
  'instantiate'?: (_pvmd_v1_Instantiate | null);
  /**
   * Start a run. Answered with HostCall or Exited.
   */
  'run'?: (_pvmd_v1_Run | null);
  /**
   * Continue a run paused at a host call or page fault. Answered with
   * HostCall or Exited.
   */
  'resume'?: (_pvmd_v1_Resume | null);
  /**
   * Read guest memory. Answered with MemoryData.
   */
  'readMemory'?: (_pvmd_v1_ReadMemory | null);
  /**
   * Write guest memory. Answered with Ack.
   */
  'writeMemory'?: (_pvmd_v1_WriteMemory | null);
  /**
   * Map or unmap guest pages. Answered with Ack.
   */
  'mapPages'?: (_pvmd_v1_MapPages | null);
  /**
   * Read the machine state. Answered with InstanceState.
   */
  'getState'?: (_pvmd_v1_GetState | null);
  /**
   * Change registers and/or gas. Answered with Ack.
   */
  'setRegisters'?: (_pvmd_v1_SetRegisters | null);
  /**
   * Free an instance. Answered with Ack.
   */
  'destroy'?: (_pvmd_v1_Destroy | null);
  /**
   * What to do. Exactly one must be set.
   */
  'request'?: "instantiate"|"run"|"resume"|"readMemory"|"writeMemory"|"mapPages"|"getState"|"setRegisters"|"destroy";
}

/**
 * SessionRequest is one request in a session.
 */
export interface SessionRequest__Output {
  /**
   * Chosen by the client and echoed in the response; pvmd does not interpret
   * it (it need not be unique, but it is easier to debug if it is).
   */
  'requestId': (string);
  /**
   * Create an instance of a program. Answered with Instantiated.
   */
  'instantiate'?: (_pvmd_v1_Instantiate__Output | null);
  /**
   * Start a run. Answered with HostCall or Exited.
   */
  'run'?: (_pvmd_v1_Run__Output | null);
  /**
   * Continue a run paused at a host call or page fault. Answered with
   * HostCall or Exited.
   */
  'resume'?: (_pvmd_v1_Resume__Output | null);
  /**
   * Read guest memory. Answered with MemoryData.
   */
  'readMemory'?: (_pvmd_v1_ReadMemory__Output | null);
  /**
   * Write guest memory. Answered with Ack.
   */
  'writeMemory'?: (_pvmd_v1_WriteMemory__Output | null);
  /**
   * Map or unmap guest pages. Answered with Ack.
   */
  'mapPages'?: (_pvmd_v1_MapPages__Output | null);
  /**
   * Read the machine state. Answered with InstanceState.
   */
  'getState'?: (_pvmd_v1_GetState__Output | null);
  /**
   * Change registers and/or gas. Answered with Ack.
   */
  'setRegisters'?: (_pvmd_v1_SetRegisters__Output | null);
  /**
   * Free an instance. Answered with Ack.
   */
  'destroy'?: (_pvmd_v1_Destroy__Output | null);
  /**
   * What to do. Exactly one must be set.
   */
  'request'?: "instantiate"|"run"|"resume"|"readMemory"|"writeMemory"|"mapPages"|"getState"|"setRegisters"|"destroy";
}
