package io.identityaudit.jwks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.TenantPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One nimbus JWK source per Okta domain, shared by every tenant on that domain and by every stream thread.
 * Caching, refresh on an unknown kid with a rate limit, one retry and outage tolerance are nimbus's
 * {@link JWKSourceBuilder}; this class only decides what its answers mean for a verdict.
 */
public final class OrgJwksRegistry implements SigningKeys, Closeable {

    private static final Logger log = LoggerFactory.getLogger(OrgJwksRegistry.class);

    private final JwksSettings settings;
    private final SSLSocketFactory sslSocketFactory;
    private final Clock clock;
    private final JwksListener listener;
    private final Map<String, OrgKeySource> sourcesByDomain = new ConcurrentHashMap<>();
    /** Fetch threads: one at most per org being fetched, so a hanging org never holds up another's fetch. */
    private final ExecutorService fetchers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "identity-audit-jwks-fetch");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * The longest a stream thread waits for a key set fetch: enough for a healthy org's first fetch even on a
     * busy machine, short enough that a hanging org costs the other tenants at most this once per rate-limit
     * interval. Never more than the connect timeout.
     */
    public static final Duration MAX_STREAM_THREAD_WAIT = Duration.ofSeconds(1);

    /**
     * How many key sets may be fetched ahead at once: enough to have every org of a typical deployment ready
     * before its first event, few enough that thousands of tenants loaded at start-up do not open thousands of
     * connections. Orgs beyond it are fetched on their first event.
     */
    static final int MAX_FETCHES_AHEAD = 16;

    private final AtomicInteger fetchesAhead = new AtomicInteger();

    /**
     * @param sslSocketFactory TLS for the JWKS requests; {@code null} uses the JVM's default trust settings, which
     *                         is what production wants (add a CA with the usual {@code javax.net.ssl.trustStore})
     */
    public OrgJwksRegistry(JwksSettings settings, SSLSocketFactory sslSocketFactory, Clock clock,
                           JwksListener listener) {
        this.settings = settings;
        this.sslSocketFactory = sslSocketFactory;
        this.clock = clock;
        this.listener = listener;
    }

    public OrgJwksRegistry(JwksSettings settings, SSLSocketFactory sslSocketFactory, Clock clock) {
        this(settings, sslSocketFactory, clock, JwksListener.NONE);
    }



    @Override
    public KeyLookup find(TenantPolicy tenant, String keyId, JWSAlgorithm algorithm) {
        OrgKeySource source = sourcesByDomain.get(tenant.domain());
        if (source == null) {
            // Not computeIfAbsent on every call: its lambda captures the tenant, one allocation per event.
            source = sourcesByDomain.computeIfAbsent(tenant.domain(), domain -> newSource(tenant));
        }
        return source.find(keyId, algorithm);
    }

    /**
     * Starts reading the tenant's key set on a fetch thread, unless it was read recently, is being read, or its
     * org failed within the rate-limit interval. Called when a tenant is configured, so that the key set is there
     * before the tenant's first event and a stream thread does not wait for it; an org that hangs then hangs on
     * a fetch thread while the stream threads are still starting.
     */
    public void fetchAhead(TenantPolicy tenant) {
        if (fetchesAhead.incrementAndGet() > MAX_FETCHES_AHEAD) {
            fetchesAhead.decrementAndGet();
            return;
        }
        try {
            OrgKeySource source = sourcesByDomain.computeIfAbsent(tenant.domain(), domain -> newSource(tenant));
            source.fetchAhead().whenComplete((result, error) -> fetchesAhead.decrementAndGet());
        } catch (RuntimeException e) {
            fetchesAhead.decrementAndGet();
            throw e;
        }
    }

    private OrgKeySource newSource(TenantPolicy tenant) {
        NoRedirectResourceRetriever retriever = new NoRedirectResourceRetriever(
                millis(settings.connectTimeout()), millis(settings.readTimeout()), settings.sizeLimitBytes(),
                sslSocketFactory, tenant.domain(), listener);
        OrgKeySource source = new OrgKeySource(tenant.domain());
        try {
            source.jwkSource = JWKSourceBuilder.<SecurityContext>create(tenant.jwksUri().toURL(), retriever)
                    .cache(settings.cacheTimeToLive().toMillis(), settings.refreshTimeout().toMillis(),
                            source::onCacheEvent)
                    .refreshAheadCache(refreshesAhead())
                    .rateLimited(settings.rateLimit().toMillis())
                    .retrying(true)
                    .outageTolerant(settings.outageTolerance().toMillis())
                    .build();
        } catch (MalformedURLException e) {
            // TenantPolicy only holds domains that passed DomainPolicy, which are valid URL authorities.
            throw new IllegalStateException("domain passed the policy but is not a URL authority", e);
        }
        return source;
    }

    /** How long a stream thread waits for a fetch of an org's key set. */
    public Duration streamThreadWait() {
        return settings.connectTimeout().compareTo(MAX_STREAM_THREAD_WAIT) < 0
                ? settings.connectTimeout() : MAX_STREAM_THREAD_WAIT;
    }

    /** nimbus refreshes ahead of expiry when the cache lives long enough for it; short test caches do not. */
    private boolean refreshesAhead() {
        Duration ahead = Duration.ofMillis(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME);
        return settings.cacheTimeToLive().compareTo(ahead.plus(settings.refreshTimeout())) >= 0;
    }

    private static int millis(Duration duration) {
        return Math.toIntExact(duration.toMillis());
    }

    @Override
    public void close() {
        fetchers.shutdownNow();
        sourcesByDomain.values().forEach(OrgKeySource::close);
        sourcesByDomain.clear();
    }

    /** A key found in one key set: valid as an answer while that key set is the fresh one. */
    private record FoundIn(JWKSet keySet, KeyLookup.Found found) {
    }

    /** More than any org publishes (Okta publishes two or three keys), with room for every algorithm. */
    private static final int MAX_REMEMBERED_KEYS = 256;

    /** A fetch of one org's key set running on a fetch thread, and until when callers wait for it. */
    private record Fetch(CompletableFuture<KeyLookup> result, long deadlineNanos, JWKSelector startedFor) {
    }

    /**
     * One domain's key source, plus what it needs to keep a failing org from stalling the stream threads: the
     * network is only ever used on a fetch thread, one fetch per org at a time, and a caller waits for it at most
     * {@link #streamThreadWait()}; after a failed fetch nobody asks the org again for the rate-limit interval, so
     * a dead or hanging org costs other tenants nothing and costs its own events a retry, not a stall.
     */
    private final class OrgKeySource implements Closeable {

        private final String domain;
        private Fetch inFlight;
        private JWKSource<SecurityContext> jwkSource;
        private volatile Instant lastKeySetRead = Instant.MIN;
        private volatile JWKSet lastKeySet = new JWKSet();
        private volatile Instant quietUntil = Instant.MIN;
        private volatile String whyQuiet = "";
        /** Whether the last fetch failed: the next one is a probe nobody waits for. */
        private volatile boolean lastFetchFailed;
        /**
         * Set when a kid the fresh key set lacked was still unknown after the org was asked (or could not be asked
         * yet, rate-limited); cleared when a read brings other keys.
         */
        private volatile boolean unknownKidsAnsweredAtOnce;
        /** By algorithm and kid: the key found in {@code lastKeySet} when it was the fresh key set. */
        private final Map<String, FoundIn> foundIn = new ConcurrentHashMap<>();

        OrgKeySource(String domain) {
            this.domain = domain;
        }

        void onCacheEvent(Object event) {
            if (event instanceof CachingJWKSetSource.RefreshCompletedEvent<?> completed) {
                if (!completed.getJWKSet().getKeys().equals(lastKeySet.getKeys())) {
                    // New keys: the next unknown kid may be one of them being used, and is worth a wait.
                    unknownKidsAnsweredAtOnce = false;
                }
                lastKeySet = completed.getJWKSet();
                lastKeySetRead = clock.instant();
                listener.onKeySetRead(domain, completed.getJWKSet().size());
                log.debug("JWKS of {} read: {} keys", domain, completed.getJWKSet().size());
            }
        }

        KeyLookup find(String keyId, JWSAlgorithm algorithm) {
            KeyLookup.Found remembered = rememberedInFreshKeySet(keyId, algorithm);
            if (remembered != null) {
                listener.onLookup(domain, remembered, true);
                return remembered;
            }
            JWKSelector selector = selector(keyId, algorithm);
            JWKSet keySet = lastKeySet;
            KeyLookup cached = fromFreshKeySet(selector, keySet);
            if (cached instanceof KeyLookup.Found found) {
                remember(keyId, algorithm, keySet, found);
            }
            if (cached != null) {
                listener.onLookup(domain, cached, true);
                return cached;
            }
            boolean fresh = isFresh();
            if (fresh && unknownKidsAnsweredAtOnce) {
                KeyLookup unknown = unknownWhileRefreshingInBackground(selector, algorithm);
                listener.onLookup(domain, unknown, false);
                return unknown;
            }
            KeyLookup result = clock.instant().isBefore(quietUntil)
                    ? fromLastKeySet(selector, whyQuiet)
                    : throughTheFetcher(selector, algorithm);
            if (fresh && result instanceof KeyLookup.UnknownKeyId) {
                unknownKidsAnsweredAtOnce = true;
            }
            listener.onLookup(domain, result, false);
            return result;
        }

        private boolean isFresh() {
            return lastKeySetRead.isAfter(clock.instant().minus(settings.cacheTimeToLive()));
        }

        /**
         * A kid the fresh key set lacks, after an earlier unknown kid already had the org asked and the answer did
         * not have it either: refused at once while the org is asked again on a fetch thread (still at most once per
         * rate-limit interval), instead of the stream thread waiting for the org once per interval. Okta publishes
         * a new key weeks before it signs with it, so the key set read within the cache period has every key in
         * use; a flood of made-up kids must not stall every tenant's events on the partition.
         */
        private KeyLookup unknownWhileRefreshingInBackground(JWKSelector selector, JWSAlgorithm algorithm) {
            if (!clock.instant().isBefore(quietUntil)) {
                runningOrNewFetch(selector, algorithm);
            }
            return new KeyLookup.UnknownKeyId("the key set of " + domain + " read within the last "
                    + settings.cacheTimeToLive().toMinutes() + " min has no " + algorithm
                    + " signing key with that kid (asked again in the background)");
        }

        /**
         * The key found for this kid and algorithm in the key set that is still the fresh one: what every event of
         * the org asks, answered without building a nimbus selector and matching the whole key set again.
         */
        private KeyLookup.Found rememberedInFreshKeySet(String keyId, JWSAlgorithm algorithm) {
            FoundIn memo = foundIn.get(memoKey(keyId, algorithm));
            if (memo == null || memo.keySet() != lastKeySet || !isFresh()) {
                return null;
            }
            return memo.found();
        }

        /** Only keys the org publishes are remembered, so tokens with made-up kids cannot fill the memory. */
        private void remember(String keyId, JWSAlgorithm algorithm, JWKSet keySet, KeyLookup.Found found) {
            if (foundIn.size() < MAX_REMEMBERED_KEYS) {
                foundIn.put(memoKey(keyId, algorithm), new FoundIn(keySet, found));
            }
        }

        private static String memoKey(String keyId, JWSAlgorithm algorithm) {
            return algorithm.getName() + ' ' + keyId;
        }

        /** The key, when the key set read within the cache lifetime has it: no network, no nimbus. */
        private KeyLookup fromFreshKeySet(JWKSelector selector) {
            return fromFreshKeySet(selector, lastKeySet);
        }

        private KeyLookup fromFreshKeySet(JWKSelector selector, JWKSet keySet) {
            if (!isFresh()) {
                return null;
            }
            List<JWK> keys = selector.select(keySet);
            return keys.isEmpty() ? null : new KeyLookup.Found(keys.get(0));
        }

        /** Starts a fetch nobody waits for yet, when the key set is not fresh and no fetch is running or due later. */
        CompletableFuture<KeyLookup> fetchAhead() {
            if (isFresh() || clock.instant().isBefore(quietUntil)) {
                return CompletableFuture.completedFuture(null);
            }
            // A selector any key matches: nimbus reads the whole key set, and a key found means it does not
            // refresh again at once as it would for a kid it cannot find.
            return runningOrNewFetch(new JWKSelector(new JWKMatcher.Builder().build()), JWSAlgorithm.RS256).result();
        }

        /** The fetch of this org that is running, or a new one for {@code selector} when none is: one at a time. */
        private synchronized Fetch runningOrNewFetch(JWKSelector selector, JWSAlgorithm algorithm) {
            if (inFlight == null || inFlight.result().isDone()) {
                long wait = lastFetchFailed ? 0 : streamThreadWait().toNanos();
                inFlight = new Fetch(CompletableFuture.supplyAsync(() -> fetch(selector, algorithm), fetchers),
                        System.nanoTime() + wait, selector);
            }
            return inFlight;
        }

        /**
         * Asks the org through nimbus on a fetch thread, never on the caller's: the caller waits for the fetch at
         * most {@link #streamThreadWait()} from the fetch's start, then answers from what it has. One fetch per
         * org is in flight at a time; other callers join it instead of starting their own. After a failed fetch the
         * next one only probes whether the org is back: callers do not wait for it (their events are retried
         * later), so an org that stays down costs the stream threads a wait once, not once per rate-limit interval.
         */
        private KeyLookup throughTheFetcher(JWKSelector selector, JWSAlgorithm algorithm) {
            Fetch fetch = runningOrNewFetch(selector, algorithm);
            boolean started = fetch.startedFor() == selector;
            KeyLookup result;
            try {
                result = fetch.result().get(Math.max(0, fetch.deadlineNanos() - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return fromLastKeySet(selector, lastFetchFailed
                        ? "its last fetch failed and the fetch that checks whether it is back is still running"
                        : "a fetch has been running for more than " + streamThreadWait().toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fromLastKeySet(selector, "interrupted while waiting for a fetch");
            } catch (ExecutionException e) {
                return new KeyLookup.FetchFailed("could not read " + domain + "/oauth2/v1/keys: " + describe(e));
            }
            if (started || result instanceof KeyLookup.FetchFailed) {
                return result;
            }
            // Another caller's fetch, for another kid: it refreshed the key set this caller needs too.
            KeyLookup fresh = fromFreshKeySet(selector);
            return fresh != null ? fresh : new KeyLookup.UnknownKeyId("the key set of " + domain
                    + " read just now has no " + algorithm + " signing key with that kid");
        }

        private KeyLookup fetch(JWKSelector selector, JWSAlgorithm algorithm) {
            KeyLookup result = lookUp(selector, algorithm);
            lastFetchFailed = result instanceof KeyLookup.FetchFailed;
            if (lastFetchFailed) {
                Instant nextTry = clock.instant().plus(settings.rateLimit());
                // Built once per failure, not once per event of the org while it is down.
                whyQuiet = "its last fetch failed; the next try is after " + nextTry;
                quietUntil = nextTry;
            }
            return result;
        }

        /** Answers without the network, from the last key set read while it is still usable. */
        private KeyLookup fromLastKeySet(JWKSelector selector, String whyNoFetch) {
            if (hasUsableKeySet()) {
                List<JWK> keys = selector.select(lastKeySet);
                if (!keys.isEmpty()) {
                    return new KeyLookup.Found(keys.get(0));
                }
            }
            return new KeyLookup.FetchFailed("the key set of " + domain + " is not available: " + whyNoFetch);
        }

        private static JWKSelector selector(String keyId, JWSAlgorithm algorithm) {
            return new JWKSelector(new JWKMatcher.Builder()
                    .keyID(keyId)
                    .keyType(KeyType.forAlgorithm(algorithm))
                    .keyUses(KeyUse.SIGNATURE, null)
                    .algorithms(algorithm, null)
                    .build());
        }

        private KeyLookup lookUp(JWKSelector selector, JWSAlgorithm algorithm) {
            try {
                List<JWK> keys = jwkSource.get(selector, null);
                if (keys.isEmpty()) {
                    return new KeyLookup.UnknownKeyId(
                            "the key set of " + domain + " has no " + algorithm + " signing key with that kid");
                }
                return new KeyLookup.Found(keys.get(0));
            } catch (RateLimitReachedException e) {
                // nimbus refuses a second refresh within the rate-limit window. With a key set read recently
                // that means the kid is simply not published; with none, the org has not answered at all.
                return hasUsableKeySet()
                        ? new KeyLookup.UnknownKeyId("the key set of " + domain
                                + " has no such kid and was refreshed less than " + settings.rateLimit().toSeconds() + " s ago")
                        : new KeyLookup.FetchFailed("the key set of " + domain
                                + " could not be read recently and refreshes are rate-limited");
            } catch (KeySourceException e) {
                return new KeyLookup.FetchFailed("could not read " + domain + "/oauth2/v1/keys: " + describe(e));
            }
        }

        private boolean hasUsableKeySet() {
            Duration keySetLifetime = settings.cacheTimeToLive().plus(settings.outageTolerance());
            return lastKeySetRead.isAfter(clock.instant().minus(keySetLifetime));
        }

        @Override
        public void close() {
            if (jwkSource instanceof Closeable closeable) {
                try {
                    closeable.close();
                } catch (IOException e) {
                    log.debug("closing the JWKS source of {} failed", domain, e);
                }
            }
        }
    }

    /** The root cause in a few words: class and message, which for these exceptions never hold token data. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        String text = root.getClass().getSimpleName() + message;
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
