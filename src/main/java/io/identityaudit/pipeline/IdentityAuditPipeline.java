package io.identityaudit.pipeline;

import io.identityaudit.anomaly.AnomalyListener;
import io.identityaudit.anomaly.ConfigAuditTopology;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.jwks.JwksListener;
import io.identityaudit.jwks.OrgJwksRegistry;
import io.identityaudit.token.OktaIdTokenValidator;
import io.identityaudit.topology.IdentityAuditTopology;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.VerdictListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pipeline: the topology in a {@link KafkaStreams} client, with the JWKS registry it validates with,
 * and the tenant config audit in a second one. Closing it closes both (which commits the open transactions) and
 * then the key sources.
 */
public final class IdentityAuditPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdentityAuditPipeline.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final KafkaStreams configAudit;
    private final OrgJwksRegistry jwks;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private IdentityAuditPipeline(KafkaStreams streams, KafkaStreams configAudit, OrgJwksRegistry jwks) {
        this.streams = streams;
        this.configAudit = configAudit;
        this.jwks = jwks;
    }

    /**
     * @param jwksTrust TLS trust for the JWKS requests; {@code null} for the JVM's (production). The demo passes
     *                  one that trusts its simulated org's certificate and nothing else.
     */
    public static IdentityAuditPipeline start(PipelineSettings settings, StreamsRuntime runtime,
                                              SSLSocketFactory jwksTrust, TenantConfigListener configListener,
                                              VerdictListener verdictListener) {
        return start(settings, runtime, jwksTrust, configListener, verdictListener, JwksListener.NONE);
    }

    public static IdentityAuditPipeline start(PipelineSettings settings, StreamsRuntime runtime,
                                              SSLSocketFactory jwksTrust, TenantConfigListener configListener,
                                              VerdictListener verdictListener, JwksListener jwksListener) {
        return start(settings, runtime, jwksTrust, configListener, verdictListener, jwksListener,
                AnomalyListener.NONE);
    }

    /**
     * Starts the verdict pipeline (with its anomaly detectors) and the tenant config audit, which runs as a second
     * Streams application, {@code <application.id>-config-audit}: the pipeline reads the tenant config topic into
     * a global store, and a topic can feed only one source of a topology.
     */
    public static IdentityAuditPipeline start(PipelineSettings settings, StreamsRuntime runtime,
                                              SSLSocketFactory jwksTrust, TenantConfigListener configListener,
                                              VerdictListener verdictListener, JwksListener jwksListener,
                                              AnomalyListener anomalyListener) {
        OrgJwksRegistry jwks = new OrgJwksRegistry(settings.jwks(), jwksTrust, Clock.systemUTC(), jwksListener);
        OktaIdTokenValidator validator = new OktaIdTokenValidator(settings.tokenRules(), jwks);
        Topology topology = IdentityAuditTopology.build(settings, validator,
                new KeySetsFetchedAhead(jwks, settings.domainPolicy(), configListener), verdictListener,
                anomalyListener);
        KafkaStreams streams = new KafkaStreams(topology, runtime.streamsProperties());
        Properties auditProperties = runtime.streamsProperties();
        auditProperties.put(StreamsConfig.APPLICATION_ID_CONFIG,
                runtime.applicationId() + ConfigAuditTopology.APPLICATION_ID_SUFFIX);
        // One compacted partition: one thread is all it can use.
        auditProperties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        KafkaStreams configAudit = new KafkaStreams(ConfigAuditTopology.build(settings, anomalyListener),
                auditProperties);
        IdentityAuditPipeline pipeline = new IdentityAuditPipeline(streams, configAudit, jwks);
        watch(streams, "Pipeline", pipeline);
        watch(configAudit, "Config audit", pipeline);
        streams.start();
        configAudit.start();
        return pipeline;
    }

    private static void watch(KafkaStreams client, String name, IdentityAuditPipeline pipeline) {
        client.setUncaughtExceptionHandler(error -> {
            log.error("{}: stream thread failed with {}; shutting this instance down so its partitions move to a "
                    + "healthy one", name, error.getClass().getName());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        client.setStateListener((newState, oldState) -> {
            log.info("{} {} -> {}", name, oldState, newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                pipeline.stopped.countDown();
            }
        });
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Healthy while both applications process or rebalance; not while starting, stopping or failed. */
    public boolean isHealthy() {
        return isHealthy(streams) && isHealthy(configAudit);
    }

    private static boolean isHealthy(KafkaStreams client) {
        KafkaStreams.State state = client.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    /** Waits until the pipeline runs (tenant configs restored, partitions assigned), up to {@code timeout}. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING || configAudit.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || stopped.getCount() == 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    /** Blocks until the pipeline stops by itself (a fatal error) or is closed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    @Override
    public void close() {
        // Leaving the group hands the partitions to the other instances now, not after the session timeout.
        CloseOptions leaveGroup = CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        streams.close(leaveGroup);
        configAudit.close(leaveGroup);
        jwks.close();
        stopped.countDown();
    }
}
