package dev.agentweave.mesh.support;

/** The names of the framework's meters, in one place (see docs/metrics.md). */
public final class MeterNames {
  private MeterNames() {}

  /** Calls received by an agent (tag agent). */
  public static final String REQUESTS_TOTAL = "requests.total";

  /** Calls that reached a capability (tags agent, capability). */
  public static final String REQUESTS_BY_CAPABILITY = "requests.by_capability";

  /** Calls answered successfully (tag agent). */
  public static final String REQUESTS_SUCCESS = "requests.success";

  /** Calls that failed (tags agent, error_type). */
  public static final String REQUESTS_ERROR = "requests.error";

  /** Time from acceptance to answer (tags agent, capability). */
  public static final String REQUEST_DURATION = "request.duration";

  /** Encoded request payload sizes (tags agent, capability). */
  public static final String REQUEST_PAYLOAD_SIZE = "request.payload_size";

  /** Live entities of a keyed agent on this node (tag agent). */
  public static final String KEYED_ENTITIES = "keyed.entities";

  /** Keyed calls this node sent again (tags agent, reason: no_answer or not_run). */
  public static final String KEYED_RESENDS = "keyed.resends";

  /** Time to an authorization decision (tag direction). */
  public static final String AUTHZ_CHECK_DURATION = "authz.check.duration";

  /** Allowing decisions (tag direction). */
  public static final String AUTHZ_ALLOWED = "authz.decisions.allowed";

  /** Denying decisions (tag direction). */
  public static final String AUTHZ_DENIED = "authz.decisions.denied";

  /** Decisions by action and result (tags action, result). */
  public static final String AUTHZ_BY_ACTION = "authz.decisions.by_action";

  /** Failed authorization checks, denied (tag error_type). */
  public static final String AUTHZ_ERRORS = "authz.check.errors";

  /** Calls in flight on the node. */
  public static final String NODE_IN_FLIGHT = "node.calls.in_flight";

  /** 1 while the node is ready. */
  public static final String NODE_READY = "node.ready";

  /** Calls waiting in a capability's mailbox (tags agent, capability). */
  public static final String MAILBOX_WAITING = "capability.mailbox.waiting";
}
