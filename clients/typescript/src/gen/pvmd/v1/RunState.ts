// Original file: proto/pvmd/v1/pvmd.proto

/**
 * RunState is where an instance stands between requests.
 */
export const RunState = {
  /**
   * Never sent.
   */
  RUN_STATE_UNSPECIFIED: 0,
  /**
   * Created or finished: the next Run starts afresh.
   */
  RUN_STATE_READY: 1,
  /**
   * Paused at an `ecalli`: Resume continues after it.
   */
  RUN_STATE_AT_HOST_CALL: 2,
  /**
   * Paused at a page fault: Resume retries the faulting instruction.
   */
  RUN_STATE_AT_PAGE_FAULT: 3,
  /**
   * The last run ended with halt, panic or out of gas; Resume is not
   * possible, Run starts afresh.
   */
  RUN_STATE_FINISHED: 4,
} as const;

/**
 * RunState is where an instance stands between requests.
 */
export type RunState =
  /**
   * Never sent.
   */
  | 'RUN_STATE_UNSPECIFIED'
  | 0
  /**
   * Created or finished: the next Run starts afresh.
   */
  | 'RUN_STATE_READY'
  | 1
  /**
   * Paused at an `ecalli`: Resume continues after it.
   */
  | 'RUN_STATE_AT_HOST_CALL'
  | 2
  /**
   * Paused at a page fault: Resume retries the faulting instruction.
   */
  | 'RUN_STATE_AT_PAGE_FAULT'
  | 3
  /**
   * The last run ended with halt, panic or out of gas; Resume is not
   * possible, Run starts afresh.
   */
  | 'RUN_STATE_FINISHED'
  | 4

/**
 * RunState is where an instance stands between requests.
 */
export type RunState__Output = typeof RunState[keyof typeof RunState]
