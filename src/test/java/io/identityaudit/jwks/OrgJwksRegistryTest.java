package io.identityaudit.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.testing.FixedHttpsServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failing identity provider ends every lookup in bounded time, as JWKS_FETCH_FAILED or from still-valid cached
 * keys, and a dead org costs one request per interval, not one per event.
 */
class OrgJwksRegistryTest {

    static final String KEYS = "/oauth2/v1/keys";
    static final JwksSettings FAST = new JwksSettings(Duration.ofMillis(500), Duration.ofMillis(500), 64 * 1024,
            Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofHours(1));
    /** nimbus tries twice; each try may take the connect plus the read timeout. */
    static final Duration FETCH_BOUND = FAST.connectTimeout().plus(FAST.readTimeout()).multipliedBy(2)
            .plusMillis(500);

    static LoopbackTls tls;
    static SimulatedOktaOrg org;

    @BeforeAll
    static void start() {
        tls = LoopbackTls.create();
        org = SimulatedOktaOrg.start(tls);
    }

    @AfterAll
    static void stop() {
        org.close();
    }

    OrgJwksRegistry registry(JwksSettings settings) {
        return new OrgJwksRegistry(settings, tls.clientContext().getSocketFactory(), Clock.systemUTC());
    }

    static TenantPolicy tenantOn(String domain) {
        return new TenantPolicy("t", "client", domain, true);
    }

    static KeyLookup timed(Callable<KeyLookup> lookup, Duration bound) throws Exception {
        long started = System.nanoTime();
        KeyLookup result = lookup.call();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("lookup time").isLessThan(bound);
        return result;
    }

    KeyLookup lookUpAgainst(FixedHttpsServer server) throws Exception {
        try (OrgJwksRegistry registry = registry(FAST)) {
            return timed(() -> registry.find(tenantOn(server.domain()), "kid-1", JWSAlgorithm.RS256), FETCH_BOUND);
        }
    }

    @Test
    void serverErrorIsAFetchFailure() throws Exception {
        try (FixedHttpsServer server = new FixedHttpsServer(tls).respond(KEYS, 500, "{}")) {
            assertThat(lookUpAgainst(server)).isInstanceOf(KeyLookup.FetchFailed.class);
        }
    }

    @Test
    void garbageBodyIsAFetchFailure() throws Exception {
        try (FixedHttpsServer server = new FixedHttpsServer(tls).json(KEYS, "<html>maintenance</html>")) {
            assertThat(lookUpAgainst(server)).isInstanceOf(KeyLookup.FetchFailed.class);
        }
    }

    @Test
    void emptyKeySetHasNoKeyForTheKid() throws Exception {
        try (FixedHttpsServer server = new FixedHttpsServer(tls).json(KEYS, "{\"keys\":[]}")) {
            assertThat(lookUpAgainst(server)).isInstanceOf(KeyLookup.UnknownKeyId.class);
        }
    }

    @Test
    void oversizedBodyIsAFetchFailure() throws Exception {
        String huge = "{\"keys\":[],\"padding\":\"" + "x".repeat(FAST.sizeLimitBytes() * 2) + "\"}";
        try (FixedHttpsServer server = new FixedHttpsServer(tls).json(KEYS, huge)) {
            assertThat(lookUpAgainst(server)).isInstanceOf(KeyLookup.FetchFailed.class);
        }
    }

    @Test
    void redirectToAnotherHostIsNotFollowed() throws Exception {
        try (FixedHttpsServer elsewhere = new FixedHttpsServer(tls).json(KEYS, keySetOf(org.signingKey()));
             FixedHttpsServer server = new FixedHttpsServer(tls).redirect(KEYS, elsewhere.origin() + KEYS)) {
            assertThat(lookUpAgainst(server)).isInstanceOf(KeyLookup.FetchFailed.class);
            assertThat(elsewhere.requests()).isZero();
        }
    }

    @Test
    void hangingServerCostsTheCallerAtMostTheStreamThreadWait() throws Exception {
        try (FixedHttpsServer server = new FixedHttpsServer(tls).hang(KEYS);
             OrgJwksRegistry registry = registry(FAST)) {
            TenantPolicy tenant = tenantOn(server.domain());

            KeyLookup first = timed(() -> registry.find(tenant, "kid-1", JWSAlgorithm.RS256),
                    registry.streamThreadWait().plusMillis(400));

            assertThat(first).isInstanceOf(KeyLookup.FetchFailed.class);
            // The fetch thread gives up within the timeouts; from then on the org is left alone for a while.
            await().atMost(FETCH_BOUND).untilAsserted(() ->
                    assertThat(((KeyLookup.FetchFailed) registry.find(tenant, "kid-1", JWSAlgorithm.RS256)).detail())
                            .contains("its last fetch failed"));
        }
    }

    @Test
    void deadOrgCostsOneFetchPerIntervalNotOnePerEvent() throws Exception {
        try (FixedHttpsServer server = new FixedHttpsServer(tls).hang(KEYS);
             OrgJwksRegistry registry = registry(FAST)) {
            TenantPolicy tenant = tenantOn(server.domain());
            timed(() -> registry.find(tenant, "kid-1", JWSAlgorithm.RS256), FETCH_BOUND);
            int requestsAfterFirst = server.requests();

            for (int i = 0; i < 200; i++) {
                String kid = "kid-" + i;
                assertThat(timed(() -> registry.find(tenant, kid, JWSAlgorithm.RS256), Duration.ofMillis(50)))
                        .isInstanceOf(KeyLookup.FetchFailed.class);
            }

            assertThat(server.requests()).isEqualTo(requestsAfterFirst).isBetween(1, 2);
        }
    }

    @Test
    void onceAnOrgHasFailedTheNextFetchIsAProbeNobodyWaitsFor() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (FixedHttpsServer server = new FixedHttpsServer(tls).hang(KEYS);
             OrgJwksRegistry registry = new OrgJwksRegistry(FAST, tls.clientContext().getSocketFactory(), clock)) {
            TenantPolicy tenant = tenantOn(server.domain());
            registry.find(tenant, "kid-1", JWSAlgorithm.RS256);
            await().atMost(FETCH_BOUND).until(() -> ((KeyLookup.FetchFailed) registry.find(tenant, "kid-1",
                    JWSAlgorithm.RS256)).detail().contains("its last fetch failed"));
            int requestsBefore = server.requests();

            now.set(now.get().plus(FAST.rateLimit()));
            KeyLookup probe = timed(() -> registry.find(tenant, "kid-1", JWSAlgorithm.RS256), Duration.ofMillis(100));

            assertThat(probe).isInstanceOf(KeyLookup.FetchFailed.class);
            assertThat(((KeyLookup.FetchFailed) probe).detail()).contains("checks whether it is back");
            await().atMost(FETCH_BOUND).until(() -> server.requests() > requestsBefore);
        }
    }

    @Test
    void keySetFetchedAheadAnswersTheFirstLookupWithoutAnotherRequest() throws Exception {
        try (SimulatedOktaOrg fresh = SimulatedOktaOrg.start(tls);
             OrgJwksRegistry registry = registry(FAST)) {
            TenantPolicy tenant = tenantOn(fresh.domain());
            registry.fetchAhead(tenant);
            await().atMost(FETCH_BOUND).until(() -> fresh.keysRequests() == 1);

            KeyLookup lookup = registry.find(tenant, fresh.signingKey().getKeyID(), JWSAlgorithm.RS256);
            registry.fetchAhead(tenant);

            assertThat(lookup).isInstanceOf(KeyLookup.Found.class);
            assertThat(fresh.keysRequests()).as("one request: fetched ahead, then served from it").isEqualTo(1);
        }
    }

    @Test
    void aLookupJoinsTheFetchAheadOfAHangingOrgInsteadOfStartingAnother() throws Exception {
        try (FixedHttpsServer server = new FixedHttpsServer(tls).hang(KEYS);
             OrgJwksRegistry registry = registry(FAST)) {
            TenantPolicy tenant = tenantOn(server.domain());
            registry.fetchAhead(tenant);
            await().atMost(FETCH_BOUND).until(() -> server.requests() == 1);

            KeyLookup lookup = timed(() -> registry.find(tenant, "kid-1", JWSAlgorithm.RS256),
                    registry.streamThreadWait().plusMillis(400));

            assertThat(lookup).isInstanceOf(KeyLookup.FetchFailed.class);
            assertThat(server.requests()).as("the lookup joined the fetch ahead").isEqualTo(1);
        }
    }

    @Test
    void fetchesAheadAreBoundedSoThousandsOfTenantsDoNotOpenThousandsOfConnections() throws Exception {
        List<FixedHttpsServer> orgs = new ArrayList<>();
        try (OrgJwksRegistry registry = registry(FAST)) {
            for (int i = 0; i < OrgJwksRegistry.MAX_FETCHES_AHEAD + 4; i++) {
                FixedHttpsServer hanging = new FixedHttpsServer(tls).hang(KEYS);
                orgs.add(hanging);
                registry.fetchAhead(tenantOn(hanging.domain()));
            }
            await().atMost(FETCH_BOUND).until(() -> orgs.stream().mapToInt(FixedHttpsServer::requests).sum()
                    >= OrgJwksRegistry.MAX_FETCHES_AHEAD);

            assertThat(orgs.stream().filter(o -> o.requests() > 0).count())
                    .as("orgs asked ahead at once").isEqualTo(OrgJwksRegistry.MAX_FETCHES_AHEAD);
        } finally {
            orgs.forEach(FixedHttpsServer::close);
        }
    }

    @Test
    void otherThreadsDoNotQueueBehindAHangingFetch() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (FixedHttpsServer server = new FixedHttpsServer(tls).hang(KEYS);
             OrgJwksRegistry registry = registry(FAST)) {
            TenantPolicy tenant = tenantOn(server.domain());
            List<Future<KeyLookup>> lookups = threads.invokeAll(List.of(
                    () -> timed(() -> registry.find(tenant, "a", JWSAlgorithm.RS256), FETCH_BOUND),
                    () -> timed(() -> registry.find(tenant, "b", JWSAlgorithm.RS256), FETCH_BOUND),
                    () -> timed(() -> registry.find(tenant, "c", JWSAlgorithm.RS256), FETCH_BOUND),
                    () -> timed(() -> registry.find(tenant, "d", JWSAlgorithm.RS256), FETCH_BOUND)));
            for (Future<KeyLookup> lookup : lookups) {
                assertThat(lookup.get()).isInstanceOf(KeyLookup.FetchFailed.class);
            }
            assertThat(server.requests()).as("one thread fetched, the others did not pile on").isBetween(1, 2);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void cachedKeysKeepVerifyingWhileTheOrgIsDown() throws Exception {
        try (SimulatedOktaOrg flaky = SimulatedOktaOrg.start(tls); OrgJwksRegistry registry = registry(FAST)) {
            TenantPolicy tenant = tenantOn(flaky.domain());
            String kid = flaky.signingKey().getKeyID();
            assertThat(registry.find(tenant, kid, JWSAlgorithm.RS256)).isInstanceOf(KeyLookup.Found.class);

            flaky.failWith(503);

            assertThat(registry.find(tenant, kid, JWSAlgorithm.RS256)).isInstanceOf(KeyLookup.Found.class);
            assertThat(registry.find(tenant, "unknown", JWSAlgorithm.RS256))
                    .isNotInstanceOf(KeyLookup.Found.class);
            assertThat(registry.find(tenant, kid, JWSAlgorithm.RS256)).isInstanceOf(KeyLookup.Found.class);
        }
    }

    @Test
    void removedKeyStopsVerifyingOnceTheKeySetIsRefetched() throws Exception {
        JwksSettings shortCache = new JwksSettings(FAST.connectTimeout(), FAST.readTimeout(), FAST.sizeLimitBytes(),
                Duration.ofMillis(300), FAST.refreshTimeout(), Duration.ofMillis(100), FAST.outageTolerance());
        try (SimulatedOktaOrg rotating = SimulatedOktaOrg.start(tls); OrgJwksRegistry registry = registry(shortCache)) {
            TenantPolicy tenant = tenantOn(rotating.domain());
            RSAKey retired = rotating.signingKey();
            RSAKey next = rotating.newSigningKey();
            rotating.publish(next);
            assertThat(registry.find(tenant, retired.getKeyID(), JWSAlgorithm.RS256))
                    .isInstanceOf(KeyLookup.Found.class);

            rotating.unpublish(retired);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(registry.find(tenant, retired.getKeyID(), JWSAlgorithm.RS256))
                            .isInstanceOf(KeyLookup.UnknownKeyId.class));
            assertThat(registry.find(tenant, next.getKeyID(), JWSAlgorithm.RS256)).isInstanceOf(KeyLookup.Found.class);
        }
    }

    @Test
    void onceAnUnknownKidWasLookedForAtTheOrgFurtherOnesAreRefusedAtOnceUntilTheOrgPublishesAnotherKey()
            throws Exception {
        JwksSettings quickRefresh = new JwksSettings(FAST.connectTimeout(), FAST.readTimeout(), FAST.sizeLimitBytes(),
                Duration.ofMinutes(5), FAST.refreshTimeout(), Duration.ofMillis(100), FAST.outageTolerance());
        try (SimulatedOktaOrg org = SimulatedOktaOrg.start(tls); OrgJwksRegistry registry = registry(quickRefresh)) {
            TenantPolicy tenant = tenantOn(org.domain());
            assertThat(registry.find(tenant, org.signingKey().getKeyID(), JWSAlgorithm.RS256))
                    .isInstanceOf(KeyLookup.Found.class);

            KeyLookup firstUnknown = registry.find(tenant, "made-up-1", JWSAlgorithm.RS256);
            KeyLookup laterUnknown = registry.find(tenant, "made-up-2", JWSAlgorithm.RS256);

            assertThat(firstUnknown).isInstanceOfSatisfying(KeyLookup.UnknownKeyId.class,
                    unknown -> assertThat(unknown.detail()).doesNotContain("background"));
            assertThat(laterUnknown).isInstanceOfSatisfying(KeyLookup.UnknownKeyId.class,
                    unknown -> assertThat(unknown.detail()).contains("asked again in the background"));

            RSAKey next = org.newSigningKey();
            org.publish(next);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(registry.find(tenant, next.getKeyID(), JWSAlgorithm.RS256))
                            .isInstanceOf(KeyLookup.Found.class));
            assertThat(registry.find(tenant, "made-up-3", JWSAlgorithm.RS256))
                    .as("a read brought a new key, so the next unknown kid is looked for at the org again")
                    .isInstanceOfSatisfying(KeyLookup.UnknownKeyId.class,
                            unknown -> assertThat(unknown.detail()).doesNotContain("background"));
        }
    }

    @Test
    void floodOfRandomKidsCausesAtMostOneRefreshPerWindow() throws Exception {
        try (SimulatedOktaOrg target = SimulatedOktaOrg.start(tls); OrgJwksRegistry registry = registry(FAST)) {
            TenantPolicy tenant = tenantOn(target.domain());
            assertThat(registry.find(tenant, target.signingKey().getKeyID(), JWSAlgorithm.RS256))
                    .isInstanceOf(KeyLookup.Found.class);

            for (int i = 0; i < 500; i++) {
                assertThat(registry.find(tenant, "random-" + i, JWSAlgorithm.RS256))
                        .isInstanceOf(KeyLookup.UnknownKeyId.class);
            }

            assertThat(target.keysRequests()).as("the first read and at most one rate-limited refresh")
                    .isBetween(1, 2);
        }
    }

    private static String keySetOf(RSAKey key) {
        return new JWKSet(key.toPublicJWK()).toString();
    }
}
