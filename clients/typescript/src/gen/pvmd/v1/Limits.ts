// Original file: proto/pvmd/v1/pvmd.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { Long } from '@grpc/proto-loader';

/**
 * Limits are the bounds a server enforces; exceeding one gives
 * RESOURCE_EXHAUSTED. Zero means no limit.
 */
export interface Limits {
  /**
   * Largest request or response message.
   */
  'maxMessageBytes'?: (number | string | Long);
  /**
   * Sessions open at once.
   */
  'maxSessions'?: (number | string | Long);
  /**
   * Instances alive at once in one session.
   */
  'maxInstancesPerSession'?: (number | string | Long);
  /**
   * Instances alive at once in the whole server.
   */
  'maxInstances'?: (number | string | Long);
  /**
   * Guest memory one instance may map.
   */
  'maxGuestMemoryPerInstance'?: (number | string | Long);
  /**
   * Guest memory all instances together may map.
   */
  'maxGuestMemoryTotal'?: (number | string | Long);
  /**
   * Most gas an instance may be given.
   */
  'maxGasPerRun'?: (number | string | Long);
  /**
   * A session with no request for this long is closed (DEADLINE_EXCEEDED).
   */
  'idleSessionTimeout'?: (_google_protobuf_Duration | null);
  /**
   * Bytes of compiled programs the code cache keeps.
   */
  'codeCacheBytes'?: (number | string | Long);
  /**
   * Separate mapped ranges one instance's memory may have (MapPages calls
   * that fragment memory further fail).
   */
  'maxRangesPerInstance'?: (number | string | Long);
}

/**
 * Limits are the bounds a server enforces; exceeding one gives
 * RESOURCE_EXHAUSTED. Zero means no limit.
 */
export interface Limits__Output {
  /**
   * Largest request or response message.
   */
  'maxMessageBytes': (string);
  /**
   * Sessions open at once.
   */
  'maxSessions': (string);
  /**
   * Instances alive at once in one session.
   */
  'maxInstancesPerSession': (string);
  /**
   * Instances alive at once in the whole server.
   */
  'maxInstances': (string);
  /**
   * Guest memory one instance may map.
   */
  'maxGuestMemoryPerInstance': (string);
  /**
   * Guest memory all instances together may map.
   */
  'maxGuestMemoryTotal': (string);
  /**
   * Most gas an instance may be given.
   */
  'maxGasPerRun': (string);
  /**
   * A session with no request for this long is closed (DEADLINE_EXCEEDED).
   */
  'idleSessionTimeout': (_google_protobuf_Duration__Output | null);
  /**
   * Bytes of compiled programs the code cache keeps.
   */
  'codeCacheBytes': (string);
  /**
   * Separate mapped ranges one instance's memory may have (MapPages calls
   * that fragment memory further fail).
   */
  'maxRangesPerInstance': (string);
}
