// Original file: proto/pvmd/v1/pvmd.proto

import type { Limits as _pvmd_v1_Limits, Limits__Output as _pvmd_v1_Limits__Output } from '../../pvmd/v1/Limits';

/**
 * InfoResponse describes the server.
 */
export interface InfoResponse {
  /**
   * pvmd's version.
   */
  'version'?: (string);
  /**
   * Accepted numbering names for ProgramSpec.profile, e.g. "gp-0.8".
   */
  'numberings'?: (string)[];
  /**
   * Accepted gas model names, for "NUMBERING/GAS".
   */
  'gasModels'?: (string)[];
  /**
   * The default profile.
   */
  'defaultProfile'?: (string);
  /**
   * The engines this server has, e.g. "interpreter".
   */
  'engines'?: (string)[];
  /**
   * The limits this server enforces.
   */
  'limits'?: (_pvmd_v1_Limits | null);
}

/**
 * InfoResponse describes the server.
 */
export interface InfoResponse__Output {
  /**
   * pvmd's version.
   */
  'version': (string);
  /**
   * Accepted numbering names for ProgramSpec.profile, e.g. "gp-0.8".
   */
  'numberings': (string)[];
  /**
   * Accepted gas model names, for "NUMBERING/GAS".
   */
  'gasModels': (string)[];
  /**
   * The default profile.
   */
  'defaultProfile': (string);
  /**
   * The engines this server has, e.g. "interpreter".
   */
  'engines': (string)[];
  /**
   * The limits this server enforces.
   */
  'limits': (_pvmd_v1_Limits__Output | null);
}
