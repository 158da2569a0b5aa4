// Original file: proto/pvmd/v1/pvmd.proto


/**
 * Ack: the request was carried out.
 */
export interface Ack {
}

/**
 * Ack: the request was carried out.
 */
export interface Ack__Output {
}
