// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * RegisterValue sets one register.
 */
export interface RegisterValue {
  /**
   * Register number, 0..12.
   */
  'index'?: (number);
  /**
   * New value.
   */
  'value'?: (number | string | Long);
}

/**
 * RegisterValue sets one register.
 */
export interface RegisterValue__Output {
  /**
   * Register number, 0..12.
   */
  'index': (number);
  /**
   * New value.
   */
  'value': (string);
}
