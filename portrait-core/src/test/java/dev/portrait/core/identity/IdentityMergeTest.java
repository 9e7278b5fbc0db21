package dev.portrait.core.identity;

import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityMergeTest {
    private static final IdentityMerge MERGE = new IdentityMerge("p_winner", "p_loser", List.of(
            new AttachedIdentifier(new Identifier("user_id", "u-42"), -5),
            new AttachedIdentifier(new Identifier("email", "zoë@example.com"), 1_700_000_000_000L)),
            1_700_000_100_000L, "msg-1", -86_400_000L);

    @Test
    void theBinaryFormReadsBackEqual() {
        assertThat(IdentityMerge.fromBytes(MERGE.toBytes())).isEqualTo(MERGE);
    }

    @Test
    void mergesCanBeReadOneAfterAnotherFromOneBuffer() {
        BinaryOut out = new BinaryOut();
        MERGE.writeTo(out);
        IdentityMerge second = new IdentityMerge("a", "b", List.of(new AttachedIdentifier(new Identifier("t", "v"), 0)),
                0, "m", 0);
        second.writeTo(out);

        BinaryIn in = new BinaryIn(out.toByteArray());

        assertThat(List.of(IdentityMerge.readFrom(in), IdentityMerge.readFrom(in))).containsExactly(MERGE, second);
        assertThat(in.hasMore()).isFalse();
    }

    @Test
    void theJsonFormReadsBackEqualThroughJackson() throws Exception {
        String json = EventCodec.mapper().writeValueAsString(MERGE);

        assertThat(json).contains("\"winner\":\"p_winner\"", "\"causeMessageId\":\"msg-1\"", "\"attachedAt\":-5");
        assertThat(EventCodec.mapper().readValue(json, IdentityMerge.class)).isEqualTo(MERGE);
    }

    @Test
    void everyTruncationIsReportedAsCorruptState() {
        byte[] bytes = MERGE.toBytes();
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> IdentityMerge.fromBytes(prefix)).as("prefix of %d bytes", n)
                    .isInstanceOf(PortraitException.class)
                    .extracting(e -> ((PortraitException) e).code()).isEqualTo("corrupt_state");
        }
    }

    @Test
    void trailingBytesAndUnknownVersionsAreCorruptState() {
        byte[] bytes = MERGE.toBytes();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        byte[] future = bytes.clone();
        future[0] = 9;

        assertThatThrownBy(() -> IdentityMerge.fromBytes(longer)).hasMessageContaining("1 trailing bytes");
        assertThatThrownBy(() -> IdentityMerge.fromBytes(future)).hasMessageContaining("unknown binary version 9");
    }

    @Test
    void bytesThatDescribeAnInvalidMergeAreCorruptState() {
        BinaryOut out = new BinaryOut();
        out.writeByte(1).writeString("p_same").writeString("p_same").writeSignedVarLong(0).writeString("m")
                .writeSignedVarLong(0).writeVarInt(1).writeString("t").writeString("v").writeSignedVarLong(0);

        assertThatThrownBy(() -> IdentityMerge.fromBytes(out.toByteArray())).isInstanceOf(PortraitException.class)
                .hasMessageContaining("p_same cannot be merged into itself")
                .extracting(e -> ((PortraitException) e).code()).isEqualTo("corrupt_state");
    }

    @Test
    void aMergeNamesTwoDistinctProfilesMovesSomethingAndHasACause() {
        List<AttachedIdentifier> one = List.of(new AttachedIdentifier(new Identifier("t", "v"), 0));

        assertThatThrownBy(() -> new IdentityMerge("", "b", one, 0, "m", 0)).hasMessageContaining("winner");
        assertThatThrownBy(() -> new IdentityMerge("a", null, one, 0, "m", 0)).hasMessageContaining("loser");
        assertThatThrownBy(() -> new IdentityMerge("a", "a", one, 0, "m", 0))
                .hasMessage("profile a cannot be merged into itself");
        assertThatThrownBy(() -> new IdentityMerge("a", "b", List.of(), 0, "m", 0))
                .hasMessage("merge of b into a moves no identifiers");
        assertThatThrownBy(() -> new IdentityMerge("a", "b", one, 0, "", 0)).hasMessageContaining("messageId");
    }
}
