// Original file: proto/pvmd/v1/pvmd.proto

import type { PageRange as _pvmd_v1_PageRange, PageRange__Output as _pvmd_v1_PageRange__Output } from '../../pvmd/v1/PageRange';
import type { Long } from '@grpc/proto-loader';

/**
 * MapPages changes what the guest may do with a range of pages: to answer a
 * page fault, or the `pages` host call. Newly mapped pages read as zero;
 * pages that change between read-only and read-write keep their contents.
 */
export interface MapPages {
  /**
   * The instance.
   */
  'instanceId'?: (number | string | Long);
  /**
   * The pages.
   */
  'pages'?: (_pvmd_v1_PageRange | null);
}

/**
 * MapPages changes what the guest may do with a range of pages: to answer a
 * page fault, or the `pages` host call. Newly mapped pages read as zero;
 * pages that change between read-only and read-write keep their contents.
 */
export interface MapPages__Output {
  /**
   * The instance.
   */
  'instanceId': (string);
  /**
   * The pages.
   */
  'pages': (_pvmd_v1_PageRange__Output | null);
}
