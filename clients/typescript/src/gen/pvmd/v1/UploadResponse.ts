// Original file: proto/pvmd/v1/pvmd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * UploadResponse answers Upload.
 */
export interface UploadResponse {
  /**
   * The program's code hash, to use in ProgramSpec.code_hash.
   */
  'codeHash'?: (Buffer | Uint8Array | string);
  /**
   * True when the program was already cached for this profile and engine.
   */
  'alreadyCached'?: (boolean);
  /**
   * The engine it was compiled for (after resolving auto).
   */
  'engine'?: (string);
  /**
   * The profile it was compiled for.
   */
  'profile'?: (string);
  /**
   * Bytes the compiled program takes in the cache.
   */
  'sizeBytes'?: (number | string | Long);
}

/**
 * UploadResponse answers Upload.
 */
export interface UploadResponse__Output {
  /**
   * The program's code hash, to use in ProgramSpec.code_hash.
   */
  'codeHash': (Buffer);
  /**
   * True when the program was already cached for this profile and engine.
   */
  'alreadyCached': (boolean);
  /**
   * The engine it was compiled for (after resolving auto).
   */
  'engine': (string);
  /**
   * The profile it was compiled for.
   */
  'profile': (string);
  /**
   * Bytes the compiled program takes in the cache.
   */
  'sizeBytes': (string);
}
