package dev.portrait.server.kafka;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.segment.SegmentSet;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.IdentifierTypes;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.IngestPort;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QuarantineView;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server's runtime in Kafka mode ({@code portrait serve --kafka}): the HTTP front of the Flink job.
 *
 * <p><b>Ingest</b> cleans each event (so the client hears about a rejection at once, as in the
 * embedded runtime), sends accepted events to the events topic and rejected ones to the quarantine
 * topic, and answers only when Kafka has acknowledged every one of them (acks=all, idempotent
 * producer): a 2xx still means durable. Duplicates are found by the job, not here, so an ingest answer
 * counts a duplicate as stored. The job cleans again (the same cleaner, so the same verdict).
 *
 * <p><b>Queries</b> read a local replica of the compacted profiles topic ({@link ProfilesReplica}) and
 * render each profile at the server's "now" after letting time pass over it, as the embedded runtime's
 * timers do. Reads are not read-your-writes: an event shows in its profile once the job has folded it
 * and committed its checkpoint.
 *
 * <p><b>What Kafka mode does not do</b> (each answers {@code not_supported}, 501): time travel and
 * the changelog (they need the event log and changelog, which live in Kafka topics, not here),
 * forgetting a person (the topics would need rewriting), and the quarantine listing and re-drive (the
 * quarantine is a topic; read it with a consumer).
 */
public final class KafkaRuntime implements IngestPort, QueryPort, AdminPort, AutoCloseable {
    private static final String PROFILE_ID = IdentifierTypes.PROFILE_ID;
    private static final String NOT_SUPPORTED = "not_supported";

    private final ProfileDefinition definition;
    private final ProfileUpdater updater;
    private final ProfileCodec codec;
    private final Cleaner cleaner;
    private final InstantSource clock;
    private final KafkaTopics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ProfilesReplica replica;

    private KafkaRuntime(ProfileDefinition definition, InstantSource clock, KafkaTopics topics,
                         KafkaProducer<byte[], byte[]> producer, ProfilesReplica replica) {
        this.definition = definition;
        // the job writes profiles with its engine's codec (feature and model states); read them with the same
        dev.portrait.core.engine.ProfileEngine engine = new dev.portrait.core.engine.ProfileEngine(definition);
        this.updater = engine.updater();
        this.codec = engine.codec();
        this.cleaner = new Cleaner(definition);
        this.clock = clock;
        this.topics = topics;
        this.producer = producer;
        this.replica = replica;
    }

    /** Connects to Kafka and starts reading the profiles topic. */
    public static KafkaRuntime start(String bootstrap, KafkaTopics topics, ProfileDefinition definition,
                                     InstantSource clock) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000"); // at least linger + request timeout (30 s)
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        ProfilesReplica replica;
        try {
            replica = new ProfilesReplica(bootstrap, topics.profiles(), Map.of());
        } catch (RuntimeException e) {
            producer.close();
            throw new PortraitException("unavailable", "Kafka mode cannot read the profiles topic: " + e.getMessage(),
                    null, e);
        }
        try {
            if (!replica.awaitCaughtUp(Duration.ofMinutes(10))) {
                replica.close();
                producer.close();
                throw new PortraitException("unavailable", "the profiles topic was not read to its end in 10 minutes",
                        null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            replica.close();
            producer.close();
            throw new PortraitException("unavailable", "interrupted while reading the profiles topic", null, e);
        }
        return new KafkaRuntime(definition, clock, topics, producer, replica);
    }

    // ---- ingest ----

    @Override
    public List<IngestOutcome> ingest(List<IncomingEvent> events) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        List<CleanResult> verdicts = new ArrayList<>(events.size());
        for (IncomingEvent in : events) {
            CleanResult r = in.verdict(cleaner);
            verdicts.add(r);
            long at = in.receivedAt().toEpochMilli();
            if (r instanceof CleanResult.Accepted a) {
                String key = a.event().userId() != null ? a.event().userId() : a.event().anonymousId();
                sent.add(producer.send(new ProducerRecord<>(topics.events(), null, at, utf8(key), json(in.json()))));
            } else {
                CleanResult.Rejected no = (CleanResult.Rejected) r;
                sent.add(producer.send(new ProducerRecord<>(topics.quarantine(), null, at, utf8(no.code()),
                        quarantineRecord(no, in))));
            }
        }
        List<IngestOutcome> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            RecordMetadata m = acknowledged(sent.get(i));
            if (verdicts.get(i) instanceof CleanResult.Accepted a) {
                out.add(new IngestOutcome.Stored(a.event().messageId(), m.offset()));
            } else {
                CleanResult.Rejected no = (CleanResult.Rejected) verdicts.get(i);
                out.add(new IngestOutcome.Quarantined(m.offset(), no.code(), no.message(), no.path()));
            }
        }
        return out;
    }

    private static RecordMetadata acknowledged(Future<RecordMetadata> f) {
        try {
            return f.get(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while Kafka acknowledged the events", null, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PortraitException("unavailable", "Kafka did not acknowledge the events: "
                    + (e.getCause() == null ? e : e.getCause()), null, e);
        }
    }

    /** The quarantine topic's value, the same shape the Flink job writes. */
    private static byte[] quarantineRecord(CleanResult.Rejected no, IncomingEvent in) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", no.code());
        body.put("message", no.message());
        body.put("path", no.path());
        body.put("receivedAt", in.receivedAt().toString());
        body.put("raw", new String(in.raw(), StandardCharsets.UTF_8));
        return json(body);
    }

    private static byte[] json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an event is plain JSON", e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- queries ----

    @Override
    public Optional<ProfileView> profile(String idType, String id, Instant at) {
        if (at != null) {
            throw notSupported("time travel (?at=) replays the event log, which Kafka mode does not keep; "
                    + "ask without at, or replay the events topic into an embedded runtime", "at");
        }
        String pid = profileIdOf(idType, id);
        ProfilesReplica.Entry e = pid == null ? null : replica.profile(pid);
        if (e == null) {
            return Optional.empty();
        }
        Profile p = codec.decode(e.profile());
        long now = Math.max(clock.millis(), p.clock());
        updater.advance(p, now); // time-dependent segments as of now, as the embedded runtime's timers keep them
        return Optional.of(ProfileView.of(p, e.identifiers(), updater, now));
    }

    private String profileIdOf(String idType, String id) {
        IdentifierTypes.requireKnown(definition, idType);
        if (PROFILE_ID.equals(idType)) {
            return id;
        }
        return replica.ownerOf(new Identifier(idType, id));
    }

    @Override
    public Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        throw notSupported("Kafka mode keeps no changelog per profile; consume the profile-changes topic "
                + "(key = profile id)", null);
    }

    @Override
    public List<SegmentSummary> segments() {
        SegmentSet set = updater.segments();
        List<SegmentSummary> out = new ArrayList<>();
        for (int s = 0; s < set.size(); s++) {
            out.add(new SegmentSummary(set.name(s), set.spec(s).description(), set.spec(s).when(),
                    replica.size(set.name(s))));
        }
        return out;
    }

    @Override
    public Page<String> segmentMembers(String segment, String cursor, int limit) {
        if (updater.segments().indexOf(segment) < 0) {
            throw new PortraitException("unknown_segment", "no segment named \"" + segment + "\"", "segment");
        }
        List<String> items = replica.members(segment, cursor, limit + 1);
        boolean more = items.size() > limit;
        List<String> page = more ? items.subList(0, limit) : items;
        return new Page<>(page, more ? page.get(page.size() - 1) : null);
    }

    // ---- admin ----

    @Override
    public boolean forget(String idType, String id) {
        throw notSupported("forgetting a person in Kafka mode would mean rewriting the events, profiles and "
                + "changes topics; run forget on an embedded runtime, or delete by key in the compacted topics", null);
    }

    @Override
    public Page<QuarantineView> quarantine(String cursor, int limit) {
        throw notSupported("in Kafka mode the quarantine is the topic " + topics.quarantine()
                + "; read it with a consumer", null);
    }

    @Override
    public RedriveReport redrive(Collection<Long> ids) {
        throw notSupported("in Kafka mode re-drive by producing the events from " + topics.quarantine()
                + " to " + topics.events() + " again", null);
    }

    private static PortraitException notSupported(String message, String path) {
        return new PortraitException(NOT_SUPPORTED, message, path);
    }

    /** How many profile records the replica has read (for metrics and tests). */
    public long profileRecordsRead() {
        return replica.recordsRead();
    }

    @Override
    public void close() {
        try {
            producer.close();
        } finally {
            replica.close();
        }
    }
}
