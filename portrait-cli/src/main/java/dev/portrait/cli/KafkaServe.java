package dev.portrait.cli;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.kafka.KafkaModeServer;
import dev.portrait.server.kafka.KafkaTopics;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** {@code portrait serve --kafka BOOTSTRAP}: the HTTP API in front of the Flink job (no data directory). */
final class KafkaServe {
    private KafkaServe() {
    }

    static int run(ServeCommand c) throws InterruptedException {
        ServeConfig flags = new ServeConfig(c.data == null ? Path.of(".") : c.data, c.port, c.host, c.definition,
                c.writeKeys, c.readKeys, c.adminKeys);
        ServeConfig file = c.config == null ? ServeConfig.EMPTY : ServeConfig.load(c.config);
        ServeConfig.Settled s = flags.over(file).settle();
        ProfileDefinition definition;
        String source;
        if (s.definition() == null) {
            definition = DefinitionLoader.defaultEcommerce();
            source = "the default e-commerce definition";
        } else {
            try {
                definition = DefinitionLoader.parse(Files.readString(s.definition()), s.definition().toString());
            } catch (IOException e) {
                throw new PortraitCli.UsageProblem("cannot read the definition " + s.definition() + ": " + e.getMessage(), e);
            }
            source = s.definition().toString();
        }
        // the privacy block limits keys here as in embedded mode (a dp-only key must not become a full read key)
        dev.portrait.server.http.PrivacyConfig privacy = c.config == null ? dev.portrait.server.http.PrivacyConfig.DEFAULT
                : PrivacySettings.load(c.config, s.keys());
        try {
            privacy.requireDeclared(definition.purposes());
        } catch (IllegalArgumentException e) {
            throw new PortraitCli.UsageProblem(c.config + ": " + e.getMessage(), e);
        }
        KafkaModeServer server = KafkaModeServer.start(c.kafka, new KafkaTopics(c.topicPrefix), definition,
                s.http(), Clock.systemUTC(), privacy);
        PrintWriter out = c.spec.commandLine().getOut();
        out.println("portrait listening on " + ServeCommand.url(s.host(), server.port(), s.perimeter().tls() != null)
                + " (Kafka mode)");
        out.println("kafka: " + c.kafka + ", topics " + new KafkaTopics(c.topicPrefix).events() + " → "
                + new KafkaTopics(c.topicPrefix).profiles() + " (definition: " + source
                + "; it must be the Flink job's)");
        out.println("keys: " + s.keys());
        out.println("stop with Ctrl-C");
        out.flush();
        ServeCommand.awaitShutdown(server);
        return 0;
    }
}
