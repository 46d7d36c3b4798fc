package io.identityaudit.anomaly;

import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.AnomalySeverity;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.AnomalyThresholds;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.testing.Events;
import io.identityaudit.testing.PipelineFixture;
import io.identityaudit.token.TokenFingerprint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anomaly detectors' specification, one nested class per detector, on the real topology with real RSA keys
 * and real HTTPS JWKS endpoints on loopback. For each: a normal stream raises nothing; the pattern raises exactly
 * the expected anomaly, in the expected window, once; the same records delivered again raise nothing more; and
 * the same input replayed into a fresh pipeline raises the same anomalies with the same ids.
 */
class AnomalyDetectionTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    static final String GLOBEX_CLIENT_ID = "0oaGLOBEX00000000001";
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final Instant CONFIGURED_AT = T0.minus(Duration.ofDays(30));
    static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";

    static LoopbackTls tls;
    static SimulatedOktaOrg acmeOrg;
    static SimulatedOktaOrg globexOrg;
    static SimulatedOktaOrg downOrg;

    @TempDir
    Path stateDir;
    PipelineFixture pipeline;
    int replays;
    /** Everything sent to {@link #pipeline}, in order, to deliver again and to replay. */
    final List<WidgetSessionEvent> sent = new ArrayList<>();

    @BeforeAll
    static void startOrgs() {
        tls = LoopbackTls.create();
        acmeOrg = SimulatedOktaOrg.start(tls);
        globexOrg = SimulatedOktaOrg.start(tls);
        downOrg = SimulatedOktaOrg.start(tls);
        downOrg.failWith(503);
    }

    @AfterAll
    static void stopOrgs() {
        acmeOrg.close();
        globexOrg.close();
        downOrg.close();
    }

    @BeforeEach
    void startPipeline() {
        pipeline = newPipeline("main");
    }

    @AfterEach
    void stopPipeline() {
        pipeline.close();
    }

    PipelineFixture newPipeline(String name) {
        PipelineSettings settings = PipelineSettings.DEFAULTS
                .withDomainPolicy(DomainPolicy.allowing(acmeOrg.domain(), globexOrg.domain(), downOrg.domain()))
                .withRetryPolicy(RetryPolicy.NONE);
        PipelineFixture fixture = new PipelineFixture(settings, tls, stateDir.resolve(name));
        fixture.saveTenant(tenant("acme", CLIENT_ID, acmeOrg.domain(), CONFIGURED_AT).build());
        fixture.saveTenant(tenant("globex", GLOBEX_CLIENT_ID, globexOrg.domain(), CONFIGURED_AT).build());
        fixture.saveTenant(tenant("initech", "0oaINITECH0000000001", acmeOrg.domain(), CONFIGURED_AT).build());
        fixture.saveTenant(tenant("down", CLIENT_ID, downOrg.domain(), CONFIGURED_AT).build());
        return fixture;
    }

    // ---- building events ----------------------------------------------------------------------------------

    static String ip(int n) {
        return "198.51.100." + n;
    }

    /** A genuine acme token for its own user, issued a minute before {@code at}. */
    static String genuine(String subject, Instant at) {
        return IdTokenMinter.of(acmeOrg, CLIENT_ID, at.minusSeconds(60)).claim("sub", subject).sign();
    }

    /** A token for another app of acme's org: refused as INVALID_AUDIENCE before any key is needed. */
    static String otherApp(String subject, Instant at) {
        return IdTokenMinter.of(acmeOrg, "0oaOTHERAPP", at.minusSeconds(60)).claim("sub", subject).sign();
    }

    static WidgetSessionEvent event(String tenantId, String token, Instant at, String clientIp, String userAgent) {
        return Events.event(tenantId, token, at).setClientIp(clientIp).setUserAgent(userAgent).build();
    }

    static WidgetSessionEvent inSession(WidgetSessionEvent first, String eventType, Instant at) {
        return WidgetSessionEvent.newBuilder(first).setEventId("evt-" + java.util.UUID.randomUUID())
                .setEventType(eventType).setOccurredAt(at).build();
    }

    void send(WidgetSessionEvent event) {
        sent.add(event);
        pipeline.send(event);
    }

    List<SecurityAnomaly> anomalies() {
        return pipeline.anomalies.readValuesToList();
    }

    static Instant windowStart(Instant at, Duration window) {
        long ms = window.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), ms) * ms);
    }

    /** Delivers everything again (no new anomaly), then replays it into a fresh pipeline (the same anomalies). */
    void assertRedeliveryAndReplayAreStable(List<SecurityAnomaly> first) {
        List<WidgetSessionEvent> all = List.copyOf(sent);
        all.forEach(pipeline::send);
        assertThat(anomalies()).as("anomalies after re-delivery").isEmpty();

        try (PipelineFixture fresh = newPipeline("replay-" + replays++)) {
            all.forEach(fresh::send);
            assertThat(fresh.anomalies.readValuesToList()).as("anomalies of a replay").isEqualTo(first);
        }
    }

    /** Ordinary traffic: users with their own tokens, a few events per session, now and then a stale token. */
    void sendNormalTraffic(Instant from) {
        for (int user = 0; user < 12; user++) {
            Instant at = from.plusSeconds(40L * user);
            WidgetSessionEvent started = event("acme", genuine("00uUSER" + user, at), at, ip(user), BROWSER);
            send(started);
            send(inSession(started, "MESSAGE_SENT", at.plusSeconds(20)));
            send(inSession(started, "SESSION_ENDED", at.plusSeconds(50)));
        }
        String expired = IdTokenMinter.of(acmeOrg, CLIENT_ID, from.minus(Duration.ofHours(2))).sign();
        send(event("acme", expired, from.plusSeconds(30), ip(200), BROWSER));
        send(event("acme", otherApp("00uLOST", from), from.plusSeconds(90), ip(201), BROWSER));
        send(event("down", IdTokenMinter.of(downOrg, CLIENT_ID, from).sign(), from.plusSeconds(100), ip(202),
                BROWSER));
    }

    @Test
    void normalTrafficRaisesNoAnomaly() {
        sendNormalTraffic(T0);
        sendNormalTraffic(T0.plus(Duration.ofMinutes(20)));

        assertThat(pipeline.verifiedRecords()).hasSize(72);
        assertThat(anomalies()).isEmpty();
    }

    @Nested
    class TokenReplay {

        final Duration window = PipelineSettings.DEFAULTS.anomalies().replayWindow();

        @Test
        void oneTokenInFourSessionsFromTwoIpsIsOneReplay() {
            // Windows are tumbling and aligned to the epoch: 9-minute windows start at 09:54 and 10:03.
            Instant start = windowStart(T0, window);
            String token = genuine("00uADA", start);
            for (int i = 0; i < 4; i++) {
                send(event("acme", token, start.plusSeconds(60L * i), ip(1 + i / 2), BROWSER));
            }

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.TOKEN_REPLAY);
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.MEDIUM);
                assertThat(a.getKey()).isEqualTo("token:" + TokenFingerprint.of(token));
                assertThat(a.getTenantId()).isEqualTo("acme");
                assertThat(a.getWindowStart()).isEqualTo(Instant.parse("2026-11-26T09:54:00Z"));
                assertThat(a.getWindowEnd()).isEqualTo(Instant.parse("2026-11-26T10:03:00Z"));
                assertThat(a.getObserved()).isEqualTo(4.0);
                assertThat(a.getThreshold()).isEqualTo(4.0);
                assertThat(a.getDetectedAt()).isEqualTo(start.plusSeconds(180));
                assertThat(a.getSampleEventIds()).hasSize(4);
                assertThat(a.getSuggestedAction()).isEqualTo(Anomalies.suggestedAction(AnomalyKind.TOKEN_REPLAY));
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void oneTokenInThreeSessionsIsNoReplay() {
            String token = genuine("00uADA", T0);
            for (int i = 0; i < 3; i++) {
                send(event("acme", token, T0.plusSeconds(60L * i), ip(1 + i), BROWSER));
            }

            assertThat(anomalies()).isEmpty();
        }

        @Test
        void acceptedTokenPresentedByCurlFromAnotherIpIsACriticalStolenToken() {
            String token = genuine("00uADA", T0);
            send(event("acme", token, T0, ip(1), BROWSER));
            send(event("acme", token, T0.plusSeconds(30), ip(66), "curl/8.4.0"));

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.TOKEN_REPLAY);
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.CRITICAL);
                assertThat(a.getObserved()).isEqualTo(2.0);
                assertThat(a.getDetail()).contains("another IP with another user agent").contains("script");
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void sameBrowserMovingToAnotherNetworkIsNoReplay() {
            String token = genuine("00uADA", T0);
            WidgetSessionEvent first = event("acme", token, T0, ip(1), BROWSER);
            send(first);
            send(WidgetSessionEvent.newBuilder(inSession(first, "MESSAGE_SENT", T0.plusSeconds(60)))
                    .setClientIp(ip(2)).build());

            assertThat(anomalies()).isEmpty();
        }
    }

    @Nested
    class Forgery {

        final Duration window = PipelineSettings.DEFAULTS.anomalies().forgeryWindow();

        String forged(Instant at) {
            return IdTokenMinter.of(acmeOrg, CLIENT_ID, at).signedWith(acmeOrg.newSigningKey()).sign();
        }

        @Test
        void oneTokenSignedByAnUnknownKeyClaimingTheTenantsIssuerIsRecorded() {
            send(event("acme", forged(T0), T0, ip(7), BROWSER));

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.FORGERY_ATTEMPT);
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.MEDIUM);
                assertThat(a.getKey()).isEqualTo("tenant:acme");
                assertThat(a.getWindowStart()).isEqualTo(windowStart(T0, window));
                assertThat(a.getDetail()).contains("UNKNOWN_SIGNING_KEY");
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void aBurstFromOneIpIsRecordedAgainAsHigh() {
            String kid = acmeOrg.signingKey().getKeyID();
            for (int i = 0; i < 3; i++) {
                String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).signedWith(acmeOrg.newSigningKey())
                        .keyId(kid).sign();
                send(event("acme", token, T0.plusSeconds(10L * i), ip(7), BROWSER));
            }

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).extracting(SecurityAnomaly::getSeverity)
                    .containsExactly(AnomalySeverity.MEDIUM, AnomalySeverity.HIGH);
            assertThat(anomalies.get(1).getObserved()).isEqualTo(3.0);
            assertThat(anomalies.get(1).getDetail()).contains("one client IP");
            assertThat(anomalies).extracting(SecurityAnomaly::getAnomalyId).doesNotHaveDuplicates();
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void anOutageOfTheTenantsOrgIsNotForgery() {
            send(event("down", IdTokenMinter.of(downOrg, CLIENT_ID, T0).sign(), T0, ip(7), BROWSER));

            assertThat(anomalies()).isEmpty();
        }

        @Test
        void aTokenOfAnotherOrgIsNotForgeryOfThisTenant() {
            String foreign = IdTokenMinter.of(globexOrg, CLIENT_ID, T0).signedWith(globexOrg.newSigningKey()).sign();
            send(event("acme", foreign, T0, ip(7), BROWSER));

            assertThat(anomalies()).isEmpty();
        }
    }

    @Nested
    class RejectionSpike {

        final Duration window = PipelineSettings.DEFAULTS.anomalies().spikeWindow();

        void rejections(int count, Instant from, int firstUser) {
            for (int i = 0; i < count; i++) {
                Instant at = from.plusSeconds(i);
                send(event("acme", otherApp("00uSPIKE" + (firstUser + i), at), at, ip(firstUser + i), BROWSER));
            }
        }

        @Test
        void twentyRejectionsAfterAQuietHourAreASpike() {
            rejections(2, T0.minus(Duration.ofMinutes(15)), 0);
            rejections(2, T0.minus(Duration.ofMinutes(10)), 2);
            rejections(2, T0.minus(Duration.ofMinutes(5)), 4);
            rejections(22, T0, 6);

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.REJECTION_SPIKE);
                assertThat(a.getKey()).isEqualTo("tenant:acme|code:INVALID_AUDIENCE");
                assertThat(a.getWindowStart()).isEqualTo(T0);
                assertThat(a.getWindowEnd()).isEqualTo(T0.plus(window));
                assertThat(a.getObserved()).isEqualTo(20.0);
                assertThat(a.getBaseline()).isEqualTo(2.0);
                assertThat(a.getThreshold()).isEqualTo(20.0);
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void aSteadyRateIsNoSpikeAndFewRejectionsNeverAre() {
            for (int w = 0; w < 5; w++) {
                rejections(6, T0.plus(window.multipliedBy(w)), 10 * w);
            }

            assertThat(anomalies()).isEmpty();
        }
    }

    @Nested
    class SubjectUnderAttack {

        @Test
        void tenRejectionsForOneUserAreAnAttackAndAnAcceptedTokenAfterwardsIsWorse() {
            for (int i = 0; i < 10; i++) {
                Instant at = T0.plusSeconds(30L * i);
                send(event("acme", otherApp("00uVICTIM", at), at, ip(i), BROWSER));
            }
            Instant later = T0.plus(Duration.ofMinutes(6));
            send(event("acme", genuine("00uVICTIM", later), later, ip(99), BROWSER));

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).extracting(SecurityAnomaly::getKind)
                    .containsExactly(AnomalyKind.SUBJECT_UNDER_ATTACK, AnomalyKind.SUBJECT_UNDER_ATTACK);
            assertThat(anomalies).extracting(SecurityAnomaly::getSeverity)
                    .containsExactly(AnomalySeverity.MEDIUM, AnomalySeverity.HIGH);
            assertThat(anomalies.get(0).getObserved()).isEqualTo(10.0);
            assertThat(anomalies.get(0).getKey()).startsWith("sub:").doesNotContain("00uVICTIM");
            assertThat(anomalies.get(1).getDetail()).contains("accepted after 10 rejected");
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void theUsersOwnSessionGoingOnDuringTheAttackIsNoSuccessOfIt() {
            WidgetSessionEvent own = event("acme", genuine("00uVICTIM", T0), T0, ip(50), BROWSER);
            send(own);
            for (int i = 0; i < 10; i++) {
                Instant at = T0.plusSeconds(30L * (i + 1));
                send(event("acme", otherApp("00uVICTIM", at), at, ip(i), BROWSER));
            }
            send(inSession(own, "MESSAGE_SENT", T0.plus(Duration.ofMinutes(7))));

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).extracting(SecurityAnomaly::getSeverity).containsExactly(AnomalySeverity.MEDIUM);
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void nineRejectionsForOneUserAreNoAttack() {
            for (int i = 0; i < 9; i++) {
                Instant at = T0.plusSeconds(30L * i);
                send(event("acme", otherApp("00uVICTIM", at), at, ip(i), BROWSER));
            }

            assertThat(anomalies()).isEmpty();
        }
    }

    @Nested
    class KeptState {

        List<String> windowKeys() {
            KeyValueStore<String, byte[]> windows = pipeline.driver.getKeyValueStore(AnomalyTopology.WINDOWS_STORE);
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> all = windows.all()) {
                all.forEachRemaining(entry -> keys.add(entry.key));
            }
            return keys;
        }

        @Test
        void everyDetectorKeepsItsWindowsInOneStoreUnderItsName() {
            send(event("acme", otherApp("00uOLD", T0), T0, ip(1), BROWSER));

            assertThat(windowKeys()).contains("client-identities|ip:" + ip(1),
                    "rejection-spike|tenant:acme|code:INVALID_AUDIENCE");
        }

        @Test
        void windowsOfKeysThatWentQuietAreDroppedOnceTheRetentionHasPassed() {
            send(event("acme", otherApp("00uOLD", T0), T0, ip(1), BROWSER));
            Instant later = T0.plus(AnomalyThresholds.DEFAULTS.retention()).plus(Duration.ofHours(2));

            send(event("acme", otherApp("00uNEW", later), later, ip(2), BROWSER));

            assertThat(windowKeys()).contains("client-identities|ip:" + ip(2))
                    .doesNotContain("client-identities|ip:" + ip(1));
        }
    }

    @Nested
    class OneClientManyIdentities {

        @Test
        void oneIpRejectedForElevenUsersIsCredentialStuffing() {
            for (int i = 0; i < 11; i++) {
                Instant at = T0.plusSeconds(10L * i);
                send(event("acme", otherApp("00uSTUFF" + i, at), at, ip(50), "python-requests/2.32.3"));
            }

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.CLIENT_MANY_IDENTITIES);
                assertThat(a.getKey()).isEqualTo("ip:" + ip(50));
                assertThat(a.getObserved()).isEqualTo(11.0);
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.MEDIUM);
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void oneIpRejectedForTenUsersIsNot() {
            for (int i = 0; i < 10; i++) {
                Instant at = T0.plusSeconds(10L * i);
                send(event("acme", otherApp("00uSTUFF" + i, at), at, ip(50), BROWSER));
            }

            assertThat(anomalies()).isEmpty();
        }

        @Test
        void usersRejectedAgainAndAgainFromOneIpCountOnceEach() {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 10; i++) {
                    Instant at = T0.plusSeconds(60L * round + 5L * i);
                    send(event("acme", otherApp("00uSTUFF" + i, at), at, ip(50), BROWSER));
                }
            }
            assertThat(anomalies()).as("30 rejections, 10 distinct users").isEmpty();

            Instant at = T0.plusSeconds(200);
            send(event("acme", otherApp("00uSTUFF10", at), at, ip(50), BROWSER));

            assertThat(anomalies()).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.CLIENT_MANY_IDENTITIES);
                assertThat(a.getObserved()).isEqualTo(11.0);
            });
        }

        @Test
        void oneIpRejectedAtThreeTenantsIsTenantEnumeration() {
            for (String tenantId : List.of("nobody-1", "nobody-2", "nobody-3")) {
                send(event(tenantId, genuine("00uADA", T0), T0, ip(51), BROWSER));
            }

            assertThat(anomalies()).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.CLIENT_MANY_IDENTITIES);
                assertThat(a.getObserved()).isEqualTo(3.0);
                assertThat(a.getDetail()).contains("3 distinct tenants");
            });
        }
    }

    @Nested
    class CrossTenantToken {

        @Test
        void aTokenOfGlobexsAppPresentedAtAcmeIsCrossTenant() {
            String globexToken = IdTokenMinter.of(globexOrg, GLOBEX_CLIENT_ID, T0).sign();
            send(event("globex", globexToken, T0, ip(1), BROWSER));
            send(event("acme", globexToken, T0.plusSeconds(60), ip(2), BROWSER));

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.CROSS_TENANT_TOKEN);
                assertThat(a.getTenantId()).isEqualTo("acme");
                assertThat(a.getKey()).isEqualTo("client:" + GLOBEX_CLIENT_ID);
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.HIGH);
                assertThat(a.getDetail()).contains("globex");
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void aTokenForAnUnknownAppIsNotCrossTenant() {
            send(event("acme", IdTokenMinter.of(globexOrg, GLOBEX_CLIENT_ID, T0).sign(), T0, ip(2), BROWSER));

            assertThat(anomalies()).isEmpty();
        }
    }

    @Nested
    class ClockDrift {

        /** Ten events of three users whose genuine tokens were issued {@code age} before each event. */
        void sendTokensIssued(Duration age) {
            for (int i = 0; i < 10; i++) {
                Instant at = T0.plusSeconds(20L * i);
                String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, at.minus(age)).claim("sub", "00uDRIFT" + (i % 3))
                        .sign();
                send(event("acme", token, at, ip(i), BROWSER));
            }
        }

        @Test
        void tenTokensOfThreeUsersExpiredTwoMinutesAgoAreClockDrift() {
            sendTokensIssued(Duration.ofMinutes(62));

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.CLOCK_DRIFT);
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.LOW);
                assertThat(a.getObserved()).isEqualTo(10.0);
                assertThat(a.getDetail()).contains("at most 120 s beyond them");
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void tokensExpiredLongAgoAreStaleTokensNotDrift() {
            sendTokensIssued(Duration.ofHours(2));

            assertThat(anomalies()).isEmpty();
        }

        @Test
        void oneUsersStaleTabIsNoDrift() {
            String stale = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0.minus(Duration.ofHours(2))).sign();
            WidgetSessionEvent first = event("acme", stale, T0, ip(1), BROWSER);
            send(first);
            for (int i = 1; i < 10; i++) {
                send(inSession(first, "MESSAGE_SENT", T0.plusSeconds(20L * i)));
            }

            assertThat(anomalies()).isEmpty();
        }
    }

    @Nested
    class EventTimeLag {

        @Test
        void fiveEventsHalfAnHourBehindTheirPartitionAreLag() {
            Instant now = T0.plus(Duration.ofMinutes(30));
            send(event("acme", genuine("00uNOW", now), now, ip(1), BROWSER));
            for (int i = 0; i < 5; i++) {
                Instant at = T0.plusSeconds(i);
                send(event("acme", genuine("00uLATE" + i, at), at, ip(10 + i), BROWSER));
            }

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.EVENT_TIME_LAG);
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.LOW);
                assertThat(a.getWindowStart()).isEqualTo(windowStart(now, Duration.ofMinutes(10)));
                assertThat(a.getObserved()).isEqualTo(5.0);
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void eventsAFewMinutesOutOfOrderAreNoLag() {
            Instant now = T0.plus(Duration.ofMinutes(5));
            send(event("acme", genuine("00uNOW", now), now, ip(1), BROWSER));
            for (int i = 0; i < 5; i++) {
                Instant at = T0.plusSeconds(i);
                send(event("acme", genuine("00uLATE" + i, at), at, ip(10 + i), BROWSER));
            }

            assertThat(anomalies()).isEmpty();
        }
    }

    @Nested
    class JwksOutage {

        @Test
        void threeEventsWhoseOrgCannotBeReadAreAnOutage() {
            for (int i = 0; i < 3; i++) {
                Instant at = T0.plusSeconds(20L * i);
                send(event("down", IdTokenMinter.of(downOrg, CLIENT_ID, at).sign(), at, ip(i), BROWSER));
            }

            List<SecurityAnomaly> anomalies = anomalies();

            assertThat(anomalies).singleElement().satisfies(a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.JWKS_OUTAGE);
                assertThat(a.getKey()).isEqualTo("domain:" + downOrg.domain());
                assertThat(a.getSeverity()).isEqualTo(AnomalySeverity.HIGH);
                assertThat(a.getObserved()).isEqualTo(3.0);
                assertThat(a.getWindowStart()).isEqualTo(windowStart(T0, Duration.ofMinutes(5)));
            });
            assertRedeliveryAndReplayAreStable(anomalies);
        }

        @Test
        void twoFailuresAreNoOutage() {
            for (int i = 0; i < 2; i++) {
                send(event("down", IdTokenMinter.of(downOrg, CLIENT_ID, T0).sign(), T0.plusSeconds(i), ip(i),
                        BROWSER));
            }

            assertThat(anomalies()).isEmpty();
        }
    }
}
