package io.identityaudit.metrics;

import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.util.Base64URL;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.testing.PipelineFixture;
import io.identityaudit.token.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every outcome is counted once under its error code, and no label value ever comes from a token: not the token,
 * not its subject, not an email.
 */
class PipelineMetricsTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final Instant CONFIGURED_AT = T0.minus(Duration.ofDays(1));

    static LoopbackTls tls;
    static SimulatedOktaOrg org;
    static SimulatedOktaOrg downOrg;

    @TempDir
    Path stateDir;
    PrometheusMeterRegistry registry;
    PipelineFixture pipeline;
    final List<String> tokensSent = new ArrayList<>();

    @BeforeAll
    static void startOrgs() {
        tls = LoopbackTls.create();
        org = SimulatedOktaOrg.start(tls);
        downOrg = SimulatedOktaOrg.start(tls);
        downOrg.failWith(503);
    }

    @AfterAll
    static void stopOrgs() {
        org.close();
        downOrg.close();
    }

    @BeforeEach
    void startPipeline() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineSettings settings = PipelineSettings.DEFAULTS
                .withDomainPolicy(DomainPolicy.allowing(org.domain(), downOrg.domain())).withRetryPolicy(RetryPolicy.NONE);
        PipelineMetrics metrics = new PipelineMetrics(registry, new TenantLabels(TenantLabels.DEFAULT_LIMIT),
                settings.domainPolicy(), Clock.systemUTC());
        pipeline = new PipelineFixture(settings, tls, stateDir, metrics);
        pipeline.saveTenant(tenant("acme", CLIENT_ID, org.domain(), CONFIGURED_AT).build());
        pipeline.saveTenant(tenant("down", CLIENT_ID, downOrg.domain(), CONFIGURED_AT).build());
        pipeline.saveTenant(tenant("off", CLIENT_ID, org.domain(), CONFIGURED_AT).setEnabled(false).build());
        pipeline.saveTenant(tenant("bad", CLIENT_ID, "https://acme.okta.com", CONFIGURED_AT).build());
    }

    @AfterEach
    void stopPipeline() {
        pipeline.close();
        registry.close();
    }

    String token(Function<IdTokenMinter, IdTokenMinter> change) {
        String token = change.apply(IdTokenMinter.of(org, CLIENT_ID, T0)).sign();
        tokensSent.add(token);
        return token;
    }

    /** One event per error code the topology decides (INTERNAL_ERROR needs a bug: see the topology test). */
    Map<ErrorCode, Runnable> oneEventPerCode() {
        Map<ErrorCode, Runnable> events = new EnumMap<>(ErrorCode.class);
        events.put(ErrorCode.MALFORMED_EVENT, () -> pipeline.events.pipeInput("k",
                "garbage".getBytes(StandardCharsets.UTF_8), T0));
        events.put(ErrorCode.MISSING_TOKEN, () -> send("acme", null));
        events.put(ErrorCode.MALFORMED_TOKEN, () -> send("acme", "not.a-token"));
        events.put(ErrorCode.UNKNOWN_TENANT, () -> send("tenant-" + System.nanoTime(), token(t -> t)));
        events.put(ErrorCode.SSO_DISABLED, () -> send("off", token(t -> t)));
        events.put(ErrorCode.TENANT_CONFIG_INVALID, () -> send("bad", token(t -> t)));
        events.put(ErrorCode.UNSUPPORTED_ALGORITHM, () -> send("acme",
                Base64URL.encode("{\"alg\":\"none\"}") + "." + Base64URL.encode("{\"sub\":\"x\"}") + "."));
        events.put(ErrorCode.JWKS_FETCH_FAILED, () -> send("down",
                IdTokenMinter.of(downOrg, CLIENT_ID, T0).sign()));
        events.put(ErrorCode.UNKNOWN_SIGNING_KEY, () -> send("acme", token(t -> t.signedWith(org.newSigningKey()))));
        events.put(ErrorCode.INVALID_SIGNATURE, () -> send("acme", token(t -> t.signedWith(org.newSigningKey())
                .keyId(org.signingKey().getKeyID()))));
        events.put(ErrorCode.INVALID_ISSUER, () -> send("acme", token(t -> t.claim("iss", "https://evil.okta.com"))));
        events.put(ErrorCode.INVALID_AUDIENCE, () -> send("acme", token(t -> t.claim("aud", "0oaOTHER"))));
        events.put(ErrorCode.MISSING_SUBJECT, () -> send("acme", token(t -> t.without("sub"))));
        events.put(ErrorCode.TOKEN_EXPIRED, () -> send("acme", token(t -> t.expiresAt(T0.minusSeconds(3600)))));
        events.put(ErrorCode.TOKEN_NOT_YET_VALID, () -> send("acme", token(t -> t.issuedAt(T0.plusSeconds(600)))));
        return events;
    }

    void send(String tenantId, String token) {
        WidgetSessionEvent event = event(tenantId, token, T0).build();
        pipeline.send(event);
    }

    double validations(String outcome, String code) {
        return registry.find(PipelineMetrics.VALIDATIONS).tag("outcome", outcome).tag("code", code)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void eachRejectionIncrementsItsCodeExactlyOnce() {
        Map<ErrorCode, Runnable> events = oneEventPerCode();
        for (Map.Entry<ErrorCode, Runnable> entry : events.entrySet()) {
            Map<ErrorCode, Double> before = new EnumMap<>(ErrorCode.class);
            for (ErrorCode code : ErrorCode.values()) {
                before.put(code, validations("rejected", code.name()));
            }
            double verifiedBefore = validations("verified", PipelineMetrics.NO_ERROR);

            entry.getValue().run();

            assertThat(pipeline.rejectedRecords()).hasSize(1)
                    .allSatisfy(r -> assertThat(r.value().getErrorCode()).isEqualTo(entry.getKey().name()));
            for (ErrorCode code : ErrorCode.values()) {
                double expected = before.get(code) + (code == entry.getKey() ? 1 : 0);
                assertThat(validations("rejected", code.name())).as(code + " after a " + entry.getKey())
                        .isEqualTo(expected);
            }
            assertThat(validations("verified", PipelineMetrics.NO_ERROR)).isEqualTo(verifiedBefore);
        }
        assertThat(events.keySet()).containsAll(java.util.EnumSet.complementOf(
                java.util.EnumSet.of(ErrorCode.INTERNAL_ERROR)));
    }

    @Test
    void verifiedIdentityIsCountedUnderItsTenant() {
        send("acme", token(t -> t));

        assertThat(registry.get(PipelineMetrics.VALIDATIONS).tag("outcome", "verified").tag("code", "none")
                .tag("tenant", "acme").counter().count()).isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.VALIDATION_DURATION).tag("outcome", "verified").timer().count())
                .isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.EVENT_TO_VERDICT).timer().count()).isEqualTo(1);
    }

    @Test
    void eventsNamingUnconfiguredTenantsCannotMintTenantLabels() {
        for (int i = 0; i < 20; i++) {
            send("attacker-chosen-" + i, token(t -> t));
        }

        assertThat(tenantLabelValues()).noneMatch(label -> label.startsWith("attacker-chosen"))
                .contains(TenantLabels.UNKNOWN);
    }

    @Test
    void jwksRequestsLookupsAndKeysAreCountedPerDomain() {
        send("acme", token(t -> t));
        send("acme", token(t -> t));

        assertThat(registry.get(PipelineMetrics.JWKS_REQUESTS).tag("domain", org.domain()).tag("result", "ok")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.JWKS_LOOKUPS).tag("domain", org.domain()).tag("cache", "miss")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.JWKS_LOOKUPS).tag("domain", org.domain()).tag("cache", "hit")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.JWKS_KEYS).tag("domain", org.domain()).gauge().value())
                .isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.JWKS_LAST_SUCCESS_AGE).tag("domain", org.domain()).gauge().value())
                .isBetween(0.0, 60.0);
    }

    @Test
    void failedJwksRequestsAreCountedByCause() {
        send("down", IdTokenMinter.of(downOrg, CLIENT_ID, T0).sign());

        // The request runs on a fetch thread, which may still be at it when the event's verdict is out.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(registry.find(PipelineMetrics.JWKS_REQUESTS).tag("domain", downOrg.domain())
                        .tag("result", "error").tag("cause", "http_status").counters())
                        .anySatisfy(counter -> assertThat(counter.count()).isGreaterThanOrEqualTo(1)));
    }

    @Test
    void tenantConfigsAreCountedByState() {
        assertThat(registry.get(PipelineMetrics.TENANT_CONFIGS).tag("state", "active").gauge().value()).isEqualTo(2);
        assertThat(registry.get(PipelineMetrics.TENANT_CONFIGS).tag("state", "disabled").gauge().value()).isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.TENANT_CONFIGS).tag("state", "invalid").gauge().value()).isEqualTo(1);

        pipeline.configs.pipeInput("acme", "not avro".getBytes(StandardCharsets.UTF_8), T0);
        pipeline.deleteTenant("off", T0);

        assertThat(registry.get(PipelineMetrics.TENANT_CONFIG_RECORDS).tag("result", "malformed").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(PipelineMetrics.TENANT_CONFIGS).tag("state", "disabled").gauge().value()).isZero();
    }

    @Test
    void noLabelValueHoldsATokenASubjectOrAnEmail() {
        oneEventPerCode().values().forEach(Runnable::run);
        send("acme", token(t -> t));
        send("acme", token(t -> t.claim("sub", "00uLEAKCHECK").claim("email", "leak@example.com")));

        String scrape = registry.scrape();
        List<String> labels = allLabelValues(scrape);
        assertThat(labels).isNotEmpty();
        assertThat(labels).noneMatch(v -> v.contains("00u") || v.contains("@") || v.startsWith("eyJ"));
        for (String token : tokensSent) {
            assertThat(scrape).doesNotContain(token.split("\\.")[1].substring(0, 16));
        }
    }

    @Test
    void endpointServesMetricsAndHealth() throws Exception {
        boolean[] healthy = {false};
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry, () -> healthy[0])) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + server.port());

            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> down = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            healthy[0] = true;
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("identity_validations_total{");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(up.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tenantLabelsAreCappedAndCanBeSwitchedOff() {
        TenantLabels capped = new TenantLabels(2);
        assertThat(List.of(capped.of("a"), capped.of("b"), capped.of("c"), capped.of("a")))
                .containsExactly("a", "b", TenantLabels.OTHER, "a");
        assertThat(new TenantLabels(0).of("a")).isEqualTo(TenantLabels.ALL);
    }

    private List<String> tenantLabelValues() {
        return registry.find(PipelineMetrics.VALIDATIONS).counters().stream()
                .map(c -> c.getId().getTag("tenant")).toList();
    }

    private static List<String> allLabelValues(String scrape) {
        Matcher matcher = Pattern.compile("=\"([^\"]*)\"").matcher(scrape);
        List<String> values = new ArrayList<>();
        while (matcher.find()) {
            values.add(matcher.group(1));
        }
        return values;
    }

    @Test
    void anomaliesAreCountedByKindAndSeverityFromZero() {
        assertThat(registry.scrape()).contains("identity_anomalies_total{kind=\"TOKEN_REPLAY\",severity=\"CRITICAL\"} 0.0");

        send("acme", token(t -> t.signedWith(org.newSigningKey())));

        assertThat(registry.find(PipelineMetrics.ANOMALIES).tag("kind", "FORGERY_ATTEMPT").tag("severity", "MEDIUM")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.find(PipelineMetrics.ANOMALIES).counters().stream().mapToDouble(Counter::count).sum())
                .isEqualTo(1.0);
    }
}
