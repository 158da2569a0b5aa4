// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * GetState asks for an instance's machine state.
 */
export interface GetState {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
}

/**
 * GetState asks for an instance's machine state.
 */
export interface GetState__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
}
