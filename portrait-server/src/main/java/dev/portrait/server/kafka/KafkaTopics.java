package dev.portrait.server.kafka;

/**
 * The topics the Flink job reads and writes (portrait-flink's {@code JobSettings} has the same names;
 * the server cannot depend on that module, so they are spelled out twice and docs/SCALE-OUT.md lists
 * them).
 *
 * @param prefix prepended to every name, as the job's {@code --topic-prefix}
 */
public record KafkaTopics(String prefix) {
    public KafkaTopics {
        prefix = prefix == null ? "" : prefix;
    }

    public String events() {
        return prefix + "events";
    }

    public String profiles() {
        return prefix + "profiles";
    }

    public String quarantine() {
        return prefix + "quarantine";
    }
}
