package io.identityaudit.bench;

import com.nimbusds.jose.util.Base64URL;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.bench.BenchTenants.BenchTenant;
import io.identityaudit.bench.BenchTenants.Kind;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.Outcome;
import io.identityaudit.serde.Contracts;
import io.identityaudit.token.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The benchmark's traffic: a realistic mix of widget session events over hundreds of tenants. Sessions of about
 * {@code sessionLength} events share one token; a share of the events (10 % by default) is meant to be rejected,
 * spread evenly over the error codes an event stream meets in steady state. Each event knows the outcome it is meant
 * to get, so the benchmark can check every verdict count afterwards.
 *
 * <p>Two codes are left out: {@link ErrorCode#INTERNAL_ERROR} (only a bug gives it) and
 * {@link ErrorCode#JWKS_FETCH_FAILED} (an org outage: its events wait on the retry topic for minutes by design,
 * which measures the retry policy, not throughput).
 *
 * <p>Tokens are minted up front, in parallel ({@link #plan}), because RSA signing is slow (about 1 ms a token):
 * minting while producing would load the machine during the measurement. The plan then holds one token per
 * session, about 1 KB each. Events are made when they are produced ({@link Cursor#next}), occurring "now", so the
 * same plan serves the pre-produced topics and the paced latency run.
 */
public final class BenchTraffic {

    /** The error codes the traffic provokes. */
    public static final List<ErrorCode> PRODUCED_CODES = Arrays.stream(ErrorCode.values())
            .filter(code -> code != ErrorCode.INTERNAL_ERROR && code != ErrorCode.JWKS_FETCH_FAILED)
            .toList();

    /** Sessions sending at the same time; their events interleave. */
    static final int CONCURRENT_SESSIONS = 16;
    /** How long before its session's first event a user signed in and got the token. */
    private static final Duration SIGNED_IN_BEFORE = Duration.ofSeconds(30);

    private static final List<String> FIRST_NAMES = List.of("Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara",
            "Donald", "Frances", "John", "Margaret", "Dennis", "Radia", "Ken", "Shafi", "Tim", "Hedy");
    private static final List<String> LAST_NAMES = List.of("Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra",
            "Liskov", "Knuth", "Allen", "McCarthy", "Hamilton", "Ritchie", "Perlman", "Thompson", "Goldwasser",
            "Berners-Lee", "Lamarr");
    private static final List<String> USER_AGENTS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36");
    /** Client addresses: the documentation ranges (RFC 5737). Strings only; nothing is contacted. */
    private static final List<String> ADDRESS_PREFIXES = List.of("203.0.113.", "198.51.100.", "192.0.2.");

    /**
     * One event to produce.
     *
     * @param key      the record key: the session id, or a fresh key for an unreadable value
     * @param value    Avro single-object encoding, or garbage for MALFORMED_EVENT
     * @param intended the outcome it is meant to get
     */
    public record BenchEvent(String key, byte[] value, Instant occurredAt, Outcome intended) {
    }

    /** One planned session: whose it is, what it is meant to get, its token (null: none) and its length. */
    record Session(Outcome outcome, BenchTenant tenant, String token, int length, String clientIp,
                   String userAgent) {
    }

    private record User(String id, String name, String email) {
    }

    private final List<Session> sessions;
    private final Map<Outcome, Integer> intended;
    private final int total;
    private final Instant mintedAt;

    private BenchTraffic(List<Session> sessions, Map<Outcome, Integer> intended, int total, Instant mintedAt) {
        this.sessions = sessions;
        this.intended = intended;
        this.total = total;
        this.mintedAt = mintedAt;
    }

    /**
     * What {@code events} events with {@code invalidPercent} % rejections are meant to produce: the rejections
     * (at least one per code when the percentage is not 0) shared evenly among {@link #PRODUCED_CODES}, the rest
     * verified. Ordered as {@link Outcome#all()}.
     */
    public static Map<Outcome, Integer> intendedCounts(int events, int invalidPercent) {
        if (invalidPercent < 0 || invalidPercent > 100) {
            throw new IllegalArgumentException("the invalid share must be 0..100 %, was " + invalidPercent);
        }
        int codes = PRODUCED_CODES.size();
        int rejected = invalidPercent == 0 ? 0
                : (int) Math.max(codes, Math.round(events * (double) invalidPercent / 100));
        if (rejected > events) {
            throw new IllegalArgumentException(events + " events cannot give every one of the " + codes
                    + " error codes an event; use at least " + codes);
        }
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        counts.put(Outcome.VERIFIED, events - rejected);
        for (int i = 0; i < codes && rejected > 0; i++) {
            counts.put(Outcome.rejected(PRODUCED_CODES.get(i)), rejected / codes + (i < rejected % codes ? 1 : 0));
        }
        return Collections.unmodifiableMap(counts);
    }

    /**
     * Plans {@code events} events in sessions and mints their tokens on {@code threads} threads.
     *
     * @param sessionLength mean events per session; lengths are spread evenly from half to one and a half of it
     * @param now           the time the sessions start; their tokens are valid for an hour after it
     * @param progress      how many sessions were planned and how many of their tokens are ready
     */
    public static BenchTraffic plan(BenchTenants tenants, int events, int invalidPercent, int sessionLength,
                                    Instant now, long seed, int threads, Minting progress) {
        if (sessionLength < 1) {
            throw new IllegalArgumentException("sessions have at least one event, was " + sessionLength);
        }
        Map<Outcome, Integer> intended = intendedCounts(events, invalidPercent);
        Random random = new Random(seed);
        int shortest = sessionLength - sessionLength / 2;
        int longest = sessionLength + sessionLength / 2;
        List<Outcome> outcomes = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        intended.forEach((outcome, count) -> {
            for (int left = count; left > 0; ) {
                // An unreadable value has no session: each one stands alone.
                int length = outcome.code() == ErrorCode.MALFORMED_EVENT ? 1
                        : Math.min(left, shortest + random.nextInt(longest - shortest + 1));
                outcomes.add(outcome);
                lengths.add(length);
                left -= length;
            }
        });
        progress.planned.set(outcomes.size());
        List<Integer> order = new ArrayList<>(IntStream.range(0, outcomes.size()).boxed().toList());
        Collections.shuffle(order, random);
        Instant start = now.truncatedTo(ChronoUnit.SECONDS);
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            List<Session> sessions = pool.submit(() -> order.parallelStream()
                    .map(i -> {
                        Session session = session(tenants, outcomes.get(i), lengths.get(i), start,
                                new Random(seed * 1_000_003L + i));
                        progress.minted.incrementAndGet();
                        return session;
                    })
                    .toList()).get();
            return new BenchTraffic(sessions, intended, events, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while minting tokens", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("minting the benchmark's tokens failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Minting progress, read by another thread. */
    public static final class Minting {

        private final AtomicInteger planned = new AtomicInteger();
        private final AtomicInteger minted = new AtomicInteger();

        /** Sessions planned; 0 until the plan is made. */
        public int planned() {
            return planned.get();
        }

        /** Sessions whose token is ready. */
        public int minted() {
            return minted.get();
        }
    }

    public Map<Outcome, Integer> intended() {
        return intended;
    }

    public int total() {
        return total;
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Sessions that carry a token: the RSA signatures the pipeline has to check at least once. */
    public long distinctTokens() {
        return sessions.stream().filter(s -> s.token() != null && !s.token().isEmpty()).count();
    }

    /** When the tokens were minted: they stay valid for about an hour after it. */
    public Instant mintedAt() {
        return mintedAt;
    }

    /**
     * Emits the planned sessions' events, a few sessions interleaved, every session under a fresh session id.
     *
     * @param repeat start the plan over when it is done (for a paced run of any length); otherwise the cursor
     *               ends after {@link #total()} events
     */
    public Cursor cursor(long seed, boolean repeat) {
        return new Cursor(new Random(seed), repeat);
    }

    /** Not thread-safe: one producer thread calls {@link #next}. */
    public final class Cursor {

        private final Random random;
        private final boolean repeat;
        private final List<Running> running = new ArrayList<>();
        private int nextSession;
        private int turn;
        private long emitted;

        private Cursor(Random random, boolean repeat) {
            this.random = random;
            this.repeat = repeat;
        }

        public boolean hasNext() {
            return repeat || emitted < total;
        }

        public long emitted() {
            return emitted;
        }

        /** The next event, occurring at {@code now}. */
        public BenchEvent next(Instant now) {
            if (!hasNext()) {
                throw new IllegalStateException("all " + total + " events were emitted");
            }
            while (running.size() < CONCURRENT_SESSIONS && (repeat || nextSession < sessions.size())) {
                running.add(new Running(sessions.get(nextSession % sessions.size()), uuid()));
                nextSession++;
            }
            int index = turn % running.size();
            Running session = running.get(index);
            BenchEvent event = session.next(now.truncatedTo(ChronoUnit.MILLIS));
            if (session.sent >= session.plan.length()) {
                running.remove(index);
            } else {
                index++;
            }
            turn = index;
            emitted++;
            return event;
        }

        private String uuid() {
            return new UUID(random.nextLong(), random.nextLong()).toString();
        }

        /** A session sending its events under its own id. */
        private final class Running {

            private final Session plan;
            private final String sessionId;
            private int sent;

            Running(Session plan, String id) {
                this.plan = plan;
                this.sessionId = "sess-" + id;
            }

            BenchEvent next(Instant now) {
                sent++;
                if (plan.outcome().code() == ErrorCode.MALFORMED_EVENT) {
                    return unreadable(now);
                }
                WidgetSessionEvent event = event(now, sessionId, plan.token());
                return new BenchEvent(sessionId, Contracts.SESSION_EVENT.encode(event), now, plan.outcome());
            }

            private WidgetSessionEvent event(Instant now, String session, String token) {
                String type = sent == 1 ? "SESSION_STARTED"
                        : sent == plan.length() ? "SESSION_ENDED"
                        : random.nextBoolean() ? "MESSAGE_SENT" : "MESSAGE_RECEIVED";
                return WidgetSessionEvent.newBuilder()
                        .setEventId("evt-" + uuid())
                        .setTenantId(plan.tenant().tenantId())
                        .setSessionId(session)
                        .setEventType(type)
                        .setOccurredAt(now)
                        .setIdToken(token)
                        .setClientIp(plan.clientIp())
                        .setUserAgent(plan.userAgent())
                        .setOrigin(plan.tenant().origin())
                        .build();
            }

            /** What a misconfigured producer might write, about as long as a real event. */
            private BenchEvent unreadable(Instant now) {
                byte[] value = switch (random.nextInt(3)) {
                    case 0 -> {
                        byte[] bytes = new byte[200 + random.nextInt(1_000)];
                        random.nextBytes(bytes);
                        yield bytes;
                    }
                    case 1 -> ("{\"eventId\":\"evt-" + uuid() + "\",\"tenantId\":\"" + plan.tenant().tenantId()
                            + "\",\"sessionId\":\"" + sessionId + "\",\"eventType\":\"SESSION_STARTED\","
                            + "\"occurredAt\":" + now.toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8);
                    default -> {
                        byte[] bytes = Contracts.SESSION_EVENT.encode(event(now, sessionId, null));
                        bytes[2] ^= 0x5a; // the schema fingerprint starts at byte 2, after the marker C3 01
                        yield bytes;
                    }
                };
                return new BenchEvent(sessionId, value, now, plan.outcome());
            }
        }
    }

    // --- how each outcome is provoked ---------------------------------------------------------------------------

    private static Session session(BenchTenants tenants, Outcome outcome, int length, Instant start, Random random) {
        ErrorCode code = outcome.code();
        Kind kind = code == ErrorCode.UNKNOWN_TENANT ? Kind.UNSAVED
                : code == ErrorCode.SSO_DISABLED ? Kind.DISABLED
                : code == ErrorCode.TENANT_CONFIG_INVALID ? Kind.INVALID_DOMAIN
                : Kind.HEALTHY;
        BenchTenant tenant = pick(tenants.ofKind(kind), random);
        User user = user(random);
        String token = code == null ? genuine(tenant, start, user).sign() : switch (code) {
            case MALFORMED_EVENT -> null;
            case MISSING_TOKEN -> random.nextBoolean() ? null : "";
            case MALFORMED_TOKEN -> switch (random.nextInt(3)) {
                case 0 -> "undefined";
                case 1 -> "Bearer " + genuine(tenant, start, user).sign();
                default -> withoutSignature(genuine(tenant, start, user).sign());
            };
            case UNKNOWN_TENANT, SSO_DISABLED, TENANT_CONFIG_INVALID -> genuine(tenant, start, user).sign();
            case UNSUPPORTED_ALGORITHM -> unsigned(genuine(tenant, start, user).sign());
            case UNKNOWN_SIGNING_KEY -> genuine(tenant, start, user)
                    .signedWith(tenants.unpublishedKey(tenant.org())).sign();
            case INVALID_SIGNATURE -> random.nextBoolean()
                    ? genuine(tenant, start, user).signedWith(tenants.unpublishedKey(tenant.org()))
                            .keyId(tenant.org().signingKey().getKeyID()).sign()
                    : otherUserSwappedIn(tenant, start, user, user(random));
            case INVALID_ISSUER -> genuine(tenant, start, user)
                    .claim("iss", tenant.org().issuer() + "/oauth2/default").sign();
            case INVALID_AUDIENCE -> genuine(tenant, start, user).claim("aud", otherClientId(tenants, tenant, random))
                    .sign();
            case MISSING_SUBJECT -> genuine(tenant, start, user).without("sub").sign();
            case TOKEN_EXPIRED -> genuine(tenant, start.minus(Duration.ofHours(9)), user).sign();
            case TOKEN_NOT_YET_VALID -> genuine(tenant, start.plus(Duration.ofHours(1)), user).sign();
            case JWKS_FETCH_FAILED, INTERNAL_ERROR ->
                    throw new IllegalArgumentException("the benchmark does not provoke " + code);
        };
        return new Session(outcome, tenant, token, length, pick(ADDRESS_PREFIXES, random) + (1 + random.nextInt(254)),
                pick(USER_AGENTS, random));
    }

    /** A genuine ID token of the tenant's org for the tenant's app, as if the user signed in just before. */
    private static IdTokenMinter genuine(BenchTenant tenant, Instant sessionStart, User user) {
        return IdTokenMinter.forUser(tenant.org(), tenant.clientId(), sessionStart.minus(SIGNED_IN_BEFORE),
                user.id(), user.name(), user.email());
    }

    private static User user(Random random) {
        StringBuilder id = new StringBuilder("00u");
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 17; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String first = pick(FIRST_NAMES, random);
        String last = pick(LAST_NAMES, random);
        String email = (first + "." + last + random.nextInt(1_000)).toLowerCase(Locale.ROOT)
                + "@example.com";
        return new User(id.toString(), first + " " + last, email);
    }

    private static String otherClientId(BenchTenants tenants, BenchTenant tenant, Random random) {
        List<BenchTenant> healthy = tenants.healthy();
        BenchTenant other = pick(healthy, random);
        return other.clientId().equals(tenant.clientId()) ? "0oa" + "f".repeat(17) : other.clientId();
    }

    private static String withoutSignature(String token) {
        return token.substring(0, token.lastIndexOf('.'));
    }

    private static String unsigned(String genuineToken) {
        return Base64URL.encode("{\"alg\":\"none\"}") + "." + genuineToken.split("\\.")[1] + ".";
    }

    /** A genuine token whose payload was swapped for another user's; the signature is the original one. */
    private static String otherUserSwappedIn(BenchTenant tenant, Instant start, User user, User other) {
        String[] genuine = genuine(tenant, start, user).sign().split("\\.");
        String[] swapped = genuine(tenant, start, other).sign().split("\\.");
        return genuine[0] + "." + swapped[1] + "." + genuine[2];
    }

    private static <T> T pick(List<T> choices, Random random) {
        return choices.get(random.nextInt(choices.size()));
    }
}
