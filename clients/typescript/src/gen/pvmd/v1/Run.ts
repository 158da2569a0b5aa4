// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Run starts a run of an instance from its entry pc or a given pc. Registers
 * and memory are as the previous run (or Instantiate) left them. A pending
 * host call or page fault is abandoned.
 */
export interface Run {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * Where to start; the instance's entry_pc when absent.
   */
  'pc'?: (number);
  /**
   * Gas to start with; the gas left when absent.
   */
  'gas'?: (number | string | Long);
  '_pc'?: "pc";
  '_gas'?: "gas";
}

/**
 * Run starts a run of an instance from its entry pc or a given pc. Registers
 * and memory are as the previous run (or Instantiate) left them. A pending
 * host call or page fault is abandoned.
 */
export interface Run__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * Where to start; the instance's entry_pc when absent.
   */
  'pc'?: (number);
  /**
   * Gas to start with; the gas left when absent.
   */
  'gas'?: (string);
  '_pc'?: "pc";
  '_gas'?: "gas";
}
