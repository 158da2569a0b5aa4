// Original file: proto/pvmd/v1/pvmd.proto

import type { Instantiate as _pvmd_v1_Instantiate, Instantiate__Output as _pvmd_v1_Instantiate__Output } from '../../pvmd/v1/Instantiate';
import type { MemoryRange as _pvmd_v1_MemoryRange, MemoryRange__Output as _pvmd_v1_MemoryRange__Output } from '../../pvmd/v1/MemoryRange';

/**
 * InvokeRequest is a one-shot run.
 */
export interface InvokeRequest {
  /**
   * The instance to create.
   */
  'instance'?: (_pvmd_v1_Instantiate | null);
  /**
   * Memory to read after the run; each range is returned in
   * InvokeResponse.memory, empty if the guest could not read all of it.
   */
  'readMemory'?: (_pvmd_v1_MemoryRange)[];
}

/**
 * InvokeRequest is a one-shot run.
 */
export interface InvokeRequest__Output {
  /**
   * The instance to create.
   */
  'instance': (_pvmd_v1_Instantiate__Output | null);
  /**
   * Memory to read after the run; each range is returned in
   * InvokeResponse.memory, empty if the guest could not read all of it.
   */
  'readMemory': (_pvmd_v1_MemoryRange__Output)[];
}
