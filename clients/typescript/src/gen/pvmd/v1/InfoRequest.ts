// Original file: proto/pvmd/v1/pvmd.proto


/**
 * InfoRequest asks for a description of the server.
 */
export interface InfoRequest {
}

/**
 * InfoRequest asks for a description of the server.
 */
export interface InfoRequest__Output {
}
