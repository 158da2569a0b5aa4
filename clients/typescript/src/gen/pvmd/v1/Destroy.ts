// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Destroy frees an instance and its memory. Its id is not reused.
 */
export interface Destroy {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
}

/**
 * Destroy frees an instance and its memory. Its id is not reused.
 */
export interface Destroy__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
}
