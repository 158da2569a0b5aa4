// Original file: proto/pvmd/v1/pvmd.proto

/**
 * PageAccess is what the guest may do with a page.
 */
export const PageAccess = {
  /**
   * Not allowed: the access must be given.
   */
  PAGE_ACCESS_UNSPECIFIED: 0,
  /**
   * The guest may not touch the page (unmaps it; its contents are lost).
   */
  PAGE_ACCESS_INACCESSIBLE: 1,
  /**
   * The guest may read the page.
   */
  PAGE_ACCESS_READ_ONLY: 2,
  /**
   * The guest may read and write the page.
   */
  PAGE_ACCESS_READ_WRITE: 3,
} as const;

/**
 * PageAccess is what the guest may do with a page.
 */
export type PageAccess =
  /**
   * Not allowed: the access must be given.
   */
  | 'PAGE_ACCESS_UNSPECIFIED'
  | 0
  /**
   * The guest may not touch the page (unmaps it; its contents are lost).
   */
  | 'PAGE_ACCESS_INACCESSIBLE'
  | 1
  /**
   * The guest may read the page.
   */
  | 'PAGE_ACCESS_READ_ONLY'
  | 2
  /**
   * The guest may read and write the page.
   */
  | 'PAGE_ACCESS_READ_WRITE'
  | 3

/**
 * PageAccess is what the guest may do with a page.
 */
export type PageAccess__Output = typeof PageAccess[keyof typeof PageAccess]
