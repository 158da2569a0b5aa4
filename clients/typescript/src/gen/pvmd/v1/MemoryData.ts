// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * MemoryData answers ReadMemory.
 */
export interface MemoryData {
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
}

/**
 * MemoryData answers ReadMemory.
 */
export interface MemoryData__Output {
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
}
