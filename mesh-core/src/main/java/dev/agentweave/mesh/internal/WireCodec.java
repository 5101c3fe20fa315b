package dev.agentweave.mesh.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.spi.JsonBody;
import dev.agentweave.mesh.support.Bounded;
import dev.agentweave.mesh.support.JsonErrors;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * How a node encodes requests and answers for another node, and reads them back: JSON with the
 * node's strict mapping (unknown fields refused), the same at both ends of every call that leaves
 * the process, whatever carries it (the gateway's internal endpoint, {@code POST /task}, a keyed
 * entity's envelope). A request given as another type than the capability's is mapped through the
 * same JSON, so a local call and a remote one accept the same requests. Failures name the field and
 * the capability, never a Java type. Thread-safe.
 */
final class WireCodec {
  private final ObjectMapper json;

  WireCodec(ObjectMapper json) {
    this.json = json;
  }

  /** The node's mapper, for the transports that read a request's envelope themselves. */
  ObjectMapper mapper() {
    return json;
  }

  /**
   * A request as it leaves this node.
   *
   * @throws InvalidRequestException when it cannot be written as JSON
   */
  byte[] encodeRequest(Object request, String capability, Object target) {
    try {
      return json.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(JsonErrors.cannotWrite(capability, target, e));
    }
  }

  /**
   * A request as the capability's request type: as it is when it already has that type, from a
   * received {@link JsonBody} or Jackson tree, or mapped through JSON from any other object.
   *
   * @param payloadSize told the size of the JSON read or written, when there is one
   * @throws InvalidRequestException naming the field when the request does not map
   */
  Object decodeRequest(
      Object request, Class<?> type, String capability, Object agent, IntConsumer payloadSize) {
    if (request != null && type.isInstance(request)) {
      return request;
    }
    try {
      if (request instanceof JsonNode tree) {
        return json.treeToValue(tree, type);
      }
      byte[] bytes =
          request instanceof JsonBody body ? body.json() : json.writeValueAsBytes(request);
      payloadSize.accept(bytes.length);
      return json.readValue(bytes, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidRequestException(
          JsonErrors.doesNotMap("request for", capability, agent, type, e));
    }
  }

  /**
   * A handler's response as it leaves this node.
   *
   * @throws InternalErrorException when it cannot be written as JSON (a fault of the handler: the
   *     caller learns only that the call failed; the message is for this node's log)
   */
  byte[] encodeResponse(Object response, String capability, Object agent) {
    try {
      return json.writeValueAsBytes(response);
    } catch (JsonProcessingException e) {
      throw new InternalErrorException(
          "response of '"
              + capability
              + "' of "
              + agent
              + " cannot be written as JSON: "
              + Bounded.shown(JsonErrors.shortMessage(e)));
    }
  }

  /**
   * An answer as the caller's response type: as it is when it already has that type, read from the
   * bytes another node sent ({@link RawJson}, {@code byte[]}), or mapped from a local object.
   *
   * @throws InternalErrorException naming the field when it does not map
   */
  @SuppressWarnings("unchecked")
  <R> R decodeResponse(Object value, Class<R> type, String capability, Object agent) {
    if (value == null || type.isInstance(value)) {
      return (R) value;
    }
    try {
      if (value instanceof RawJson raw) {
        return json.readValue(raw.bytes(), type);
      }
      if (value instanceof byte[] bytes) {
        return json.readValue(bytes, type);
      }
      return json.convertValue(value, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new InternalErrorException(
          JsonErrors.doesNotMap("response of", capability, agent, type, e));
    }
  }
}
