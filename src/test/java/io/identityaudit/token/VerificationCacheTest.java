package io.identityaudit.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.jwks.KeyLookup;
import io.identityaudit.jwks.SigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A token seen before skips parsing and the RSA check, but never a rule that can change between events: the key
 * must still be published, the tenant config must be the same, and sub and time are checked every time.
 */
class VerificationCacheTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final TenantPolicy TENANT = new TenantPolicy("acme", CLIENT_ID, "acme.okta.com", true);

    final RSAKey key = generate("kid-1");
    final Map<String, JWK> published = new ConcurrentHashMap<>(Map.of(key.getKeyID(), key.toPublicJWK()));
    final AtomicInteger lookups = new AtomicInteger();
    final SigningKeys keys = (tenant, kid, alg) -> {
        lookups.incrementAndGet();
        JWK jwk = published.get(kid);
        return jwk == null ? new KeyLookup.UnknownKeyId("not published") : new KeyLookup.Found(jwk);
    };
    final OktaIdTokenValidator validator = new OktaIdTokenValidator(TokenRules.DEFAULTS, keys);

    static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String token(Instant issuedAt) {
        return io.identityaudit.testing.Tokens.signed(key, Map.of(
                "iss", "https://acme.okta.com", "aud", CLIENT_ID, "sub", "00u1", "email", "ada@example.com",
                "iat", issuedAt.getEpochSecond(), "exp", issuedAt.plus(Duration.ofHours(1)).getEpochSecond()));
    }

    @Test
    void secondEventWithTheSameTokenGetsTheSameVerdictAsTheFirst() {
        String token = token(T0);

        TokenVerdict first = validator.validate(token, TENANT, T0);
        TokenVerdict second = validator.validate(new String(token.toCharArray()), TENANT, T0.plusSeconds(5));

        assertThat(first).isInstanceOf(TokenVerdict.Accepted.class);
        assertThat(second).isInstanceOf(TokenVerdict.Accepted.class);
        assertThat(((TokenVerdict.Accepted) second).claims()).isEqualTo(((TokenVerdict.Accepted) first).claims());
        assertThat(second.fingerprint()).isEqualTo(TokenFingerprint.of(token));
    }

    @Test
    void cachedTokenIsStillJudgedForTimeAtEveryEvent() {
        String token = token(T0);
        validator.validate(token, TENANT, T0);

        TokenVerdict later = validator.validate(token, TENANT, T0.plus(Duration.ofHours(2)));

        assertThat(later).isInstanceOfSatisfying(TokenVerdict.Refused.class, refused -> {
            assertThat(refused.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
            assertThat(refused.signatureValid()).isTrue();
            assertThat(refused.token().subject()).isEqualTo("00u1");
        });
    }

    @Test
    void cachedTokenIsNotAcceptedOnceItsKeyIsNoLongerPublished() {
        String token = token(T0);
        validator.validate(token, TENANT, T0);

        published.clear();

        assertThat(validator.validate(token, TENANT, T0)).isInstanceOfSatisfying(TokenVerdict.Refused.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_SIGNING_KEY));
    }

    @Test
    void cachedTokenIsNotAcceptedWhenTheKeyUnderItsKidChanged() {
        String token = token(T0);
        validator.validate(token, TENANT, T0);

        published.put(key.getKeyID(), generate(key.getKeyID()).toPublicJWK());

        assertThat(validator.validate(token, TENANT, T0)).isInstanceOfSatisfying(TokenVerdict.Refused.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE));
    }

    @Test
    void aChangedTenantConfigIsNeverAnsweredFromTheCache() {
        String token = token(T0);
        validator.validate(token, TENANT, T0);

        TenantPolicy otherApp = new TenantPolicy("acme", "0oaNEWAPP", "acme.okta.com", true);

        assertThat(validator.validate(token, otherApp, T0)).isInstanceOfSatisfying(TokenVerdict.Refused.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_AUDIENCE));
    }

    @Test
    void everyEventStillLooksTheKeyUp() {
        String token = token(T0);
        validator.validate(token, TENANT, T0);
        int before = lookups.get();

        validator.validate(token, TENANT, T0);

        assertThat(lookups.get() - before).isEqualTo(1);
    }

    @Test
    void withoutACacheEveryEventIsValidatedInFull() {
        OktaIdTokenValidator uncached = new OktaIdTokenValidator(TokenRules.DEFAULTS, keys, 0);
        String token = token(T0);

        assertThat(uncached.validate(token, TENANT, T0)).isInstanceOf(TokenVerdict.Accepted.class);
        assertThat(uncached.validate(token, TENANT, T0)).isInstanceOf(TokenVerdict.Accepted.class);
    }

    @Test
    void theDefaultSizeTakesAQuarterOfTheHeapBetweenTenAndAHundredThousandTokens() {
        long mib = 1024 * 1024;

        assertThat(OktaIdTokenValidator.defaultCacheSize(32 * mib)).isEqualTo(10_000);
        assertThat(OktaIdTokenValidator.defaultCacheSize(256 * mib)).isEqualTo((int) (256 * mib / 4 / 1_500));
        assertThat(OktaIdTokenValidator.defaultCacheSize(6 * 1024 * mib)).isEqualTo(100_000);
    }

    @Test
    void aNewTokenWithAHeaderSeenBeforeIsJudgedAndDescribedAsIfTheHeaderWereNew() {
        validator.validate(token(T0), TENANT, T0);
        String otherApp = io.identityaudit.testing.Tokens.signed(key, Map.of(
                "iss", "https://acme.okta.com", "aud", "0oaOTHERAPP", "sub", "00u2",
                "iat", T0.getEpochSecond(), "exp", T0.plus(Duration.ofHours(1)).getEpochSecond()));
        String unsigned = "eyJhbGciOiJub25lIiwia2lkIjoia2lkLTEifQ." + otherApp.split("\\.")[1] + ".";

        TokenVerdict refused = validator.validate(otherApp, TENANT, T0);
        TokenVerdict again = validator.validate(unsigned, TENANT, T0);
        TokenVerdict stillRefused = validator.validate(unsigned, TENANT, T0);

        assertThat(refused).isInstanceOfSatisfying(TokenVerdict.Refused.class, r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.INVALID_AUDIENCE);
            assertThat(r.token().algorithm()).isEqualTo("RS256");
            assertThat(r.token().keyId()).isEqualTo("kid-1");
        });
        assertThat(again).isInstanceOfSatisfying(TokenVerdict.Refused.class,
                r -> assertThat(r.code()).isEqualTo(ErrorCode.UNSUPPORTED_ALGORITHM));
        assertThat(stillRefused).isInstanceOfSatisfying(TokenVerdict.Refused.class,
                r -> assertThat(r.code()).isEqualTo(ErrorCode.UNSUPPORTED_ALGORITHM));
    }
}
