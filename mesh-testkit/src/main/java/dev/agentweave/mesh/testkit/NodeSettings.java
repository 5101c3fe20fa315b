package dev.agentweave.mesh.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentweave.mesh.SpiffeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes the settings of one node of a {@link TestMesh}. */
final class NodeSettings {
  private NodeSettings() {}

  /** What the mesh's builder says about every node. */
  record Mesh(String trustDomain, String cedar, String yaml, boolean cluster, Path dir) {}

  /** The Cedar file of a node, if it decides with Cedar. */
  static java.util.Optional<Path> policyFile(Mesh mesh, NodeSpec s) {
    return s.cedar != null || mesh.cedar() != null
        ? java.util.Optional.of(mesh.dir().resolve(s.name + ".cedar"))
        : java.util.Optional.empty();
  }

  /** The settings of a node: the kit's tree, the mesh's YAML over it, the node's over that. */
  static String yaml(
      Mesh mesh,
      NodeSpec s,
      Map<String, NodeSpec> specs,
      Map<String, Integer> gatewayPorts,
      int remotingPort,
      int seedPort) {
    String td = mesh.trustDomain();
    ObjectNode root = SettingsTree.empty();
    ObjectNode agent = SettingsTree.at(root, "agent");
    agent.put("name", s.agentName).put("trust_domain", td).put("environment", "development");
    ObjectNode identity = SettingsTree.at(root, "identity");
    identity.put("provider", "dev-ca");
    SettingsTree.at(identity, "dev_ca").put("directory", mesh.dir().resolve("ca").toString());
    ObjectNode authz = SettingsTree.at(root, "authorization");
    String cedar = s.cedar != null ? s.cedar : mesh.cedar();
    if (cedar != null) {
      Path file = mesh.dir().resolve(s.name + ".cedar");
      try {
        Files.writeString(file, cedar);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot write the node's policies", e);
      }
      authz.put("provider", "cedar");
      SettingsTree.at(authz, "cedar").put("policy_file", file.toString());
    } else {
      authz.put("provider", "allow-list");
      String any = "spiffe://" + td + "/agent/*";
      ArrayNode allow = authz.putArray("allow");
      ObjectNode rule = allow.addObject().put("caller", any).put("callee", any);
      rule.putArray("actions").add("*");
    }
    SettingsTree.at(authz, "audit").put("enabled", false);
    ObjectNode server = SettingsTree.at(root, "server");
    Integer gatewayPort = gatewayPorts.get(s.name);
    server.put("enabled", gatewayPort != null).put("graceful_shutdown_seconds", 2);
    if (gatewayPort != null) {
      server.put("host", "127.0.0.1").put("port", gatewayPort);
    }
    if (!s.hosts.isEmpty()) {
      ArrayNode hosted = server.putArray("agents");
      s.hosts.forEach(hosted::add);
    }
    if (!s.peers.isEmpty() || !s.extraPeers.isEmpty()) {
      ArrayNode peers = SettingsTree.at(root, "transport").putArray("peers");
      for (String other : s.peers) {
        NodeSpec o = specs.get(other);
        Integer port = gatewayPorts.get(other);
        if (o == null || port == null) {
          throw new IllegalArgumentException(
              s.name + " peers with " + other + ", which is no node of the mesh with a gateway");
        }
        for (String a : o.hostedAgentNames()) {
          addPeer(peers, SpiffeId.forAgent(td, a), List.of("https://127.0.0.1:" + port));
        }
      }
      s.extraPeers.forEach((a, urls) -> addPeer(peers, SpiffeId.forAgent(td, a), urls));
    }
    if (mesh.cluster()) {
      ObjectNode cluster = SettingsTree.at(root, "cluster");
      cluster.put("enabled", true).put("node_name", s.name);
      cluster.put("host", "127.0.0.1").put("port", remotingPort);
      ArrayNode seeds = cluster.putArray("seed_nodes");
      seeds.add("127.0.0.1:" + seedPort);
      SettingsTree.at(cluster, "split_brain_resolver").put("stable_after_seconds", 5);
      if (s.process) {
        // cold JVMs on few shared cores answer the first decisions slowly
        authz.put("decision_timeout_seconds", 15);
      }
    }
    SettingsTree.merge(root, mesh.yaml(), "the mesh's yaml");
    SettingsTree.merge(root, s.yaml, "the yaml of node " + s.name);
    return SettingsTree.yaml(root);
  }

  /** One {@code transport.peers} entry: an agent and the gateway URLs that serve it. */
  private static void addPeer(ArrayNode peers, SpiffeId agent, List<String> urls) {
    ArrayNode list = peers.addObject().put("spiffe_id", agent.toString()).putArray("urls");
    urls.forEach(list::add);
  }
}
