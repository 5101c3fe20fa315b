package dev.agentweave.mesh.http.internal;

import static dev.agentweave.mesh.config.ConfigSpec.intRange;
import static dev.agentweave.mesh.config.ConfigSpec.leaf;
import static dev.agentweave.mesh.config.ConfigSpec.oneOf;
import static dev.agentweave.mesh.config.ConfigSpec.positive;
import static dev.agentweave.mesh.config.ConfigSpec.str;

import dev.agentweave.mesh.config.ConfigSection;
import dev.agentweave.mesh.config.ConfigSpec;
import dev.agentweave.mesh.config.ConfigSpec.Kind;
import dev.agentweave.mesh.config.ConfigSpec.Section;
import dev.agentweave.mesh.config.ConfigValues;
import dev.agentweave.mesh.http.config.GatewaySettings;

/**
 * The gateway's keys of the {@code server} section (the node declares {@code enabled}, {@code
 * graceful_shutdown_seconds}, {@code blocking_pool_size} and {@code agents} of it itself), and the
 * {@link GatewaySettings} read from them. Found by the configuration loader with ServiceLoader.
 */
public final class GatewayConfigSection implements ConfigSection<GatewaySettings> {
  private static final Section SCHEMA = schema0();

  /** Creates the section (for {@link java.util.ServiceLoader}). */
  public GatewayConfigSection() {}

  @Override
  public String path() {
    return "server";
  }

  @Override
  public String module() {
    return "dev.agentweave:mesh-http";
  }

  @Override
  public Section schema() {
    return SCHEMA;
  }

  @Override
  public Class<GatewaySettings> type() {
    return GatewaySettings.class;
  }

  @Override
  public GatewaySettings read(ConfigValues v) {
    return new GatewaySettings(
        v.str("server.host"),
        v.integer("server.port"),
        v.str("server.protocol"),
        v.integer("server.max_body_bytes"),
        v.integer("server.max_concurrent_requests"),
        v.seconds("server.request_timeout_seconds"),
        v.str("server.advertised_host"),
        new GatewaySettings.ConnectionSettings(
            v.integer("server.max_connections"),
            v.integer("server.max_connections_per_address"),
            v.seconds("server.handshake_timeout_seconds"),
            v.seconds("server.first_request_timeout_seconds"),
            v.seconds("server.idle_timeout_seconds")));
  }

  private static Section schema0() {
    return ConfigSpec.section()
        .add("host", str("0.0.0.0", "Gateway bind address."))
        .add(
            "port",
            leaf(
                Kind.INT,
                8443,
                intRange(0, 65_535),
                "an integer in 0..65535 (0 picks a free port)",
                "Gateway port (TLS only)."))
        .add("protocol", oneOf("a2a", "Wire protocol of the gateway (A2A task requests).", "a2a"))
        .add(
            "max_body_bytes",
            leaf(
                Kind.INT,
                10_485_760,
                intRange(1024, Integer.MAX_VALUE),
                "an integer >= 1024",
                "Largest accepted request body; larger ones are answered 413."))
        .add(
            "max_concurrent_requests",
            leaf(
                Kind.INT,
                10_000,
                intRange(1, 10_000_000),
                "an integer in 1..10000000",
                "Gateway task requests served at once; more are answered 503 with Retry-After."))
        .add(
            "request_timeout_seconds",
            leaf(
                Kind.DOUBLE,
                30.0,
                positive(),
                "a number of seconds > 0",
                "Longest a gateway request may take (a caller's X-AgentWeave-Timeout-Ms may"
                    + " shorten it)."))
        .add(
            "max_connections",
            leaf(
                Kind.INT,
                4096,
                intRange(1, 1_000_000),
                "an integer in 1..1000000",
                "Gateway connections held open at once; a connection beyond is closed at once."))
        .add(
            "max_connections_per_address",
            leaf(
                Kind.INT,
                512,
                intRange(1, 1_000_000),
                "an integer in 1..1000000",
                "Gateway connections held open at once from one remote IP address; a connection"
                    + " beyond is closed at once."))
        .add(
            "handshake_timeout_seconds",
            leaf(
                Kind.DOUBLE,
                10.0,
                positive(),
                "a number of seconds > 0",
                "Longest a TLS handshake may take from the accept, however slowly its bytes"
                    + " come."))
        .add(
            "first_request_timeout_seconds",
            leaf(
                Kind.DOUBLE,
                10.0,
                positive(),
                "a number of seconds > 0",
                "Longest from the TLS handshake to the headers of a connection's first request."))
        .add(
            "idle_timeout_seconds",
            leaf(
                Kind.DOUBLE,
                75.0,
                positive(),
                "a number of seconds > 0",
                "Longest a gateway connection stays open with no request in flight (keep it above"
                    + " clients' pool idle timeouts, 60 s for ours, so that clients close first)."))
        .add(
            "advertised_host",
            str(
                "",
                "Host other nodes use to reach this gateway (default: server.host, or"
                    + " cluster.host when server.host is a wildcard address)."))
        .build();
  }
}
