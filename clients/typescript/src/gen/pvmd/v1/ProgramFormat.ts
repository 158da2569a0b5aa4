// Original file: proto/pvmd/v1/pvmd.proto

/**
 * ProgramFormat says how to read a program's bytes.
 */
export const ProgramFormat = {
  /**
   * Not allowed: the format must be given.
   */
  PROGRAM_FORMAT_UNSPECIFIED: 0,
  /**
   * A bare PVM code blob (the Gray Paper's deblob format: jump table, code,
   * opcode bitmask). Memory starts empty: describe it with page_map and
   * initial_memory.
   */
  PROGRAM_FORMAT_CODE_BLOB: 1,
  /**
   * A JAM standard program (the Gray Paper's Y function: RO data, RW data,
   * heap pages, stack size, code blob). Memory and registers are laid out
   * from the blob and the argument bytes.
   */
  PROGRAM_FORMAT_STANDARD: 2,
} as const;

/**
 * ProgramFormat says how to read a program's bytes.
 */
export type ProgramFormat =
  /**
   * Not allowed: the format must be given.
   */
  | 'PROGRAM_FORMAT_UNSPECIFIED'
  | 0
  /**
   * A bare PVM code blob (the Gray Paper's deblob format: jump table, code,
   * opcode bitmask). Memory starts empty: describe it with page_map and
   * initial_memory.
   */
  | 'PROGRAM_FORMAT_CODE_BLOB'
  | 1
  /**
   * A JAM standard program (the Gray Paper's Y function: RO data, RW data,
   * heap pages, stack size, code blob). Memory and registers are laid out
   * from the blob and the argument bytes.
   */
  | 'PROGRAM_FORMAT_STANDARD'
  | 2

/**
 * ProgramFormat says how to read a program's bytes.
 */
export type ProgramFormat__Output = typeof ProgramFormat[keyof typeof ProgramFormat]
