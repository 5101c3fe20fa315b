package dev.agentweave.mesh.config;

import dev.agentweave.mesh.SpiffeIdPattern;
import dev.agentweave.mesh.config.MeshSettings.DefaultAction;
import java.time.Duration;
import java.util.List;

/**
 * The {@code authorization} section.
 *
 * @param provider the policy engine
 * @param defaultAction what a denial does
 * @param opaEndpoint the OPA server for provider {@code opa}
 * @param policyPath the OPA policy path
 * @param allow the rules of the allow-list engine
 * @param cache the decision cache
 * @param audit the audit log
 * @param decisionTimeout how long a cache miss may take before it is denied
 * @param cedar the Cedar engine
 * @param opaWasm the OPA wasm engine
 */
public record AuthorizationSettings(
    String provider,
    DefaultAction defaultAction,
    String opaEndpoint,
    String policyPath,
    List<AllowRule> allow,
    CacheSettings cache,
    AuditSettings audit,
    Duration decisionTimeout,
    CedarSettings cedar,
    OpaWasmSettings opaWasm) {
  /**
   * A copy with another audit section.
   *
   * @param value the audit settings
   * @return the copy
   */
  public AuthorizationSettings withAudit(AuditSettings value) {
    return new AuthorizationSettings(
        provider,
        defaultAction,
        opaEndpoint,
        policyPath,
        allow,
        cache,
        value,
        decisionTimeout,
        cedar,
        opaWasm);
  }

  /**
   * The {@code authorization.opa_wasm} section.
   *
   * @param module the compiled policy file
   * @param entrypoint the entrypoint
   * @param dataFile the data document file, or empty
   * @param reloadInterval how often the files are checked for changes
   */
  public record OpaWasmSettings(
      String module, String entrypoint, String dataFile, Duration reloadInterval) {}

  /**
   * The {@code authorization.cedar} section.
   *
   * @param policyFile the policy file
   * @param entitiesFile the entities file, or empty
   * @param reloadInterval how often the files are checked for changes
   */
  public record CedarSettings(String policyFile, String entitiesFile, Duration reloadInterval) {}

  /**
   * A rule of the interim allow-list engine: the caller may call the listed actions of the callee.
   *
   * @param caller callers the rule covers
   * @param callee callees the rule covers
   * @param actions capability names, or {@code *} for all
   */
  public record AllowRule(SpiffeIdPattern caller, SpiffeIdPattern callee, List<String> actions) {}

  /**
   * The {@code authorization.cache} section.
   *
   * @param enabled whether decisions are cached
   * @param ttl lifetime of an allow
   * @param denyTtl lifetime of a deny
   * @param maxSize maximum entries
   * @param evictionPolicy as written; Caffeine's W-TinyLFU is used in every case
   */
  public record CacheSettings(
      boolean enabled, Duration ttl, Duration denyTtl, int maxSize, String evictionPolicy) {}

  /**
   * The {@code authorization.audit} section.
   *
   * @param enabled whether decisions are audited
   * @param destination {@code stdout} or a {@code file://} URL
   * @param rotation when a file destination is rotated and how many rotated files are kept
   */
  public record AuditSettings(boolean enabled, String destination, AuditRotation rotation) {
    /**
     * Audit settings with the default rotation.
     *
     * @param enabled whether decisions are audited
     * @param destination {@code stdout} or a {@code file://} URL
     */
    public AuditSettings(boolean enabled, String destination) {
      this(enabled, destination, AuditRotation.DEFAULT);
    }
  }

  /**
   * The {@code authorization.audit.rotation} section: a file destination is closed and renamed
   * (with the UTC time of the rotation as its suffix) when it would grow past {@code maxFileBytes}
   * or is older than {@code maxAge}; the newest {@code maxFiles} rotated files are kept.
   *
   * @param maxFileBytes the largest a file grows ({@code max_file_mb})
   * @param maxAge the longest a file is written to ({@code max_age_hours})
   * @param maxFiles rotated files kept, older ones deleted ({@code max_files})
   */
  public record AuditRotation(long maxFileBytes, Duration maxAge, int maxFiles) {
    /** 100 MiB, 24 hours, 10 files. */
    public static final AuditRotation DEFAULT =
        new AuditRotation(100L * 1024 * 1024, Duration.ofHours(24), 10);
  }
}
