// Original file: proto/pvmd/v1/pvmd.proto


/**
 * MemoryRange names length bytes of guest memory starting at address.
 */
export interface MemoryRange {
  /**
   * Address of the first byte.
   */
  'address'?: (number);
  /**
   * Number of bytes.
   */
  'length'?: (number);
}

/**
 * MemoryRange names length bytes of guest memory starting at address.
 */
export interface MemoryRange__Output {
  /**
   * Address of the first byte.
   */
  'address': (number);
  /**
   * Number of bytes.
   */
  'length': (number);
}
