// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Instantiated answers Instantiate.
 */
export interface Instantiated {
  /**
   * Names the instance in later requests of this session.
   */
  'instanceId'?: (number | string | Long);
  /**
   * The program's code hash: the blake2b-256 of its bytes.
   */
  'codeHash'?: (Buffer | Uint8Array | string);
  /**
   * True when the compiled program came from the code cache (no decoding or
   * compilation was needed).
   */
  'fromCache'?: (boolean);
  /**
   * The engine that runs it (after resolving auto), e.g. "interpreter".
   */
  'engine'?: (string);
  /**
   * The profile it runs under, e.g. "gp-0.8".
   */
  'profile'?: (string);
}

/**
 * Instantiated answers Instantiate.
 */
export interface Instantiated__Output {
  /**
   * Names the instance in later requests of this session.
   */
  'instanceId': (string);
  /**
   * The program's code hash: the blake2b-256 of its bytes.
   */
  'codeHash': (Buffer);
  /**
   * True when the compiled program came from the code cache (no decoding or
   * compilation was needed).
   */
  'fromCache': (boolean);
  /**
   * The engine that runs it (after resolving auto), e.g. "interpreter".
   */
  'engine': (string);
  /**
   * The profile it runs under, e.g. "gp-0.8".
   */
  'profile': (string);
}
