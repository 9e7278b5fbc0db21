package dev.portrait.store;

import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.portrait.store.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public records validate as they are built and name the bad value. */
class StoreRecordsTest {
    @Test
    void defaultOptionsAreTheDocumentedOnes() {
        StoreOptions o = StoreOptions.defaults();

        assertThat(o.dedupWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(o.changelogRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(o.quarantineRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(o.syncWrites()).isTrue();
        assertThat(o.withDedupWindow(Duration.ofHours(1)).dedupWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(o.withSyncWrites(false).withChangelogRetention(Duration.ofDays(1)).withQuarantineRetention(
                Duration.ofDays(2)).withDataKeyCacheSize(64)).isEqualTo(new StoreOptions(Duration.ofDays(7),
                Duration.ofDays(1), Duration.ofDays(2), false, 64));
    }

    @Test
    void optionsRefuseWindowsThatAreNotPositiveAndTinyKeyCaches() {
        assertThatThrownBy(() -> StoreOptions.defaults().withDedupWindow(Duration.ZERO))
                .hasMessage("store option dedupWindow must be positive, got PT0S");
        assertThatThrownBy(() -> StoreOptions.defaults().withChangelogRetention(Duration.ofDays(-1)))
                .hasMessageContaining("changelogRetention must be positive, got PT-24H");
        assertThatThrownBy(() -> StoreOptions.defaults().withQuarantineRetention(null))
                .hasMessageContaining("quarantineRetention must be set");
        assertThatThrownBy(() -> StoreOptions.defaults().withDataKeyCacheSize(3))
                .hasMessage("store option dataKeyCacheSize must be at least 16, got 3");
    }

    @Test
    void anEventsSubjectIsItsUserIdElseItsAnonymousId() {
        Event identified = TestEvents.track("m1", "u1", "a1", "Viewed", T0);
        Event anonymous = TestEvents.page("m2", "a1", T0, "Home");

        assertThat(EventRecord.subjectOf(identified)).isEqualTo("user_id:u1");
        assertThat(EventRecord.subjectOf(anonymous)).isEqualTo("anonymous_id:a1");
        EventRecord r = EventRecord.of(identified, 5);
        assertThat(r.messageId()).isEqualTo("m1");
        assertThat(r.receivedAt()).isEqualTo(5);
        assertThat(r.toString()).doesNotContain("u1");
    }

    @Test
    void eventRecordsRefuseMissingPartsAndForeignSubjects() {
        byte[] bytes = {1};
        assertThatThrownBy(() -> new EventRecord(new byte[0], 0, "m1", "user_id:u")).hasMessageContaining("m1 has no bytes");
        assertThatThrownBy(() -> new EventRecord(bytes, 0, "", "user_id:u")).hasMessageContaining("needs a messageId");
        assertThatThrownBy(() -> new EventRecord(bytes, 0, "m1", "u")).hasMessageContaining("m1 needs a subject");
        assertThatThrownBy(() -> new EventRecord(bytes, 0, "m1", "user_id:")).hasMessageContaining("m1 needs a subject");
        assertThatThrownBy(() -> EventRecord.userSubject("")).hasMessageContaining("needs a userId");
    }

    @Test
    void changeAndQuarantineRecordsNameWhatIsMissing() {
        assertThatThrownBy(() -> new ChangeRecord(-1, 0, "f", null, null, "m")).hasMessageContaining("got -1");
        assertThatThrownBy(() -> new ChangeRecord(3, 0, "", null, null, "m")).hasMessageContaining("sequence 3 needs a field");
        assertThatThrownBy(() -> new ChangeRecord(3, 0, "traits.a", null, null, null))
                .hasMessageContaining("change of traits.a at sequence 3 needs a messageId");
        assertThatThrownBy(() -> new QuarantineRecord(new byte[0], "", "m", null, 0)).hasMessageContaining("rejection code");
        assertThat(new QuarantineRecord(new byte[0], "c", null, null, 0).message()).isEmpty();
        assertThatThrownBy(() -> new QuarantinedEvent(0, new QuarantineRecord(new byte[0], "c", "m", null, 0)))
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> new LogEntry(0, 0, null)).hasMessageContaining("got 0");
    }

    @Test
    void keyBytesSortAsTheirNumbersAndTimesDo() throws Exception {
        Seeds.forEachSeed(500, 5, random -> {
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                values.add(random.nextLong());
            }
            for (int i = 1; i < values.size(); i++) {
                long a = values.get(i - 1);
                long b = values.get(i);
                byte[] ta = new byte[8];
                byte[] tb = new byte[8];
                KeyLayout.putTime(ta, 0, a);
                KeyLayout.putTime(tb, 0, b);
                assertThat(Integer.signum(KeyLayout.compare(ta, tb))).as("times %d, %d", a, b)
                        .isEqualTo(Integer.signum(Long.compare(a, b)));
                assertThat(KeyLayout.getTime(ta, 0)).isEqualTo(a);
                long ua = Math.abs(a >> 1);
                long ub = Math.abs(b >> 1);
                assertThat(Integer.signum(KeyLayout.compare(KeyLayout.longKey(ua), KeyLayout.longKey(ub))))
                        .isEqualTo(Integer.signum(Long.compare(ua, ub)));
            }
        });
    }

    @Test
    void aPrefixRangeHoldsExactlyTheKeysWithThatPrefix() throws Exception {
        Seeds.forEachSeed(900, 5, random -> {
            for (int i = 0; i < 300; i++) {
                byte[] prefix = randomBytes(random, 1 + random.nextInt(4));
                byte[] key = random.nextBoolean() ? KeyLayout.concat(prefix, randomBytes(random, random.nextInt(4)))
                        : randomBytes(random, random.nextInt(6));
                byte[] end = KeyLayout.prefixEnd(prefix);
                boolean inRange = KeyLayout.compare(key, prefix) >= 0 && (end == null || KeyLayout.compare(key, end) < 0);
                assertThat(inRange).as("key %s, prefix %s", java.util.HexFormat.of().formatHex(key),
                        java.util.HexFormat.of().formatHex(prefix)).isEqualTo(KeyLayout.startsWith(key, prefix));
            }
        });
    }

    @Test
    void profileIdsThatArePrefixesOfEachOtherGetDisjointRanges() {
        byte[] p1 = KeyLayout.profilePrefix((byte) 'c', "p1");
        byte[] p12 = KeyLayout.profilePrefix((byte) 'c', "p12");

        assertThat(KeyLayout.startsWith(p12, p1)).isFalse();
        assertThat(KeyLayout.startsWith(p1, p12)).isFalse();
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            // Mostly the edge values, where prefix ends carry.
            b[i] = (byte) (random.nextInt(3) == 0 ? 0xFF : random.nextInt(3) == 0 ? 0 : random.nextInt(256));
        }
        return b;
    }
}
