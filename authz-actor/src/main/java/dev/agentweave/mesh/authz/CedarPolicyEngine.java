package dev.agentweave.mesh.authz;

import static java.util.Objects.requireNonNull;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.entity.Entities;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.support.FileWatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Cedar engine (cedar-java). A question maps to Cedar as: principal {@code
 * Agent::"<caller SPIFFE ID>"}, action {@code Action::"<capability>"}, resource {@code
 * Agent::"<callee SPIFFE ID>"}, context {@code {caller_trust_domain, callee_trust_domain,
 * caller_name, callee_name}}. Policies come from a file (and optionally entities, in Cedar's JSON
 * format), are parsed at load with errors that point at the line, and are reloaded when the file
 * changes; a reload bumps the policy version (a hash of the files) and tells listeners. A file that
 * does not parse is refused and the previous policy stays in force. Deny by default: no permit, no
 * access; a forbid wins over any permit. Thread-safe.
 */
public final class CedarPolicyEngine implements PolicyEngine {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.authz.cedar");
  private static final EntityTypeName AGENT = EntityTypeName.parse("Agent").orElseThrow();
  private static final EntityTypeName ACTION = EntityTypeName.parse("Action").orElseThrow();

  private record Loaded(PolicySet policies, Entities entities, String version) {}

  private final Path policyFile;
  private final Path entitiesFile;
  private final BasicAuthorizationEngine cedar = new BasicAuthorizationEngine();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final FileWatch watch;
  private volatile Loaded current;

  /**
   * Loads the policies and starts watching the files.
   *
   * @param policyFile the Cedar policy file
   * @param entitiesFile the entities file, or {@code null}
   * @param reloadInterval how often to check the files for changes
   * @throws IllegalArgumentException naming the file and the line of the first error
   */
  public CedarPolicyEngine(Path policyFile, Path entitiesFile, Duration reloadInterval) {
    this.policyFile = requireNonNull(policyFile, "policyFile");
    this.entitiesFile = entitiesFile;
    this.current = load();
    this.watch =
        new FileWatch(
            entitiesFile == null ? List.of(policyFile) : List.of(policyFile, entitiesFile),
            reloadInterval,
            "agentweave-cedar-reload",
            this::reload);
  }

  /**
   * Parses policy text, for validation: the CLI and tests use it.
   *
   * @param text Cedar policies
   * @param source a name for messages
   * @return the parsed policy set
   * @throws IllegalArgumentException naming the line of the first error
   */
  public static PolicySet parse(String text, String source) {
    try {
      PolicySet set = PolicySet.parsePolicies(text);
      return set;
    } catch (InternalException e) {
      throw new IllegalArgumentException(source + ": " + describe(e, text), e);
    }
  }

  private static String describe(InternalException e, String text) {
    String message =
        String.join(
            "; ",
            e.getErrors().isEmpty() ? List.of(String.valueOf(e.getMessage())) : e.getErrors());
    message = message.replace("Internal JNI Error: ", "");
    int line = firstBadStatementLine(text);
    return (line > 0 ? "line " + line + ": " : "") + message;
  }

  /**
   * Cedar's parser reports what is wrong but not where; find the first statement (policies end with
   * a top-level ';') that does not parse on its own and return the line it starts on.
   */
  static int firstBadStatementLine(String text) {
    int start = 0;
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
        int nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length() : nl;
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        depth--;
      } else if (c == ';' && depth <= 0) {
        if (!parses(text.substring(start, i + 1))) {
          return lineOf(text, start);
        }
        start = i + 1;
        depth = 0;
      }
    }
    String rest = text.substring(start);
    return !rest.isBlank() && !parses(rest) ? lineOf(text, start) : -1;
  }

  private static boolean parses(String statement) {
    try {
      PolicySet.parsePolicies(statement);
      return true;
    } catch (InternalException e) {
      return false;
    }
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    int i = offset;
    // Skip the whitespace and comments before the statement so the line is where it starts.
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
        int nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length() : nl;
      } else {
        break;
      }
    }
    for (int k = 0; k < Math.min(i, text.length()); k++) {
      if (text.charAt(k) == '\n') {
        line++;
      }
    }
    return line;
  }

  private Loaded load() {
    String text;
    try {
      text = Files.readString(policyFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "authorization.cedar.policy_file: "
              + policyFile
              + " cannot be read ("
              + e.getMessage()
              + ")",
          e);
    }
    PolicySet set = parse(text, policyFile.toString());
    try {
      // Keep the parsed set on the native side: without it every evaluation serializes and
      // parses the whole policy set again (milliseconds instead of microseconds per miss).
      set.cache();
    } catch (com.cedarpolicy.model.exception.CacheException e) {
      LOG.warn(
          "Cedar cannot cache the policy set of {}; evaluations will be slower: {}",
          policyFile,
          e.getMessage());
    }
    Entities entities = new Entities();
    String entitiesText = "";
    if (entitiesFile != null) {
      try {
        entitiesText = Files.readString(entitiesFile, StandardCharsets.UTF_8);
        entities = Entities.parse(entitiesText);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "authorization.cedar.entities_file: "
                + entitiesFile
                + " is not valid Cedar entities JSON ("
                + e.getMessage()
                + ")",
            e);
      }
    }
    return new Loaded(
        set,
        entities,
        PolicyVersions.of(
            "cedar",
            text.getBytes(StandardCharsets.UTF_8),
            entitiesText.getBytes(StandardCharsets.UTF_8)));
  }

  private void reload() {
    Loaded next = load();
    if (next.version().equals(current.version())) {
      return;
    }
    current = next;
    LOG.info("reloaded {}: policy version {}", policyFile, next.version());
    listeners.forEach(Runnable::run);
  }

  @Override
  public CompletionStage<AuthzDecision> evaluate(SpiffeId caller, SpiffeId callee, String action) {
    Loaded p = current;
    Map<String, Value> context =
        Map.of(
            "caller_trust_domain", new PrimString(caller.trustDomain()),
            "callee_trust_domain", new PrimString(callee.trustDomain()),
            "caller_name", new PrimString(caller.agentName()),
            "callee_name", new PrimString(callee.agentName()));
    AuthorizationRequest request =
        new AuthorizationRequest(
            new EntityUID(AGENT, caller.toString()),
            new EntityUID(ACTION, action),
            new EntityUID(AGENT, callee.toString()),
            context);
    try {
      AuthorizationResponse r = cedar.isAuthorized(request, p.policies(), p.entities());
      if (r.type != AuthorizationResponse.SuccessOrFailure.Success || r.success.isEmpty()) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("cedar could not evaluate: " + r.errors.orElse(null)));
      }
      AuthorizationSuccessResponse s = r.success.get();
      String reason;
      if (s.isAllowed()) {
        reason = "permitted by " + String.join(", ", s.getReason());
      } else if (s.getReason().isEmpty()) {
        reason = "no permit policy matches (deny by default)";
      } else {
        reason = "forbidden by " + String.join(", ", s.getReason());
      }
      return CompletableFuture.completedFuture(
          new AuthzDecision(s.isAllowed(), reason, p.version()));
    } catch (AuthException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String policyVersion() {
    return current.version();
  }

  @Override
  public void onPolicyChange(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  @Override
  public String name() {
    return "cedar";
  }

  @Override
  public void close() {
    watch.close();
  }
}
