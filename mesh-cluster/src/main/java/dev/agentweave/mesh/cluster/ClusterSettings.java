package dev.agentweave.mesh.cluster;

import java.time.Duration;
import java.util.List;

/**
 * The {@code cluster} section of {@code config.yaml}, read by mesh-cluster (its keys are listed in
 * {@code docs/configuration.md}); find it with {@code settings.section(ClusterSettings.class)}.
 *
 * @param enabled whether the node is a cluster member
 * @param nodeName the node name in its identity {@code spiffe://<trust-domain>/node/<name>}
 * @param host the remoting bind address
 * @param port the remoting port, 0 for a free one
 * @param seedNodes {@code host:port} of nodes to join; empty to form a cluster alone
 * @param roles the node's Pekko Cluster roles
 * @param splitBrainResolver how unreachable nodes are downed
 * @param sharding how keyed agents run on Cluster Sharding
 * @param management Pekko Management HTTP (health checks, bootstrap endpoint)
 * @param bootstrap Pekko Cluster Bootstrap, instead of seed nodes
 */
public record ClusterSettings(
    boolean enabled,
    String nodeName,
    String host,
    int port,
    List<String> seedNodes,
    List<String> roles,
    SplitBrainResolverSettings splitBrainResolver,
    ShardingSettings sharding,
    ManagementSettings management,
    BootstrapSettings bootstrap) {

  /**
   * The {@code cluster.management} section: Pekko Management HTTP, on when bootstrap is.
   *
   * @param enabled whether it runs
   * @param host the bind address ({@code cluster.host} unless set)
   * @param port the port, 0 for a free one
   */
  public record ManagementSettings(boolean enabled, String host, int port) {}

  /**
   * The {@code cluster.bootstrap} section: forming the cluster through Pekko Cluster Bootstrap.
   *
   * @param enabled whether the node bootstraps instead of joining seed nodes
   * @param discovery {@code kubernetes-api} or {@code config}
   * @param serviceName the service whose nodes are contact points, empty for {@code agent.name}
   * @param labelSelector the Kubernetes pod label selector, {@code %s} for the service name
   * @param requiredContactPoints contact points needed before a new cluster is formed
   * @param stableMargin how long contact points must be unchanged before a new cluster is formed
   * @param contactPoints with {@code config} discovery, the nodes' management {@code host:port}
   */
  public record BootstrapSettings(
      boolean enabled,
      String discovery,
      String serviceName,
      String labelSelector,
      int requiredContactPoints,
      Duration stableMargin,
      List<String> contactPoints) {}

  /**
   * The {@code cluster.sharding} section: keyed agents on Cluster Sharding.
   *
   * @param numberOfShards shards per keyed agent, fixed for the cluster's lifetime
   * @param passivationIdle how long an entity may stay without calls before it stops
   * @param role the role of the nodes that run entities, or empty for every hosting node
   * @param resendAfter how long a keyed call may go unanswered before its node asks the key's
   *     entity about it again (and sends it again if the entity never got it)
   */
  public record ShardingSettings(
      int numberOfShards, Duration passivationIdle, String role, Duration resendAfter) {}

  /**
   * The {@code cluster.split_brain_resolver} section: Pekko's split brain resolver.
   *
   * @param enabled whether unreachable nodes are downed automatically
   * @param strategy {@code keep-majority}, {@code keep-oldest}, {@code down-all}, {@code
   *     lease-majority} or {@code static-quorum}
   * @param stableAfter how long membership must be stable before a decision
   * @param staticQuorumSize the quorum of {@code static-quorum}
   */
  public record SplitBrainResolverSettings(
      boolean enabled, String strategy, Duration stableAfter, int staticQuorumSize) {}
}
