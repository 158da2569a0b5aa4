// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * ReadMemory reads guest memory. Every byte must be readable by the guest
 * (FAILED_PRECONDITION otherwise, naming the first page that is not).
 */
export interface ReadMemory {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * Address of the first byte.
   */
  'address'?: (number);
  /**
   * Number of bytes (at most Info.limits.max_message_bytes minus a little).
   */
  'length'?: (number);
}

/**
 * ReadMemory reads guest memory. Every byte must be readable by the guest
 * (FAILED_PRECONDITION otherwise, naming the first page that is not).
 */
export interface ReadMemory__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * Address of the first byte.
   */
  'address': (number);
  /**
   * Number of bytes (at most Info.limits.max_message_bytes minus a little).
   */
  'length': (number);
}
