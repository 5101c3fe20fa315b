package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.Agent;
import dev.agentweave.mesh.Capability;
import dev.agentweave.mesh.a2a.internal.A2aWire.Version;
import java.net.URI;
import java.util.List;

/**
 * The agent card of a hosted agent, built from its declaration, in the shape of either protocol
 * version. Skills are the agent's capabilities (streaming ones excepted: they take bytes, which the
 * A2A binding does not carry yet); their request and response JSON Schemas travel in the card's
 * {@value #SCHEMA_EXTENSION} extension, since A2A skills have no field for them.
 */
final class AgentCards {
  /** The URI of the card extension that carries each skill's input and output JSON Schema. */
  static final String SCHEMA_EXTENSION = "urn:agentweave:a2a:skill-schemas:v1";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain";

  private AgentCards() {}

  /** The URL of an agent's JSON-RPC endpoint on a gateway. */
  static URI endpoint(URI gateway, String agent) {
    return URI.create(gateway.toString() + "/agents/" + agent + "/a2a");
  }

  /** Whether a capability is one the A2A binding serves. */
  static boolean served(Capability<?, ?> c) {
    return c.requestType() != org.apache.pekko.stream.javadsl.Source.class;
  }

  /**
   * The card.
   *
   * @param agent the agent's declaration
   * @param gateway the gateway's URL as callers reach it
   * @param trustDomain the node's trust domain (named in the security scheme)
   * @param v the protocol version whose shape to write
   * @return the card
   */
  static ObjectNode card(Agent agent, URI gateway, String trustDomain, Version v) {
    String url = endpoint(gateway, agent.name()).toString();
    ObjectNode card = F.objectNode();
    card.put("name", agent.name());
    card.put(
        "description",
        agent.description().isBlank()
            ? "AgentWeave agent '" + agent.name() + "'"
            : agent.description());
    if (v == Version.V03) {
      card.put("url", url);
      card.put("preferredTransport", "JSONRPC");
      card.put("protocolVersion", Version.V03.cardVersion);
      ArrayNode additional = card.putArray("additionalInterfaces");
      additional.addObject().put("url", url).put("transport", "JSONRPC");
    } else {
      ArrayNode interfaces = card.putArray("supportedInterfaces");
      interfaces
          .addObject()
          .put("url", url)
          .put("protocolBinding", "JSONRPC")
          .put("protocolVersion", Version.V10.header);
      interfaces
          .addObject()
          .put("url", url)
          .put("protocolBinding", "JSONRPC")
          .put("protocolVersion", Version.V03.header);
    }
    agent
        .provider()
        .ifPresent(
            p ->
                card.putObject("provider")
                    .put("organization", p.organization())
                    .put("url", p.url()));
    card.put("version", agent.version());
    ObjectNode capabilities = card.putObject("capabilities");
    capabilities.put("streaming", true);
    capabilities.put("pushNotifications", false);
    if (v == Version.V03) {
      capabilities.put("stateTransitionHistory", false);
    } else {
      capabilities.put("extendedAgentCard", false);
    }
    ObjectNode extension = capabilities.putArray("extensions").addObject();
    extension.put("uri", SCHEMA_EXTENSION);
    extension.put(
        "description",
        "JSON Schemas (draft 2020-12) of each skill's request (input) and response (output)");
    ObjectNode schemas = extension.putObject("params").putObject("skills");
    String scheme =
        "A client certificate (X.509-SVID) with a SPIFFE ID of trust domain "
            + trustDomain
            + " or a federated one";
    if (v == Version.V03) {
      card.putObject("securitySchemes")
          .putObject("mtls")
          .put("type", "mutualTLS")
          .put("description", scheme);
      card.putArray("security").addObject().putArray("mtls");
    } else {
      card.putObject("securitySchemes")
          .putObject("mtls")
          .putObject("mtlsSecurityScheme")
          .put("description", scheme);
      card.putArray("securityRequirements")
          .addObject()
          .putObject("schemes")
          .putObject("mtls")
          .putArray("list");
    }
    boolean text = agent.textCapability().isPresent();
    ArrayNode in = card.putArray("defaultInputModes");
    if (text) {
      in.add(TEXT);
    }
    in.add(JSON);
    card.putArray("defaultOutputModes").add(JSON).add(TEXT);
    ArrayNode skills = card.putArray("skills");
    for (Capability<?, ?> c : agent.capabilities()) {
      if (!served(c)) {
        continue;
      }
      ObjectNode s = skills.addObject();
      s.put("id", c.name());
      s.put("name", c.name());
      s.put(
          "description",
          c.description().isBlank()
              ? "Capability '" + c.name() + "' of agent '" + agent.name() + "'"
              : c.description());
      ArrayNode tags = s.putArray("tags");
      (c.tags().isEmpty() ? List.of(agent.name()) : c.tags()).forEach(tags::add);
      if (!c.examples().isEmpty()) {
        ArrayNode examples = s.putArray("examples");
        c.examples().forEach(examples::add);
      }
      ArrayNode skillIn = s.putArray("inputModes");
      if (text && agent.textCapability().get().equals(c.name())) {
        skillIn.add(TEXT);
      }
      skillIn.add(JSON);
      s.putArray("outputModes").add(c.responseType() == String.class ? TEXT : JSON);
      ObjectNode schema = schemas.putObject(c.name());
      schema.set("input", JsonSchemas.of(c.requestType()));
      schema.set("output", JsonSchemas.of(c.responseType()));
    }
    return card;
  }
}
