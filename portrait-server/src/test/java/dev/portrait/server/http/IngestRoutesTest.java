package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.server.port.IncomingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.portrait.server.http.ApiHarness.track;
import static org.assertj.core.api.Assertions.assertThat;

class IngestRoutesTest {
    private final ApiHarness api = new ApiHarness();

    @AfterEach
    void stop() {
        api.close();
    }

    @ParameterizedTest
    @CsvSource({
            "track,    '\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\"}'",
            "identify, '\"traits\":{\"plan\":\"pro\"}'",
            "page,     '\"name\":\"Home\"'",
            "screen,   '\"name\":\"Cart\"'",
            "group,    '\"groupId\":\"g1\"'",
            "alias,    '\"previousId\":\"anon-1\"'"})
    void everySingleCallRouteStoresItsEventUnderTheTypeItsPathNames(String type, String fields) {
        String body = "{\"messageId\":\"m-" + type + "\",\"userId\":\"u1\",\"timestamp\":\"2024-05-01T11:59:00Z\","
                + fields + "}";
        ApiHarness.Answer a = api.ingest("/v1/" + type, body);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(1);
        assertThat(a.json().get("rejected")).isEmpty();
        IncomingEvent given = api.runtime.given().get(0);
        assertThat(given.json()).containsEntry("type", type);
        assertThat(given.index()).isZero();
        assertThat(given.receivedAt()).isEqualTo(ApiHarness.NOW);
        assertThat(new String(given.raw(), StandardCharsets.UTF_8)).as("raw bytes are the body as sent").isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/batch", "/v1/import", "/v1/import/"})
    void batchRoutesStoreEveryEventOfTheBatch(String path) {
        ApiHarness.Answer a = api.ingest(path, "{\"batch\":[" + track("m1", "u1") + "," + track("m2", "u2") + "]}");

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("success").asBoolean()).isTrue();
        assertThat(a.json().get("stored").asInt()).isEqualTo(2);
        assertThat(api.runtime.given()).extracting(IncomingEvent::index).containsExactly(0, 1);
    }

    @Test
    void segmentsAnalyticsJavaShapeIsAcceptedWithTheWriteKeyInTheBodyAndNoHeader() {
        // what com.segment.analytics.java:analytics:3.5.4 posts: /v1/import/, writeKey and sentAt on the batch
        String body = "{\"batch\":[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u1\","
                + "\"messageId\":\"5b2a\",\"originalTimestamp\":\"2024-05-01T11:58:00Z\","
                + "\"properties\":{\"product_id\":\"p1\"},\"context\":{}}],"
                + "\"sentAt\":\"2024-05-01T11:58:30Z\",\"context\":{\"library\":{\"name\":\"analytics-java\","
                + "\"version\":\"3.5.4\"}},\"writeKey\":\"" + ApiHarness.WRITE_KEY + "\"}";
        ApiHarness.Answer a = api.send("POST", "/v1/import/", HttpRequest.BodyPublishers.ofString(body),
                "Content-Type", "application/json; charset=utf-8");

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(1);
        Map<String, Object> json = api.runtime.given().get(0).json();
        assertThat(json).doesNotContainKey("writeKey").containsEntry("sentAt", "2024-05-01T11:58:30Z");
        assertThat(json.get("context")).isEqualTo(Map.of("library", Map.of("name", "analytics-java", "version", "3.5.4")));
        assertThat(new String(api.runtime.given().get(0).raw(), StandardCharsets.UTF_8)).doesNotContain("writeKey");
    }

    @Test
    void aWriteKeyInASingleCallsBodyAuthorisesItAndIsNotKeptInTheRawBytes() {
        String body = "{\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"},\"timestamp\":\"2024-05-01T11:59:00Z\","
                + "\"writeKey\":\"" + ApiHarness.WRITE_KEY + "\"}";
        ApiHarness.Answer a = api.postJson("/v1/identify", body);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        IncomingEvent given = api.runtime.given().get(0);
        assertThat(given.json()).doesNotContainKey("writeKey");
        String raw = new String(given.raw(), StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain(ApiHarness.WRITE_KEY).contains("\"plan\":\"pro\"");
        assertThat(raw).as("the type the endpoint filled in was not sent").doesNotContain("\"type\"");
    }

    @Test
    void rudderStacksShapeIsAcceptedWithBasicAuthAndAChunkedGzipBody() {
        byte[] gz = ApiHarness.gzip(("{\"batch\":[" + track("m1", "u1") + "," + track("m2", "u1") + "],"
                + "\"sentAt\":\"2024-05-01T11:59:30Z\"}").getBytes(StandardCharsets.UTF_8));
        // an InputStream publisher has no length, so the client sends it chunked, as RudderStack's SDK does
        ApiHarness.Answer a = api.send("POST", "/v1/batch",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(gz)),
                "Content-Type", "application/json", "Content-Encoding", "gzip",
                "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(2);
        assertThat(new String(api.runtime.given().get(1).raw(), StandardCharsets.UTF_8)).isEqualTo(track("m2", "u1"));
    }

    @Test
    void aBatchsContextAndIntegrationsAreMergedIntoEachEventWhoseOwnKeysWin() {
        String own = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u1\",\"messageId\":\"m1\","
                + "\"timestamp\":\"2024-05-01T11:59:00Z\",\"properties\":{\"product_id\":\"p1\"},"
                + "\"context\":{\"library\":{\"name\":\"inner\"}},\"integrations\":{\"All\":false}}";
        String bare = track("m2", "u2");
        String body = "{\"context\":{\"ip\":\"10.0.0.1\",\"library\":{\"name\":\"outer\"}},"
                + "\"integrations\":{\"All\":true,\"Mixpanel\":false},\"batch\":[" + own + ",\n  " + bare + "]}";
        ApiHarness.Answer a = api.ingest("/v1/batch", body);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<IncomingEvent> given = api.runtime.given();
        assertThat(given.get(0).json().get("context")).isEqualTo(Map.of("library", Map.of("name", "inner"),
                "ip", "10.0.0.1"));
        assertThat(given.get(0).json().get("integrations")).isEqualTo(Map.of("All", false, "Mixpanel", false));
        assertThat(given.get(1).json().get("context")).isEqualTo(Map.of("library", Map.of("name", "outer"),
                "ip", "10.0.0.1"));
        assertThat(new String(given.get(0).raw(), StandardCharsets.UTF_8)).as("raw is the item's own bytes").isEqualTo(own);
        assertThat(new String(given.get(1).raw(), StandardCharsets.UTF_8)).isEqualTo(bare);
    }

    @Test
    void aBatchOf100WithThreeBadEventsStores97AndNamesTheBadOnesByIndexAndCode() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(track("m" + i, "u" + (i % 7)));
        }
        events.set(10, "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"m10\","
                + "\"timestamp\":\"2024-05-01T11:59:00Z\",\"properties\":{\"product_id\":\"p1\"}}");
        events.set(50, "{\"type\":\"track\",\"userId\":\"u1\",\"messageId\":\"m50\",\"timestamp\":\"2024-05-01T11:59:00Z\"}");
        events.set(99, "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u1\",\"messageId\":\"m99\","
                + "\"timestamp\":\"2024-05-01T11:59:00Z\",\"properties\":{\"product_id\":\"p1\",\"price\":\"$5\"}}");
        ApiHarness.Answer a = api.ingest("/v1/batch", "{\"batch\":[" + String.join(",", events) + "]}");

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode body = a.json();
        assertThat(body.get("stored").asInt()).isEqualTo(97);
        assertThat(body.get("duplicates").asInt()).isZero();
        JsonNode rejected = body.get("rejected");
        assertThat(rejected).hasSize(3);
        assertThat(rejected.findValuesAsText("index")).containsExactly("10", "50", "99");
        assertThat(rejected.findValuesAsText("code")).containsExactly("missing_id", "missing_event_name", "wrong_type");
        assertThat(rejected.get(2).get("path").asText()).isEqualTo("properties.price");
        assertThat(rejected.get(2).get("message").asText()).isNotBlank();
        assertThat(rejected.get(2).get("quarantineId").asLong()).isPositive();
    }

    @Test
    void aRepeatedMessageIdIsCountedAsADuplicate() {
        ApiHarness.Answer a = api.ingest("/v1/batch", "{\"batch\":[" + track("m1", "u1") + "," + track("m1", "u1") + "]}");
        assertThat(a.json().get("stored").asInt()).isEqualTo(1);
        assertThat(a.json().get("duplicates").asInt()).isEqualTo(1);
    }

    @Test
    void anEmptyBatchIsAnsweredWithoutBotheringThePipeline() {
        ApiHarness.Answer a = api.ingest("/v1/batch", "{\"batch\":[]}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isZero();
        assertThat(api.runtime.given()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/batch | {\"batch\":[{\"type\":\"track\",}]}",
            "/v1/batch | {\"batch\":[" + "{\"type\":\"track\"}" + "]",
            "/v1/track | {\"type\":\"track\"",
            "/v1/track | not json at all",
            "/v1/batch | {\"batch\":[]} trailing"})
    void malformedJsonIsA400AndNothingIsStored(String path, String body) {
        ApiHarness.Answer a = api.ingest(path, body);
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.error().get("code").asText()).isEqualTo("malformed_json");
        assertThat(api.runtime.given()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1,2]                                  | $",
            "{\"events\":[]}                        | batch",
            "{\"batch\":{}}                         | batch",
            "{\"batch\":[{\"type\":\"track\"}, 7]}  | batch[1]",
            "{\"batch\":[], \"context\":\"x\"}      | context"})
    void aBatchBodyOfTheWrongShapeIsA400NamingWhere(String body, String path) {
        ApiHarness.Answer a = api.ingest("/v1/batch", body);
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.error().get("code").asText()).isEqualTo("invalid_request");
        assertThat(a.error().get("path").asText()).isEqualTo(path);
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void aSingleCallWhoseTypeContradictsItsEndpointIsRejectedAsWrongType() {
        ApiHarness.Answer a = api.ingest("/v1/identify", track("m1", "u1"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error().get("code").asText()).isEqualTo("wrong_type");
        assertThat(a.error().get("path").asText()).isEqualTo("type");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void anEventTheCleanerRejectsInASingleCallIsQuarantinedAndListed() {
        ApiHarness.Answer a = api.ingest("/v1/track", "{\"event\":\"Product Viewed\",\"timestamp\":\"2024-05-01T11:59:00Z\"}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isZero();
        assertThat(a.json().get("rejected").get(0).get("code").asText()).isEqualTo("missing_id");
        assertThat(a.json().get("rejected").get(0).get("index").asInt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "text/csv", "application/xml"})
    void aBodyThatIsNotDeclaredJsonIsA415(String contentType) {
        ApiHarness.Answer a = api.send("POST", "/v1/track", HttpRequest.BodyPublishers.ofString(track("m1", "u1")),
                "Content-Type", contentType, "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).isEqualTo(415);
        assertThat(a.error().get("code").asText()).isEqualTo("unsupported_media_type");
        assertThat(a.error().get("path").asText()).isEqualTo("Content-Type");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void aBodyWithoutContentTypeIsA415() {
        ApiHarness.Answer a = api.send("POST", "/v1/track", HttpRequest.BodyPublishers.ofString(track("m1", "u1")),
                "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).isEqualTo(415);
    }

    @Test
    void aCharsetOtherThanUtf8IsA415() {
        ApiHarness.Answer a = api.send("POST", "/v1/track", HttpRequest.BodyPublishers.ofString(track("m1", "u1")),
                "Content-Type", "application/json; charset=ISO-8859-1", "Authorization",
                ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).isEqualTo(415);
    }

    @Test
    void anUnsupportedContentEncodingIsA415() {
        ApiHarness.Answer a = api.send("POST", "/v1/track", HttpRequest.BodyPublishers.ofString(track("m1", "u1")),
                "Content-Type", "application/json", "Content-Encoding", "br",
                "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).isEqualTo(415);
        assertThat(a.error().get("path").asText()).isEqualTo("Content-Encoding");
    }

    @Test
    void textPlainIsReadAsJsonBecauseBrowserBeaconsSendIt() {
        ApiHarness.Answer a = api.send("POST", "/v1/track", HttpRequest.BodyPublishers.ofString(track("m1", "u1")),
                "Content-Type", "text/plain;charset=UTF-8", "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotGzipButSaysSoIsA400() {
        ApiHarness.Answer a = api.send("POST", "/v1/batch", HttpRequest.BodyPublishers.ofString("{\"batch\":[]}"),
                "Content-Type", "application/json", "Content-Encoding", "gzip",
                "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error().get("code").asText()).isEqualTo("invalid_gzip");
    }

    @Test
    void aSingleEventOverTheEventLimitIsA413NamingTheLimit() {
        String big = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u1\",\"properties\":{\"note\":\""
                + "x".repeat(33 * 1024) + "\"}}";
        ApiHarness.Answer a = api.ingest("/v1/track", big);
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error().get("code").asText()).isEqualTo("event_too_large");
        assertThat(a.error().get("message").asText()).contains("32768");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void oneOversizedEventInABatchIsQuarantinedAloneByIndexAndTheOthersAreStored() {
        String big = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u1\",\"properties\":{\"note\":\""
                + "x".repeat(33 * 1024) + "\"}}";
        ApiHarness.Answer a = api.ingest("/v1/batch", "{\"batch\":[" + track("m0", "u1") + "," + big + ","
                + track("m2", "u1") + "]}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(2);
        JsonNode rejected = a.json().get("rejected");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(rejected.get(0).get("code").asText()).isEqualTo("event_too_large");
        assertThat(rejected.get(0).get("message").asText()).contains("event 1 of the batch", "over the limit of 32768");
        assertThat(rejected.get(0).get("quarantineId").asLong()).isPositive();
        IncomingEvent refused = api.runtime.given().get(1);
        assertThat(refused.refusal()).isNotNull();
        assertThat(new String(refused.raw(), StandardCharsets.UTF_8)).as("quarantined as sent").isEqualTo(big);
    }

    @Test
    void theBatchContextCountsTowardsEachEventsLimitAndOnlyTheEventsItPushesOverAreRejected() {
        try (ApiHarness small = new ApiHarness(new HttpConfig.Limits(1_000, 100_000, 100))) {
            // 600 bytes of context: an event of its own 300 bytes stays under 1,000, one of 500 goes over
            String context = "{\"note\":\"" + "c".repeat(600) + "\"}";
            String fits = sized("m0", 300);
            String over = sized("m1", 500);
            String overridden = sized("m2", 500).replace("\"properties\"", "\"context\":{\"note\":\"own\"},\"properties\"");
            ApiHarness.Answer a = small.ingest("/v1/batch", "{\"context\":" + context + ",\"batch\":[" + fits + ","
                    + over + "," + overridden + "]}");

            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.json().get("stored").asInt()).as("an event whose own context holds the key takes none of "
                    + "the batch's").isEqualTo(2);
            JsonNode rejected = a.json().get("rejected");
            assertThat(rejected.findValuesAsText("index")).containsExactly("1");
            assertThat(rejected.get(0).get("code").asText()).isEqualTo("event_too_large");
            assertThat(rejected.get(0).get("message").asText()).contains("with the batch's context", "(500 of its own)",
                    "over the limit of 1000 bytes per event");
            IncomingEvent refused = small.runtime.given().get(1);
            assertThat(refused.json()).as("quarantined without the context that made it too large")
                    .doesNotContainKey("context");
            assertThat(new String(refused.raw(), StandardCharsets.UTF_8)).isEqualTo(over);
            assertThat(small.runtime.given().get(0).json().get("context")).isEqualTo(Map.of("note", "c".repeat(600)));
        }
    }

    @Test
    void anEventExactlyAtTheLimitWithItsContextIsStoredAndOneByteMoreIsNot() {
        String context = "{\"k\":\"v\"}";
        String event = sized("m0", 200);
        // {...event..., "context":{"k":"v"}} written compactly: the event's bytes, ,"context": and the object
        int merged = event.length() + ",\"context\":".length() + context.length();
        try (ApiHarness exact = new ApiHarness(new HttpConfig.Limits(merged, 100_000, 10));
             ApiHarness under = new ApiHarness(new HttpConfig.Limits(merged - 1, 100_000, 10))) {
            String body = "{\"context\":" + context + ",\"batch\":[" + event + "]}";
            assertThat(exact.ingest("/v1/batch", body).json().get("stored").asInt()).isEqualTo(1);
            ApiHarness.Answer a = under.ingest("/v1/batch", body);
            assertThat(a.json().get("stored").asInt()).isZero();
            assertThat(a.json().get("rejected").get(0).get("message").asText()).contains("is " + merged + " bytes");
        }
    }

    @Test
    void aSmallGzipBodyWhoseContextWouldBeCopiedIntoThousandsOfEventsIsRefusedWhole() {
        // the amplification: a 480 KB context and 2,000 tiny events, ~1 GB once merged, ~10 KB gzipped
        StringBuilder body = new StringBuilder("{\"context\":{\"blob\":\"" + "z".repeat(480_000) + "\"},\"batch\":[");
        for (int i = 0; i < 2_000; i++) {
            body.append(i == 0 ? "" : ",").append(track("m" + i, "u1"));
        }
        byte[] gz = ApiHarness.gzip(body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        assertThat(gz.length).isLessThan(20_000);

        ApiHarness.Answer a = api.send("POST", "/v1/batch", HttpRequest.BodyPublishers.ofByteArray(gz),
                "Content-Type", "application/json", "Content-Encoding", "gzip",
                "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).as(a.body()).isEqualTo(413);
        assertThat(a.error().get("code").asText()).isEqualTo("request_too_large");
        assertThat(a.error().get("message").asText()).contains("2000 events", "merged into each",
                "over the limit of 16777216 bytes");
        assertThat(api.runtime.given()).as("nothing stored, nothing quarantined").isEmpty();
    }

    @Test
    void theStoredTotalIsCheckedBeforeAnyEventAloneSoAnAmplifyingBodyIsNotQuarantinedEventByEvent() {
        try (ApiHarness small = new ApiHarness(new HttpConfig.Limits(1_000, 100_000, 100).withMaxMergedBytes(20_000))) {
            String context = "{\"blob\":\"" + "z".repeat(2_000) + "\"}";
            StringBuilder body = new StringBuilder("{\"context\":" + context + ",\"batch\":[");
            for (int i = 0; i < 10; i++) {
                body.append(i == 0 ? "" : ",").append(track("m" + i, "u1"));
            }
            ApiHarness.Answer a = small.ingest("/v1/batch", body.append("]}").toString());
            assertThat(a.status()).as(a.body()).isEqualTo(413);
            assertThat(a.error().get("code").asText()).isEqualTo("request_too_large");
            assertThat(small.runtime.given()).isEmpty();

            // the same events with the total under the bound: each is refused alone, by index
            try (ApiHarness roomy = new ApiHarness(new HttpConfig.Limits(1_000, 100_000, 100))) {
                ApiHarness.Answer b = roomy.ingest("/v1/batch", body.toString());
                assertThat(b.status()).isEqualTo(200);
                assertThat(b.json().get("rejected").findValuesAsText("code")).hasSize(10).containsOnly("event_too_large");
            }
        }
    }

    @Test
    void anIntegerBeyondALongAndAThousandDigitNumberRejectOnlyTheirOwnEventsOfAFullBatch() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            events.add(track("m" + i, "u" + (i % 13)));
        }
        String thousandDigits = "1".repeat(1_001);
        events.set(7, events.get(7).replace("\"product_id\":\"p1\"", "\"product_id\":\"p1\",\"amount\":9223372036854775808"));
        events.set(1_999, events.get(1_999).replace("\"product_id\":\"p1\"", "\"product_id\":\"p1\",\"list\":[1,"
                + thousandDigits + "]"));
        ApiHarness.Answer a = api.ingest("/v1/batch", "{\"batch\":[" + String.join(",", events) + "]}");

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(2_498);
        JsonNode rejected = a.json().get("rejected");
        assertThat(rejected.findValuesAsText("index")).containsExactly("7", "1999");
        assertThat(rejected.findValuesAsText("code")).containsOnly("invalid_number");
        assertThat(rejected.findValuesAsText("path")).containsExactly("properties.amount", "properties.list[1]");
        assertThat(rejected.get(0).get("message").asText()).contains("9223372036854775808 is beyond the range of a long");
        assertThat(rejected.get(1).get("message").asText()).contains("1001 characters");
        assertThat(new String(api.runtime.given().get(1_999).raw(), StandardCharsets.UTF_8))
                .as("the quarantine keeps the digits as sent").contains(thousandDigits);
    }

    @Test
    void aNumberNoFieldCanHoldInASingleCallIsARejectionOfThatEventNotA400() {
        ApiHarness.Answer a = api.ingest("/v1/track", "{\"event\":\"Product Viewed\",\"userId\":\"u1\","
                + "\"timestamp\":\"2024-05-01T11:59:00Z\",\"properties\":{\"product_id\":\"p1\",\"n\":-"
                + "9".repeat(5_000) + "}}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("rejected").get(0).get("code").asText()).isEqualTo("invalid_number");
        assertThat(a.json().get("rejected").get(0).get("path").asText()).isEqualTo("properties.n");
    }

    @Test
    void aNumberNoFieldCanHoldInTheBatchContextRejectsTheEventsThatTakeItIn() {
        String body = "{\"context\":{\"big\":18446744073709551616},\"batch\":[" + track("m0", "u1") + ","
                + track("m1", "u1").replace("\"properties\"", "\"context\":{\"big\":1},\"properties\"") + "]}";
        ApiHarness.Answer a = api.ingest("/v1/batch", body);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(1);
        assertThat(a.json().get("rejected").get(0).get("index").asInt()).isZero();
        assertThat(a.json().get("rejected").get(0).get("path").asText()).isEqualTo("context.big");
    }

    @Test
    void aRequestOverTheRequestLimitIsA413() {
        StringBuilder body = new StringBuilder("{\"batch\":[");
        String event = track("m", "u1");
        while (body.length() <= 4 * 1024 * 1024) {
            body.append(event).append(',');
        }
        body.append(event).append("]}");
        ApiHarness.Answer a = api.ingest("/v1/batch", body.toString());
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error().get("code").asText()).isEqualTo("request_too_large");
        assertThat(a.error().get("message").asText()).contains("4194304");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void aGzipBombIsA413AfterReadingNoMoreThanTheLimit() {
        // 16 MB of white space deflates to about 16 KB
        byte[] plain = new byte[16 * 1024 * 1024];
        java.util.Arrays.fill(plain, (byte) ' ');
        byte[] head = "{\"batch\":[".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, plain, 0, head.length);
        byte[] bomb = ApiHarness.gzip(plain);
        assertThat(bomb.length).isLessThan(4 * 1024 * 1024);

        ApiHarness.Answer a = api.send("POST", "/v1/batch", HttpRequest.BodyPublishers.ofByteArray(bomb),
                "Content-Type", "application/json", "Content-Encoding", "gzip",
                "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error().get("code").asText()).isEqualTo("request_too_large");
        assertThat(a.error().get("message").asText()).contains("decompression");
    }

    @Test
    void aChunkedBodyWithoutALengthIsStoppedAtTheLimitToo() {
        try (ApiHarness small = new ApiHarness(new HttpConfig.Limits(1_000, 4_000, 10))) {
            byte[] body = ("{\"batch\":[" + (track("m1", "u1") + ",").repeat(30) + track("m2", "u1") + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            ApiHarness.Answer a = small.send("POST", "/v1/batch",
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)),
                    "Content-Type", "application/json", "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.error().get("message").asText()).contains("4000");
            assertThat(small.runtime.given()).isEmpty();
        }
    }

    @Test
    void theLimitsAreTheConfiguredOnes() {
        try (ApiHarness small = new ApiHarness(new HttpConfig.Limits(300, 4_000, 2))) {
            String three = "{\"batch\":[" + track("m1", "u1") + "," + track("m2", "u1") + "," + track("m3", "u1") + "]}";
            ApiHarness.Answer count = small.ingest("/v1/batch", three);
            assertThat(count.status()).isEqualTo(413);
            assertThat(count.error().get("message").asText()).contains("more than 2 events");

            String wide = "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u1\",\"properties\":{\"x\":\""
                    + "y".repeat(300) + "\"}}";
            ApiHarness.Answer size = small.ingest("/v1/batch", "{\"batch\":[" + wide + "]}");
            assertThat(size.status()).isEqualTo(200);
            assertThat(size.json().get("rejected").get(0).get("message").asText())
                    .contains("over the limit of 300 bytes per event");
            assertThat(small.ingest("/v1/track", wide).error().get("message").asText())
                    .contains("over the limit of 300 bytes per event");

            assertThat(small.ingest("/v1/batch", "{\"batch\":[" + track("m1", "u1") + "]}").status()).isEqualTo(200);
        }
    }

    @Test
    void aBatchOverTheEventCountLimitIsA413() {
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i <= 2_500; i++) {
            body.append(i == 0 ? "" : ",").append("{}");
        }
        ApiHarness.Answer a = api.ingest("/v1/batch", body.append("]}").toString());
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error().get("code").asText()).isEqualTo("too_many_events");
        assertThat(a.error().get("message").asText()).contains("2500");
    }

    @Test
    void aBatchAtExactlyTheEventCountLimitIsTaken() {
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 2_500; i++) {
            body.append(i == 0 ? "" : ",").append(track("m" + i, "u1"));
        }
        ApiHarness.Answer a = api.ingest("/v1/batch", body.append("]}").toString());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(2_500);
    }

    /** A valid track event of exactly {@code bytes} bytes, padded in a property. */
    private static String sized(String messageId, int bytes) {
        String bare = track(messageId, "u1").replace("\"product_id\":\"p1\"", "\"product_id\":\"p1\",\"pad\":\"\"");
        if (bare.length() > bytes) {
            throw new IllegalArgumentException("an event is at least " + bare.length() + " bytes");
        }
        String event = bare.replace("\"pad\":\"\"", "\"pad\":\"" + "p".repeat(bytes - bare.length()) + "\"");
        assertThat(event).hasSize(bytes);
        return event;
    }
}
