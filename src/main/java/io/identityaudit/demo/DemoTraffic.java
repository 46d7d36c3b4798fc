package io.identityaudit.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.demo.DemoTenants.DemoTenant;
import io.identityaudit.serde.Contracts;
import io.identityaudit.token.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.UUID;

/**
 * The demo's traffic: widget session events as a session service would produce them, most carrying genuine ID
 * tokens, the rest spread over every error code the pipeline can give. Each event knows the outcome it is meant
 * to get, so the demo can check the pipeline's verdicts against it.
 *
 * <p>The mix is planned up front ({@link #intendedCounts(int)}): {@value #REJECTED_PERCENT} % rejections, shared
 * evenly among the codes, the rest verified. Events come in sessions of several events that share one token and
 * one client, and a few sessions run interleaved. Tokens are minted when their session starts and every event
 * occurs "now" by the given clock, so the traffic stays valid at any rate.
 *
 * <p>With {@code injectAttack}, {@value #ATTACK_EVENTS} of the events are an attack on tenant
 * {@value DemoTenants#STARK}, sent in one block after a third of the traffic (see {@link #ATTACK}): a burst of
 * forged tokens from one client IP, and one genuine token replayed from other IPs by curl. The rest is the usual mix.
 *
 * <p>Not thread-safe: one producer thread calls {@link #next()}.
 */
public final class DemoTraffic {

    /** Share of events meant to be rejected, in percent. */
    public static final int REJECTED_PERCENT = 20;

    /**
     * The error codes the traffic provokes: all of them except {@link ErrorCode#INTERNAL_ERROR}, which only a bug
     * in identity-audit produces.
     */
    public static final List<ErrorCode> PRODUCED_CODES = Arrays.stream(ErrorCode.values())
            .filter(code -> code != ErrorCode.INTERNAL_ERROR)
            .toList();

    /** Fewest events for which every produced code and a few verified events still fit. */
    public static final int MIN_EVENTS = 20;

    /** Forged tokens in the injected attack's burst, all from {@link #ATTACKER_IP}. */
    public static final int ATTACK_FORGED = 12;
    /** Events of the injected attack that carry one genuine token: once from its user's browser, then replayed. */
    public static final int ATTACK_REPLAYS = 6;
    /** Events of the injected attack, taken out of the requested event count. */
    public static final int ATTACK_EVENTS = ATTACK_FORGED + ATTACK_REPLAYS;
    /** The client IP the forged burst comes from (RFC 5737 documentation range). */
    public static final String ATTACKER_IP = "198.51.100.66";
    /** What the injected attack is, in a few words, for the demo's output and the docs. */
    public static final String ATTACK = "tenant " + DemoTenants.STARK + ": " + ATTACK_FORGED
            + " forged tokens (INVALID_SIGNATURE, one user, " + ATTACKER_IP + ", python-requests), and one genuine "
            + "token replayed by curl from " + (ATTACK_REPLAYS - 1) + " other sessions and IPs";

    private static final String SCRIPT_AGENT = "python-requests/2.32.3";
    private static final String CURL_AGENT = "curl/8.5.0";

    /** Sessions sending at the same time; their events interleave. */
    private static final int CONCURRENT_SESSIONS = 6;
    /** How long before its session's first event a user signed in and got the token. */
    private static final Duration SIGNED_IN_BEFORE = Duration.ofSeconds(30);

    private static final Map<ErrorCode, String> SCENARIOS = new EnumMap<>(Map.ofEntries(
            Map.entry(ErrorCode.MALFORMED_EVENT,
                    "values that are not Avro events: random bytes, JSON, cut or unknown schema"),
            Map.entry(ErrorCode.MISSING_TOKEN, "events without a token (null or empty)"),
            Map.entry(ErrorCode.MALFORMED_TOKEN, "'undefined', 'Bearer ...', no signature part, JWE, no exp"),
            Map.entry(ErrorCode.UNKNOWN_TENANT, "tenant wayne, which never saved an SSO configuration"),
            Map.entry(ErrorCode.SSO_DISABLED, "tenant umbrella, SSO switched off"),
            Map.entry(ErrorCode.TENANT_CONFIG_INVALID, "tenant hooli, domain saved as " + DemoTenants.HOOLI_DOMAIN),
            Map.entry(ErrorCode.UNSUPPORTED_ALGORITHM, "alg none, and HS256 keyed with the org's public key"),
            Map.entry(ErrorCode.JWKS_FETCH_FAILED, "tenant initech, whose org's key endpoint answers 503"),
            Map.entry(ErrorCode.UNKNOWN_SIGNING_KEY, "signed with a key the org does not publish"),
            Map.entry(ErrorCode.INVALID_SIGNATURE, "forged under the org's key id, or payload altered"),
            Map.entry(ErrorCode.INVALID_ISSUER, "another org's token, custom auth server, trailing slash"),
            Map.entry(ErrorCode.INVALID_AUDIENCE, "a token for another app, and an access token"),
            Map.entry(ErrorCode.MISSING_SUBJECT, "genuine signature, but no sub claim"),
            Map.entry(ErrorCode.TOKEN_EXPIRED, "expired 5 minutes to 8 hours before the event"),
            Map.entry(ErrorCode.TOKEN_NOT_YET_VALID, "issued an hour after the event (clocks apart)"),
            Map.entry(ErrorCode.INTERNAL_ERROR, "cannot be provoked: only a bug in identity-audit gives it")));

    private static final List<DemoUser> USERS = List.of(
            new DemoUser("00u1a2b3c4d5e6f7g8h9", "Ada Lovelace", "ada@example.com"),
            new DemoUser("00u2gr4ce7hopper3x4y", "Grace Hopper", "grace@example.com"),
            new DemoUser("00u3al4n9turing5k6m7", "Alan Turing", "alan@example.com"),
            new DemoUser("00u4k4th8johnson2p3q", "Katherine Johnson", "katherine@example.net"),
            new DemoUser("00u5edsg4rdijkstra1r", "Edsger Dijkstra", "edsger@example.org"),
            new DemoUser("00u6b4rb4r4liskov9zt", "Barbara Liskov", "barbara@example.org"));

    private static final List<String> USER_AGENTS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36");

    /** Client addresses: loopback and the documentation ranges (RFC 5737). Strings only; nothing is contacted. */
    private static final List<String> ADDRESS_PREFIXES = List.of("127.0.0.", "203.0.113.", "198.51.100.");

    /**
     * One event to produce.
     *
     * @param key        the record key: the session id, or a fresh key for an unreadable value
     * @param value      the record value: Avro single-object encoding, or garbage for MALFORMED_EVENT
     * @param timestamp  the record timestamp: the event's occurredAt
     * @param trackingId what the event's verdict is recognised by: its eventId, or for an unreadable value (whose
     *                   rejection carries no eventId) the record key
     * @param intended   the outcome the event is meant to get
     */
    public record DemoEvent(String key, byte[] value, Instant timestamp, String trackingId, String tenantId,
                            Outcome intended) {
    }

    private record DemoUser(String id, String name, String email) {
    }

    /** A way to provoke one outcome: the tenant the session belongs to and how its token is made. */
    private record Scenario(String tenantId, TokenRecipe token) {
    }

    @FunctionalInterface
    private interface TokenRecipe {
        /** The session's token (null: none), for a session starting at {@code now}. */
        String mint(Instant now, DemoUser user);
    }

    private record PlannedSession(Outcome outcome, int events) {
    }

    private final DemoTenants tenants;
    private final Clock clock;
    private final Random random;
    private final int total;
    private final Map<Outcome, Integer> intended;
    private final Map<Outcome, List<Scenario>> scenarios;
    private final RSAKey unpublishedKey;
    private final RSAKey impostorKey;
    private final Deque<PlannedSession> planned = new ArrayDeque<>();
    private final List<ActiveSession> active = new ArrayList<>();
    private final Deque<AttackStep> attack = new ArrayDeque<>();
    private final int attackAt;
    private int cursor;
    private int emitted;

    /**
     * @param events how many events in all; at least {@link #MIN_EVENTS}
     * @param random decides the session lengths, their order and the variants; ids are random UUIDs regardless,
     *               so events of separate runs never share an id
     */
    public DemoTraffic(DemoTenants tenants, int events, Clock clock, Random random) {
        this(tenants, events, clock, random, false);
    }

    /**
     * @param events       how many events in all, the attack's included; at least {@link #minEvents(boolean)}
     * @param injectAttack whether {@value #ATTACK_EVENTS} of them are the attack on {@value DemoTenants#STARK}
     */
    public DemoTraffic(DemoTenants tenants, int events, Clock clock, Random random, boolean injectAttack) {
        this.tenants = tenants;
        this.clock = clock;
        this.random = random;
        this.total = events;
        this.intended = injectAttack ? withAttack(events) : intendedCounts(events);
        this.attackAt = injectAttack ? (events - ATTACK_EVENTS) / 3 : Integer.MAX_VALUE;
        // A key of the org's own making that it never published (say, one retired long ago), and one an attacker
        // made to sign under the org's real key id.
        this.unpublishedKey = tenants.org().newSigningKey();
        this.impostorKey = tenants.org().newSigningKey();
        this.scenarios = scenarios();
        plan(injectAttack ? intendedCounts(events - ATTACK_EVENTS) : intended);
        if (injectAttack) {
            planAttack();
        }
    }

    /** Fewest events the traffic accepts: every code and a few verified events, and the attack if injected. */
    public static int minEvents(boolean injectAttack) {
        return MIN_EVENTS + (injectAttack ? ATTACK_EVENTS : 0);
    }

    private static Map<Outcome, Integer> withAttack(int events) {
        if (events < minEvents(true)) {
            throw new IllegalArgumentException("the demo needs at least " + minEvents(true) + " events to show "
                    + "every error code and the attack, got " + events);
        }
        Map<Outcome, Integer> counts = new LinkedHashMap<>(intendedCounts(events - ATTACK_EVENTS));
        counts.merge(Outcome.VERIFIED, ATTACK_REPLAYS, Integer::sum);
        counts.merge(Outcome.rejected(ErrorCode.INVALID_SIGNATURE), ATTACK_FORGED, Integer::sum);
        return Collections.unmodifiableMap(counts);
    }

    /**
     * What the traffic of {@code events} events is meant to produce: {@value #REJECTED_PERCENT} % (at least one per
     * code) rejected, shared evenly among {@link #PRODUCED_CODES}, the rest verified. Ordered as in
     * {@link Outcome#all()}.
     */
    public static Map<Outcome, Integer> intendedCounts(int events) {
        if (events < MIN_EVENTS) {
            throw new IllegalArgumentException("the demo needs at least " + MIN_EVENTS + " events to show every "
                    + "error code, got " + events);
        }
        int codes = PRODUCED_CODES.size();
        int rejected = (int) Math.max(codes, Math.round(events * (double) REJECTED_PERCENT / 100));
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        counts.put(Outcome.VERIFIED, events - rejected);
        for (int i = 0; i < codes; i++) {
            counts.put(Outcome.rejected(PRODUCED_CODES.get(i)), rejected / codes + (i < rejected % codes ? 1 : 0));
        }
        return Collections.unmodifiableMap(counts);
    }

    /** How the traffic provokes an outcome, in a few words, for the outcome table. */
    public static String scenario(Outcome outcome) {
        return outcome.verified()
                ? "genuine ID tokens of acme and globex users, sessions of several events"
                : SCENARIOS.getOrDefault(outcome.code(), "");
    }

    public Map<Outcome, Integer> intended() {
        return intended;
    }

    public int total() {
        return total;
    }

    public int emitted() {
        return emitted;
    }

    public boolean hasNext() {
        return emitted < total;
    }

    /** The next event, occurring now. */
    public DemoEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + total + " events were produced");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (emitted >= attackAt && !attack.isEmpty()) {
            emitted++;
            return attack.poll().event(now);
        }
        while (active.size() < CONCURRENT_SESSIONS && !planned.isEmpty()) {
            active.add(new ActiveSession(planned.poll(), now));
        }
        int index = cursor % active.size();
        ActiveSession session = active.get(index);
        DemoEvent event = session.next(now);
        if (session.finished()) {
            active.remove(index);
        } else {
            index++;
        }
        cursor = index;
        emitted++;
        return event;
    }

    /** Plans the sessions of the usual mix; the attack's events are planned apart. */
    private void plan(Map<Outcome, Integer> mix) {
        List<PlannedSession> sessions = new ArrayList<>();
        mix.forEach((outcome, count) -> {
            int left = count;
            while (left > 0) {
                int length = Math.min(left, sessionLength(outcome));
                sessions.add(new PlannedSession(outcome, length));
                left -= length;
            }
        });
        Collections.shuffle(sessions, random);
        planned.addAll(sessions);
    }

    private int sessionLength(Outcome outcome) {
        if (outcome.verified()) {
            return 2 + random.nextInt(7);
        }
        return outcome.code() == ErrorCode.MALFORMED_EVENT ? 1 : 1 + random.nextInt(4);
    }

    // --- how each outcome is provoked ---------------------------------------------------------------------------

    private Map<Outcome, List<Scenario>> scenarios() {
        DemoTenant acme = tenants.get(DemoTenants.ACME);
        DemoTenant globex = tenants.get(DemoTenants.GLOBEX);
        SimulatedOktaOrg org = tenants.org();
        Map<Outcome, List<Scenario>> all = new LinkedHashMap<>();
        all.put(Outcome.VERIFIED, List.of(
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now, user).sign()),
                new Scenario(globex.tenantId(), (now, user) -> genuine(globex, now, user).sign())));
        put(all, ErrorCode.MISSING_TOKEN,
                new Scenario(acme.tenantId(), (now, user) -> null),
                new Scenario(globex.tenantId(), (now, user) -> ""));
        put(all, ErrorCode.MALFORMED_TOKEN,
                new Scenario(acme.tenantId(), (now, user) -> "undefined"),
                new Scenario(globex.tenantId(), (now, user) -> "Bearer " + genuine(globex, now, user).sign()),
                new Scenario(acme.tenantId(), (now, user) -> withoutSignature(genuine(acme, now, user).sign())),
                new Scenario(acme.tenantId(), (now, user) -> encrypted()),
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now, user).without("exp").sign()));
        for (ErrorCode code : List.of(ErrorCode.UNKNOWN_TENANT, ErrorCode.SSO_DISABLED,
                ErrorCode.TENANT_CONFIG_INVALID, ErrorCode.JWKS_FETCH_FAILED)) {
            DemoTenant tenant = tenants.get(switch (code) {
                case UNKNOWN_TENANT -> DemoTenants.WAYNE;
                case SSO_DISABLED -> DemoTenants.UMBRELLA;
                case TENANT_CONFIG_INVALID -> DemoTenants.HOOLI;
                default -> DemoTenants.INITECH;
            });
            put(all, code, new Scenario(tenant.tenantId(), (now, user) -> genuine(tenant, now, user).sign()));
        }
        put(all, ErrorCode.UNSUPPORTED_ALGORITHM,
                new Scenario(acme.tenantId(), (now, user) -> unsigned(genuine(acme, now, user).sign())),
                new Scenario(acme.tenantId(), (now, user) -> hmacWithPublicKey(acme, now, user)));
        put(all, ErrorCode.UNKNOWN_SIGNING_KEY,
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now, user)
                        .signedWith(unpublishedKey).sign()),
                new Scenario(globex.tenantId(), (now, user) -> genuine(globex, now, user)
                        .signedWith(unpublishedKey).sign()));
        put(all, ErrorCode.INVALID_SIGNATURE,
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now, user).signedWith(impostorKey)
                        .keyId(org.signingKey().getKeyID()).sign()),
                new Scenario(acme.tenantId(), (now, user) -> otherUserSwappedIn(acme, now, user)));
        put(all, ErrorCode.INVALID_ISSUER,
                new Scenario(acme.tenantId(), (now, user) -> IdTokenMinter.of(tenants.downOrg(), acme.clientId(),
                        now.minus(SIGNED_IN_BEFORE)).claim("sub", user.id()).sign()),
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now, user)
                        .claim("iss", org.issuer() + "/oauth2/default").sign()),
                new Scenario(globex.tenantId(), (now, user) -> genuine(globex, now, user)
                        .claim("iss", org.issuer() + "/").sign()));
        put(all, ErrorCode.INVALID_AUDIENCE,
                new Scenario(acme.tenantId(), (now, user) -> genuine(globex, now, user).sign()),
                new Scenario(acme.tenantId(), (now, user) -> accessToken(acme, now, user)));
        put(all, ErrorCode.MISSING_SUBJECT,
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now, user).without("sub").sign()));
        put(all, ErrorCode.TOKEN_EXPIRED,
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now.minus(Duration.ofHours(9)), user)
                        .sign()),
                new Scenario(globex.tenantId(), (now, user) -> genuine(globex, now.minus(Duration.ofMinutes(65)), user)
                        .sign()));
        put(all, ErrorCode.TOKEN_NOT_YET_VALID,
                new Scenario(acme.tenantId(), (now, user) -> genuine(acme, now.plus(Duration.ofHours(1)), user)
                        .sign()));
        for (ErrorCode code : PRODUCED_CODES) {
            if (code != ErrorCode.MALFORMED_EVENT && !all.containsKey(Outcome.rejected(code))) {
                throw new IllegalStateException("no demo scenario for " + code);
            }
        }
        return all;
    }

    private static void put(Map<Outcome, List<Scenario>> all, ErrorCode code, Scenario... ways) {
        all.put(Outcome.rejected(code), List.of(ways));
    }

    /** A genuine ID token of the tenant's org for the tenant's app, as if the user signed in just before. */
    private static IdTokenMinter genuine(DemoTenant tenant, Instant sessionStart, DemoUser user) {
        return IdTokenMinter.forUser(tenant.issuingOrg(), tenant.clientId(), sessionStart.minus(SIGNED_IN_BEFORE),
                user.id(), user.name(), user.email());
    }

    private static String withoutSignature(String token) {
        return token.substring(0, token.lastIndexOf('.'));
    }

    private String encrypted() {
        return Base64URL.encode("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}") + "." + randomBase64(256) + "."
                + randomBase64(12) + "." + randomBase64(180) + "." + randomBase64(16);
    }

    private static String unsigned(String genuineToken) {
        String payload = genuineToken.split("\\.")[1];
        return Base64URL.encode("{\"alg\":\"none\"}") + "." + payload + ".";
    }

    /** The classic key-confusion forgery: HS256 "signed" with the org's public key as the secret. */
    private String hmacWithPublicKey(DemoTenant tenant, Instant now, DemoUser user) {
        try {
            RSAKey published = tenants.org().signingKey();
            String payload = genuine(tenant, now, user).sign().split("\\.")[1];
            JWSObject forged = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
                    new Payload(Base64URL.from(payload)));
            forged.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
            return forged.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot forge the HS256 demo token", e);
        }
    }

    /** A genuine token whose payload was swapped for another user's; the signature is the original one. */
    private static String otherUserSwappedIn(DemoTenant tenant, Instant now, DemoUser user) {
        String[] genuine = genuine(tenant, now, user).sign().split("\\.");
        DemoUser other = USERS.get((USERS.indexOf(user) + 1) % USERS.size());
        String[] swapped = genuine(tenant, now, other).sign().split("\\.");
        return genuine[0] + "." + swapped[1] + "." + genuine[2];
    }

    /** An Okta org access token: aud is the org, cid/uid/scp, jti AT., signed with a key not in the org's key set. */
    private String accessToken(DemoTenant tenant, Instant now, DemoUser user) {
        return IdTokenMinter.of(tenant.issuingOrg(), tenant.clientId(), now.minus(SIGNED_IN_BEFORE))
                .without("name").without("email").without("preferred_username").without("at_hash")
                .without("amr").without("idp").without("auth_time")
                .claim("sub", user.email())
                .claim("aud", tenant.issuingOrg().issuer())
                .claim("cid", tenant.clientId())
                .claim("uid", user.id())
                .claim("scp", List.of("openid", "profile", "email"))
                .claim("jti", "AT." + HexFormat.of().formatHex(randomBytes(16)))
                .signedWith(unpublishedKey)
                .sign();
    }

    private String randomBase64(int bytes) {
        return Base64URL.encode(randomBytes(bytes)).toString();
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    // --- the injected attack -----------------------------------------------------------------------------------

    /** One event of the attack, made when it is sent. */
    @FunctionalInterface
    private interface AttackStep {
        DemoEvent event(Instant now);
    }

    /**
     * The victim's user signs in from a browser; a script then sends {@value #ATTACK_FORGED} tokens for the same
     * user signed with the attacker's key under the org's key id (FORGERY_ATTEMPT, SUBJECT_UNDER_ATTACK); then
     * curl replays the genuine token from other sessions and IPs (TOKEN_REPLAY).
     */
    private void planAttack() {
        DemoTenant victim = tenants.get(DemoTenants.STARK);
        DemoUser user = USERS.get(0);
        String[] stolen = new String[1];
        attack.add(now -> {
            stolen[0] = genuine(victim, now, user).sign();
            return attackEvent(victim, stolen[0], "203.0.113.77", USER_AGENTS.get(0), now, Outcome.VERIFIED);
        });
        for (int i = 0; i < ATTACK_FORGED; i++) {
            attack.add(now -> attackEvent(victim, genuine(victim, now, user).signedWith(impostorKey)
                            .keyId(tenants.org().signingKey().getKeyID()).sign(), ATTACKER_IP, SCRIPT_AGENT, now,
                    Outcome.rejected(ErrorCode.INVALID_SIGNATURE)));
        }
        for (int i = 1; i < ATTACK_REPLAYS; i++) {
            String ip = "198.51.100." + (200 + i);
            attack.add(now -> attackEvent(victim, stolen[0], ip, CURL_AGENT, now, Outcome.VERIFIED));
        }
    }

    /** An attack event: a session of its own that starts and sends this one event. */
    private static DemoEvent attackEvent(DemoTenant tenant, String token, String clientIp, String userAgent,
                                         Instant now, Outcome intended) {
        String sessionId = "sess-" + UUID.randomUUID();
        WidgetSessionEvent event = sessionEvent(tenant, sessionId, "SESSION_STARTED", now, token, clientIp,
                userAgent);
        return new DemoEvent(sessionId, Contracts.SESSION_EVENT.encode(event), now, event.getEventId(),
                tenant.tenantId(), intended);
    }

    private static WidgetSessionEvent sessionEvent(DemoTenant tenant, String sessionId, String type, Instant now,
                                                   String token, String clientIp, String userAgent) {
        return WidgetSessionEvent.newBuilder()
                .setEventId("evt-" + UUID.randomUUID())
                .setTenantId(tenant.tenantId())
                .setSessionId(sessionId)
                .setEventType(type)
                .setOccurredAt(now)
                .setIdToken(token)
                .setClientIp(clientIp)
                .setUserAgent(userAgent)
                .setOrigin(tenant.origin())
                .build();
    }

    // --- sessions ----------------------------------------------------------------------------------------------

    /** A session sending its events: one tenant, one token, one client. */
    private final class ActiveSession {

        private final PlannedSession plan;
        private final String sessionId = "sess-" + UUID.randomUUID();
        private final DemoTenant tenant;
        private final String token;
        private final String clientIp;
        private final String userAgent;
        private int sent;

        ActiveSession(PlannedSession plan, Instant start) {
            this.plan = plan;
            this.clientIp = pick(ADDRESS_PREFIXES) + (1 + random.nextInt(254));
            this.userAgent = pick(USER_AGENTS);
            if (plan.outcome().code() == ErrorCode.MALFORMED_EVENT) {
                this.tenant = tenants.get(DemoTenants.ACME);
                this.token = null;
            } else {
                Scenario scenario = pick(scenarios.get(plan.outcome()));
                this.tenant = tenants.get(scenario.tenantId());
                this.token = scenario.token().mint(start, pick(USERS));
            }
        }

        boolean finished() {
            return sent >= plan.events();
        }

        DemoEvent next(Instant now) {
            sent++;
            if (plan.outcome().code() == ErrorCode.MALFORMED_EVENT) {
                return unreadable(now);
            }
            WidgetSessionEvent event = event(now);
            return new DemoEvent(sessionId, Contracts.SESSION_EVENT.encode(event), now, event.getEventId(),
                    tenant.tenantId(), plan.outcome());
        }

        private WidgetSessionEvent event(Instant now) {
            String type = sent == 1 ? "SESSION_STARTED"
                    : sent == plan.events() ? "SESSION_ENDED"
                    : random.nextBoolean() ? "MESSAGE_SENT" : "MESSAGE_RECEIVED";
            return sessionEvent(tenant, sessionId, type, now, token, clientIp, userAgent);
        }

        /** A value a misconfigured producer might write. Its rejection is keyed by the record key. */
        private DemoEvent unreadable(Instant now) {
            String key = "sess-" + UUID.randomUUID();
            byte[] value = switch (random.nextInt(4)) {
                case 0 -> randomBytes(32 + random.nextInt(200));
                case 1 -> ("{\"eventId\":\"evt-" + UUID.randomUUID() + "\",\"tenantId\":\"" + tenant.tenantId()
                        + "\",\"sessionId\":\"" + key + "\",\"eventType\":\"SESSION_STARTED\",\"occurredAt\":"
                        + now.toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8);
                case 2 -> Arrays.copyOf(encodedWithoutToken(key, now), 30);
                default -> {
                    byte[] bytes = encodedWithoutToken(key, now);
                    bytes[2] ^= 0x5a; // the schema fingerprint starts at byte 2, after the marker C3 01
                    yield bytes;
                }
            };
            return new DemoEvent(key, value, now, key, tenant.tenantId(), plan.outcome());
        }

        private byte[] encodedWithoutToken(String key, Instant now) {
            WidgetSessionEvent event = event(now);
            event.setSessionId(key);
            event.setIdToken(null);
            return Contracts.SESSION_EVENT.encode(event);
        }
    }
}
