package dev.agentweave.mesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A module's own section, contributed through {@link ConfigSection}: this test's {@link
 * BillingSection} is registered in the test resources' {@code META-INF/services}, the way a user's
 * module registers its own.
 */
class ModuleSectionTest {
  private static final String MINIMAL =
      """
      agent:
        name: search
        trust_domain: example.org
      """;

  /** The settings a billing module reads from its {@code billing} section. */
  public record BillingSettings(boolean enabled, String currency, Duration flushInterval) {}

  /** The {@code billing} section: its keys and how the record is read from them. */
  public static final class BillingSection implements ConfigSection<BillingSettings> {
    @Override
    public String path() {
      return "billing";
    }

    @Override
    public String module() {
      return "com.example:billing";
    }

    @Override
    public ConfigSpec.Section schema() {
      return ConfigSpec.section()
          .add("enabled", ConfigSpec.bool(false, "Record a charge per call."))
          .add("currency", ConfigSpec.oneOf("EUR", "Currency of charges.", "EUR", "USD"))
          .add("flush_seconds", ConfigSpec.seconds(10, "How often charges are written out."))
          .build();
    }

    @Override
    public Class<BillingSettings> type() {
      return BillingSettings.class;
    }

    @Override
    public BillingSettings read(ConfigValues values) {
      return new BillingSettings(
          values.bool("billing.enabled"),
          values.str("billing.currency"),
          values.seconds("billing.flush_seconds"));
    }

    @Override
    public void check(
        BillingSettings settings,
        ConfigValues values,
        boolean production,
        Consumer<ConfigProblem> problems) {
      if (production && settings.enabled() && settings.flushInterval().toSeconds() > 60) {
        problems.accept(
            new ConfigProblem(
                "billing.flush_seconds",
                String.valueOf(settings.flushInterval().toSeconds()),
                "at most 60 in production (charges must not wait longer)",
                values.envSource("billing.flush_seconds")));
      }
    }
  }

  private static List<ConfigProblem> problems(String yaml, Map<String, String> env) {
    try {
      MeshSettings.parse("config.yaml", yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void theModuleReadsItsRecord_withDefaultsAndTheEnvironment() {
    MeshSettings settings =
        MeshSettings.parse(
            "config.yaml",
            MINIMAL + "billing: {enabled: true}\n",
            Map.of("AGENTWEAVE_BILLING_CURRENCY", "USD"));
    BillingSettings billing = settings.section(BillingSettings.class);
    assertThat(billing).isEqualTo(new BillingSettings(true, "USD", Duration.ofSeconds(10)));
  }

  @Test
  void itsKeysAreValidatedWithTheNodesKeys_andItsRulesApply() {
    assertThat(problems("agent: {name: search}\nbilling: {currency: GBP, flush: 3}\n", Map.of()))
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder("agent.trust_domain", "billing.currency", "billing.flush");
    assertThat(
            problems(
                MINIMAL + "billing: {enabled: true}\n",
                Map.of("AGENTWEAVE_BILLING_FLUSH_SECONDS", "120")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("billing.flush_seconds");
              assertThat(p.source()).isEqualTo("AGENTWEAVE_BILLING_FLUSH_SECONDS");
              assertThat(p.expected()).contains("at most 60 in production");
            });
  }

  @Test
  void theReferenceListsItsKeys() {
    assertThat(ConfigReference.keys())
        .filteredOn(k -> k.path().startsWith("billing."))
        .extracting(ConfigReference.Key::path, k -> k.environmentVariable().orElseThrow())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("billing.enabled", "AGENTWEAVE_BILLING_ENABLED"),
            org.assertj.core.groups.Tuple.tuple("billing.currency", "AGENTWEAVE_BILLING_CURRENCY"),
            org.assertj.core.groups.Tuple.tuple(
                "billing.flush_seconds", "AGENTWEAVE_BILLING_FLUSH_SECONDS"));
  }
}
