package dev.portrait.flink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** How the job's records look on Kafka. */
final class KafkaFormats {
    private KafkaFormats() {
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Events topic: the value is the Segment JSON; the record's timestamp is the time it was received. */
    static final class Events implements KafkaRecordDeserializationSchema<IncomingEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<IncomingEvent> out) {
            out.collect(new IncomingEvent(r.value(), r.timestamp(), r.partition(), r.offset()));
        }

        @Override
        public TypeInformation<IncomingEvent> getProducedType() {
            return TypeInformation.of(IncomingEvent.class);
        }
    }

    static final class Transfers implements KafkaRecordDeserializationSchema<Transfer> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<Transfer> out) {
            out.collect(Transfer.fromBytes(r.value()));
        }

        @Override
        public TypeInformation<Transfer> getProducedType() {
            return TypeInformation.of(Transfer.class);
        }
    }

    static final class TransferWriter implements KafkaRecordSerializationSchema<Transfer> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        TransferWriter(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Transfer t, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, utf8(t.winner), t.toBytes());
        }
    }

    /** Profiles topic: key the profile id, value the view JSON (null = tombstone), binary form in headers. */
    static final class ProfileWriter implements KafkaRecordSerializationSchema<ProfileRecord> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        ProfileWriter(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(ProfileRecord p, KafkaSinkContext context, Long timestamp) {
            List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(2);
            if (p.profile != null) {
                headers.add(new RecordHeader(ProfileRecord.PROFILE_HEADER, p.profile));
            }
            if (p.identifiers != null) {
                headers.add(new RecordHeader(ProfileRecord.IDENTIFIERS_HEADER, p.identifiers));
            }
            return new ProducerRecord<>(topic, null, null, utf8(p.profileId), p.view, headers);
        }
    }

    static final class KeyedJsonWriter implements KafkaRecordSerializationSchema<KeyedJson> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        KeyedJsonWriter(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(KeyedJson k, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, utf8(k.key), k.value);
        }
    }

    static final class QuarantineWriter implements KafkaRecordSerializationSchema<Quarantined> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        QuarantineWriter(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Quarantined q, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, utf8(q.code), q.toJson());
        }
    }
}
