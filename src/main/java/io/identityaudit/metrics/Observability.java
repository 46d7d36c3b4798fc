package io.identityaudit.metrics;

import io.identityaudit.config.DomainPolicy;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The metrics of one process: the Prometheus registry, the pipeline's own meters, the JVM, process and Kafka
 * Streams binders, and the HTTP endpoint that serves them.
 */
public final class Observability implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PipelineMetrics pipelineMetrics;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    public Observability(TenantLabels tenantLabels, DomainPolicy domainPolicy) {
        this.pipelineMetrics = new PipelineMetrics(registry, tenantLabels, domainPolicy, Clock.systemUTC());
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PipelineMetrics pipelineMetrics() {
        return pipelineMetrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Binds the Kafka Streams client's own metrics (threads, tasks, consumers, producers). */
    public void bind(KafkaStreams streams) {
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        closeables.add(streamsMetrics);
    }

    /** Serves /metrics and /health on {@code host:port} (port 0: any free port). */
    public MetricsServer serve(String host, int port, BooleanSupplier healthy) throws IOException {
        MetricsServer server = MetricsServer.start(host, port, registry, healthy);
        closeables.add(server);
        return server;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Closing metrics must never keep the pipeline from stopping.
            }
        }
        registry.close();
    }
}
