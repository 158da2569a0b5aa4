// Original file: proto/pvmd/v1/pvmd.proto

import type { ProgramSpec as _pvmd_v1_ProgramSpec, ProgramSpec__Output as _pvmd_v1_ProgramSpec__Output } from '../../pvmd/v1/ProgramSpec';

/**
 * UploadRequest asks pvmd to cache a program.
 */
export interface UploadRequest {
  /**
   * The program to cache; program_blob must be set.
   */
  'program'?: (_pvmd_v1_ProgramSpec | null);
}

/**
 * UploadRequest asks pvmd to cache a program.
 */
export interface UploadRequest__Output {
  /**
   * The program to cache; program_blob must be set.
   */
  'program': (_pvmd_v1_ProgramSpec__Output | null);
}
