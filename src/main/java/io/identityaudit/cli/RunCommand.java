package io.identityaudit.cli;

import io.identityaudit.config.PipelineSettings;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.metrics.MetricsServer;
import io.identityaudit.metrics.Observability;
import io.identityaudit.metrics.PipelineMetrics;
import io.identityaudit.pipeline.IdentityAuditPipeline;
import io.identityaudit.pipeline.StreamsRuntime;
import io.identityaudit.pipeline.TopicLayout;
import io.identityaudit.pipeline.TopicProvisioner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the pipeline until stopped (SIGTERM or Ctrl-C). With --bootstrap-servers it joins that "
                + "cluster; without, it starts an embedded single-node Kafka broker on localhost that keeps its "
                + "data in --data-dir.")
final class RunCommand implements Callable<Integer> {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    @ParentCommand
    IdentityAuditCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ShutdownSignal signal = root.installShutdownSignal();
        PipelineSettings settings = pipeline.settings();
        Map<String, String> kafkaProperties = kafka.properties(root.defaults);
        EmbeddedKafkaBroker broker = null;
        IdentityAuditPipeline running = null;
        Observability observability = new Observability(metrics.tenantLabels(), settings.domainPolicy());
        int exitCode = ExitCode.FAILED;
        try {
            String bootstrap = kafka.bootstrapServers;
            if (bootstrap == null) {
                broker = EmbeddedKafkaBroker.start(runtime.dataDir.resolve("kafka"), runtime.embeddedPort);
                bootstrap = broker.bootstrapServers();
                out.printf("Embedded Kafka broker listening on %s (data in %s)%n", bootstrap,
                        runtime.dataDir.resolve("kafka").toAbsolutePath());
            }
            if (runtime.createTopics) {
                TopicLayout layout = new TopicLayout(settings.topics(), runtime.partitions,
                        broker != null ? Optional.of((short) 1) : runtime.replicationFactor());
                TopicProvisioner.ensure(TopicProvisioner.adminProperties(bootstrap, kafkaProperties),
                        layout.newTopics(), TOPIC_TIMEOUT);
            }
            StreamsRuntime streams = runtime.streamsRuntime(bootstrap, kafkaProperties);
            PipelineMetrics meters = observability.pipelineMetrics();
            running = IdentityAuditPipeline.start(settings, streams, pipeline.jwksTrust(), meters, meters, meters,
                    meters);
            observability.bind(running.streams());
            printWelcome(out, bootstrap, settings);
            if (metrics.enabled) {
                IdentityAuditPipeline started = running;
                MetricsServer server = observability.serve(metrics.host, metrics.port, started::isHealthy);
                out.printf("  metrics:          http://%s:%d/metrics (health: /health)%n",
                        "0.0.0.0".equals(metrics.host) ? "localhost" : metrics.host, server.port());
                out.flush();
            }
            IdentityAuditPipeline watched = running;
            Thread watcher = new Thread(() -> {
                try {
                    watched.awaitStopped();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                signal.request();
            }, "identity-audit-watch");
            watcher.setDaemon(true);
            watcher.start();
            signal.await();
            boolean diedByItself = running.isStopped();
            out.println(diedByItself ? "Pipeline stopped on an error; see the log." : "Stopping: closing Streams…");
            exitCode = diedByItself ? ExitCode.FAILED : ExitCode.OK;
            return exitCode;
        } finally {
            if (running != null) {
                running.close();
            }
            observability.close();
            if (broker != null) {
                broker.close();
            }
            out.flush();
            signal.done(exitCode);
        }
    }

    private static void printWelcome(PrintWriter out, String bootstrap, PipelineSettings settings) {
        out.printf("identity-audit is running against %s.%n", bootstrap);
        out.printf("  events in:        %s (Avro WidgetSessionEvent, single-object encoding)%n",
                settings.topics().sessionEvents());
        out.printf("  tenant configs:   %s (add one: identity-audit tenants put --bootstrap-servers %s ...)%n",
                settings.topics().tenantConfigs(), bootstrap);
        out.printf("  verified out:     %s%n", settings.topics().verified());
        out.printf("  rejected out:     %s%n", settings.topics().rejected());
        out.printf("  anomalies out:    %s; config audit out: %s%n", settings.topics().anomalies(),
                settings.topics().configChanges());
        out.printf("  produce events with any Kafka client, e.g. kcat -b %s -t %s -P ...%n", bootstrap,
                settings.topics().sessionEvents());
        out.println("Stop with Ctrl-C (or SIGTERM): Streams commits and closes cleanly.");
    }
}
