// Original file: proto/pvmd/v1/pvmd.proto

import type { ExitStatus as _pvmd_v1_ExitStatus, ExitStatus__Output as _pvmd_v1_ExitStatus__Output } from '../../pvmd/v1/ExitStatus';
import type { Long } from '@grpc/proto-loader';

/**
 * Exited: a run stopped other than at a host call.
 */
export interface Exited {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * Why it stopped.
   */
  'status'?: (_pvmd_v1_ExitStatus);
  /**
   * The pc of the instruction that exited (the halting jump, the trap, the
   * faulting instruction or the one that could not be paid for; for a
   * Resume verdict, the `ecalli`). The Gray Paper's Ψ reports 0 for halt and
   * panic; pvmd reports the pc, as the test vectors do.
   */
  'pc'?: (number);
  /**
   * Gas left.
   */
  'gas'?: (number | string | Long);
  /**
   * All 13 registers.
   */
  'registers'?: (number | string | Long)[];
  /**
   * For EXIT_STATUS_PAGE_FAULT, the page-aligned address of the lowest
   * byte the guest could not access; otherwise 0.
   */
  'faultAddress'?: (number);
}

/**
 * Exited: a run stopped other than at a host call.
 */
export interface Exited__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * Why it stopped.
   */
  'status': (_pvmd_v1_ExitStatus__Output);
  /**
   * The pc of the instruction that exited (the halting jump, the trap, the
   * faulting instruction or the one that could not be paid for; for a
   * Resume verdict, the `ecalli`). The Gray Paper's Ψ reports 0 for halt and
   * panic; pvmd reports the pc, as the test vectors do.
   */
  'pc': (number);
  /**
   * Gas left.
   */
  'gas': (string);
  /**
   * All 13 registers.
   */
  'registers': (string)[];
  /**
   * For EXIT_STATUS_PAGE_FAULT, the page-aligned address of the lowest
   * byte the guest could not access; otherwise 0.
   */
  'faultAddress': (number);
}
