// Original file: proto/pvmd/v1/pvmd.proto

import type { ProgramSpec as _pvmd_v1_ProgramSpec, ProgramSpec__Output as _pvmd_v1_ProgramSpec__Output } from '../../pvmd/v1/ProgramSpec';
import type { PageRange as _pvmd_v1_PageRange, PageRange__Output as _pvmd_v1_PageRange__Output } from '../../pvmd/v1/PageRange';
import type { MemoryChunk as _pvmd_v1_MemoryChunk, MemoryChunk__Output as _pvmd_v1_MemoryChunk__Output } from '../../pvmd/v1/MemoryChunk';
import type { Long } from '@grpc/proto-loader';

/**
 * Instantiate creates a PVM instance in the session.
 */
export interface Instantiate {
  /**
   * The program and how to run it.
   */
  'program'?: (_pvmd_v1_ProgramSpec | null);
  /**
   * Gas the instance starts with (at most Info.limits.max_gas_per_run).
   */
  'gas'?: (number | string | Long);
  /**
   * Initial registers: empty, or exactly 13 values. Empty means all zero for
   * a code blob, and the standard initial registers (φ0 = 0xFFFF0000,
   * φ1 = 0xFEFE0000, φ7 = 0xFEFF0000, φ8 = len(arguments)) for a standard
   * program.
   */
  'registers'?: (number | string | Long)[];
  /**
   * Where Run starts when it is not given a pc: 0 for is-authorized and
   * refine, 5 for accumulate.
   */
  'entryPc'?: (number);
  /**
   * Code blobs only: the pages to map, in order.
   */
  'pageMap'?: (_pvmd_v1_PageRange)[];
  /**
   * Code blobs only: initial memory contents, written after page_map is
   * applied (read-only pages may be written here). Unwritten bytes are zero.
   */
  'initialMemory'?: (_pvmd_v1_MemoryChunk)[];
  /**
   * Standard programs only: the argument bytes (at most 16 MiB), placed at
   * 0xFEFF0000.
   */
  'arguments'?: (Buffer | Uint8Array | string);
}

/**
 * Instantiate creates a PVM instance in the session.
 */
export interface Instantiate__Output {
  /**
   * The program and how to run it.
   */
  'program': (_pvmd_v1_ProgramSpec__Output | null);
  /**
   * Gas the instance starts with (at most Info.limits.max_gas_per_run).
   */
  'gas': (string);
  /**
   * Initial registers: empty, or exactly 13 values. Empty means all zero for
   * a code blob, and the standard initial registers (φ0 = 0xFFFF0000,
   * φ1 = 0xFEFE0000, φ7 = 0xFEFF0000, φ8 = len(arguments)) for a standard
   * program.
   */
  'registers': (string)[];
  /**
   * Where Run starts when it is not given a pc: 0 for is-authorized and
   * refine, 5 for accumulate.
   */
  'entryPc': (number);
  /**
   * Code blobs only: the pages to map, in order.
   */
  'pageMap': (_pvmd_v1_PageRange__Output)[];
  /**
   * Code blobs only: initial memory contents, written after page_map is
   * applied (read-only pages may be written here). Unwritten bytes are zero.
   */
  'initialMemory': (_pvmd_v1_MemoryChunk__Output)[];
  /**
   * Standard programs only: the argument bytes (at most 16 MiB), placed at
   * 0xFEFF0000.
   */
  'arguments': (Buffer);
}
