// Original file: proto/pvmd/v1/pvmd.proto

/**
 * ExitStatus is why a run stopped (other than at a host call, which is
 * reported by HostCall).
 */
export const ExitStatus = {
  /**
   * Never sent by pvmd. In Resume.end_with it means "continue the guest".
   */
  EXIT_STATUS_UNSPECIFIED: 0,
  /**
   * The guest halted (jumped to the halt address 0xFFFF0000).
   */
  EXIT_STATUS_HALT: 1,
  /**
   * The guest trapped or did something invalid.
   */
  EXIT_STATUS_PANIC: 2,
  /**
   * The guest ran out of gas.
   */
  EXIT_STATUS_OUT_OF_GAS: 3,
  /**
   * The guest touched a page it may not (fault_address says which). The run
   * can go on: map the page with MapPages, then Resume to retry the
   * instruction.
   */
  EXIT_STATUS_PAGE_FAULT: 4,
} as const;

/**
 * ExitStatus is why a run stopped (other than at a host call, which is
 * reported by HostCall).
 */
export type ExitStatus =
  /**
   * Never sent by pvmd. In Resume.end_with it means "continue the guest".
   */
  | 'EXIT_STATUS_UNSPECIFIED'
  | 0
  /**
   * The guest halted (jumped to the halt address 0xFFFF0000).
   */
  | 'EXIT_STATUS_HALT'
  | 1
  /**
   * The guest trapped or did something invalid.
   */
  | 'EXIT_STATUS_PANIC'
  | 2
  /**
   * The guest ran out of gas.
   */
  | 'EXIT_STATUS_OUT_OF_GAS'
  | 3
  /**
   * The guest touched a page it may not (fault_address says which). The run
   * can go on: map the page with MapPages, then Resume to retry the
   * instruction.
   */
  | 'EXIT_STATUS_PAGE_FAULT'
  | 4

/**
 * ExitStatus is why a run stopped (other than at a host call, which is
 * reported by HostCall).
 */
export type ExitStatus__Output = typeof ExitStatus[keyof typeof ExitStatus]
