package io.identityaudit.pipeline;

import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import io.identityaudit.avro.JwksRetry;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.config.Topics;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.jwks.JwksFailure;
import io.identityaudit.jwks.JwksListener;
import io.identityaudit.jwks.OrgJwksRegistry;
import io.identityaudit.pipeline.CommittedOutputs.Output;
import io.identityaudit.serde.Contracts;
import io.identityaudit.testing.FixedHttpsServer;
import io.identityaudit.testing.KafkaBrokerExtension;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.topology.TenantConfigListener;
import io.identityaudit.topology.VerdictListener;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant isolation (issue 5): a tenant whose Okta org hangs must not slow the other tenants down. The verified
 * throughput of the healthy tenants while one tenant's JWKS endpoint accepts connections and never answers must
 * stay at least 80% of their throughput when every org answers, both measured in this run on the real broker.
 *
 * <p>Two pipelines run <em>side by side, at the same time</em>, on one broker, each with its own topics,
 * application id and state, and the very same backlog produced before either starts: a hundred tenants with the
 * same traffic, ninety-nine of them on one simulated org, and the last ("umbrella") on an org that answers in the
 * <em>healthy</em> lane and hangs in the <em>hanging</em> lane. Only that org's health differs. Running both at
 * once is what makes the comparison fair on a shared machine: whatever else the machine does (other builds, the
 * JIT, the broker's own work) it does to both lanes, where phases run one after another measured the load of the
 * moment as much as the pipeline.
 *
 * <p>The umbrella tenant's share matters: its events cost more than verified ones (each is written to the retry
 * topic and the retry store), so the healthy tenants lose throughput in proportion to that share, whatever the
 * hang. One tenant in a hundred is an average tenant of a deployment with hundreds (the realistic mix of the
 * performance benchmarks); docs/security.md gives the figures for larger shares.
 *
 * <p>Both lanes are compared over the same wall-clock window: from a few seconds after both have begun to judge
 * events ({@link #START_UP}) until the first of them has verified every healthy tenant's event. A consumer per
 * lane reads the verified topic {@code read_committed} and notes when each healthy tenant's identity became
 * visible; the ratio is the count of the hanging lane over that of the healthy lane in the window. What the hanging
 * org costs the other tenants while it hangs (the retries of its events, its failed fetches and probes) falls
 * inside the window; the one wait for its first fetch at start-up is printed, as is the ratio with it.
 *
 * <p>The deployed settings: JWKS timeouts of {@link JwksSettings#DEFAULTS} (a hang costs real seconds), the
 * default {@link RetryPolicy}, exactly-once v2, two stream threads over four partitions per lane. The figures are
 * printed with the prefix {@code tenant-isolation:}.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TenantIsolationIT {

    private static final String PREFIX = "tenant-isolation-it";
    private static final String OUT = "tenant-isolation: ";
    private static final int PARTITIONS = 4;
    private static final int STREAM_THREADS = 2;
    /** Events per lane, spread evenly over the tenants: one tenant in {@link #TENANTS} is the umbrella tenant. */
    private static final int EVENTS = 150_000;
    private static final int TENANTS = 100;
    private static final int TOKENS_PER_TENANT = 16;
    private static final double MIN_RATIO = 0.8;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration TIMELINE_STEP = Duration.ofMillis(500);
    /**
     * Left out of the compared window: the first seconds of judging, where a stream thread may wait once for the
     * hanging org's first fetch (at most {@link OrgJwksRegistry#MAX_STREAM_THREAD_WAIT}, once per process, not
     * per interval) and both lanes ramp up. The ratio with them is printed too.
     */
    private static final Duration START_UP = Duration.ofSeconds(3);

    private static final List<String> HEALTHY_TENANTS = IntStream.range(1, TENANTS)
            .mapToObj(i -> String.format(Locale.ROOT, "tenant%02d", i)).toList();
    private static final String UMBRELLA = "umbrella";
    private static final String UMBRELLA_CLIENT = "0oaUMBRELLA00000001";

    private static LoopbackTls tls;
    private static SimulatedOktaOrg healthyOrg;
    private static SimulatedOktaOrg umbrellaOrg;
    private static FixedHttpsServer hangingOrg;
    private static Map<String, List<String>> healthyTokens;
    private static List<String> umbrellaAnsweringTokens;
    private static List<String> umbrellaHangingTokens;
    private static Instant t0;

    @BeforeAll
    static void startOrgs() {
        tls = LoopbackTls.create();
        healthyOrg = SimulatedOktaOrg.start(tls);
        umbrellaOrg = SimulatedOktaOrg.start(tls);
        hangingOrg = new FixedHttpsServer(tls).hang("/oauth2/v1/keys");

        t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant issuedAt = t0.minusSeconds(60);
        healthyTokens = new HashMap<>();
        for (String tenantId : HEALTHY_TENANTS) {
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < TOKENS_PER_TENANT; i++) {
                tokens.add(IdTokenMinter.of(healthyOrg, clientId(tenantId), issuedAt.minusSeconds(i)).sign());
            }
            healthyTokens.put(tenantId, tokens);
        }
        // The hanging org's tokens look exactly like a genuine one of that org: its issuer, the tenant's client
        // id, a kid; only the key set that would verify them cannot be read.
        RSAKey hangingOrgKey = umbrellaOrg.newSigningKey();
        umbrellaAnsweringTokens = new ArrayList<>();
        umbrellaHangingTokens = new ArrayList<>();
        for (int i = 0; i < TOKENS_PER_TENANT; i++) {
            umbrellaAnsweringTokens.add(
                    IdTokenMinter.of(umbrellaOrg, UMBRELLA_CLIENT, issuedAt.minusSeconds(i)).sign());
            umbrellaHangingTokens.add(IdTokenMinter.of(umbrellaOrg, UMBRELLA_CLIENT, issuedAt.minusSeconds(i))
                    .claim("iss", hangingOrg.origin()).signedWith(hangingOrgKey).sign());
        }
    }

    @AfterAll
    static void stopOrgs() {
        for (AutoCloseable server : new AutoCloseable[] {healthyOrg, umbrellaOrg, hangingOrg}) {
            if (server != null) {
                try {
                    server.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void aTenantWhoseOrgHangsDoesNotSlowTheOtherTenants(EmbeddedKafkaBroker broker, @TempDir Path stateDirs)
            throws Exception {
        Lane healthy = Lane.prepare("healthy", false, broker);
        Lane hanging = Lane.prepare("hanging", true, broker);
        int hangingRequestsBefore = hangingOrg.requests();

        try (VerifiedTimeline healthyTimeline = new VerifiedTimeline(broker, healthy);
             VerifiedTimeline hangingTimeline = new VerifiedTimeline(broker, hanging)) {
            long started = System.nanoTime();
            // Both start at once, so that neither has a head start; the window opens when both judge.
            CompletableFuture.allOf(CompletableFuture.runAsync(() -> healthy.start(broker, stateDirs)),
                    CompletableFuture.runAsync(() -> hanging.start(broker, stateDirs))).get(1, TimeUnit.MINUTES);
            try {
                CompletableFuture<Void> healthyDone = CompletableFuture.runAsync(healthyTimeline::awaitAll);
                CompletableFuture<Void> hangingDone = CompletableFuture.runAsync(hangingTimeline::awaitAll);
                CompletableFuture.allOf(healthyDone, hangingDone).get(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);

                long bothJudging = Math.max(healthy.firstJudgingBegan(), hanging.firstJudgingBegan());
                long windowStart = bothJudging + START_UP.toNanos();
                long windowEnd = Math.min(healthyTimeline.lastSeen(), hangingTimeline.lastSeen());
                int healthyCount = healthyTimeline.countBetween(windowStart, windowEnd);
                int hangingCount = hangingTimeline.countBetween(windowStart, windowEnd);
                double window = (windowEnd - windowStart) / 1e9;
                double ratio = (double) hangingCount / healthyCount;
                double ratioWithStartUp = (double) hangingTimeline.countBetween(bothJudging, windowEnd)
                        / healthyTimeline.countBetween(bothJudging, windowEnd);

                printSetup();
                print(healthy, healthyTimeline, started, healthyCount, window, bothJudging, windowEnd);
                print(hanging, hangingTimeline, started, hangingCount, window, bothJudging, windowEnd);
                System.out.printf(Locale.ROOT, "%swindow: %.2f s of both lanes judging side by side, after the "
                        + "first %d s; ratio (hanging lane / healthy lane): %.2f (required >= %.2f); with the first "
                        + "%d s: %.2f (not asserted); load average %.1f%n", OUT, window, START_UP.toSeconds(), ratio,
                        MIN_RATIO, START_UP.toSeconds(), ratioWithStartUp,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

                assertThat(window).as("seconds both lanes judged events side by side").isGreaterThan(3.0);
                assertThat(Duration.ofNanos(hanging.slowestVerdictNanos()))
                        .as("the longest a stream thread waited for the hanging org, once, at start-up")
                        .isLessThan(OrgJwksRegistry.MAX_STREAM_THREAD_WAIT.plusSeconds(1));
                assertThat(ratio)
                        .as("healthy tenants' events verified in the same %.2f s while one org hangs (%d) over "
                                + "those verified when every org answers (%d)", window, hangingCount, healthyCount)
                        .isGreaterThanOrEqualTo(MIN_RATIO);

                healthy.checkOutputs(broker);
                hanging.checkOutputs(broker);
                System.out.printf(Locale.ROOT, "%shanging lane: all %d umbrella events judged, %d of them on the retry "
                        + "topic, none verified%n", OUT, hanging.umbrellaEvents.size(), hanging.retried());
            } finally {
                healthy.close();
                hanging.close();
            }
        }
        assertThat(hanging.hangingRequests()).as("requests to the hanging org (else nothing hung)").isPositive();
        assertThat(healthy.hangingRequests()).as("the healthy lane's requests to the hanging org").isZero();
        // The listener hears of a request when it ends; one may still hang when the pipelines close.
        assertThat(hangingOrg.requests() - hangingRequestsBefore).as("requests the hanging org saw")
                .isBetween(hanging.hangingRequests(), hanging.hangingRequests() + 1);
    }

    private static void printSetup() {
        System.out.printf(Locale.ROOT, "%ssetup: two lanes side by side, %d events each, %.1f%% of them (tenant %s) "
                        + "on the org that hangs in the hanging lane, %d healthy tenants, %d partitions and %d "
                        + "stream threads per lane, %s, JWKS connect/read timeout %d/%d s, stream-thread wait for a "
                        + "fetch at most %d ms, retries %d attempts from %d s%n",
                OUT, EVENTS, 100.0 / TENANTS, UMBRELLA, HEALTHY_TENANTS.size(), PARTITIONS, STREAM_THREADS,
                StreamsConfig.EXACTLY_ONCE_V2, JwksSettings.DEFAULTS.connectTimeout().toSeconds(),
                JwksSettings.DEFAULTS.readTimeout().toSeconds(),
                OrgJwksRegistry.MAX_STREAM_THREAD_WAIT.toMillis(),
                RetryPolicy.DEFAULTS.maxAttempts(), RetryPolicy.DEFAULTS.initialBackoff().toSeconds());
    }

    private static void print(Lane lane, VerifiedTimeline timeline, long started, int inWindow, double window,
                              long windowStart, long windowEnd) {
        String hangingOrgLine = lane.umbrellaHangs()
                ? String.format(Locale.ROOT, "; hanging org: %d requests so far (%s), slowest single verdict "
                                + "%.0f ms", lane.hangingRequests(),
                        lane.hangingRequestTimes().stream()
                                .map(d -> String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0))
                                .collect(Collectors.joining(", ")),
                        lane.slowestVerdictNanos() / 1e6)
                : String.format(Locale.ROOT, "; slowest single verdict %.0f ms", lane.slowestVerdictNanos() / 1e6);
        System.out.printf(Locale.ROOT, "%s%-7s lane: %d healthy-tenant events verified in the window = %.0f events/s; "
                        + "all %d verified %.2f s after start()%s%n",
                OUT, lane.name(), inWindow, inWindow / window, timeline.expectedCount(),
                (timeline.lastSeen() - started) / 1e9, hangingOrgLine);
        StringBuilder perStep = new StringBuilder();
        for (long from = windowStart; from < windowEnd; from += TIMELINE_STEP.toNanos()) {
            perStep.append(' ').append(timeline.countBetween(from, from + TIMELINE_STEP.toNanos() - 1));
        }
        System.out.printf(Locale.ROOT, "%s%-7s lane: verified per %d ms from the start of judging:%s%n", OUT, lane.name(),
                TIMELINE_STEP.toMillis(), perStep);
    }

    private static String clientId(String tenantId) {
        String id = "0oa" + tenantId.toUpperCase(Locale.ROOT) + "0000000000000000";
        return id.substring(0, 20);
    }

    private static KafkaConsumer<String, byte[]> committedReader(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * One pipeline with its own topics and backlog. The umbrella tenant's org answers, or hangs.
     */
    private static final class Lane implements AutoCloseable {

        private final String name;
        private final boolean umbrellaHangs;
        private final Topics topics;
        private final Set<String> healthySessions = new HashSet<>();
        private final Set<String> healthyEventIds = new HashSet<>();
        private final Map<String, RecordMetadata> umbrellaEvents = new HashMap<>();
        private final ConcurrentLinkedQueue<Duration> hangingRequestTimes = new ConcurrentLinkedQueue<>();
        private final AtomicLong firstJudgingBegan = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong slowestVerdictNanos = new AtomicLong();
        private IdentityAuditPipeline pipeline;
        private int retried;

        private Lane(String name, boolean umbrellaHangs) {
            this.name = name;
            this.umbrellaHangs = umbrellaHangs;
            String prefix = PREFIX + "." + name;
            this.topics = new Topics(prefix + ".session-events", prefix + ".tenant-configs", prefix + ".verified",
                    prefix + ".rejected", prefix + ".retry", prefix + ".anomalies", prefix + ".config-changes");
        }

        /** Creates the lane's topics and puts its tenants and its whole backlog on the broker. */
        static Lane prepare(String name, boolean umbrellaHangs, EmbeddedKafkaBroker broker) {
            Lane lane = new Lane(name, umbrellaHangs);
            lane.produceBacklog(broker);
            return lane;
        }

        private void produceBacklog(EmbeddedKafkaBroker broker) {
            TestTopics.create(broker.bootstrapServers(), new TopicLayout(topics, PARTITIONS, Optional.of((short) 1))
                    .newTopics());
            awaitLeaders(broker);
            String umbrellaDomain = umbrellaHangs ? hangingOrg.domain() : umbrellaOrg.domain();
            List<String> umbrellaTokens = umbrellaHangs ? umbrellaHangingTokens : umbrellaAnsweringTokens;
            // One request in flight: should a partition still refuse the first batch (NOT_LEADER_OR_FOLLOWER), its
            // retry goes before the next batch instead of leaving a sequence gap the broker never forgives.
            try (InputProducer producer = new InputProducer(broker.bootstrapServers(), Map.of(
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                    ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024))) {
                Instant configuredAt = t0.minus(Duration.ofHours(1));
                for (String tenantId : HEALTHY_TENANTS) {
                    producer.saveTenant(topics.tenantConfigs(),
                            tenant(tenantId, clientId(tenantId), healthyOrg.domain(), configuredAt).build());
                }
                producer.saveTenant(topics.tenantConfigs(),
                        tenant(UMBRELLA, UMBRELLA_CLIENT, umbrellaDomain, configuredAt).build());

                List<WidgetSessionEvent> events = new ArrayList<>(EVENTS);
                for (int i = 0; i < EVENTS; i++) {
                    boolean umbrella = i % TENANTS == TENANTS - 1;
                    String tenantId = umbrella ? UMBRELLA : HEALTHY_TENANTS.get(i % TENANTS);
                    List<String> tokens = umbrella ? umbrellaTokens : healthyTokens.get(tenantId);
                    WidgetSessionEvent event = event(tenantId, tokens.get(i % tokens.size()), t0.plusMillis(i))
                            .build();
                    events.add(event);
                    if (!umbrella) {
                        healthySessions.add(event.getSessionId());
                        healthyEventIds.add(event.getEventId());
                    }
                }
                List<RecordMetadata> written = producer.sendAll(topics.sessionEvents(), events);
                for (int i = 0; i < events.size(); i++) {
                    if (!healthyEventIds.contains(events.get(i).getEventId())) {
                        umbrellaEvents.put(events.get(i).getEventId(), written.get(i));
                    }
                }
            }
        }

        void start(EmbeddedKafkaBroker broker, Path stateDirs) {
            PipelineSettings settings = PipelineSettings.DEFAULTS.withTopics(topics)
                    .withDomainPolicy(DomainPolicy.allowing(healthyOrg.domain(), umbrellaOrg.domain(),
                            hangingOrg.domain()));
            assertThat(settings.jwks()).isEqualTo(JwksSettings.DEFAULTS);
            assertThat(settings.retryPolicy()).isEqualTo(RetryPolicy.DEFAULTS);
            StreamsRuntime runtime = new StreamsRuntime(PREFIX + "." + name, broker.bootstrapServers(),
                    stateDirs.resolve(name), STREAM_THREADS, Map.of());
            String hangingDomain = hangingOrg.domain();
            JwksListener jwksListener = new JwksListener() {
                @Override
                public void onRequest(String domain, Duration took, JwksFailure failure) {
                    if (domain.equals(hangingDomain)) {
                        hangingRequestTimes.add(took);
                    }
                }
            };
            VerdictListener verdictListener = (verdict, nanos) -> {
                // Called when a verdict is ready, with how long judging it took: it began nanos ago.
                firstJudgingBegan.accumulateAndGet(System.nanoTime() - nanos, Math::min);
                slowestVerdictNanos.accumulateAndGet(nanos, Math::max);
            };
            pipeline = IdentityAuditPipeline.start(settings, runtime, tls.clientContext().getSocketFactory(),
                    TenantConfigListener.NONE, verdictListener, jwksListener);
        }

        /**
         * Every healthy tenant's event verified exactly once. The umbrella tenant's events: all verified when its
         * org answers; when it hangs, each went to the retry topic and none was verified: each is still pending or
         * finally rejected with JWKS_FETCH_FAILED.
         */
        void checkOutputs(EmbeddedKafkaBroker broker) {
            try (CommittedOutputs outputs = new CommittedOutputs(broker.bootstrapServers(), topics)) {
                if (!umbrellaHangs) {
                    Set<String> everyEvent = new HashSet<>(healthyEventIds);
                    everyEvent.addAll(umbrellaEvents.keySet());
                    List<Output> all = outputs.awaitAll(everyEvent, TIMEOUT);
                    CommittedOutputs.assertEachExactlyOnce(everyEvent, all);
                    assertThat(all).as("%s lane: every event of every tenant verified", name)
                            .allMatch(Output::verified);
                } else {
                    retried = awaitRetried(broker, outputs).size();
                    List<Output> all = outputs.drainToEnd(TIMEOUT);
                    Map<String, List<Output>> byInput = all.stream().collect(Collectors.groupingBy(Output::input));
                    List<Output> healthyOutputs = all.stream().filter(o -> healthyEventIds.contains(o.input()))
                            .toList();
                    CommittedOutputs.assertEachExactlyOnce(healthyEventIds, healthyOutputs);
                    assertThat(healthyOutputs).as("%s lane: healthy tenants' events verified", name)
                            .allMatch(Output::verified);
                    List<Output> umbrellaOutputs = all.stream().filter(o -> umbrellaEvents.containsKey(o.input()))
                            .toList();
                    assertThat(umbrellaOutputs)
                            .as("%s lane: the hanging org's events are pending or finally rejected, never verified",
                                    name)
                            .allMatch(o -> !o.verified()
                                    && ErrorCode.JWKS_FETCH_FAILED.name().equals(o.verdict())
                                    && o.topic().equals(topics.rejected()));
                    assertThat(umbrellaOutputs.stream().filter(o -> byInput.get(o.input()).size() > 1).toList())
                            .as("%s lane: the hanging org's events with more than one final output", name)
                            .isEmpty();
                    assertThat(healthyOutputs.size() + umbrellaOutputs.size()).as("outputs for no known event")
                            .isEqualTo(all.size());
                }
                assertThat(pipeline.state()).as("%s lane: pipeline still running", name)
                        .isEqualTo(KafkaStreams.State.RUNNING);
            }
        }

        /** Waits until each of the hanging org's events was judged once: it is on the retry topic or has a verdict. */
        private Set<String> awaitRetried(EmbeddedKafkaBroker broker, CommittedOutputs outputs) {
            Map<String, String> eventByPosition = new HashMap<>();
            umbrellaEvents.forEach((eventId, m) -> eventByPosition.put(m.partition() + "@" + m.offset(), eventId));
            Set<String> retriedEvents = new HashSet<>();
            try (KafkaConsumer<String, byte[]> consumer = committedReader(broker.bootstrapServers())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topics.retries(), TIMEOUT).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                await("each of the hanging org's events judged once").atMost(TIMEOUT).pollInSameThread()
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                                JwksRetry retry = Contracts.JWKS_RETRY.decode(record.value());
                                assertThat(retry.getInputTopic()).isEqualTo(topics.sessionEvents());
                                String eventId = eventByPosition.get(retry.getInputPartition() + "@"
                                        + retry.getInputOffset());
                                assertThat(eventId).as("a retry of an event of the hanging org").isNotNull();
                                retriedEvents.add(eventId);
                            }
                            Set<String> judged = new HashSet<>(retriedEvents);
                            outputs.poll().forEach(o -> judged.add(o.input()));
                            return judged.containsAll(umbrellaEvents.keySet());
                        });
            }
            return retriedEvents;
        }

        /**
         * Right after creation a partition's metadata can name a leader before that broker accepts writes for it;
         * asking each partition's end offset from its leader succeeds only once it does (the consumer retries the
         * NOT_LEADER_OR_FOLLOWER answers until then).
         */
        private void awaitLeaders(EmbeddedKafkaBroker broker) {
            try (KafkaConsumer<String, byte[]> consumer = committedReader(broker.bootstrapServers())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(topics.sessionEvents(), topics.tenantConfigs(), topics.verified(),
                        topics.rejected(), topics.retries())) {
                    consumer.partitionsFor(topic, TIMEOUT)
                            .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
                assertThat(consumer.endOffsets(partitions, TIMEOUT)).hasSize(partitions.size());
            }
        }

        String name() {
            return name;
        }

        boolean umbrellaHangs() {
            return umbrellaHangs;
        }

        long firstJudgingBegan() {
            return firstJudgingBegan.get();
        }

        long slowestVerdictNanos() {
            return slowestVerdictNanos.get();
        }

        int hangingRequests() {
            return hangingRequestTimes.size();
        }

        List<Duration> hangingRequestTimes() {
            return List.copyOf(hangingRequestTimes);
        }

        int retried() {
            return retried;
        }

        @Override
        public void close() {
            if (pipeline != null) {
                pipeline.close();
            }
        }
    }

    /**
     * When each healthy tenant's verified identity of one lane became visible to a {@code read_committed} reader
     * (record key = session id). Reads the verified topic only, as bare keys, to spend as little CPU as possible
     * next to the pipelines it times; what else is there is checked once both clocks have stopped.
     */
    private static final class VerifiedTimeline implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Set<String> expected;
        private final Set<String> seen = new HashSet<>();
        private final long[] seenAt;

        VerifiedTimeline(EmbeddedKafkaBroker broker, Lane lane) {
            this.expected = lane.healthySessions;
            this.seenAt = new long[expected.size()];
            consumer = committedReader(broker.bootstrapServers());
            List<TopicPartition> partitions = consumer.partitionsFor(lane.topics.verified(), TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
        }

        /** Polls until every expected session is verified, noting when each became visible. */
        void awaitAll() {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (seen.size() < expected.size()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + seen.size() + " of " + expected.size()
                            + " healthy events verified within " + TIMEOUT);
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(20));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (expected.contains(record.key()) && seen.add(record.key())) {
                        seenAt[seen.size() - 1] = now;
                    }
                }
            }
        }

        int expectedCount() {
            return expected.size();
        }

        long lastSeen() {
            return seenAt[seenAt.length - 1];
        }

        int countBetween(long fromNanos, long toNanos) {
            int count = 0;
            for (long at : seenAt) {
                if (at >= fromNanos && at <= toNanos) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
