package dev.agentweave.mesh.testkit;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.agentweave.mesh.identity.TrustBundle;
import dev.agentweave.mesh.identity.X509Svid;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.spiffe.workloadapi.grpc.SpiffeWorkloadAPIGrpc;
import io.spiffe.workloadapi.grpc.Workload.X509SVID;
import io.spiffe.workloadapi.grpc.Workload.X509SVIDRequest;
import io.spiffe.workloadapi.grpc.Workload.X509SVIDResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A <b>stand-in for a SPIRE agent</b>, for tests: a gRPC server on a unix domain socket that
 * implements the X.509 part of the SPIFFE Workload API ({@code FetchX509SVID}, a server stream)
 * with the stubs shipped in java-spiffe-core. It is not SPIRE: it attests nothing and serves
 * whatever SVIDs and bundles the test publishes (for example minted by the dev CA). Like a SPIRE
 * agent it refuses calls without the {@code workload.spiffe.io: true} security header, and it
 * pushes every {@link #publish} to open streams, which is how rotation reaches clients. Linux only
 * (epoll). Thread-safe.
 */
public final class WorkloadApiStandIn implements AutoCloseable {
  private static final Metadata.Key<String> SECURITY_HEADER =
      Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private final Path socket;
  private final EventLoopGroup boss = new EpollEventLoopGroup(1);
  private final EventLoopGroup workers = new EpollEventLoopGroup(2);
  private final Server server;
  private final List<StreamObserver<X509SVIDResponse>> streams = new CopyOnWriteArrayList<>();
  private volatile X509SVIDResponse current;

  private WorkloadApiStandIn(Path socket, X509SVIDResponse initial) throws IOException {
    this.socket = socket;
    this.current = initial;
    Files.deleteIfExists(socket);
    this.server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .addService(ServerInterceptors.intercept(new Service(), new RequireSecurityHeader()))
            .build()
            .start();
  }

  /**
   * Starts serving on a socket.
   *
   * @param socket the socket file to create
   * @param svids the SVIDs to serve
   * @param bundle the bundle of the SVIDs' trust domain
   * @param federated bundles of other trust domains
   * @return the running stand-in
   * @throws IOException if the socket cannot be bound
   */
  public static WorkloadApiStandIn start(
      Path socket, List<X509Svid> svids, TrustBundle bundle, List<TrustBundle> federated)
      throws IOException {
    return new WorkloadApiStandIn(
        requireNonNull(socket, "socket"), response(svids, bundle, federated));
  }

  /** The Workload API address of this stand-in, {@code unix:///path}. */
  public String address() {
    return "unix://" + socket.toAbsolutePath();
  }

  /**
   * Replaces the served SVIDs and bundles and pushes them to every open stream.
   *
   * @param svids the SVIDs
   * @param bundle the bundle of their trust domain
   * @param federated other trust domains' bundles
   */
  public void publish(List<X509Svid> svids, TrustBundle bundle, List<TrustBundle> federated) {
    X509SVIDResponse next = response(svids, bundle, federated);
    current = next;
    for (StreamObserver<X509SVIDResponse> s : streams) {
      try {
        s.onNext(next);
      } catch (RuntimeException e) {
        streams.remove(s);
      }
    }
  }

  /** Streams currently open. */
  public int openStreams() {
    return streams.size();
  }

  private static X509SVIDResponse response(
      List<X509Svid> svids, TrustBundle bundle, List<TrustBundle> federated) {
    X509SVIDResponse.Builder b = X509SVIDResponse.newBuilder();
    for (X509Svid svid : svids) {
      b.addSvids(
          X509SVID
              .newBuilder()
              .setSpiffeId(svid.id().toString())
              .setX509Svid(der(svid.chain()))
              .setX509SvidKey(ByteString.copyFrom(svid.privateKey().getEncoded()))
              .setBundle(der(bundle.authorities()))
              .build());
    }
    for (TrustBundle f : federated) {
      b.putFederatedBundles("spiffe://" + f.trustDomain().name(), der(f.authorities()));
    }
    return b.build();
  }

  private static ByteString der(List<X509Certificate> certs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (X509Certificate c : certs) {
      try {
        out.writeBytes(c.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("cannot encode " + c.getSubjectX500Principal(), e);
      }
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private final class Service extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase {
    @Override
    public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> observer) {
      streams.add(observer);
      if (observer instanceof ServerCallStreamObserver<X509SVIDResponse> s) {
        s.setOnCancelHandler(() -> streams.remove(observer));
      }
      observer.onNext(current);
    }
  }

  /** Refuses calls without the Workload API security header, as a SPIRE agent does. */
  private static final class RequireSecurityHeader implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      if (!"true".equals(headers.get(SECURITY_HEADER))) {
        call.close(
            Status.INVALID_ARGUMENT.withDescription("security header missing from request"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(call, headers)) {};
    }
  }
}
