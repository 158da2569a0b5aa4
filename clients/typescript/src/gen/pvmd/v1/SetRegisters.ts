// Original file: proto/pvmd/v1/pvmd.proto

import type { RegisterValue as _pvmd_v1_RegisterValue, RegisterValue__Output as _pvmd_v1_RegisterValue__Output } from '../../pvmd/v1/RegisterValue';
import type { Long } from '@grpc/proto-loader';

/**
 * SetRegisters changes registers and/or gas between runs.
 */
export interface SetRegisters {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * Registers to change.
   */
  'registers'?: (_pvmd_v1_RegisterValue)[];
  /**
   * New gas; unchanged when absent.
   */
  'gas'?: (number | string | Long);
  '_gas'?: "gas";
}

/**
 * SetRegisters changes registers and/or gas between runs.
 */
export interface SetRegisters__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * Registers to change.
   */
  'registers': (_pvmd_v1_RegisterValue__Output)[];
  /**
   * New gas; unchanged when absent.
   */
  'gas'?: (string);
  '_gas'?: "gas";
}
