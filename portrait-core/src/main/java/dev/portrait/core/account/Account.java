package dev.portrait.core.account;

import dev.portrait.core.definition.AccountSpecs;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * One account's state: traits, members with the time each was last active, and revenue in UTC day
 * tiles. Bounded: at most {@code maxMembers} members, {@link #MAX_TRAITS} traits and one tile per day
 * of the revenue window.
 */
final class Account {
    static final int MAX_TRAITS = 64;
    static final long DAY = 24L * 3_600_000;

    private record Trait(Object value, long time) {
    }

    private final TreeMap<String, Trait> traits = new TreeMap<>();
    /** Member profile id → the time of their latest event while a member. */
    final TreeMap<String, Long> members = new TreeMap<>();
    /** Day number (epoch ms / {@link #DAY}) → revenue that day. */
    private final TreeMap<Long, Double> revenueByDay = new TreeMap<>();
    long membersOverCap;
    long clock = Long.MIN_VALUE;

    void apply(AccountUpdate u, AccountSpecs spec) {
        if (u instanceof AccountUpdate.Joined j) {
            tick(j.time());
            for (Map.Entry<String, Object> e : new TreeMap<>(j.traits()).entrySet()) {
                Trait current = traits.get(e.getKey());
                // latest by event time; at the same time the later call wins (arrival order is the log's)
                if (current == null ? traits.size() < MAX_TRAITS : current.time() <= j.time()) {
                    traits.put(e.getKey(), new Trait(e.getValue(), j.time()));
                }
            }
            seen(j.member(), j.time(), spec);
        } else if (u instanceof AccountUpdate.Active a) {
            tick(a.time());
            seen(a.member(), a.time(), spec);
            if (a.revenue() != 0) {
                long day = Math.floorDiv(a.time(), DAY);
                if (day > latestDay() - windowDays(spec)) {
                    revenueByDay.merge(day, a.revenue(), Double::sum);
                }
            }
            trimTiles(spec);
        } else if (u instanceof AccountUpdate.Moved m) {
            Long from = members.remove(m.from());
            if (from != null) {
                members.merge(m.to(), from, Math::max);
            }
        } else if (u instanceof AccountUpdate.Left l) {
            members.remove(l.member());
        }
    }

    private void tick(long time) {
        clock = Math.max(clock, time);
    }

    private void seen(String member, long time, AccountSpecs spec) {
        Long last = members.get(member);
        if (last != null) {
            members.put(member, Math.max(last, time));
        } else if (members.size() < spec.maxMembers()) {
            members.put(member, time);
        } else {
            membersOverCap++;
        }
    }

    private long latestDay() {
        return Math.floorDiv(clock, DAY);
    }

    private static long windowDays(AccountSpecs spec) {
        return spec.revenueWindow().toDays();
    }

    /** Tiles that fell out of the window at the clock can never come back in: reads are never earlier. */
    private void trimTiles(AccountSpecs spec) {
        long oldest = latestDay() - windowDays(spec);
        for (Iterator<Long> it = revenueByDay.keySet().iterator(); it.hasNext(); ) {
            if (it.next() <= oldest) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** Members with an event in {@code (now − activeWindow, now]}. */
    int activeMembers(long now, AccountSpecs spec) {
        long since = now - spec.activeWindow().toMillis();
        int n = 0;
        for (long last : members.values()) {
            if (last > since) {
                n++;
            }
        }
        return n;
    }

    /** Revenue of the days {@code (today − window, today]}, today being {@code now}'s UTC day. */
    double revenue(long now, AccountSpecs spec) {
        long today = Math.floorDiv(now, DAY);
        double sum = 0;
        for (Map.Entry<Long, Double> e : revenueByDay.tailMap(today - windowDays(spec), false).entrySet()) {
            if (e.getKey() <= today) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    Map<String, Object> traits() {
        Map<String, Object> out = new TreeMap<>();
        traits.forEach((k, t) -> out.put(k, t.value()));
        return out;
    }

    void encode(BinaryOut out) {
        out.writeSignedVarLong(clock).writeVarLong(membersOverCap);
        out.writeVarInt(traits.size());
        traits.forEach((k, t) -> {
            out.writeString(k).writeSignedVarLong(t.time());
            TraitValues.write(t.value(), out);
        });
        out.writeVarInt(members.size());
        members.forEach((k, t) -> out.writeString(k).writeSignedVarLong(t));
        out.writeVarInt(revenueByDay.size());
        revenueByDay.forEach((d, v) -> out.writeSignedVarLong(d).writeDouble(v));
    }

    static Account decode(BinaryIn in) {
        Account a = new Account();
        a.clock = in.readSignedVarLong();
        a.membersOverCap = in.readVarLong();
        int n = in.readLength();
        for (int i = 0; i < n; i++) {
            String k = in.readString();
            long t = in.readSignedVarLong();
            a.traits.put(k, new Trait(TraitValues.read(in), t));
        }
        n = in.readLength();
        for (int i = 0; i < n; i++) {
            a.members.put(in.readString(), in.readSignedVarLong());
        }
        n = in.readLength();
        for (int i = 0; i < n; i++) {
            a.revenueByDay.put(in.readSignedVarLong(), in.readDouble());
        }
        return a;
    }
}
