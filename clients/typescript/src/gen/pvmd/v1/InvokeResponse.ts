// Original file: proto/pvmd/v1/pvmd.proto

import type { HostCall as _pvmd_v1_HostCall, HostCall__Output as _pvmd_v1_HostCall__Output } from '../../pvmd/v1/HostCall';
import type { Exited as _pvmd_v1_Exited, Exited__Output as _pvmd_v1_Exited__Output } from '../../pvmd/v1/Exited';
import type { MemoryChunk as _pvmd_v1_MemoryChunk, MemoryChunk__Output as _pvmd_v1_MemoryChunk__Output } from '../../pvmd/v1/MemoryChunk';

/**
 * InvokeResponse answers Invoke.
 */
export interface InvokeResponse {
  /**
   * The program's code hash.
   */
  'codeHash'?: (Buffer | Uint8Array | string);
  /**
   * True when the compiled program came from the code cache.
   */
  'fromCache'?: (boolean);
  /**
   * The guest reached an `ecalli` (the instance is gone: Invoke cannot
   * answer host calls; use a Session for that).
   */
  'hostCall'?: (_pvmd_v1_HostCall | null);
  /**
   * The run stopped.
   */
  'exited'?: (_pvmd_v1_Exited | null);
  /**
   * For a halt: the bytes at [φ7, φ7 + φ8) if the guest can read them (the
   * result of the Gray Paper's Ψ_M), otherwise empty.
   */
  'output'?: (Buffer | Uint8Array | string);
  /**
   * The ranges asked for in InvokeRequest.read_memory, in order.
   */
  'memory'?: (_pvmd_v1_MemoryChunk)[];
  /**
   * How the run stopped. Exactly one is set.
   */
  'outcome'?: "hostCall"|"exited";
}

/**
 * InvokeResponse answers Invoke.
 */
export interface InvokeResponse__Output {
  /**
   * The program's code hash.
   */
  'codeHash': (Buffer);
  /**
   * True when the compiled program came from the code cache.
   */
  'fromCache': (boolean);
  /**
   * The guest reached an `ecalli` (the instance is gone: Invoke cannot
   * answer host calls; use a Session for that).
   */
  'hostCall'?: (_pvmd_v1_HostCall__Output | null);
  /**
   * The run stopped.
   */
  'exited'?: (_pvmd_v1_Exited__Output | null);
  /**
   * For a halt: the bytes at [φ7, φ7 + φ8) if the guest can read them (the
   * result of the Gray Paper's Ψ_M), otherwise empty.
   */
  'output': (Buffer);
  /**
   * The ranges asked for in InvokeRequest.read_memory, in order.
   */
  'memory': (_pvmd_v1_MemoryChunk__Output)[];
  /**
   * How the run stopped. Exactly one is set.
   */
  'outcome'?: "hostCall"|"exited";
}
