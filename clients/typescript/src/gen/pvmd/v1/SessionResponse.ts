// Original file: proto/pvmd/v1/pvmd.proto

import type { Instantiated as _pvmd_v1_Instantiated, Instantiated__Output as _pvmd_v1_Instantiated__Output } from '../../pvmd/v1/Instantiated';
import type { HostCall as _pvmd_v1_HostCall, HostCall__Output as _pvmd_v1_HostCall__Output } from '../../pvmd/v1/HostCall';
import type { Exited as _pvmd_v1_Exited, Exited__Output as _pvmd_v1_Exited__Output } from '../../pvmd/v1/Exited';
import type { MemoryData as _pvmd_v1_MemoryData, MemoryData__Output as _pvmd_v1_MemoryData__Output } from '../../pvmd/v1/MemoryData';
import type { Ack as _pvmd_v1_Ack, Ack__Output as _pvmd_v1_Ack__Output } from '../../pvmd/v1/Ack';
import type { InstanceState as _pvmd_v1_InstanceState, InstanceState__Output as _pvmd_v1_InstanceState__Output } from '../../pvmd/v1/InstanceState';
import type { Error as _pvmd_v1_Error, Error__Output as _pvmd_v1_Error__Output } from '../../pvmd/v1/Error';
import type { Long } from '@grpc/proto-loader';

/**
 * SessionResponse answers the SessionRequest with the same request_id.
 */
export interface SessionResponse {
  /**
   * The request_id of the request this answers.
   */
  'requestId'?: (number | string | Long);
  /**
   * The instance was created (answers Instantiate).
   */
  'instantiated'?: (_pvmd_v1_Instantiated | null);
  /**
   * The guest is waiting at an `ecalli` (answers Run or Resume).
   */
  'hostCall'?: (_pvmd_v1_HostCall | null);
  /**
   * The run ended or hit a page fault (answers Run or Resume).
   */
  'exited'?: (_pvmd_v1_Exited | null);
  /**
   * Bytes of guest memory (answers ReadMemory).
   */
  'memoryData'?: (_pvmd_v1_MemoryData | null);
  /**
   * The request was carried out (answers WriteMemory, MapPages,
   * SetRegisters, Destroy).
   */
  'ack'?: (_pvmd_v1_Ack | null);
  /**
   * The machine state (answers GetState).
   */
  'instanceState'?: (_pvmd_v1_InstanceState | null);
  /**
   * The request failed; the session and its instances are unaffected.
   */
  'error'?: (_pvmd_v1_Error | null);
  /**
   * The answer. Exactly one is set.
   */
  'response'?: "instantiated"|"hostCall"|"exited"|"memoryData"|"ack"|"instanceState"|"error";
}

/**
 * SessionResponse answers the SessionRequest with the same request_id.
 */
export interface SessionResponse__Output {
  /**
   * The request_id of the request this answers.
   */
  'requestId': (string);
  /**
   * The instance was created (answers Instantiate).
   */
  'instantiated'?: (_pvmd_v1_Instantiated__Output | null);
  /**
   * The guest is waiting at an `ecalli` (answers Run or Resume).
   */
  'hostCall'?: (_pvmd_v1_HostCall__Output | null);
  /**
   * The run ended or hit a page fault (answers Run or Resume).
   */
  'exited'?: (_pvmd_v1_Exited__Output | null);
  /**
   * Bytes of guest memory (answers ReadMemory).
   */
  'memoryData'?: (_pvmd_v1_MemoryData__Output | null);
  /**
   * The request was carried out (answers WriteMemory, MapPages,
   * SetRegisters, Destroy).
   */
  'ack'?: (_pvmd_v1_Ack__Output | null);
  /**
   * The machine state (answers GetState).
   */
  'instanceState'?: (_pvmd_v1_InstanceState__Output | null);
  /**
   * The request failed; the session and its instances are unaffected.
   */
  'error'?: (_pvmd_v1_Error__Output | null);
  /**
   * The answer. Exactly one is set.
   */
  'response'?: "instantiated"|"hostCall"|"exited"|"memoryData"|"ack"|"instanceState"|"error";
}
