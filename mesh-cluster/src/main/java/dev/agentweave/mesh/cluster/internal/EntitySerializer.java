package dev.agentweave.mesh.cluster.internal;

import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.spi.EntityCall;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The binary form of {@link EntityMessage}s between nodes: strings in modified UTF-8, the request
 * and response JSON as length-prefixed bytes, the reply address through Pekko's {@link
 * ActorRefResolver}. Bound in the cluster's Pekko configuration by {@code ClusterNodeExtension}.
 */
public final class EntitySerializer extends SerializerWithStringManifest {
  /** The serializer's identifier, unique in the actor system. */
  public static final int IDENTIFIER = 472_001;

  private static final String REQUEST = "Q";
  private static final String REPLY = "R";
  private static final int MAX_MESSAGE = 8_192;

  private final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;

  /**
   * Created by Pekko.
   *
   * @param system the actor system
   */
  public EntitySerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof EntityMessage.Request) {
      return REQUEST;
    }
    if (o instanceof EntityMessage.Reply) {
      return REPLY;
    }
    throw new IllegalArgumentException("not an entity message: " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (o instanceof EntityMessage.Request r) {
        EntityCall c = r.call();
        out.writeUTF(c.agent().toString());
        out.writeUTF(c.key());
        out.writeUTF(c.caller().toString());
        out.writeUTF(c.action());
        out.writeLong(c.timeout().toNanos());
        out.writeUTF(c.requestId());
        out.writeUTF(resolver().toSerializationFormat(r.replyTo()));
        out.writeInt(c.request().length);
        out.write(c.request());
      } else if (o instanceof EntityMessage.Reply r) {
        out.writeBoolean(r.notRun());
        out.writeLong(r.retryAfterMillis());
        out.writeBoolean(r.body() != null);
        if (r.body() != null) {
          out.writeInt(r.body().length);
          out.write(r.body());
        } else {
          out.writeUTF(r.errorCode());
          String m = r.message();
          out.writeUTF(m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) : m);
        }
      } else {
        throw new IllegalArgumentException("not an entity message: " + o.getClass().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      switch (manifest) {
        case REQUEST -> {
          SpiffeId agent = SpiffeId.parse(in.readUTF());
          String key = in.readUTF();
          SpiffeId caller = SpiffeId.parse(in.readUTF());
          String action = in.readUTF();
          Duration timeout = Duration.ofNanos(in.readLong());
          String requestId = in.readUTF();
          org.apache.pekko.actor.typed.ActorRef<EntityMessage.Reply> replyTo =
              resolver().resolveActorRef(in.readUTF());
          byte[] body = in.readNBytes(in.readInt());
          return new EntityMessage.Request(
              new EntityCall(agent, key, caller, action, body, timeout, requestId), replyTo);
        }
        case REPLY -> {
          boolean notRun = in.readBoolean();
          long retryAfter = in.readLong();
          if (in.readBoolean()) {
            return EntityMessage.Reply.ok(in.readNBytes(in.readInt()));
          }
          return new EntityMessage.Reply(null, in.readUTF(), in.readUTF(), retryAfter, notRun);
        }
        default ->
            throw new NotSerializableException(
                "unknown entity message manifest '" + manifest + "' (expected: Q or R)");
      }
    } catch (IOException | IllegalArgumentException e) {
      NotSerializableException n =
          new NotSerializableException("entity message (" + manifest + "): " + e.getMessage());
      n.initCause(e);
      throw n;
    }
  }
}
