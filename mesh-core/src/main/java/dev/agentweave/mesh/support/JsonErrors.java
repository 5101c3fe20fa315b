package dev.agentweave.mesh.support;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Why a JSON document was refused, for people and in terms of JSON rather than of Java: where (line
 * and column, or the field path), what was found, and what was expected. Caller-chosen text in a
 * message is cut with {@link Bounded#shown(String)}. Stateless.
 */
public final class JsonErrors {
  private JsonErrors() {}

  /**
   * A malformed document for people: where, and what is wrong, in JSON terms.
   *
   * @param e the parse or mapping failure
   * @return for example {@code malformed JSON at line 1, column 12: duplicate field 'action'
   *     (expected: each field at most once)}
   */
  public static String malformed(JsonProcessingException e) {
    return malformed(e, "");
  }

  /**
   * {@link #malformed(JsonProcessingException)}, naming where the document was.
   *
   * @param e the parse or mapping failure
   * @param where for example {@code " in the request body"}
   * @return for example {@code malformed JSON in the request body at line 1, column 3: ...}
   */
  public static String malformed(JsonProcessingException e, String where) {
    if (!(e instanceof JsonParseException) && !(e instanceof StreamConstraintsException)) {
      return "JSON" + where + ": " + describe(e);
    }
    JsonLocation at = e.getLocation();
    return "malformed JSON"
        + where
        + (at != null && at.getLineNr() > 0
            ? " at line " + at.getLineNr() + ", column " + at.getColumnNr()
            : "")
        + ": "
        + detail(e);
  }

  /**
   * The message of a request or response that does not map to its type: {@code request for 'search'
   * of spiffe://example.org/agent/search does not map: field 'limit': "ten" is a string (expected:
   * an integer)}.
   *
   * @param what {@code request for} or {@code response of}
   * @param capability the capability
   * @param agent the agent
   * @param type the type it should map to (not shown: it is a Java name)
   * @param e the mapping failure
   * @return the message
   */
  public static String doesNotMap(
      String what, String capability, Object agent, Class<?> type, Throwable e) {
    return what + " '" + capability + "' of " + agent + " does not map: " + describe(e);
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
        + Bounded.shown(shortMessage(e));
  }

  /**
   * A reading or mapping failure for people: the field it concerns (its JSON path), then what was
   * found and what was expected, without Java type or library names.
   *
   * @param e a Jackson (or argument) exception
   * @return for example {@code field 'limit': "ten" is a string (expected: an integer)}
   */
  public static String describe(Throwable e) {
    Throwable t = e;
    if (t instanceof IllegalArgumentException && t.getCause() instanceof JsonMappingException) {
      t = t.getCause();
    }
    String path = t instanceof JsonMappingException m ? path(m) : "";
    String detail = detail(t);
    return path.isEmpty() ? detail : "field '" + path + "': " + detail;
  }

  private static String path(JsonMappingException m) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(Bounded.shown(r.getFieldName()));
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String detail(Throwable e) {
    Throwable t = e;
    // a parse error met while mapping is wrapped with the path: say what the parser found
    while (t instanceof JsonMappingException && t.getCause() instanceof JsonProcessingException c) {
      t = c;
    }
    if (t instanceof Json.OutOfRange r) {
      return r.getOriginalMessage();
    }
    if (t instanceof StreamConstraintsException c) {
      String m = String.valueOf(c.getOriginalMessage());
      if (m.contains("nesting depth")) {
        return "nested deeper than "
            + Json.MAX_NESTING
            + " levels (expected: at most "
            + Json.MAX_NESTING
            + ")";
      }
      if (m.contains("Number value length") || m.contains("number value length")) {
        return "a number with too many digits (expected: at most 1000)";
      }
      if (m.contains("String value length") || m.contains("string value length")) {
        return "a string that is too long";
      }
      return "the document is larger than this node accepts";
    }
    if (t instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      return "not a field of this request"
          + (known == null || known.isEmpty()
              ? " (expected: no such field)"
              : " (expected: one of "
                  + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))
                  + ")");
    }
    if (t instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause();
      return cause != null && cause.getMessage() != null
          ? Bounded.shown(cause.getMessage())
          : "the value is not valid";
    }
    if (t instanceof InvalidDefinitionException) {
      return "this capability cannot read JSON into its request type";
    }
    if (t instanceof InvalidFormatException f) {
      JsonToken token = f.getProcessor() instanceof JsonParser p ? p.currentToken() : null;
      Class<?> target = f.getTargetType();
      boolean textual =
          target != null
              && (target.isEnum()
                  || Temporal.class.isAssignableFrom(target)
                  || target == java.time.Duration.class
                  || target == java.util.UUID.class
                  || target == java.net.URI.class
                  || target == char.class
                  || target == Character.class);
      if (token == null || (token == JsonToken.VALUE_STRING && textual)) {
        return shownValue(f.getValue()) + " is not valid here (expected: " + kind(target) + ")";
      }
      return shownValue(f.getValue()) + " is " + found(token) + " (expected: " + kind(target) + ")";
    }
    if (t instanceof MismatchedInputException m) {
      String original = String.valueOf(m.getOriginalMessage());
      if (original.startsWith("Trailing token")) {
        return "data after the JSON value (expected: one JSON value)";
      }
      if (original.startsWith("No content to map")) {
        return "the document is empty (expected: a JSON value)";
      }
      String found =
          m.getProcessor() instanceof JsonParser p && p.currentToken() != null
              ? found(p.currentToken())
              : null;
      String expected =
          m.getTargetType() != null ? kind(m.getTargetType()) : "another kind of value";
      return (found != null ? found : "a value of another kind") + " (expected: " + expected + ")";
    }
    if (t instanceof JsonParseException p) {
      String m = String.valueOf(p.getOriginalMessage());
      if (m.startsWith("Duplicate field")) {
        int q = m.indexOf('\'');
        String name = q >= 0 ? m.substring(q + 1, Math.max(q + 1, m.lastIndexOf('\''))) : "?";
        return "duplicate field '" + Bounded.shown(name) + "' (expected: each field at most once)";
      }
      return Bounded.shown(parserMessage(shortMessage(p)));
    }
    if (t instanceof JsonProcessingException p) {
      return Bounded.shown(String.valueOf(p.getOriginalMessage()).replaceAll("`[^`]*`", "a value"));
    }
    return "the value does not match the request";
  }

  /**
   * A parser's message without the library's advice ({@code enable `JsonReadFeature.X` to allow})
   * or any other name in backticks: what the caller sent is wrong, not our configuration.
   */
  static String parserMessage(String m) {
    String out = m.replace("\n", " ");
    int advice = out.indexOf(" enable `");
    if (advice >= 0) {
      out = out.substring(0, advice).replaceAll("[:;,]\\s*$", "");
    }
    return out.replaceAll("`[^`]*`", "a value").replace("`", "'");
  }

  private static String found(JsonToken token) {
    return switch (token) {
      case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
      case START_ARRAY, END_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a number with a fraction or exponent";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "a value of another kind";
    };
  }

  private static String shownValue(Object v) {
    return v instanceof String s
        ? "\"" + Bounded.shown(s) + "\""
        : Bounded.shown(String.valueOf(v));
  }

  /** The JSON kind a Java type is read from, for "expected: ..." (never a Java name). */
  static String kind(Class<?> type) {
    if (type == null) {
      return "another kind of value";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> ((Enum<?>) c).name())
              .collect(Collectors.joining(", "));
    }
    if (type == int.class || type == Integer.class) {
      return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (type == long.class || type == Long.class) {
      return "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    }
    if (type == short.class || type == Short.class) {
      return "an integer from " + Short.MIN_VALUE + " to " + Short.MAX_VALUE;
    }
    if (type == byte.class || type == Byte.class) {
      return "an integer from " + Byte.MIN_VALUE + " to " + Byte.MAX_VALUE;
    }
    if (type == BigInteger.class) {
      return "an integer";
    }
    if (type == double.class
        || type == Double.class
        || type == float.class
        || type == Float.class
        || type == BigDecimal.class
        || type == Number.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class
        || type == char.class
        || type == Character.class
        || CharSequence.class.isAssignableFrom(type)
        || type == java.util.UUID.class
        || type == java.net.URI.class) {
      return "a string";
    }
    if (Temporal.class.isAssignableFrom(type) || type == java.time.Duration.class) {
      return "a date or time as an ISO 8601 string";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    if (type == Object.class) {
      return "a JSON value";
    }
    return "an object";
  }

  /**
   * The first line of a Jackson message, without the source location noise.
   *
   * @param e the exception
   * @return a short message
   */
  public static String shortMessage(Throwable e) {
    String m =
        e instanceof JsonProcessingException j
            ? String.valueOf(j.getOriginalMessage())
            : String.valueOf(e.getMessage());
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
