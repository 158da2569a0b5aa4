// Original file: proto/pvmd/v1/pvmd.proto

import type { PageAccess as _pvmd_v1_PageAccess, PageAccess__Output as _pvmd_v1_PageAccess__Output } from '../../pvmd/v1/PageAccess';
import type { Long } from '@grpc/proto-loader';

/**
 * PageRange is a range of guest pages and what the guest may do with them.
 */
export interface PageRange {
  /**
   * First byte; a multiple of 4096, at least 0x10000 unless access is
   * PAGE_ACCESS_INACCESSIBLE.
   */
  'address'?: (number);
  /**
   * Length in bytes; a multiple of 4096. address + length must not pass 2^32.
   */
  'length'?: (number | string | Long);
  /**
   * The access to set.
   */
  'access'?: (_pvmd_v1_PageAccess);
}

/**
 * PageRange is a range of guest pages and what the guest may do with them.
 */
export interface PageRange__Output {
  /**
   * First byte; a multiple of 4096, at least 0x10000 unless access is
   * PAGE_ACCESS_INACCESSIBLE.
   */
  'address': (number);
  /**
   * Length in bytes; a multiple of 4096. address + length must not pass 2^32.
   */
  'length': (string);
  /**
   * The access to set.
   */
  'access': (_pvmd_v1_PageAccess__Output);
}
