package dev.agentweave.mesh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.spi.JsonBody;
import dev.agentweave.mesh.support.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both ends of the codec agree, and each failure names the field and the capability. */
class WireCodecTest {
  record Query(String text, int limit) {}

  record Hits(List<String> ids) {}

  /** Jackson cannot write it: a getter that throws. */
  static final class Unwritable {
    public String getValue() {
      throw new IllegalStateException("no value");
    }
  }

  private final WireCodec codec = new WireCodec(Json.newMapper());
  private static final String AGENT = "spiffe://example.org/agent/search";

  @Test
  void aRequestEncodedHere_decodesThereAsTheCapabilitysType() {
    byte[] wire = codec.encodeRequest(new Query("pekko", 3), "search", AGENT);
    List<Integer> sizes = new ArrayList<>();
    Object read = codec.decodeRequest(new JsonBody(wire), Query.class, "search", AGENT, sizes::add);
    assertThat(read).isEqualTo(new Query("pekko", 3));
    assertThat(sizes).containsExactly(wire.length);
  }

  @Test
  void aRequestOfAnotherType_isMappedThroughTheSameJson_asLocallyAsRemotely() {
    java.util.Map<String, Object> loose = new java.util.LinkedHashMap<>();
    loose.put("text", "a");
    loose.put("limit", 1);
    assertThat(codec.decodeRequest(loose, Query.class, "search", AGENT, n -> {}))
        .isEqualTo(new Query("a", 1));
    var tree = JsonNodeFactory.instance.objectNode().put("text", "b").put("limit", 2);
    assertThat(codec.decodeRequest(tree, Query.class, "search", AGENT, n -> {}))
        .isEqualTo(new Query("b", 2));
    Query same = new Query("c", 3);
    assertThat(codec.decodeRequest(same, Query.class, "search", AGENT, n -> {})).isSameAs(same);
  }

  @Test
  void aRequestThatDoesNotMap_namesTheField_andNoJavaType() {
    byte[] wrong = "{\"text\":\"a\",\"limit\":\"ten\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> codec.decodeRequest(new JsonBody(wrong), Query.class, "search", AGENT, n -> {}))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("request for 'search' of " + AGENT + " does not map: ")
        .hasMessageContaining("limit")
        .hasMessageNotContaining("java.")
        .hasMessageNotContaining("Query");
    byte[] unknown = "{\"text\":\"a\",\"limit\":1,\"x\":0}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> codec.decodeRequest(new JsonBody(unknown), Query.class, "search", AGENT, n -> {}))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'x'");
  }

  @Test
  void anAnswerEncodedThere_decodesHere_andFailuresAreInternal() {
    byte[] wire = codec.encodeResponse(new Hits(List.of("1", "2")), "search", AGENT);
    assertThat(codec.decodeResponse(new RawJson(wire), Hits.class, "search", AGENT))
        .isEqualTo(new Hits(List.of("1", "2")));
    assertThat(codec.decodeResponse(wire, Hits.class, "search", AGENT))
        .isEqualTo(new Hits(List.of("1", "2")));
    assertThatThrownBy(
            () ->
                codec.decodeResponse(
                    new RawJson("{\"ids\":7}".getBytes(StandardCharsets.UTF_8)),
                    Hits.class,
                    "search",
                    AGENT))
        .isInstanceOf(InternalErrorException.class)
        .hasMessageStartingWith("response of 'search' of " + AGENT + " does not map: ");
    assertThatThrownBy(() -> codec.encodeResponse(new Unwritable(), "search", AGENT))
        .isInstanceOf(InternalErrorException.class)
        .hasMessageContaining("cannot be written as JSON");
    assertThatThrownBy(() -> codec.encodeRequest(new Unwritable(), "search", AGENT))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("cannot be written as JSON");
  }
}
