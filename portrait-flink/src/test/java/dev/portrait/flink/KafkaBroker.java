package dev.portrait.flink;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A real single-node KRaft Kafka (broker and controller in one) inside the test JVM. */
final class KafkaBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    KafkaBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    String bootstrap() {
        return cluster.bootstrapServers();
    }

    /** Creates the job's topics under {@code prefix}: events with {@code partitions}, the rest with as many. */
    void createTopics(String prefix, int partitions) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of(JobSettings.EVENTS, JobSettings.CHANGES, JobSettings.TRANSITIONS,
                    JobSettings.QUARANTINE, JobSettings.TRANSFERS)) {
                topics.add(new NewTopic(prefix + t, partitions, (short) 1));
            }
            topics.add(new NewTopic(prefix + JobSettings.PROFILES, partitions, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")));
            admin.createTopics(topics).all().get();
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
