// Original file: proto/pvmd/v1/pvmd.proto

/**
 * Engine chooses how a program is executed. Results are identical; speed is
 * not.
 */
export const Engine = {
  /**
   * The same as ENGINE_AUTO.
   */
  ENGINE_UNSPECIFIED: 0,
  /**
   * The fastest engine this server has for the profile.
   */
  ENGINE_AUTO: 1,
  /**
   * The reference interpreter.
   */
  ENGINE_INTERPRETER: 2,
  /**
   * The x86-64 recompiler (see Info for whether this server has it).
   */
  ENGINE_RECOMPILER: 3,
} as const;

/**
 * Engine chooses how a program is executed. Results are identical; speed is
 * not.
 */
export type Engine =
  /**
   * The same as ENGINE_AUTO.
   */
  | 'ENGINE_UNSPECIFIED'
  | 0
  /**
   * The fastest engine this server has for the profile.
   */
  | 'ENGINE_AUTO'
  | 1
  /**
   * The reference interpreter.
   */
  | 'ENGINE_INTERPRETER'
  | 2
  /**
   * The x86-64 recompiler (see Info for whether this server has it).
   */
  | 'ENGINE_RECOMPILER'
  | 3

/**
 * Engine chooses how a program is executed. Results are identical; speed is
 * not.
 */
export type Engine__Output = typeof Engine[keyof typeof Engine]
