package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.segment.Audience;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.segment.MemberBitmaps;
import dev.portrait.core.segment.SegmentInputs;
import dev.portrait.core.segment.SegmentSet;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An audience count over 1,000,000 member numbers (docs/BENCHMARKS.md, "Issue 11"): three segments as
 * RoaringBitmaps (30%, 20% and 10% of everyone, seeded), {@code all:[a] any:[b,c] none:[]} and a trait
 * condition ({@code traits.country == 'US'}, 1 in 5 people) evaluated by the core {@link Audience} only over
 * the candidates the bitmaps leave. The people's traits are held in memory as the condition reads them,
 * so this measures the algebra and the condition, not decoding profiles (the server decodes each
 * candidate's published or stored profile; its figure is in BENCHMARKS.md beside this one).
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.AudienceCountLoop [people] [rounds]
 * </pre>
 */
public final class AudienceCountLoop {
    private AudienceCountLoop() {
    }

    private record Person(String country) implements SegmentInputs {
        @Override
        public Object feature(int index) {
            return null;
        }

        @Override
        public Object trait(String name) {
            return "country".equals(name) ? country : null;
        }
    }

    public static void main(String[] args) {
        int people = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        SplittableRandom random = new SplittableRandom(11);
        RoaringBitmap a = new RoaringBitmap();
        RoaringBitmap b = new RoaringBitmap();
        RoaringBitmap c = new RoaringBitmap();
        RoaringBitmap everyone = new RoaringBitmap();
        String[] countries = {"US", "DE", "FR", "CN", "BR"};
        Person[] persons = new Person[people];
        for (int n = 0; n < people; n++) {
            everyone.add(n);
            if (random.nextDouble() < 0.3) {
                a.add(n);
            }
            if (random.nextDouble() < 0.2) {
                b.add(n);
            }
            if (random.nextDouble() < 0.1) {
                c.add(n);
            }
            persons[n] = new Person(countries[random.nextInt(countries.length)]);
        }
        for (RoaringBitmap m : List.of(a, b, c, everyone)) {
            m.runOptimize();
        }
        Map<String, RoaringBitmap> segments = Map.of("a", a, "b", b, "c", c);
        MemberBitmaps bitmaps = new MemberBitmaps() {
            @Override
            public RoaringBitmap members(String segment) {
                return segments.get(segment);
            }

            @Override
            public RoaringBitmap everyone() {
                return everyone;
            }
        };
        SegmentSet conditions = SegmentSet.compile(DefinitionLoader.defaultEcommerce());
        AudienceSpec spec = new AudienceSpec(List.of("a"), List.of("b", "c"), List.of(), "traits.country == 'US'");
        long[] nanos = new long[rounds];
        long[] cpu = new long[rounds];
        long[] algebra = new long[rounds];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long count = 0;
        long candidates = 0;
        for (int warm = 0; warm < 2; warm++) {
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                Audience audience = Audience.compile(spec, segments.keySet(), conditions);
                RoaringBitmap in = audience.candidates(bitmaps);
                algebra[r] = System.nanoTime() - start;
                long n = 0;
                PeekableIntIterator it = in.getIntIterator();
                while (it.hasNext()) {
                    if (audience.test(persons[it.next()])) {
                        n++;
                    }
                }
                nanos[r] = System.nanoTime() - start;
                cpu[r] = threads.getCurrentThreadCpuTime() - cpuStart;
                count = n;
                candidates = in.getLongCardinality();
            }
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        Arrays.sort(algebra);
        System.out.printf(java.util.Locale.ROOT, "CPU time per count (this thread): p50=%.2fms p99=%.2fms; "
                + "compile + bitmap algebra alone (wall): p50=%.3fms p99=%.3fms%n", cpu[rounds / 2] / 1e6,
                cpu[(int) (rounds * 0.99)] / 1e6, algebra[rounds / 2] / 1e6, algebra[(int) (rounds * 0.99)] / 1e6);
        System.out.printf(java.util.Locale.ROOT, "RESULT people=%d candidates=%d count=%d rounds=%d p50=%.2fms p99=%.2fms max=%.2fms%n",
                people, candidates, count, rounds, nanos[rounds / 2] / 1e6, nanos[(int) (rounds * 0.99)] / 1e6,
                nanos[rounds - 1] / 1e6);
        System.out.println("load average: " + Arrays.toString(LoadGenerator.loadAverage()));
    }
}
