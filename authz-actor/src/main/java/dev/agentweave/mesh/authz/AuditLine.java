package dev.agentweave.mesh.authz;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.agentweave.mesh.support.Bounded;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Encodes audit records as JSON lines into one reused byte buffer, for the writer thread alone (not
 * thread-safe). One generator serves every line, the timestamp's date and time of day are formatted
 * once a second, and the decision id is written from a reused character array: the writer used to
 * allocate a generator, a {@code StringWriter}, an ISO formatter's output, a string of the line and
 * its UTF-8 bytes per record, 13% of a node's allocation per {@code POST /task} in the profile of
 * docs/benchmarks.md. The output is the same JSON as before, except that the timestamp always
 * carries its milliseconds ({@code 2026-12-07T17:00:00.000Z}, still ISO 8601 and {@link
 * Instant#parse} reads it).
 */
final class AuditLine {
  private static final JsonFactory JSON = new JsonFactory();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Buffer buffer = new Buffer();
  private JsonGenerator generator;
  private final char[] stamp = new char[24];
  private long stampSecond = Long.MIN_VALUE;
  private final char[] id = new char[32];

  /**
   * Encodes a record as one line, its newline included, into {@link #bytes()}.
   *
   * @param r the record
   * @return the line's length in bytes
   * @throws IOException if the generator fails (it is made anew for the next line)
   */
  int encode(AuditLog.Record r) throws IOException {
    buffer.size = 0;
    JsonGenerator g = generator();
    try {
      g.writeStartObject();
      g.writeFieldName("timestamp");
      timestamp(g, r.epochMillis());
      g.writeFieldName("decision_id");
      hex(r.decisionIdHigh(), 0);
      hex(r.decisionIdLow(), 16);
      g.writeString(id, 0, 32);
      g.writeStringField("direction", r.direction());
      g.writeStringField("caller", r.caller().toString());
      g.writeStringField("callee", r.callee().toString());
      g.writeStringField("action", Bounded.cut(r.action(), Bounded.AUDIT_CHARS));
      g.writeBooleanField("allowed", r.allowed());
      g.writeStringField("reason", Bounded.cut(r.reason(), Bounded.AUDIT_CHARS));
      g.writeStringField("policy_version", r.policyVersion());
      g.writeBooleanField("cache_hit", r.cacheHit());
      g.writeNumberField("evaluation_us", r.evaluationNanos() / 1_000);
      g.writeEndObject();
      g.flush();
    } catch (IOException | RuntimeException e) {
      generator = null; // its state is unknown: the next line starts a fresh one
      throw e;
    }
    buffer.write('\n');
    return buffer.size;
  }

  /** The encoded line; valid up to the length {@link #encode} returned, until the next call. */
  byte[] bytes() {
    return buffer.bytes;
  }

  private JsonGenerator generator() throws IOException {
    if (generator == null) {
      generator = JSON.createGenerator(buffer, JsonEncoding.UTF8);
      generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      // lines are separated by the writer's newline, not by the generator's root separator
      generator.setRootValueSeparator(null);
    }
    return generator;
  }

  private void timestamp(JsonGenerator g, long epochMillis) throws IOException {
    long second = Math.floorDiv(epochMillis, 1000L);
    if (second != stampSecond) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      if (t.getYear() < 0 || t.getYear() > 9999) {
        g.writeString(Instant.ofEpochMilli(epochMillis).toString());
        return;
      }
      digits(t.getYear(), 0, 4);
      stamp[4] = '-';
      digits(t.getMonthValue(), 5, 2);
      stamp[7] = '-';
      digits(t.getDayOfMonth(), 8, 2);
      stamp[10] = 'T';
      digits(t.getHour(), 11, 2);
      stamp[13] = ':';
      digits(t.getMinute(), 14, 2);
      stamp[16] = ':';
      digits(t.getSecond(), 17, 2);
      stamp[19] = '.';
      stamp[23] = 'Z';
      stampSecond = second;
    }
    digits((int) Math.floorMod(epochMillis, 1000L), 20, 3);
    g.writeString(stamp, 0, stamp.length);
  }

  private void digits(int value, int at, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      stamp[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private void hex(long value, int at) {
    for (int i = at + 15; i >= at; i--) {
      id[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  /** A growable byte array the generator writes into. */
  private static final class Buffer extends OutputStream {
    byte[] bytes = new byte[512];
    int size;

    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }
  }
}
