package dev.portrait.cli;

import dev.portrait.core.event.OverlongNumber;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLinesSourceTest {
    private static List<ImportItem> read(String text, int maxLine) throws IOException {
        List<ImportItem> items = new ArrayList<>();
        try (JsonLinesSource s = new JsonLinesSource("f.jsonl",
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLine)) {
            while (s.read(items, 2)) {
                // small batches on purpose: items must not depend on where a batch ends
            }
        }
        return items;
    }

    private static List<ImportItem> read(String text) throws IOException {
        return read(text, JsonLinesSource.MAX_LINE_BYTES);
    }

    @Test
    void eachLineIsOneEventAndBlankLinesAreSkipped() throws IOException {
        List<ImportItem> items = read("{\"type\":\"track\",\"event\":\"A\"}\n\n  \r\n{\"type\":\"page\"}\r\n"
                + "{\"type\":\"identify\"}");
        assertThat(items).hasSize(3).allMatch(i -> i instanceof ImportItem.Event);
        assertThat(items).extracting(ImportItem::where).containsExactly("f.jsonl:1", "f.jsonl:4", "f.jsonl:5");
        assertThat(((ImportItem.Event) items.get(1)).json()).containsEntry("type", "page");
    }

    @Test
    void linesThatAreNotJsonObjectsAreCountedWithTheirLineNumbers() throws IOException {
        List<ImportItem> items = read("""
                {"type":"track","event":"A"}
                {"type":"track",
                [1,2]
                "text"
                {"type":"track","event":"B"}
                """);
        assertThat(items).hasSize(5);
        assertThat(items.stream().filter(i -> i instanceof ImportItem.Unreadable).map(i -> (ImportItem.Unreadable) i))
                .extracting(ImportItem.Unreadable::code, ImportItem.Unreadable::where)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("malformed_json", "f.jsonl:2"),
                        org.assertj.core.groups.Tuple.tuple("malformed_json", "f.jsonl:3"),
                        org.assertj.core.groups.Tuple.tuple("malformed_json", "f.jsonl:4"));
        ImportItem.Unreadable bad = (ImportItem.Unreadable) items.get(1);
        assertThat(bad.message()).startsWith("f.jsonl:2: ");
        assertThat(new String(bad.raw(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"track\",");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBatchLineGivesEachItemTheBatchContextWithTheItemsOwnKeysWinning() throws IOException {
        List<ImportItem> items = read("""
                {"batch":[{"type":"track","event":"A","context":{"ip":"10.0.0.9"}},{"type":"page"},7],"context":{"ip":"10.0.0.1","locale":"fr"},"sentAt":"2025-01-01T00:00:00Z","writeKey":"wk"}
                """);
        assertThat(items).hasSize(3);
        Map<String, Object> first = ((ImportItem.Event) items.get(0)).json();
        assertThat((Map<String, Object>) first.get("context")).containsEntry("ip", "10.0.0.9").containsEntry("locale", "fr");
        assertThat(first).containsEntry("sentAt", "2025-01-01T00:00:00Z").doesNotContainKey("writeKey");
        Map<String, Object> second = ((ImportItem.Event) items.get(1)).json();
        assertThat((Map<String, Object>) second.get("context")).containsEntry("ip", "10.0.0.1");
        assertThat(items.get(2)).isInstanceOfSatisfying(ImportItem.Unreadable.class, u -> {
            assertThat(u.code()).isEqualTo("malformed_json");
            assertThat(u.where()).isEqualTo("f.jsonl:1 batch[2]");
            assertThat(u.message()).contains("a number");
        });
    }

    @Test
    void aBatchThatIsNotAnArrayIsOneUnreadableLine() throws IOException {
        List<ImportItem> items = read("{\"batch\":{\"type\":\"track\"}}\n");
        assertThat(items).singleElement().isInstanceOfSatisfying(ImportItem.Unreadable.class,
                u -> assertThat(u.message()).contains("\"batch\" must be an array"));
    }

    @Test
    void aWriteKeyIsTakenOutOfTheEventAndItsRawBytes() throws IOException {
        List<ImportItem> items = read("{\"type\":\"track\",\"event\":\"A\",\"writeKey\":\"secret\"}\n");
        ImportItem.Event e = (ImportItem.Event) items.get(0);
        assertThat(e.json()).doesNotContainKey("writeKey");
        assertThat(new String(e.raw(), StandardCharsets.UTF_8)).doesNotContain("secret");
    }

    @Test
    void aLineOverTheLimitIsQuarantinedWithItsLengthAndTheNextLineStillReads() throws IOException {
        String huge = "{\"type\":\"track\",\"event\":\"" + "x".repeat(500) + "\"}";
        List<ImportItem> items = read(huge + "\n{\"type\":\"page\"}\n", 100);
        assertThat(items).hasSize(2);
        assertThat(items.get(0)).isInstanceOfSatisfying(ImportItem.Unreadable.class, u -> {
            assertThat(u.code()).isEqualTo("line_too_long");
            assertThat(u.message()).contains(huge.length() + " bytes");
            assertThat(u.raw()).hasSize(100);
        });
        assertThat(items.get(1)).isInstanceOf(ImportItem.Event.class);
        assertThat(items.get(1).where()).isEqualTo("f.jsonl:2");
    }

    @Test
    void numbersNoFieldCanHoldStayInTheirOwnItemsOfABatchLineForTheCleanerToReject() throws IOException {
        String digits = "5".repeat(1_001);
        List<ImportItem> items = read("{\"batch\":[{\"type\":\"track\",\"n\":9223372036854775808},"
                + "{\"type\":\"track\",\"n\":" + digits + "},{\"type\":\"page\"}]}\n"
                + "{\"type\":\"track\",\"n\":-" + digits + "}\n");
        assertThat(items).hasSize(4).allMatch(i -> i instanceof ImportItem.Event);
        assertThat(((ImportItem.Event) items.get(0)).json().get("n")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(((ImportItem.Event) items.get(1)).json().get("n")).isEqualTo(new OverlongNumber(digits));
        assertThat(((ImportItem.Event) items.get(3)).json().get("n")).isEqualTo(new OverlongNumber("-" + digits));
        assertThat(items).extracting(ImportItem::where)
                .containsExactly("f.jsonl:1 batch[0]", "f.jsonl:1 batch[1]", "f.jsonl:1 batch[2]", "f.jsonl:2");
    }

    @Test
    void aBatchLinesContextCountsTowardsEachEventAsItDoesOverHttp() throws IOException {
        String context = "{\"pad\":\"" + "c".repeat(2_000) + "\"}";
        String big = "{\"type\":\"track\",\"note\":\"" + "n".repeat(31 * 1024) + "\"}";
        List<ImportItem> items = read("{\"context\":" + context + ",\"batch\":[{\"type\":\"page\"}," + big + "]}\n");
        assertThat(items).hasSize(2);
        assertThat(items.get(0)).isInstanceOf(ImportItem.Event.class);
        assertThat(items.get(1)).isInstanceOfSatisfying(ImportItem.Unreadable.class, u -> {
            assertThat(u.code()).isEqualTo("event_too_large");
            assertThat(u.where()).isEqualTo("f.jsonl:1 batch[1]");
            assertThat(u.message()).contains("with the batch's context", "over the limit of 32768 bytes per event");
            assertThat(new String(u.raw(), StandardCharsets.UTF_8)).as("kept without the envelope").isEqualTo(big);
        });
    }

    @Test
    void aBatchLineThatWouldStoreMoreThanARequestMayIsQuarantinedWhole() throws IOException {
        StringBuilder line = new StringBuilder("{\"context\":{\"blob\":\"" + "z".repeat(480_000) + "\"},\"batch\":[");
        for (int i = 0; i < 100; i++) {
            line.append(i == 0 ? "" : ",").append("{\"type\":\"page\"}");
        }
        List<ImportItem> items = read(line.append("]}\n{\"type\":\"page\"}\n").toString());
        assertThat(items).hasSize(2);
        assertThat(items.get(0)).isInstanceOfSatisfying(ImportItem.Unreadable.class, u -> {
            assertThat(u.code()).isEqualTo("request_too_large");
            assertThat(u.where()).isEqualTo("f.jsonl:1");
            assertThat(u.message()).contains("100 events", "over the limit of 16777216 bytes");
        });
        assertThat(items.get(1)).isInstanceOf(ImportItem.Event.class);
    }

    @Test
    void anEventLineOverThePerEventLimitIsQuarantinedAsEventTooLarge() throws IOException {
        String big = "{\"type\":\"track\",\"note\":\"" + "n".repeat(33 * 1024) + "\",\"writeKey\":\"secret\"}";
        List<ImportItem> items = read(big + "\n");
        assertThat(items).singleElement().isInstanceOfSatisfying(ImportItem.Unreadable.class, u -> {
            assertThat(u.code()).isEqualTo("event_too_large");
            assertThat(u.message()).startsWith("f.jsonl:1: ").contains("over the limit of 32768 bytes per event");
            assertThat(new String(u.raw(), StandardCharsets.UTF_8)).doesNotContain("secret");
        });
    }

    @Test
    void twoObjectsOnOneLineAreMalformedRatherThanTheSecondSilentlyDropped() throws IOException {
        List<ImportItem> items = read("{\"type\":\"page\"} {\"type\":\"page\"}\n");
        assertThat(items).singleElement().isInstanceOfSatisfying(ImportItem.Unreadable.class,
                u -> assertThat(u.code()).isEqualTo("malformed_json"));
    }

    @Test
    void bytesReadCountEveryByteOfTheFile() throws IOException {
        String text = "{\"type\":\"page\"}\r\n\n{\"type\":\"page\"}";
        try (JsonLinesSource s = new JsonLinesSource("f", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                1000)) {
            List<ImportItem> items = new ArrayList<>();
            while (s.read(items, 10)) {
                // drain
            }
            assertThat(s.bytesRead()).isEqualTo(text.length());
        }
    }
}
