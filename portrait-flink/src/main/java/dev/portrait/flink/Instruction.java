package dev.portrait.flink;

/**
 * What the identity operator tells the profile operator, keyed by {@link #target} (a profile id).
 * For an event that merges profiles the identity operator sends, in this order: to each loser
 * {@link #RETIRE} (ship your state to {@link #other}, the winner), to the winner {@link #EXPECT} (hold
 * everything until the loser's state arrives), then {@link #APPLY} to the winner. The order of
 * instructions on one key is the order the identity operator resolved the events in.
 */
public class Instruction {
    public static final byte APPLY = 0;
    public static final byte EXPECT = 1;
    public static final byte RETIRE = 2;

    public byte kind;
    public String target;
    /** The winner (RETIRE) or loser (EXPECT); null for APPLY. */
    public String other;
    /** The event in its {@link EventBinary} form (APPLY only). */
    public byte[] event;
    /** The target's identifiers after this event ({@link AttachedIdentifiers}; APPLY only). */
    public byte[] identifiers;
    /** Event time of the causing event. */
    public long time;

    public Instruction() {
    }

    private Instruction(byte kind, String target, String other, byte[] event, byte[] identifiers, long time) {
        this.kind = kind;
        this.target = target;
        this.other = other;
        this.event = event;
        this.identifiers = identifiers;
        this.time = time;
    }

    static Instruction apply(String profileId, byte[] event, byte[] identifiers, long time) {
        return new Instruction(APPLY, profileId, null, event, identifiers, time);
    }

    static Instruction expect(String winner, String loser, long time) {
        return new Instruction(EXPECT, winner, loser, null, null, time);
    }

    static Instruction retire(String loser, String winner, long time) {
        return new Instruction(RETIRE, loser, winner, null, null, time);
    }
}
