package dev.agentweave.mesh.spi;

/**
 * A hook into every call of a node, whatever its entrance: the call pipeline calls {@link #onCall}
 * once when a call enters, before admission, and the returned observer once when the call's outcome
 * is known (its answer, its failure, or for a {@code tell} the handler's end). This is the one
 * place where tracing, events or auditing of calls attach. Interceptors run on the thread that
 * moves the call on; they must be fast, thread-safe and must not throw (a throwing interceptor is
 * logged and skipped, the call goes on).
 */
public interface CallInterceptor {
  /**
   * A call entered the pipeline.
   *
   * @param call the call
   * @return the observer of its outcome, or {@code null} when this interceptor does not need it
   */
  Observer onCall(CallInfo call);

  /** Learns the outcome of one call. */
  interface Observer {
    /**
     * The call completed.
     *
     * @param call the call
     * @param failure {@code null} when it succeeded, else a {@link
     *     dev.agentweave.mesh.MeshException}
     */
    void onComplete(CallInfo call, Throwable failure);
  }
}
