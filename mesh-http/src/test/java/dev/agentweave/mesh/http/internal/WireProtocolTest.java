package dev.agentweave.mesh.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentweave.mesh.ErrorCode;
import dev.agentweave.mesh.HandlerRejectedException;
import dev.agentweave.mesh.InternalErrorException;
import dev.agentweave.mesh.InvalidRequestException;
import dev.agentweave.mesh.MeshException;
import dev.agentweave.mesh.OverloadedException;
import dev.agentweave.mesh.SpiffeId;
import dev.agentweave.mesh.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Uri;
import org.junit.jupiter.api.Test;

/** The gateway's wire protocol read back by the client: codes, statuses, exceptions, retries. */
class WireProtocolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WHERE = " (from https://127.0.0.1:1, request r-1)";

  @Test
  void everyCode_roundTripsThroughItsStatusAndBody() throws Exception {
    for (ErrorCode code : ErrorCode.values()) {
      HttpResponse r = WireProtocol.error(MeshException.of(code, "what " + code, null), "r-1");
      assertThat(r.status().intValue()).as(code.name()).isEqualTo(code.httpStatus());
      JsonNode error = JSON.readTree(body(r)).get("error");
      assertThat(error.get("code").asText()).isEqualTo(code.wireName());
      assertThat(error.get("request_id").asText()).isEqualTo("r-1");
      assertThat(r.getHeader(WireProtocol.REQUEST_ID_HEADER).map(HttpHeader::value))
          .contains("r-1");
      MeshException read =
          WireProtocol.failure(r.status().intValue(), body(r), retryAfter(r), WHERE);
      assertThat(read.code()).as(code.name()).isEqualTo(code);
      if (code == ErrorCode.INTERNAL) {
        // no details of the other node: not its message, only where it failed
        assertThat(error.get("message").asText()).isEqualTo("internal error");
        assertThat(read.getMessage()).doesNotContain("what").contains("the called node failed");
      } else if (code == ErrorCode.REJECTED) {
        assertThat(read).isInstanceOf(HandlerRejectedException.class);
        assertThat(read.getMessage()).isEqualTo("what " + code);
      } else {
        assertThat(read.getMessage()).isEqualTo("what " + code + WHERE);
      }
      if (code.isProtocol()) {
        assertThat(read).isInstanceOf(InvalidRequestException.class);
      }
    }
  }

  @Test
  void retryAfter_isTheExceptionsOwnValue_roundedUpToSeconds() {
    HttpResponse overloaded =
        WireProtocol.error(new OverloadedException("full", Duration.ofMillis(6_200)), "r");
    assertThat(retryAfter(overloaded)).contains("7");
    MeshException read = WireProtocol.failure(503, body(overloaded), retryAfter(overloaded), "");
    assertThat(((OverloadedException) read).retryAfter()).isEqualTo(Duration.ofSeconds(7));

    HttpResponse unavailable =
        WireProtocol.error(new UnavailableException("draining", Duration.ofSeconds(3)), "r");
    assertThat(retryAfter(unavailable)).contains("3");
    assertThat(
            ((UnavailableException)
                    WireProtocol.failure(503, body(unavailable), retryAfter(unavailable), ""))
                .retryAfter())
        .isEqualTo(Duration.ofSeconds(3));

    // a sub-second hint is never sent as 0 (a client would retry at once)
    assertThat(
            retryAfter(WireProtocol.error(new OverloadedException("x", Duration.ofMillis(1)), "r")))
        .contains("1");
    assertThat(retryAfter(WireProtocol.error(new InvalidRequestException("x"), "r"))).isEmpty();
  }

  @Test
  void anAnswerThatIsNotOurs_isAnInternalError_withItsStatus() {
    byte[] html = "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8);
    MeshException read = WireProtocol.failure(502, html, Optional.empty(), WHERE);
    assertThat(read).isInstanceOf(InternalErrorException.class);
    assertThat(read.getMessage()).isEqualTo("unexpected answer HTTP 502" + WHERE);
    MeshException unknownCode =
        WireProtocol.failure(
            418,
            "{\"error\":{\"code\":\"teapot\",\"message\":\"short and stout\"}}"
                .getBytes(StandardCharsets.UTF_8),
            Optional.of("soon"),
            WHERE);
    assertThat(unknownCode).isInstanceOf(InternalErrorException.class);
    assertThat(unknownCode.getMessage()).contains("short and stout");
  }

  @Test
  void pekkoRefusals_mapToProtocolCodes_withTheirStatus() {
    assertThat(WireProtocol.refusal(413)).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(WireProtocol.refusal(414)).isEqualTo(ErrorCode.URI_TOO_LONG);
    assertThat(WireProtocol.refusal(431)).isEqualTo(ErrorCode.HEADERS_TOO_LARGE);
    assertThat(WireProtocol.refusal(405)).isEqualTo(ErrorCode.METHOD_NOT_SUPPORTED);
    assertThat(WireProtocol.refusal(501)).isEqualTo(ErrorCode.METHOD_NOT_SUPPORTED);
    assertThat(WireProtocol.refusal(505)).isEqualTo(ErrorCode.HTTP_VERSION_NOT_SUPPORTED);
    assertThat(WireProtocol.refusal(417)).isEqualTo(ErrorCode.EXPECTATION_FAILED);
    assertThat(WireProtocol.refusal(400)).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(WireProtocol.refusal(499)).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  private static byte[] body(HttpResponse r) {
    return ((HttpEntity.Strict) r.entity()).getData().toArray();
  }

  private static Optional<String> retryAfter(HttpResponse r) {
    return r.getHeader(WireProtocol.RETRY_AFTER_HEADER).map(HttpHeader::value);
  }

  @Test
  void requestIds_areOneTo128OfTheAllowedCharacters() {
    assertThat(WireProtocol.isRequestId("abc-123")).isTrue();
    assertThat(WireProtocol.isRequestId("A.b_c:d-9")).isTrue();
    assertThat(WireProtocol.isRequestId("x".repeat(128))).isTrue();
    assertThat(WireProtocol.isRequestId("")).isFalse();
    assertThat(WireProtocol.isRequestId("x".repeat(129))).isFalse();
    for (String bad : new String[] {"a b", "a/b", "a\nb", "é", "a;b", "a\u0000", "%41"}) {
      assertThat(WireProtocol.isRequestId(bad)).as(bad).isFalse();
    }
  }

  @Test
  void callRequest_carriesTargetActionTimeoutAndId_andTellOnlyWhenAsked() {
    Uri uri = WireProtocol.callUri(java.net.URI.create("https://127.0.0.1:8443"));
    assertThat(uri.toString()).isEqualTo("https://127.0.0.1:8443" + WireProtocol.CALL_PATH);
    SpiffeId target = SpiffeId.parse("spiffe://t.local/agent/echo");
    HttpRequest ask = WireProtocol.callRequest(uri, target, "echo", 0, "r-9", false);
    assertThat(ask.method().value()).isEqualTo("POST");
    assertThat(ask.getUri()).isEqualTo(uri);
    assertThat(ask.getHeader(WireProtocol.TARGET_HEADER).map(HttpHeader::value))
        .contains(target.toString());
    assertThat(ask.getHeader(WireProtocol.ACTION_HEADER).map(HttpHeader::value)).contains("echo");
    assertThat(ask.getHeader(WireProtocol.TIMEOUT_HEADER).map(HttpHeader::value)).contains("1");
    assertThat(WireProtocol.requestId(ask)).isEqualTo("r-9");
    assertThat(WireProtocol.isTell(ask)).isFalse();
    HttpRequest tell = WireProtocol.callRequest(uri, target, "echo", 2_500, "r-9", true);
    assertThat(WireProtocol.isTell(tell)).isTrue();
    assertThat(WireProtocol.timeout(tell, Duration.ofSeconds(30)))
        .isEqualTo(Duration.ofMillis(2_500));
  }
}
