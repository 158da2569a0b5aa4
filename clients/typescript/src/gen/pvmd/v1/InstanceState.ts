// Original file: proto/pvmd/v1/pvmd.proto

import type { RunState as _pvmd_v1_RunState, RunState__Output as _pvmd_v1_RunState__Output } from '../../pvmd/v1/RunState';
import type { Long } from '@grpc/proto-loader';

/**
 * InstanceState answers GetState.
 */
export interface InstanceState {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * Where it stands.
   */
  'runState'?: (_pvmd_v1_RunState);
  /**
   * Where the next Resume continues, or where the last run stopped.
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
   * Bytes of guest memory mapped (accessible to the guest).
   */
  'mappedBytes'?: (number | string | Long);
  /**
   * Instructions executed by this instance so far.
   */
  'instructions'?: (number | string | Long);
  /**
   * For RUN_STATE_AT_HOST_CALL, the pending `ecalli` immediate.
   */
  'callId'?: (number | string | Long);
  /**
   * For RUN_STATE_AT_PAGE_FAULT, the page that faulted.
   */
  'faultAddress'?: (number);
}

/**
 * InstanceState answers GetState.
 */
export interface InstanceState__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * Where it stands.
   */
  'runState': (_pvmd_v1_RunState__Output);
  /**
   * Where the next Resume continues, or where the last run stopped.
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
   * Bytes of guest memory mapped (accessible to the guest).
   */
  'mappedBytes': (string);
  /**
   * Instructions executed by this instance so far.
   */
  'instructions': (string);
  /**
   * For RUN_STATE_AT_HOST_CALL, the pending `ecalli` immediate.
   */
  'callId': (string);
  /**
   * For RUN_STATE_AT_PAGE_FAULT, the page that faulted.
   */
  'faultAddress': (number);
}
