package dev.portrait.flink;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** Creates the job's topics for a local or test run: one replica, profiles compacted. */
public final class Topics {
    private Topics() {
    }

    public static void createMissing(JobSettings s, int partitions) throws ExecutionException, InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap());
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String name : List.of(JobSettings.EVENTS, JobSettings.PROFILES, JobSettings.CHANGES,
                    JobSettings.TRANSITIONS, JobSettings.QUARANTINE, JobSettings.TRANSFERS)) {
                if (!existing.contains(s.topic(name))) {
                    NewTopic t = new NewTopic(s.topic(name), partitions, (short) 1);
                    if (name.equals(JobSettings.PROFILES)) {
                        t.configs(Map.of("cleanup.policy", "compact"));
                    }
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }
}
