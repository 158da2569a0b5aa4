// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * WriteMemory writes guest memory. Every byte must be writable by the guest
 * (FAILED_PRECONDITION otherwise), unless force is set.
 */
export interface WriteMemory {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * Address of the first byte.
   */
  'address'?: (number);
  /**
   * The bytes.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * Also write pages the guest may only read (as a program loader does).
   * The pages must still be mapped.
   */
  'force'?: (boolean);
}

/**
 * WriteMemory writes guest memory. Every byte must be writable by the guest
 * (FAILED_PRECONDITION otherwise), unless force is set.
 */
export interface WriteMemory__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * Address of the first byte.
   */
  'address': (number);
  /**
   * The bytes.
   */
  'data': (Buffer);
  /**
   * Also write pages the guest may only read (as a program loader does).
   * The pages must still be mapped.
   */
  'force': (boolean);
}
