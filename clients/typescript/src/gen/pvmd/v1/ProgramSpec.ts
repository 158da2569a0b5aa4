// Original file: proto/pvmd/v1/pvmd.proto

import type { ProgramFormat as _pvmd_v1_ProgramFormat, ProgramFormat__Output as _pvmd_v1_ProgramFormat__Output } from '../../pvmd/v1/ProgramFormat';
import type { Engine as _pvmd_v1_Engine, Engine__Output as _pvmd_v1_Engine__Output } from '../../pvmd/v1/Engine';

/**
 * ProgramSpec says which program to run and how to prepare it.
 */
export interface ProgramSpec {
  /**
   * The program's bytes. They are hashed and looked up in the code cache,
   * so sending the same program again costs only the transfer.
   */
  'programBlob'?: (Buffer | Uint8Array | string);
  /**
   * The code hash of a program the server already has (from Upload or an
   * earlier instantiation). NOT_FOUND if it was never seen or has been
   * evicted from the cache; send the bytes then.
   */
  'codeHash'?: (Buffer | Uint8Array | string);
  /**
   * How to read the program's bytes (required).
   */
  'format'?: (_pvmd_v1_ProgramFormat);
  /**
   * The PVM version: "NUMBERING" or "NUMBERING/GAS", e.g. "gp-0.8" (the
   * default when empty), "gp-0.7", "gp-0.7/block-instructions", "latest64".
   * Info lists the accepted names.
   */
  'profile'?: (string);
  /**
   * The engine to run it on (unspecified means auto).
   */
  'engine'?: (_pvmd_v1_Engine);
  /**
   * The program. Exactly one must be set.
   */
  'program'?: "programBlob"|"codeHash";
}

/**
 * ProgramSpec says which program to run and how to prepare it.
 */
export interface ProgramSpec__Output {
  /**
   * The program's bytes. They are hashed and looked up in the code cache,
   * so sending the same program again costs only the transfer.
   */
  'programBlob'?: (Buffer);
  /**
   * The code hash of a program the server already has (from Upload or an
   * earlier instantiation). NOT_FOUND if it was never seen or has been
   * evicted from the cache; send the bytes then.
   */
  'codeHash'?: (Buffer);
  /**
   * How to read the program's bytes (required).
   */
  'format': (_pvmd_v1_ProgramFormat__Output);
  /**
   * The PVM version: "NUMBERING" or "NUMBERING/GAS", e.g. "gp-0.8" (the
   * default when empty), "gp-0.7", "gp-0.7/block-instructions", "latest64".
   * Info lists the accepted names.
   */
  'profile': (string);
  /**
   * The engine to run it on (unspecified means auto).
   */
  'engine': (_pvmd_v1_Engine__Output);
  /**
   * The program. Exactly one must be set.
   */
  'program'?: "programBlob"|"codeHash";
}
