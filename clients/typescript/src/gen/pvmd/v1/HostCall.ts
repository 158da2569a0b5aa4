// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * HostCall: the guest executed `ecalli` and waits for the client. Answer
 * with Resume. The registers and gas are those after the `ecalli` was paid
 * for; pc is the `ecalli`'s own pc.
 */
export interface HostCall {
  /**
   * The instance that is waiting.
   */
  'instanceId'?: (number | string | Long);
  /**
   * The `ecalli` immediate: which host function the guest calls.
   */
  'callId'?: (number | string | Long);
  /**
   * The pc of the `ecalli` instruction.
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
}

/**
 * HostCall: the guest executed `ecalli` and waits for the client. Answer
 * with Resume. The registers and gas are those after the `ecalli` was paid
 * for; pc is the `ecalli`'s own pc.
 */
export interface HostCall__Output {
  /**
   * The instance that is waiting.
   */
  'instanceId': (string);
  /**
   * The `ecalli` immediate: which host function the guest calls.
   */
  'callId': (string);
  /**
   * The pc of the `ecalli` instruction.
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
}
