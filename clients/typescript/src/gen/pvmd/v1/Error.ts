// Original file: proto/pvmd/v1/pvmd.proto


/**
 * Error: the request failed. The session and its instances are unaffected.
 */
export interface Error {
  /**
   * A gRPC status code (google.rpc.Code): 3 INVALID_ARGUMENT, 5 NOT_FOUND,
   * 8 RESOURCE_EXHAUSTED, 9 FAILED_PRECONDITION, 13 INTERNAL.
   */
  'code'?: (number);
  /**
   * What went wrong, naming the offending field.
   */
  'message'?: (string);
  /**
   * The offending field's path in the request, e.g. "resume.instance_id";
   * empty when no single field is to blame.
   */
  'field'?: (string);
}

/**
 * Error: the request failed. The session and its instances are unaffected.
 */
export interface Error__Output {
  /**
   * A gRPC status code (google.rpc.Code): 3 INVALID_ARGUMENT, 5 NOT_FOUND,
   * 8 RESOURCE_EXHAUSTED, 9 FAILED_PRECONDITION, 13 INTERNAL.
   */
  'code': (number);
  /**
   * What went wrong, naming the offending field.
   */
  'message': (string);
  /**
   * The offending field's path in the request, e.g. "resume.instance_id";
   * empty when no single field is to blame.
   */
  'field': (string);
}
