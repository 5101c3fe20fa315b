package dev.agentweave.mesh.a2a.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * JSON Schemas (draft 2020-12) of request and response types, as Jackson maps them: a record is an
 * object of its components (all required but {@code Optional} ones), a string or character a
 * string, whole numbers integers, other numbers numbers, an enum a string of its constants, a
 * collection or array an array of its element's schema, a map with string keys an object of its
 * values' schema. A type met again inside itself, and any other type, is {@code {}} (any value).
 */
final class JsonSchemas {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 16;

  private JsonSchemas() {}

  /** The schema of {@code type}, with {@code $schema} named. */
  static ObjectNode of(Type type) {
    ObjectNode schema = schema(type, new HashSet<>(), 0);
    ObjectNode out = F.objectNode();
    out.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    out.setAll(schema);
    return out;
  }

  private static ObjectNode schema(Type type, Set<Class<?>> open, int depth) {
    if (depth > MAX_DEPTH) {
      return F.objectNode();
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
        return array(schema(bound(args[0]), open, depth + 1), Set.class.isAssignableFrom(raw));
      }
      if (Map.class.isAssignableFrom(raw) && args.length == 2) {
        ObjectNode o = F.objectNode().put("type", "object");
        JsonNode values = schema(bound(args[1]), open, depth + 1);
        if (!values.isEmpty()) {
          o.set("additionalProperties", values);
        }
        return o;
      }
      if (raw == Optional.class && args.length == 1) {
        return schema(bound(args[0]), open, depth + 1);
      }
      return schema(raw, open, depth);
    }
    if (type instanceof GenericArrayType g) {
      return array(schema(g.getGenericComponentType(), open, depth + 1), false);
    }
    if (!(type instanceof Class<?> c)) {
      return F.objectNode();
    }
    if (c == String.class || c == char.class || c == Character.class) {
      return F.objectNode().put("type", "string");
    }
    if (c == boolean.class || c == Boolean.class) {
      return F.objectNode().put("type", "boolean");
    }
    if (c == int.class
        || c == long.class
        || c == short.class
        || c == byte.class
        || c == Integer.class
        || c == Long.class
        || c == Short.class
        || c == Byte.class
        || c == BigInteger.class) {
      return F.objectNode().put("type", "integer");
    }
    if (c == double.class
        || c == float.class
        || c == Double.class
        || c == Float.class
        || c == BigDecimal.class) {
      return F.objectNode().put("type", "number");
    }
    if (c == byte[].class) {
      return F.objectNode().put("type", "string").put("contentEncoding", "base64");
    }
    if (c.isArray()) {
      return array(schema(c.getComponentType(), open, depth + 1), false);
    }
    if (c.isEnum()) {
      ObjectNode o = F.objectNode().put("type", "string");
      ArrayNode values = o.putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      return o;
    }
    if (Temporal.class.isAssignableFrom(c)) {
      return F.objectNode().put("type", "string");
    }
    if (Map.class.isAssignableFrom(c)) {
      return F.objectNode().put("type", "object");
    }
    if (Collection.class.isAssignableFrom(c)) {
      return array(F.objectNode(), false);
    }
    if (c.isRecord() && open.add(c)) {
      try {
        ObjectNode o = F.objectNode().put("type", "object");
        ObjectNode properties = o.putObject("properties");
        ArrayNode required = F.arrayNode();
        for (RecordComponent rc : c.getRecordComponents()) {
          properties.set(rc.getName(), schema(rc.getGenericType(), open, depth + 1));
          if (rc.getType() != Optional.class) {
            required.add(rc.getName());
          }
        }
        if (!required.isEmpty()) {
          o.set("required", required);
        }
        return o;
      } finally {
        open.remove(c);
      }
    }
    return F.objectNode();
  }

  private static Type bound(Type t) {
    if (t instanceof WildcardType w && w.getUpperBounds().length == 1) {
      return w.getUpperBounds()[0];
    }
    return t;
  }

  private static ObjectNode array(JsonNode items, boolean unique) {
    ObjectNode o = F.objectNode().put("type", "array");
    if (!items.isEmpty()) {
      o.set("items", items);
    }
    if (unique) {
      o.put("uniqueItems", true);
    }
    return o;
  }
}
