package dev.agentweave.mesh.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
}
