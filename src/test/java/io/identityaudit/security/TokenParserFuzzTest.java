package io.identityaudit.security;

import static io.identityaudit.security.Arsenal.CLIENT_ID;
import static io.identityaudit.security.Arsenal.T0;
import static io.identityaudit.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.jwks.OrgJwksRegistry;
import io.identityaudit.serde.Contracts;
import io.identityaudit.token.OktaIdTokenValidator;
import io.identityaudit.token.TokenVerdict;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * The token parser and rules under random and mutated tokens, judged by {@link OktaIdTokenValidator} against a
 * tenant whose org is real (HTTPS on loopback, RSA keys) and then through the real topology:
 * <ul>
 *   <li>the validator never throws;</li>
 *   <li>nothing is accepted unless it is byte for byte the genuine token it was made from;</li>
 *   <li>the topology gives exactly one output per event, with the validator's code;</li>
 *   <li>for tokens genuinely signed by the org with random claims, the token is accepted exactly when every
 *       documented claim rule holds (an independent model of {@code docs/validation.md}, steps 12 to 18).</li>
 * </ul>
 */
class TokenParserFuzzTest {

    static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static final long MAX_EPOCH_SECONDS = 253_402_300_799L;
    static final long SKEW_SECONDS = TokenRules.DEFAULTS.clockSkew().toSeconds();

    static Arsenal arsenal;
    static OrgJwksRegistry registry;
    static OktaIdTokenValidator validator;
    static TenantPolicy tenant;
    static String genuine;

    FuzzPipeline pipeline;

    @BeforeContainer
    static void start() {
        arsenal = new Arsenal();
        registry = new OrgJwksRegistry(JwksSettings.DEFAULTS, arsenal.tls.clientContext().getSocketFactory(),
                Clock.systemUTC());
        validator = new OktaIdTokenValidator(TokenRules.DEFAULTS, registry);
        tenant = new TenantPolicy(Arsenal.TENANT, CLIENT_ID, arsenal.org.domain(), true);
        genuine = arsenal.genuine();
    }

    @AfterContainer
    static void stop() {
        registry.close();
        arsenal.close();
    }

    @BeforeProperty
    void startPipeline() {
        pipeline = new FuzzPipeline(arsenal);
    }

    @AfterProperty
    void stopPipeline() {
        pipeline.close();
    }

    TokenVerdict validate(String token) {
        try {
            return validator.validate(token, tenant, T0);
        } catch (Throwable thrown) {
            throw new AssertionError("the validator threw " + thrown, thrown);
        }
    }

    /** The token through the topology: exactly one output, verified exactly when the validator accepted it. */
    void throughTheTopology(String token, TokenVerdict verdict) {
        WidgetSessionEvent event = event(Arsenal.TENANT, token, T0).build();
        FuzzPipeline.Outcome outcome = pipeline.pipe(event.getSessionId(), Contracts.SESSION_EVENT.encode(event), T0);
        Statistics.label("topology").collect(outcome.label());
        assertThat(outcome.thrown()).as(outcome.describe()).isNull();
        assertThat(outcome.outputs()).as("outputs for one event").isEqualTo(1);
        if (verdict instanceof TokenVerdict.Refused refused) {
            assertThat(outcome.rejected()).as("rejections").hasSize(1);
            IdentityRejection rejection = outcome.rejected().get(0);
            String expected = token.isBlank() ? "MISSING_TOKEN" : refused.code().name();
            assertThat(rejection.getErrorCode().toString()).as(rejection.getDetail()).isEqualTo(expected);
        } else {
            assertThat(outcome.verified()).as("verified identities").hasSize(1);
        }
    }

    static String label(TokenVerdict verdict) {
        return verdict instanceof TokenVerdict.Refused refused ? refused.code().name() : "ACCEPTED";
    }

    // --- properties --------------------------------------------------------------------------------------------------

    @Example
    void genuineTokenIsAcceptedSoMutationsStartFromAGoodOne() {
        TokenVerdict verdict = validate(genuine);

        assertThat(verdict).isInstanceOf(TokenVerdict.Accepted.class);
        throughTheTopology(genuine, verdict);
    }

    @Property(tries = 1000)
    void mutatedGenuineTokenIsNeverAcceptedUnlessUnchanged(@ForAll("tokenMutations") List<TokenMutation> mutations) {
        String token = genuine;
        for (TokenMutation mutation : mutations) {
            token = mutation.apply(token);
        }

        TokenVerdict verdict = validate(token);

        Statistics.label("validator").collect(label(verdict));
        if (token.equals(genuine)) {
            assertThat(verdict).isInstanceOf(TokenVerdict.Accepted.class);
        } else {
            assertThat(verdict).as("verdict on a changed token").isInstanceOf(TokenVerdict.Refused.class);
        }
        throughTheTopology(token, verdict);
    }

    @Property(tries = 400)
    void randomStringIsNeverAccepted(@ForAll("randomStrings") String token) {
        TokenVerdict verdict = validate(token);

        Statistics.label("validator").collect(label(verdict));
        assertThat(verdict).isInstanceOf(TokenVerdict.Refused.class);
        throughTheTopology(token, verdict);
    }

    @Property(tries = 500)
    void tokenWithRandomHeaderAndClaimsNotSignedByTheOrgIsNeverAccepted(@ForAll("structuredTokens") String token) {
        TokenVerdict verdict = validate(token);

        Statistics.label("validator").collect(label(verdict));
        assertThat(verdict).isInstanceOf(TokenVerdict.Refused.class);
        throughTheTopology(token, verdict);
    }

    @Property(tries = 300)
    void genuinelySignedTokenIsAcceptedExactlyWhenEveryClaimRuleHolds(@ForAll("claimSets") String payloadJson) {
        String token = arsenal.orgSigned(payloadJson);

        TokenVerdict verdict = validate(token);

        boolean expected = everyClaimRuleHolds(payloadJson);
        Statistics.label("validator").collect(label(verdict));
        assertThat(verdict instanceof TokenVerdict.Accepted)
                .as("accepted? %s for claims %s", label(verdict), payloadJson).isEqualTo(expected);
        throughTheTopology(token, verdict);
    }

    /**
     * Steps 12 to 18 of docs/validation.md, written again from the page rather than from the validator: numeric
     * exp and iat, every time claim between 1970 and 9999, iss exactly https://{domain}, aud a string or a
     * non-empty array of strings with the client ID, azp absent or the client ID, sub a non-blank string, and
     * the event within exp + skew and after iat and nbf - skew.
     */
    static boolean everyClaimRuleHolds(String payloadJson) {
        Map<String, Object> claims;
        try {
            claims = JSONObjectUtils.parse(payloadJson);
        } catch (ParseException e) {
            return false;
        }
        if (claims == null || !(claims.get("exp") instanceof Number exp) || !(claims.get("iat") instanceof Number iat)) {
            return false;
        }
        for (String time : List.of("exp", "iat", "nbf", "auth_time")) {
            if (claims.containsKey(time) && !(claims.get(time) instanceof Number number
                    && number.doubleValue() >= 0 && number.doubleValue() <= MAX_EPOCH_SECONDS)) {
                return false;
            }
        }
        boolean issuer = arsenal.org.issuer().equals(claims.get("iss"));
        Object aud = claims.get("aud");
        boolean audience = CLIENT_ID.equals(aud) || (aud instanceof List<?> list && !list.isEmpty()
                && list.stream().allMatch(String.class::isInstance) && list.contains(CLIENT_ID));
        Object azp = claims.get("azp");
        boolean authorizedParty = azp == null || CLIENT_ID.equals(azp);
        boolean subject = claims.get("sub") instanceof String sub && !sub.isBlank();
        long at = T0.getEpochSecond();
        boolean notExpired = at < exp.longValue() + SKEW_SECONDS;
        boolean issued = iat.longValue() <= at + SKEW_SECONDS;
        boolean notBefore = !(claims.get("nbf") instanceof Number nbf) || nbf.longValue() <= at + SKEW_SECONDS;
        return issuer && audience && authorizedParty && subject && notExpired && issued && notBefore;
    }

    // --- mutations of the genuine token --------------------------------------------------------------------------------

    /** One change to a token string; positions and segment numbers are taken modulo the current token. */
    sealed interface TokenMutation {

        String apply(String token);

        static int at(int position, String token) {
            return token.isEmpty() ? 0 : position % token.length();
        }

        static List<String> segments(String token) {
            return new ArrayList<>(List.of(token.split("\\.", -1)));
        }
    }

    record FlipChar(int position, char replacement) implements TokenMutation {
        public String apply(String token) {
            if (token.isEmpty()) {
                return token;
            }
            int at = TokenMutation.at(position, token);
            return token.substring(0, at) + replacement + token.substring(at + 1);
        }
    }

    record DropChar(int position) implements TokenMutation {
        public String apply(String token) {
            if (token.isEmpty()) {
                return token;
            }
            int at = TokenMutation.at(position, token);
            return token.substring(0, at) + token.substring(at + 1);
        }
    }

    record InsertDot(int position) implements TokenMutation {
        public String apply(String token) {
            int at = Math.min(position, token.length());
            return token.substring(0, at) + "." + token.substring(at);
        }
    }

    record SwapSegments(int first, int second) implements TokenMutation {
        public String apply(String token) {
            List<String> segments = TokenMutation.segments(token);
            int i = first % segments.size();
            int j = second % segments.size();
            String kept = segments.get(i);
            segments.set(i, segments.get(j));
            segments.set(j, kept);
            return String.join(".", segments);
        }
    }

    record DuplicateSegment(int segment) implements TokenMutation {
        public String apply(String token) {
            List<String> segments = TokenMutation.segments(token);
            int i = segment % segments.size();
            segments.add(i, segments.get(i));
            return String.join(".", segments);
        }
    }

    record ReplaceSegment(int segment, String replacement) implements TokenMutation {
        public String apply(String token) {
            List<String> segments = TokenMutation.segments(token);
            segments.set(segment % segments.size(), replacement);
            return String.join(".", segments);
        }
    }

    /**
     * Changes only the unused low bits of a segment's last base64url character (a segment of 4k+2 characters
     * carries 4 of them, of 4k+3 characters 2): the decoded bytes stay the same, the token does not.
     */
    record FlipUnusedBits(int segment, int flip) implements TokenMutation {
        public String apply(String token) {
            List<String> segments = TokenMutation.segments(token);
            int i = segment % segments.size();
            String part = segments.get(i);
            int unusedBits = switch (part.length() % 4) {
                case 2 -> 4;
                case 3 -> 2;
                default -> 0;
            };
            int last = part.isEmpty() ? -1 : BASE64URL.indexOf(part.charAt(part.length() - 1));
            if (unusedBits == 0 || last < 0) {
                return token;
            }
            int mask = flip & ((1 << unusedBits) - 1);
            char replacement = BASE64URL.charAt(last ^ (mask == 0 ? 1 : mask));
            segments.set(i, part.substring(0, part.length() - 1) + replacement);
            return String.join(".", segments);
        }
    }

    @Provide
    Arbitrary<List<TokenMutation>> tokenMutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, genuine.length() - 1);
        Arbitrary<Integer> segment = Arbitraries.integers().between(0, 2);
        Arbitrary<Character> base64url = Arbitraries.chars().with(BASE64URL.toCharArray());
        Arbitrary<TokenMutation> mutation = Arbitraries.oneOf(
                Combinators.combine(position, base64url).as(FlipChar::new),
                position.map(DropChar::new),
                position.map(InsertDot::new),
                Combinators.combine(segment, segment).as(SwapSegments::new),
                segment.map(DuplicateSegment::new),
                Combinators.combine(segment, Arbitraries.strings().withChars(BASE64URL).ofMaxLength(400))
                        .as(ReplaceSegment::new),
                Combinators.combine(segment, Arbitraries.integers().between(1, 15)).as(FlipUnusedBits::new));
        return mutation.list().ofMinSize(1).ofMaxSize(3);
    }

    // --- random tokens -----------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> randomStrings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars(BASE64URL + ".").ofMaxLength(1200));
    }

    /**
     * Three base64url parts holding JSON documents made from the real header and claims by random edits, signed
     * by anyone but the org: no signature, zeros, the attacker's key, or a genuine signature of another input.
     */
    @Provide
    Arbitrary<String> structuredTokens() {
        Arbitrary<String> header = document(headerMembers(), List.of("alg", "kid", "typ", "crit", "jku", "x5u",
                "jwk", "x5c", "cty", "b64", "enc", "zip"), name -> Arbitraries.oneOf(headerValues(name),
                jsonValue()), 2);
        Arbitrary<String> payload = document(claimMembers(), List.of("iss", "aud", "sub", "exp", "iat", "nbf",
                "azp", "auth_time", "jti", "cid", "scp"), name -> Arbitraries.oneOf(claimValues(name), jsonValue()),
                4);
        Arbitrary<Function<String, String>> signature = Arbitraries.of(
                input -> "",
                input -> Jose.b64(new byte[64]),
                input -> Jose.b64(new byte[256]),
                input -> genuine.substring(genuine.lastIndexOf('.') + 1),
                input -> Jose.rs256(arsenal.attackerKey, "{}", "{}").split("\\.")[2],
                input -> attackerSignature(input));
        return Combinators.combine(header, payload, signature).as((h, p, sign) -> {
            String input = Jose.b64(h) + "." + Jose.b64(p);
            return input + "." + sign.apply(input);
        });
    }

    static String attackerSignature(String signingInput) {
        try {
            return new RSASSASigner(arsenal.attackerKey)
                    .sign(new JWSHeader(JWSAlgorithm.RS256), signingInput.getBytes(StandardCharsets.US_ASCII))
                    .toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<String> claimSets() {
        return document(claimMembers(), List.of("iss", "aud", "sub", "exp", "iat", "nbf", "azp", "auth_time"),
                TokenParserFuzzTest::claimValues, 4);
    }

    static Map<String, String> headerMembers() {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("alg", "\"RS256\"");
        members.put("kid", Jose.quoted(arsenal.orgKid()));
        return members;
    }

    static Map<String, String> claimMembers() {
        return Arsenal.claims(arsenal.org.issuer(), CLIENT_ID).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> rawJson(e.getValue()), (a, b) -> a,
                        LinkedHashMap::new));
    }

    static String rawJson(Object value) {
        if (value instanceof String text) {
            return Jose.quoted(text);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(TokenParserFuzzTest::rawJson).collect(Collectors.joining(",", "[", "]"));
        }
        return String.valueOf(value);
    }

    /** An edit of one member: set it to a raw JSON value, remove it ({@code null}), or repeat it. */
    record Edit(String name, String value, boolean repeat) {
    }

    /** The base document with up to {@code maxEdits} edits; sometimes replaced by an odd document altogether. */
    Arbitrary<String> document(Map<String, String> base, List<String> names,
                               Function<String, Arbitrary<String>> values, int maxEdits) {
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(names), Arbitraries.strings().alpha().ofLength(3));
        Arbitrary<Edit> edit = name.flatMap(n -> Combinators.combine(values.apply(n).injectNull(0.15),
                Arbitraries.of(true, false, false, false, false, false, false, false).withoutEdgeCases())
                .as((value, repeat) -> new Edit(n, value, repeat)));
        Arbitrary<String> edited = edit.list().ofMaxSize(maxEdits).map(edits -> {
            Map<String, String> members = new LinkedHashMap<>(base);
            List<String> repeated = new ArrayList<>();
            for (Edit e : edits) {
                if (e.repeat() && e.value() != null) {
                    repeated.add(Jose.quoted(e.name()) + ":" + e.value());
                } else if (e.value() == null) {
                    members.remove(e.name());
                } else {
                    members.put(e.name(), e.value());
                }
            }
            List<String> text = new ArrayList<>();
            members.forEach((k, v) -> text.add(Jose.quoted(k) + ":" + v));
            text.addAll(repeated);
            return "{" + String.join(",", text) + "}";
        });
        Arbitrary<String> odd = Arbitraries.of("null", "[]", "{}", "1", "\"x\"", "", "{", "[[[[", " {} ", "{}x",
                "{\"a\":1}{\"b\":2}", "\ufeff{}");
        return Arbitraries.frequencyOf(Tuple.of(9, edited), Tuple.of(1, odd));
    }

    /** Any JSON value, up to three levels deep, with the values the rules care about among the leaves. */
    Arbitrary<String> jsonValue() {
        if (jsonValue == null) {
            jsonValue = newJsonValue();
        }
        return jsonValue;
    }

    private Arbitrary<String> jsonValue;

    private Arbitrary<String> newJsonValue() {
        Arbitrary<String> leaf = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1.5", "1e16", "-1e16", "1e308", "9999999999",
                        "253402300799", "253402300800", "99999999999999999999999", "\"\"", "\" \"", "\"none\"",
                        "\"RS256\"", "\"HS256\"", "\"JWT\"", "\"at+jwt\"", "\"AT.x\"", "[\"b64\"]",
                        Jose.quoted(arsenal.orgKid()), Jose.quoted(arsenal.org.issuer()), Jose.quoted(CLIENT_ID),
                        Jose.quoted(IdTokenMinter.USER_ID), String.valueOf(T0.getEpochSecond())),
                Arbitraries.strings().all().ofMaxLength(12).map(Jose::quoted),
                Arbitraries.longs().map(String::valueOf));
        return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(3).map(values -> "[" + String.join(",", values) + "]"),
                Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(4), inner).as(Map::entry).list()
                        .ofMaxSize(3).uniqueElements(Map.Entry::getKey)
                        .map(members -> members.stream().map(m -> Jose.quoted(m.getKey()) + ":" + m.getValue())
                                .collect(Collectors.joining(",", "{", "}")))), 0, 3);
    }

    /** Values around each header parameter's rule. */
    static Arbitrary<String> headerValues(String name) {
        List<String> values = switch (name) {
            case "alg" -> List.of("\"RS256\"", "\"none\"", "\"HS256\"", "\"ES256\"", "\"PS256\"", "\"rs256\"", "null");
            case "kid" -> List.of(Jose.quoted(arsenal.orgKid()), Jose.quoted(arsenal.attackerKey.getKeyID()), "\"\"",
                    "\"../../etc/passwd\"", "1");
            case "typ" -> List.of("\"JWT\"", "\"at+jwt\"", "\"JOSE\"", "\"\"");
            case "crit" -> List.of("[\"b64\"]", "[]", "[\"exp\"]", "\"b64\"");
            case "jku", "x5u" -> List.of(Jose.quoted(arsenal.attacker.url("/jwks.json")), "\"::::\"", "\"\"");
            case "jwk" -> List.of(arsenal.attackerKey.toPublicJWK().toJSONString(), arsenal.attackerKey.toJSONString(),
                    "{}");
            case "b64" -> List.of("false", "true", "\"false\"");
            default -> List.of("1", "\"x\"", "null");
        };
        return Arbitraries.of(values);
    }

    /** Values around each claim's rule, for the model property. */
    static Arbitrary<String> claimValues(String name) {
        long t0 = T0.getEpochSecond();
        String issuer = arsenal.org.issuer();
        List<String> values = switch (name) {
            case "iss" -> List.of(Jose.quoted(issuer), Jose.quoted(issuer + "/"), Jose.quoted(issuer.toUpperCase()),
                    "[" + Jose.quoted(issuer) + "]", "1", "null");
            case "aud" -> List.of(Jose.quoted(CLIENT_ID), "[" + Jose.quoted(CLIENT_ID) + "]",
                    "[\"0oaOTHER\"," + Jose.quoted(CLIENT_ID) + "]", "[]", "[1]", "[" + Jose.quoted(CLIENT_ID) + ",1]",
                    "\"0oaOTHER\"", "null", Jose.quoted(issuer));
            case "azp" -> List.of(Jose.quoted(CLIENT_ID), "\"0oaOTHER\"", "1", "null", "\"\"");
            case "sub" -> List.of(Jose.quoted(IdTokenMinter.USER_ID), "\"\"", "\" \"", "1", "null", "[\"00u1\"]",
                    "\"\\u0000\"");
            case "exp" -> List.of(String.valueOf(t0 + 3600), String.valueOf(t0 - 59), String.valueOf(t0 - 60),
                    String.valueOf(t0 - 61), String.valueOf(t0), "1e16", "-1", "\"" + (t0 + 3600) + "\"", "null",
                    "253402300799", "253402300800", "1.5", (t0 + 3600) + ".9", "true");
            case "iat", "nbf" -> List.of(String.valueOf(t0 - 60), String.valueOf(t0 + 60), String.valueOf(t0 + 61),
                    "0", "-1", "\"" + t0 + "\"", "null", "1e16", t0 + ".5", String.valueOf(t0 + 60) + ".9");
            case "auth_time" -> List.of(String.valueOf(t0 - 5), "-1", "\"x\"", "null", "1e16");
            default -> List.of("1", "\"x\"", "null");
        };
        return Arbitraries.of(values);
    }
}
