package dev.agentweave.mesh.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON mapping shared by a node: records, java.time, Optional; strict about unknown fields. */
public final class Json {
  private Json() {}

  /**
   * A mapper for requests and responses. Unknown fields are refused so that a typo in a payload is
   * an error naming the field rather than a silently missing value.
   *
   * @return a new mapper
   */
  public static ObjectMapper newMapper() {
    return new ObjectMapper()
        .registerModule(new Jdk8Module())
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /**
   * The first line of a Jackson message, without the source location noise.
   *
   * @param e the exception
   * @return a short message
   */
  public static String shortMessage(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    if (nl > 0) {
      m = m.substring(0, nl);
    }
    int at = m.indexOf(" (for ");
    if (at < 0) {
      at = m.indexOf(" at [Source");
    }
    return at > 0 ? m.substring(0, at) : m;
  }

  /**
   * The message of a request or response that does not map to its type: {@code request for 'search'
   * of spiffe://example.org/agent/search does not map to Query: field 'limit': ...}.
   *
   * @param what {@code request for} or {@code response of}
   * @param capability the capability
   * @param agent the agent
   * @param type the type it should map to
   * @param e the mapping failure
   * @return the message
   */
  public static String doesNotMap(
      String what, String capability, Object agent, Class<?> type, Throwable e) {
    return what
        + " '"
        + capability
        + "' of "
        + agent
        + " does not map to "
        + type.getSimpleName()
        + ": "
        + describe(e);
  }

  /**
   * The message of a request that cannot be written as JSON.
   *
   * @param capability the capability
   * @param agent the agent
   * @param e the failure
   * @return the message
   */
  public static String cannotWrite(String capability, Object agent, Throwable e) {
    return "request for '"
        + capability
        + "' of "
        + agent
        + " cannot be written as JSON: "
        + describe(e);
  }

  /**
   * A mapping failure for people: the field it concerns (its JSON path), then the short message.
   *
   * @param e a Jackson (or argument) exception
   * @return for example {@code field 'limit': Cannot deserialize value of type `int` from String
   *     "ten": not a valid `int` value}
   */
  public static String describe(Throwable e) {
    Throwable t = e;
    if (t instanceof IllegalArgumentException && t.getCause() instanceof JsonMappingException) {
      t = t.getCause();
    }
    String message = shortMessage(t);
    if (t instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          if (path.length() > 0) {
            path.append('.');
          }
          path.append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      if (path.length() > 0) {
        return "field '" + path + "': " + message;
      }
    }
    return message;
  }
}
