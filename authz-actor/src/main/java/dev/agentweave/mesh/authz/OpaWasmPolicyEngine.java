package dev.agentweave.mesh.authz;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.styra.opa.wasm.OpaPolicy;
import com.styra.opa.wasm.OpaPolicyPool;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.AuthzDecision;
import dev.agentweave.mesh.support.FileWatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code opa-wasm} engine: an OPA policy compiled to WebAssembly with {@code opa build -t
 * wasm}, evaluated in-process by opa-java-wasm (a pure-Java wasm runtime), so there is no OPA
 * server to run or reach. The input document is the {@code opa} engine's (with {@code user}, the
 * caller's SPIFFE ID, for policies written against a generic {@code input.user}). Results are read
 * like the {@code opa} engine's ({@code true}/{@code false} or {@code {allow, reason, policy_id}});
 * an undefined result is a deny. The module and the optional data file are reloaded when they
 * change, with a new policy version (a hash of both). Evaluation instances are pooled (one per
 * core); a module or data file that cannot be loaded is refused and the previous one stays in
 * force. Thread-safe.
 */
public final class OpaWasmPolicyEngine implements PolicyEngine {
  private static final Logger LOG = LoggerFactory.getLogger("agentweave.authz.opa-wasm");
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Loaded(OpaPolicyPool pool, String version) {}

  private final Path module;
  private final String entrypoint;
  private final Path dataFile;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final FileWatch watch;
  private volatile Loaded current;

  /**
   * Loads the module and starts watching it.
   *
   * @param module the compiled policy ({@code policy.wasm} from {@code opa build -t wasm})
   * @param entrypoint the entrypoint, such as {@code agentweave/authz/allow}
   * @param dataFile a JSON document for {@code data}, or {@code null}
   * @param reloadInterval how often to check the files for changes
   * @throws IllegalArgumentException naming the file if it cannot be loaded or lacks the entrypoint
   */
  public OpaWasmPolicyEngine(
      Path module, String entrypoint, Path dataFile, Duration reloadInterval) {
    this.module = requireNonNull(module, "module");
    this.entrypoint = requireNonNull(entrypoint, "entrypoint");
    this.dataFile = dataFile;
    this.current = load();
    this.watch =
        new FileWatch(
            dataFile == null ? List.of(module) : List.of(module, dataFile),
            reloadInterval,
            "agentweave-opa-wasm-reload",
            this::reload);
  }

  private Loaded load() {
    byte[] wasm;
    String data;
    try {
      wasm = Files.readAllBytes(module);
      data = dataFile == null ? "{}" : Files.readString(dataFile, StandardCharsets.UTF_8);
      JSON.readTree(data);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "authorization.opa_wasm: cannot read "
              + (dataFile == null ? module : module + " or " + dataFile)
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    OpaPolicy probe;
    try {
      probe = OpaPolicy.builder().withPolicy(wasm).build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "authorization.opa_wasm.module: "
              + module
              + " is not an OPA wasm module ("
              + e.getMessage()
              + ")",
          e);
    }
    if (!probe.entrypoints().containsKey(entrypoint)) {
      throw new IllegalArgumentException(
          "authorization.opa_wasm.entrypoint: '"
              + entrypoint
              + "' is not in "
              + module
              + " (it has: "
              + probe.entrypoints().keySet()
              + ")");
    }
    String d = data;
    OpaPolicyPool pool =
        OpaPolicyPool.create(
            () -> OpaPolicy.builder().withPolicy(wasm).build().entrypoint(entrypoint).data(d),
            Runtime.getRuntime().availableProcessors());
    return new Loaded(
        pool, PolicyVersions.of("opa-wasm", wasm, data.getBytes(StandardCharsets.UTF_8)));
  }

  private void reload() {
    Loaded next = load();
    Loaded previous = current;
    current = next;
    previous.pool().close();
    if (!next.version().equals(previous.version())) {
      LOG.info("reloaded {}: policy version {}", module, next.version());
      listeners.forEach(Runnable::run);
    }
  }

  @Override
  public CompletionStage<AuthzDecision> evaluate(SpiffeId caller, SpiffeId callee, String action) {
    Loaded p = current;
    ObjectNode input = OpaInput.of(caller, callee, action);
    String out;
    try (OpaPolicyPool.Loan loan = p.pool().borrow()) {
      out = loan.policy().evaluate(input);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    try {
      JsonNode results = JSON.readTree(out);
      JsonNode result =
          results.isArray() && results.size() > 0 ? results.get(0).get("result") : null;
      return done(OpaInput.decision(result, entrypoint, p.version()));
    } catch (IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static CompletableFuture<AuthzDecision> done(AuthzDecision d) {
    return CompletableFuture.completedFuture(d);
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
    return "opa-wasm";
  }

  @Override
  public void close() {
    watch.close();
    current.pool().close();
  }
}
