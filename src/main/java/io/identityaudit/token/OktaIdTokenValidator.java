package io.identityaudit.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.crypto.impl.RSASSA;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.jwks.KeyLookup;
import io.identityaudit.jwks.SigningKeys;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validates an Okta ID token against one tenant's configuration, as of the instant its event occurred.
 *
 * <p>The order is the one documented in {@code docs/validation.md}: the shape of the token, then the claims that
 * name the org and the app (iss, aud: they need no key and decide nothing but a refusal), then the key and the
 * signature, and only then the user and time claims, so that a refusal for expiry or a missing subject always
 * concerns a genuine token. Nothing is accepted without a verified signature.
 *
 * <p>Thread-safe: one instance serves every stream thread.
 */
public final class OktaIdTokenValidator {

    private static final String ACCESS_TOKEN_JTI_PREFIX = "AT.";
    private static final List<String> ACCESS_TOKEN_CLAIMS = List.of("cid", "uid", "scp");
    private static final List<String> TIME_CLAIMS = List.of("exp", "iat", "nbf", "auth_time");
    private static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

    private final TokenRules rules;
    private final SigningKeys signingKeys;
    private final DefaultJWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();
    /**
     * Tokens whose signature verified, per tenant: sessions send one token with every event. Keyed by the token's
     * fingerprint, which every verdict needs anyway, so an entry keeps 64 characters instead of the whole token.
     */
    private final Cache<CacheKey, GenuineToken> genuineTokens;
    /** Headers that passed every check, by their encoded form: a few per org (one per key), bounded for hostile ones. */
    private final Cache<String, CheckedHeader> checkedHeaders = Caffeine.newBuilder().maximumSize(1_000)
            .executor(Runnable::run).build();
    /** Building a verifier turns the key's numbers into a JCA key; once per published key is enough. */
    private final Cache<JWK, JWSVerifier> verifiers = Caffeine.newBuilder().weakKeys().maximumSize(1_000).build();

    /** What one remembered token takes on the heap, about: 1.4 KB measured for Okta-shaped tokens, rounded up. */
    static final long BYTES_PER_REMEMBERED_TOKEN = 1_500;

    /**
     * As many tokens as fit in a quarter of the maximum heap, at least 10,000 and at most 100,000 (44,000 with
     * {@code -Xmx256m}). The cache must hold every token used again while its session is active, or a token
     * pushed out is verified again (RSA) at its next event: with 10,000, a stream of 20,000 live sessions had
     * about two signature checks per token instead of one.
     */
    public static final int DEFAULT_CACHE_SIZE = defaultCacheSize(Runtime.getRuntime().maxMemory());

    static int defaultCacheSize(long maxHeapBytes) {
        return (int) Math.max(10_000, Math.min(100_000, maxHeapBytes / 4 / BYTES_PER_REMEMBERED_TOKEN));
    }

    public OktaIdTokenValidator(TokenRules rules, SigningKeys signingKeys) {
        this(rules, signingKeys, DEFAULT_CACHE_SIZE);
    }

    /**
     * @param cacheSize how many genuine tokens to remember (0: none). A remembered token skips parsing and the
     *                  RSA check, never the key check (the key that verified it must still be published, so a
     *                  removed key or a new tenant config is never answered from the cache) nor the checks of
     *                  sub and time, which run for every event.
     */
    public OktaIdTokenValidator(TokenRules rules, SigningKeys signingKeys, int cacheSize) {
        this.rules = rules;
        this.signingKeys = signingKeys;
        // Eviction runs on the stream thread that inserts: it is short, and handing it to the common pool would
        // wake another thread for every new token on a machine with as few cores as stream threads.
        this.genuineTokens = Caffeine.newBuilder().maximumSize(cacheSize).executor(Runnable::run).build();
    }

    public TokenVerdict validate(String token, TenantPolicy tenant, Instant at) {
        return validate(token, TokenFingerprint.of(token), tenant, at);
    }

    /**
     * The same, for a caller that has the token's fingerprint already (every verdict carries it): the SHA-256 of
     * a 1 KB token is then computed once per event, not twice.
     *
     * @param fingerprint {@code TokenFingerprint.of(token)}
     */
    public TokenVerdict validate(String token, String fingerprint, TenantPolicy tenant, Instant at) {
        CacheKey cacheKey = new CacheKey(fingerprint, tenant);
        GenuineToken known = genuineTokens.getIfPresent(cacheKey);
        if (known != null && stillPublished(known, tenant)) {
            try {
                return acceptIfUserAndTimeValid(known.claims(), known.keyId(), known.algorithm(), at,
                        known.inspection());
            } catch (RefusedException refused) {
                return refused.verdict;
            }
        }
        Inspection inspection = new Inspection(fingerprint);
        try {
            return validate(token, tenant, at, inspection, cacheKey);
        } catch (RefusedException refused) {
            return refused.verdict;
        }
    }

    private boolean stillPublished(GenuineToken known, TenantPolicy tenant) {
        KeyLookup lookup = signingKeys.find(tenant, known.keyId(), known.algorithm());
        return lookup instanceof KeyLookup.Found found
                && (found.key() == known.key() || found.key().equals(known.key()));
    }

    private TokenVerdict validate(String token, TenantPolicy tenant, Instant at, Inspection in, CacheKey cacheKey) {
        CompactJws jws = compactJws(token, in);
        CheckedHeader checked = checkedHeader(jws, in);
        JWSAlgorithm algorithm = checked.algorithm();
        JWSHeader header = checked.header();
        Map<String, Object> claims = payloadJson(jws, in);
        in.issuer = claims.get("iss") instanceof String iss ? SafeText.cut(iss) : null;
        in.audience = stringList(claims.get("aud"));
        in.subject = claims.get("sub") instanceof String sub ? SafeText.cut(sub) : null;
        requireIdTokenShape(claims, in);
        in.expiresAt = epochSeconds((Number) claims.get("exp"));
        in.issuedAt = epochSeconds((Number) claims.get("iat"));

        checkIssuer(claims, tenant, in);
        checkAudience(claims, tenant, in);

        JWK key = signingKey(tenant, header, algorithm, in);
        verifySignature(jws, header, verifierFor(key, header, algorithm, in), in);
        SignedClaims signed = signedClaims(claims);
        genuineTokens.put(cacheKey, new GenuineToken(signed, header.getKeyID(), algorithm, key, in.snapshot()));

        return acceptIfUserAndTimeValid(signed, header.getKeyID(), algorithm, at, in);
    }

    /** The checks that follow a verified signature, for every event, whether the token was cached or not. */
    private TokenVerdict acceptIfUserAndTimeValid(SignedClaims claims, String keyId, JWSAlgorithm algorithm,
                                                  Instant at, Inspection in) {
        checkSubject(claims, in);
        checkNotExpired(claims.identity().expiresAt(), at, in);
        checkAlreadyValid(claims, at, in);
        return new TokenVerdict.Accepted(claims.identity(), keyId, algorithm.getName(), in.fingerprint);
    }

    /** Claims that passed {@link #requireIdTokenShape} and the iss and aud checks, read once for every event. */
    private static SignedClaims signedClaims(Map<String, Object> claims) {
        IdTokenClaims identity = new IdTokenClaims(
                claims.get("sub") instanceof String sub ? sub : null,
                (String) claims.get("iss"),
                stringList(claims.get("aud")),
                optionalString(claims, "azp"),
                optionalString(claims, "email"),
                claims.get("email_verified") instanceof Boolean verified ? verified : null,
                optionalString(claims, "name"),
                optionalString(claims, "preferred_username"),
                epochSeconds((Number) claims.get("iat")),
                epochSeconds((Number) claims.get("exp")),
                claims.get("auth_time") instanceof Number authTime ? epochSeconds(authTime) : null,
                optionalString(claims, "jti"));
        Instant notBefore = claims.get("nbf") instanceof Number nbf ? epochSeconds(nbf) : null;
        return new SignedClaims(identity, claims.containsKey("sub"), notBefore);
    }

    // --- shape -----------------------------------------------------------------------------------------------

    private CompactJws compactJws(String token, Inspection in) {
        try {
            return CompactJws.split(token, rules.maxTokenChars());
        } catch (CompactJws.Malformed malformed) {
            throw in.refuse(ErrorCode.MALFORMED_TOKEN, malformed.getMessage());
        }
    }

    private Map<String, Object> payloadJson(CompactJws jws, Inspection in) {
        Map<String, Object> json;
        try {
            json = ClaimsJson.parse(jws.payload());
        } catch (IOException | RuntimeException | StackOverflowError e) {
            json = null;
        }
        return requireJson(json, "payload", in);
    }

    /** The header goes to nimbus's {@link JWSHeader#parse}, so it is read with nimbus's own JSON (once per header). */
    private Map<String, Object> headerJson(CompactJws jws, Inspection in) {
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(jws.header());
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            json = null;
        }
        return requireJson(json, "header", in);
    }

    private static Map<String, Object> requireJson(Map<String, Object> json, String part, Inspection in) {
        if (json == null) {
            // Both parsers return null for the JSON text "null" instead of throwing.
            throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token " + part + " is not base64url-encoded JSON "
                    + "(or repeats a member name)");
        }
        return json;
    }

    /**
     * The header's checks, done once per distinct encoded header: every token signed with one key has the same
     * header, so a new token of a known key skips decoding, parsing and checking it again. The answer depends on
     * nothing but the header's characters and this validator's rules, so remembering it by them is exact.
     */
    private CheckedHeader checkedHeader(CompactJws jws, Inspection in) {
        String encoded = jws.encodedHeader();
        CheckedHeader known = checkedHeaders.getIfPresent(encoded);
        if (known == null) {
            Map<String, Object> headerJson = headerJson(jws, in);
            JWSAlgorithm algorithm = acceptedAlgorithm(headerJson, in);
            JWSHeader header = jwsHeader(headerJson, encoded, in);
            known = new CheckedHeader(in.algorithm, in.keyId, algorithm, header);
            checkedHeaders.put(encoded, known);
        }
        in.algorithm = known.algorithmName();
        in.keyId = known.keyId();
        return known;
    }

    /** A header that passed every check, with what the inspection reads of it. */
    private record CheckedHeader(String algorithmName, String keyId, JWSAlgorithm algorithm, JWSHeader header) {
    }

    private JWSAlgorithm acceptedAlgorithm(Map<String, Object> header, Inspection in) {
        if (!(header.get("alg") instanceof String alg)) {
            throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token header has no string alg");
        }
        in.algorithm = SafeText.cut(alg);
        in.keyId = header.get("kid") instanceof String kid ? SafeText.cut(kid) : null;
        if (!rules.acceptedAlgorithms().contains(alg)) {
            String why = alg.equalsIgnoreCase("none") ? " (an unsigned token)"
                    : alg.toUpperCase(Locale.ROOT).startsWith("HS") ? " (an HMAC algorithm, never accepted)" : "";
            throw in.refuse(ErrorCode.UNSUPPORTED_ALGORITHM, "the token is signed with "
                    + SafeText.quote(alg) + why + "; accepted: " + String.join(", ", rules.acceptedAlgorithms()));
        }
        return JWSAlgorithm.parse(alg);
    }

    private JWSHeader jwsHeader(Map<String, Object> headerJson, String encodedHeader, Inspection in) {
        JWSHeader header;
        try {
            header = JWSHeader.parse(headerJson, new Base64URL(encodedHeader));
        } catch (ParseException | RuntimeException e) {
            throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token header is not a valid JWS header");
        }
        if (header.getType() != null) {
            String type = header.getType().getType().toLowerCase(Locale.ROOT);
            if (type.equals("at+jwt") || type.equals("application/at+jwt")) {
                throw in.refuse(ErrorCode.INVALID_AUDIENCE, "the token's typ is at+jwt: it is an access token, "
                        + "not an ID token; pass the ID token");
            }
            if (!type.equals("jwt") && !type.equals("application/jwt")) {
                throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token's typ " + SafeText.quote(type)
                        + " is not an ID token type");
            }
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token header marks parameters as critical ("
                    + SafeText.cut(String.join(", ", header.getCriticalParams())) + "); none are supported");
        }
        if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
            throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token header has no kid; Okta always names its key");
        }
        return header;
    }

    private void requireIdTokenShape(Map<String, Object> claims, Inspection in) {
        for (String required : List.of("exp", "iat")) {
            if (!(claims.get(required) instanceof Number)) {
                throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token has no numeric " + required
                        + " claim; Okta ID tokens always carry exp and iat");
            }
        }
        for (String time : TIME_CLAIMS) {
            if (claims.containsKey(time) && !isEpochSeconds(claims.get(time))) {
                throw in.refuse(ErrorCode.MALFORMED_TOKEN, "the token's " + time
                        + " is not a time in seconds between 1970 and 9999");
            }
        }
    }

    /** Seconds since 1970 up to the year 9999: every instant a record can carry in milliseconds. */
    private static boolean isEpochSeconds(Object value) {
        return value instanceof Number number && !Double.isNaN(number.doubleValue())
                && number.doubleValue() >= 0 && number.doubleValue() <= MAX_EPOCH_SECONDS;
    }

    // --- org and app -------------------------------------------------------------------------------------------

    private void checkIssuer(Map<String, Object> claims, TenantPolicy tenant, Inspection in) {
        Object iss = claims.get("iss");
        if (!(iss instanceof String)) {
            throw in.refuse(ErrorCode.INVALID_ISSUER, "the token has no string iss; expected '"
                    + tenant.issuer() + "'");
        }
        if (!tenant.issuer().equals(iss)) {
            throw in.refuse(ErrorCode.INVALID_ISSUER, "the token's iss is " + SafeText.quote(iss)
                    + ", expected '" + tenant.issuer() + "'");
        }
    }

    private void checkAudience(Map<String, Object> claims, TenantPolicy tenant, Inspection in) {
        List<String> audience = stringList(claims.get("aud"));
        String accessTokenNote = looksLikeAccessToken(claims, tenant)
                ? "; it looks like an Okta access token (" + accessTokenSignals(claims, tenant)
                + "): pass the ID token instead"
                : "";
        if (audience == null) {
            throw in.refuse(ErrorCode.INVALID_AUDIENCE, "the token's aud is missing or not a string or array of "
                    + "strings" + accessTokenNote);
        }
        if (!audience.contains(tenant.clientId())) {
            throw in.refuse(ErrorCode.INVALID_AUDIENCE, "the token's aud " + SafeText.quote(audience)
                    + " does not include the client ID '" + tenant.clientId() + "'" + accessTokenNote);
        }
        Object azp = claims.get("azp");
        if (azp != null && !tenant.clientId().equals(azp)) {
            throw in.refuse(ErrorCode.INVALID_AUDIENCE, "the token's azp " + SafeText.quote(azp)
                    + " is not the client ID '" + tenant.clientId() + "'");
        }
    }

    private static boolean looksLikeAccessToken(Map<String, Object> claims, TenantPolicy tenant) {
        return !accessTokenSignals(claims, tenant).isEmpty();
    }

    private static String accessTokenSignals(Map<String, Object> claims, TenantPolicy tenant) {
        StringBuilder signals = new StringBuilder();
        if (claims.get("jti") instanceof String jti && jti.startsWith(ACCESS_TOKEN_JTI_PREFIX)) {
            signals.append("jti starts with AT.");
        }
        for (String claim : ACCESS_TOKEN_CLAIMS) {
            if (claims.containsKey(claim)) {
                signals.append(signals.isEmpty() ? "" : ", ").append("has ").append(claim);
            }
        }
        if (tenant.issuer().equals(claims.get("aud"))) {
            signals.append(signals.isEmpty() ? "" : ", ").append("aud is the issuer");
        }
        return signals.toString();
    }

    // --- key and signature -------------------------------------------------------------------------------------

    private JWK signingKey(TenantPolicy tenant, JWSHeader header, JWSAlgorithm algorithm, Inspection in) {
        KeyLookup lookup = signingKeys.find(tenant, header.getKeyID(), algorithm);
        if (lookup instanceof KeyLookup.FetchFailed failed) {
            throw in.refuse(ErrorCode.JWKS_FETCH_FAILED, failed.detail());
        }
        if (lookup instanceof KeyLookup.UnknownKeyId unknown) {
            throw in.refuse(ErrorCode.UNKNOWN_SIGNING_KEY, "kid " + SafeText.quote(header.getKeyID()) + ": "
                    + unknown.detail());
        }
        return ((KeyLookup.Found) lookup).key();
    }

    private JWSVerifier verifierFor(JWK key, JWSHeader header, JWSAlgorithm algorithm, Inspection in) {
        JWSVerifier verifier = verifiers.getIfPresent(key);
        if (verifier != null) {
            return verifier;
        }
        try {
            verifier = verifierFactory.createJWSVerifier(header, ((AsymmetricJWK) key).toPublicKey());
        } catch (JOSEException | ClassCastException e) {
            throw in.refuse(ErrorCode.UNKNOWN_SIGNING_KEY, "the org's key " + SafeText.quote(header.getKeyID())
                    + " cannot verify " + algorithm);
        }
        verifiers.put(key, verifier);
        return verifier;
    }

    private void verifySignature(CompactJws jws, JWSHeader header, JWSVerifier verifier, Inspection in) {
        boolean genuine;
        try {
            genuine = jws.signatureIsCanonical() && verifies(jws, header, verifier);
        } catch (GeneralSecurityException | JOSEException | RuntimeException e) {
            genuine = false;
        }
        in.signatureChecked = true;
        in.signatureValid = genuine;
        if (!genuine) {
            throw in.refuse(ErrorCode.INVALID_SIGNATURE, "the signature does not verify with the org's key "
                    + SafeText.quote(in.keyId));
        }
    }

    /**
     * For RSA keys (all Okta publishes), what {@link RSASSAVerifier#verify} does, on the signature as decoded once
     * and the token's own bytes: nimbus would decode the signature again and needs the signing input copied. crit,
     * the one header check it adds, is refused before. Other key types go through nimbus's verifier.
     */
    private static boolean verifies(CompactJws jws, JWSHeader header, JWSVerifier verifier)
            throws GeneralSecurityException, JOSEException {
        if (verifier instanceof RSASSAVerifier rsa) {
            Signature check = RSASSA.getSignerAndVerifier(header.getAlgorithm(), rsa.getJCAContext().getProvider());
            check.initVerify(rsa.getPublicKey());
            jws.updateWithSigningInput(check);
            return check.verify(jws.signature());
        }
        return verifier.verify(header, jws.signingInput(), new Base64URL(jws.encodedSignature()));
    }

    // --- user and time -----------------------------------------------------------------------------------------

    private void checkSubject(SignedClaims claims, Inspection in) {
        String sub = claims.identity().subject();
        if (sub == null || sub.isBlank()) {
            throw in.refuse(ErrorCode.MISSING_SUBJECT, claims.hasSubjectClaim()
                    ? "the token's sub is not a non-empty string"
                    : "the token has no sub claim");
        }
    }

    private void checkNotExpired(Instant expiresAt, Instant at, Inspection in) {
        if (!at.isBefore(expiresAt.plus(rules.clockSkew()))) {
            throw in.refuse(ErrorCode.TOKEN_EXPIRED, "the token expired at " + expiresAt + "; the event occurred at "
                    + at + " (clock skew allowed: " + rules.clockSkew().toSeconds() + " s)");
        }
    }

    private void checkAlreadyValid(SignedClaims claims, Instant at, Inspection in) {
        Instant issuedAt = claims.identity().issuedAt();
        Instant latestAccepted = at.plus(rules.clockSkew());
        if (issuedAt.isAfter(latestAccepted)) {
            throw in.refuse(ErrorCode.TOKEN_NOT_YET_VALID, "the token was issued at " + issuedAt
                    + ", after the event occurred at " + at + " (clock skew allowed: "
                    + rules.clockSkew().toSeconds() + " s)");
        }
        Instant notBefore = claims.notBefore();
        if (notBefore != null && notBefore.isAfter(latestAccepted)) {
            throw in.refuse(ErrorCode.TOKEN_NOT_YET_VALID, "the token is not valid before " + notBefore
                    + "; the event occurred at " + at);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Seconds since the epoch as JSON gives them (long or double), already checked by {@link #isEpochSeconds}. */
    static Instant epochSeconds(Number seconds) {
        return Instant.ofEpochSecond(seconds.longValue());
    }

    private static String optionalString(Map<String, Object> claims, String name) {
        return claims.get(name) instanceof String value ? value : null;
    }

    /** aud as the JWT spec allows it: one string or an array of strings; anything else is null. */
    private static List<String> stringList(Object value) {
        if (value instanceof String single) {
            return List.of(single);
        }
        if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        return null;
    }

    /** The token's SHA-256 fingerprint: equal fingerprints mean the same token. */
    private record CacheKey(String fingerprint, TenantPolicy tenant) {
    }

    /** A token whose signature verified with {@code key}, with what later events carrying it need. */
    private record GenuineToken(SignedClaims claims, String keyId, JWSAlgorithm algorithm, JWK key,
                                Inspection read) {

        /** A fresh copy per event: a refusal must not share state with another thread's. */
        Inspection inspection() {
            return read.snapshot();
        }
    }

    /** What has been read of the token so far, so any refusal carries it. */
    private static final class Inspection {
        final String fingerprint;
        String algorithm;
        String keyId;
        String issuer;
        List<String> audience;
        String subject;
        Instant expiresAt;
        Instant issuedAt;
        boolean signatureChecked;
        boolean signatureValid;

        Inspection(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        /** What was read of a genuine token, to answer later events carrying it. */
        Inspection snapshot() {
            Inspection copy = new Inspection(fingerprint);
            copy.algorithm = algorithm;
            copy.keyId = keyId;
            copy.issuer = issuer;
            copy.audience = audience;
            copy.subject = subject;
            copy.expiresAt = expiresAt;
            copy.issuedAt = issuedAt;
            copy.signatureChecked = signatureChecked;
            copy.signatureValid = signatureValid;
            return copy;
        }

        RefusedException refuse(ErrorCode code, String detail) {
            List<String> safeAudience = audience == null ? null
                    : audience.stream().limit(20).map(SafeText::cut).toList();
            return new RefusedException(new TokenVerdict.Refused(code, detail, fingerprint,
                    new UnverifiedToken(algorithm, keyId, issuer, safeAudience, subject, expiresAt, issuedAt),
                    signatureChecked, signatureValid));
        }
    }

    /** Control flow only: carries a refusal out of a rule. No stack trace, no message with token data. */
    private static final class RefusedException extends RuntimeException {
        final transient TokenVerdict.Refused verdict;

        RefusedException(TokenVerdict.Refused verdict) {
            super(verdict.code().name(), null, false, false);
            this.verdict = verdict;
        }
    }
}
