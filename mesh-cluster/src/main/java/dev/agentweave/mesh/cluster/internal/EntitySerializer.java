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
        out.writeUTF(r.callId());
        out.writeBoolean(r.runIfUnknown());
        out.writeUTF(c.agent().toString());
        out.writeUTF(c.key());
        out.writeUTF(c.caller().toString());
        out.writeUTF(c.action());
        out.writeLong(c.timeout().toNanos());
        out.writeUTF(c.requestId());
        out.writeBoolean(c.idempotent());
        out.writeUTF(resolver().toSerializationFormat(r.replyTo()));
        writeBytes(out, c.request());
      } else if (o instanceof EntityMessage.Reply r) {
        out.writeUTF(r.callId());
        out.writeByte(r.outcome().ordinal());
        out.writeLong(r.retryAfterMillis());
        out.writeBoolean(r.body() != null);
        if (r.body() != null) {
          writeBytes(out, r.body());
        }
        out.writeBoolean(r.errorCode() != null);
        if (r.errorCode() != null) {
          out.writeUTF(r.errorCode());
          String m = r.message() == null ? "" : r.message();
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

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("length " + n + " does not fit the message");
    }
    return in.readNBytes(n);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      switch (manifest) {
        case REQUEST -> {
          String callId = in.readUTF();
          boolean runIfUnknown = in.readBoolean();
          SpiffeId agent = SpiffeId.parse(in.readUTF());
          String key = in.readUTF();
          SpiffeId caller = SpiffeId.parse(in.readUTF());
          String action = in.readUTF();
          Duration timeout = Duration.ofNanos(in.readLong());
          String requestId = in.readUTF();
          boolean idempotent = in.readBoolean();
          org.apache.pekko.actor.typed.ActorRef<KeyedCalls.Command> replyTo =
              resolver().resolveActorRef(in.readUTF());
          byte[] body = readBytes(in);
          return new EntityMessage.Request(
              new EntityCall(agent, key, caller, action, body, timeout, requestId, idempotent),
              callId,
              runIfUnknown,
              replyTo);
        }
        case REPLY -> {
          String callId = in.readUTF();
          int outcome = in.readUnsignedByte();
          EntityMessage.Outcome[] outcomes = EntityMessage.Outcome.values();
          if (outcome >= outcomes.length) {
            throw new IllegalArgumentException("unknown outcome " + outcome);
          }
          long retryAfter = in.readLong();
          byte[] body = in.readBoolean() ? readBytes(in) : null;
          String code = null;
          String message = null;
          if (in.readBoolean()) {
            code = in.readUTF();
            message = in.readUTF();
          }
          return new EntityMessage.Reply(
              callId, outcomes[outcome], body, code, message, retryAfter);
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
