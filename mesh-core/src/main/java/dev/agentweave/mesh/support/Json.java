package dev.agentweave.mesh.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * The strict JSON mapping every module of a node uses: records, java.time, Optional. The messages
 * that say why a document was refused are in {@link JsonErrors}. A module or extension of one's own
 * that reads requests uses the same mapping, so a caller sees the same rules and the same errors
 * whichever module answers.
 *
 * <p>Strict means: one JSON value per document (trailing data is refused), each field at most once
 * in an object, no unknown fields, no coercion between scalar kinds ({@code "10"} is not an
 * integer, {@code 1} is not a string, {@code 1.5} is not an integer), no {@code null} for a
 * primitive, and floating-point numbers within the range of a finite double ({@code 1e999999} is
 * refused rather than read as infinity).
 */
public final class Json {
  /** Deepest nesting of arrays and objects accepted. */
  static final int MAX_NESTING = 500;

  private Json() {}

  /**
   * A strict mapper for requests and responses (see the class comment). Unknown fields are refused
   * so that a typo in a payload is an error naming the field rather than a silently missing value.
   *
   * @return a new mapper
   */
  public static ObjectMapper newMapper() {
    JsonFactory factory = new FiniteNumbersFactory();
    factory.setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    JsonMapper mapper =
        JsonMapper.builder(factory)
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    for (LogicalType t :
        new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      mapper
          .coercionConfigFor(t)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    return mapper;
  }

  /** A number that does not fit the range of a finite double. */
  static final class OutOfRange extends JsonParseException {
    private static final long serialVersionUID = 1L;

    OutOfRange(JsonParser p, String text) {
      super(
          p,
          "number "
              + Bounded.shown(text)
              + " is out of range (expected: a number within the range of a 64-bit float, at most"
              + " about 1.8e308 in magnitude)");
    }
  }

  /**
   * Parsers that refuse floating-point numbers outside the range of a finite double when they are
   * read as {@code double} or {@code float} (exact {@code BigDecimal} reads are unchanged).
   */
  private static final class FiniteNumbersFactory extends JsonFactory {
    private static final long serialVersionUID = 1L;

    FiniteNumbersFactory() {}

    private FiniteNumbersFactory(FiniteNumbersFactory src) {
      super(src, null);
    }

    @Override
    public JsonFactory copy() {
      return new FiniteNumbersFactory(this);
    }

    @Override
    protected JsonParser _createParser(InputStream in, IOContext ctxt) throws IOException {
      return new FiniteNumbers(super._createParser(in, ctxt));
    }

    @Override
    protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
      return new FiniteNumbers(super._createParser(r, ctxt));
    }

    @Override
    protected JsonParser _createParser(
        char[] data, int offset, int len, IOContext ctxt, boolean recyclable) throws IOException {
      return new FiniteNumbers(super._createParser(data, offset, len, ctxt, recyclable));
    }

    @Override
    protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt)
        throws IOException {
      return new FiniteNumbers(super._createParser(data, offset, len, ctxt));
    }

    @Override
    protected JsonParser _createParser(DataInput input, IOContext ctxt) throws IOException {
      return new FiniteNumbers(super._createParser(input, ctxt));
    }
  }

  private static final class FiniteNumbers extends JsonParserDelegate {
    FiniteNumbers(JsonParser d) {
      super(d);
    }

    @Override
    public double getDoubleValue() throws IOException {
      double v = delegate.getDoubleValue();
      if (Double.isInfinite(v)) {
        throw new OutOfRange(this, delegate.getText());
      }
      return v;
    }

    @Override
    public float getFloatValue() throws IOException {
      float v = delegate.getFloatValue();
      if (Float.isInfinite(v)) {
        throw new OutOfRange(this, delegate.getText());
      }
      return v;
    }

    @Override
    public Number getNumberValue() throws IOException {
      return finite(delegate.getNumberValue());
    }

    @Override
    public Number getNumberValueExact() throws IOException {
      return delegate.getNumberValueExact();
    }

    @Override
    public Object getNumberValueDeferred() throws IOException {
      if (delegate.currentToken() == JsonToken.VALUE_NUMBER_FLOAT
          && delegate.getNumberType() != NumberType.BIG_DECIMAL) {
        return finite(delegate.getNumberValue());
      }
      return delegate.getNumberValueDeferred();
    }

    private Number finite(Number n) throws IOException {
      if ((n instanceof Double d && d.isInfinite()) || (n instanceof Float f && f.isInfinite())) {
        throw new OutOfRange(this, delegate.getText());
      }
      return n;
    }

    @Override
    public String toString() {
      return "FiniteNumbers[" + delegate + "]";
    }
  }
}
