package dev.portrait.server.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The local store of Kafka mode: every profile of the compacted {@code profiles} topic, kept up to date
 * by one consumer thread (read committed, every partition, from the beginning, no consumer group), with
 * an index from identifier to profile and one from segment to members.
 *
 * <p>Held in memory and rebuilt by re-reading the topic at start: the topic is the durable copy.
 * Each entry keeps the profile's binary form (a header of the record) so queries render it at their
 * own "now", as the embedded runtime does.
 */
final class ProfilesReplica implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PROFILE_HEADER = "portrait-profile";

    /** One profile as the topic last had it. */
    record Entry(byte[] profile, List<AttachedIdentifier> identifiers, List<String> segments) {
    }

    private final Map<String, Entry> profiles = new ConcurrentHashMap<>();
    private final Map<Identifier, String> owners = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentSkipListSet<String>> members = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long records;
    private final Map<TopicPartition, Long> endAtStart;
    private final java.util.concurrent.CountDownLatch caughtUp = new java.util.concurrent.CountDownLatch(1);

    ProfilesReplica(String bootstrap, String topic, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(overrides);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrap
                    + " (create the job's topics first: docs/SCALE-OUT.md)");
        }
        for (PartitionInfo i : infos) {
            partitions.add(new TopicPartition(topic, i.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        thread = new Thread(this::run, "portrait-profiles-replica");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                    records++;
                }
                if (caughtUp.getCount() > 0 && endAtStart.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) throws IOException {
        String id = new String(r.key(), StandardCharsets.UTF_8);
        Entry old = profiles.get(id);
        if (r.value() == null) {
            profiles.remove(id);
            forget(id, old);
            return;
        }
        Header h = r.headers().lastHeader(PROFILE_HEADER);
        if (h == null) {
            return; // not written by the job
        }
        JsonNode view = JSON.readTree(r.value());
        List<AttachedIdentifier> ids = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = view.path("identities").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> type = it.next();
            for (JsonNode v : type.getValue()) {
                ids.add(new AttachedIdentifier(new Identifier(type.getKey(), v.asText()), 0));
            }
        }
        List<String> segments = new ArrayList<>();
        view.path("segments").forEach(s -> segments.add(s.asText()));
        forget(id, old);
        profiles.put(id, new Entry(h.value(), List.copyOf(ids), List.copyOf(segments)));
        for (AttachedIdentifier a : ids) {
            owners.put(a.identifier(), id);
        }
        for (String s : segments) {
            members.computeIfAbsent(s, k -> new ConcurrentSkipListSet<>()).add(id);
        }
    }

    private void forget(String id, Entry old) {
        if (old == null) {
            return;
        }
        for (AttachedIdentifier a : old.identifiers()) {
            owners.remove(a.identifier(), id);
        }
        for (String s : old.segments()) {
            Set<String> set = members.get(s);
            if (set != null) {
                set.remove(id);
            }
        }
    }

    /**
     * Waits until the replica has read the topic as far as it reached when the replica started, so a
     * server does not answer from a half-read topic. Returns false on timeout.
     */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    Entry profile(String profileId) {
        return profiles.get(profileId);
    }

    String ownerOf(Identifier identifier) {
        return owners.get(identifier);
    }

    long size(String segment) {
        Set<String> set = members.get(segment);
        return set == null ? 0 : set.size();
    }

    /** Members of a segment after {@code after} (exclusive), at most {@code limit}, in id order. */
    List<String> members(String segment, String after, int limit) {
        ConcurrentSkipListSet<String> set = members.get(segment);
        List<String> out = new ArrayList<>();
        if (set == null) {
            return out;
        }
        for (String id : after == null ? set : set.tailSet(after, false)) {
            if (out.size() >= limit) {
                break;
            }
            out.add(id);
        }
        return out;
    }

    long recordsRead() {
        return records;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
