// Original file: proto/pvmd/v1/pvmd.proto

import type { RegisterValue as _pvmd_v1_RegisterValue, RegisterValue__Output as _pvmd_v1_RegisterValue__Output } from '../../pvmd/v1/RegisterValue';
import type { MemoryChunk as _pvmd_v1_MemoryChunk, MemoryChunk__Output as _pvmd_v1_MemoryChunk__Output } from '../../pvmd/v1/MemoryChunk';
import type { ExitStatus as _pvmd_v1_ExitStatus, ExitStatus__Output as _pvmd_v1_ExitStatus__Output } from '../../pvmd/v1/ExitStatus';
import type { Long } from '@grpc/proto-loader';

/**
 * Resume continues a run paused at a host call (after the `ecalli`) or a page
 * fault (retrying the faulting instruction), after applying, in this order:
 * the register changes, the gas, the memory writes. Either all of them apply
 * or, if any is invalid, none does and the instance stays paused.
 */
export interface Resume {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * Registers to change (typically φ7, the host call's result).
   */
  'setRegisters'?: (_pvmd_v1_RegisterValue)[];
  /**
   * The gas left after the host call; unchanged when absent.
   */
  'gas'?: (number | string | Long);
  /**
   * Guest memory to write (the pages must be writable by the guest).
   */
  'memoryWrites'?: (_pvmd_v1_MemoryChunk)[];
  /**
   * Leave unspecified to continue the guest. HALT, PANIC or OUT_OF_GAS end
   * the run instead, as the host call's verdict: the answer is Exited with
   * that status at the `ecalli`'s pc. Only allowed at a host call.
   */
  'endWith'?: (_pvmd_v1_ExitStatus);
  '_gas'?: "gas";
}

/**
 * Resume continues a run paused at a host call (after the `ecalli`) or a page
 * fault (retrying the faulting instruction), after applying, in this order:
 * the register changes, the gas, the memory writes. Either all of them apply
 * or, if any is invalid, none does and the instance stays paused.
 */
export interface Resume__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * Registers to change (typically φ7, the host call's result).
   */
  'setRegisters': (_pvmd_v1_RegisterValue__Output)[];
  /**
   * The gas left after the host call; unchanged when absent.
   */
  'gas'?: (string);
  /**
   * Guest memory to write (the pages must be writable by the guest).
   */
  'memoryWrites': (_pvmd_v1_MemoryChunk__Output)[];
  /**
   * Leave unspecified to continue the guest. HALT, PANIC or OUT_OF_GAS end
   * the run instead, as the host call's verdict: the answer is Exited with
   * that status at the `ecalli`'s pc. Only allowed at a host call.
   */
  'endWith': (_pvmd_v1_ExitStatus__Output);
  '_gas'?: "gas";
}
