package dev.agentweave.samples;

import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.CapabilityException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guide's {@code storage} agent: {@code retrieve} returns the stored record for a key. Keys
 * starting with {@code missing} have no record, so callers see a refusal; the orchestrator
 * tolerates it.
 */
public final class StorageAgent {
  /** Agent name. */
  public static final String NAME = "storage";

  /**
   * A retrieval.
   *
   * @param query the record key
   */
  public record Retrieve(String query) {}

  /**
   * A stored record.
   *
   * @param key the key
   * @param value the value
   * @param version how many times the key was read
   */
  public record StoredRecord(String key, String value, long version) {}

  private StorageAgent() {}

  /**
   * Creates the agent.
   *
   * @return the agent
   */
  public static Agent create() {
    ConcurrentHashMap<String, Long> reads = new ConcurrentHashMap<>();
    return Agent.of(NAME)
        .withDescription("Key-value storage")
        .withCapability(
            Capability.of(
                    "retrieve",
                    Retrieve.class,
                    StoredRecord.class,
                    (ctx, req) -> {
                      if (req.query() == null || req.query().startsWith("missing")) {
                        throw new CapabilityException("no record for key '" + req.query() + "'");
                      }
                      long v = reads.merge(req.query(), 1L, Long::sum);
                      return new StoredRecord(req.query(), "value of " + req.query(), v);
                    })
                .withIdempotent(true));
  }
}
