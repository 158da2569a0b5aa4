// Original file: proto/pvmd/v1/pvmd.proto


/**
 * MemoryChunk is bytes of guest memory at an address.
 */
export interface MemoryChunk {
  /**
   * Address of the first byte.
   */
  'address'?: (number);
  /**
   * The bytes.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * MemoryChunk is bytes of guest memory at an address.
 */
export interface MemoryChunk__Output {
  /**
   * Address of the first byte.
   */
  'address': (number);
  /**
   * The bytes.
   */
  'data': (Buffer);
}
