package io.identityaudit.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.jwks.KeyLookup;
import io.identityaudit.jwks.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * One Okta-shaped org for the benchmarks: a 2048-bit RSA signing key, a tenant on {@code acme.okta.com}, and ID
 * tokens with the claims Okta's org authorization server sends (as {@code demo.IdTokenMinter} mints them, plus
 * {@code nonce}, {@code email_verified} and {@code groups}), about 1 KB each. Its {@link SigningKeys} answers from
 * memory, so a benchmark measures the validator and never the network.
 */
final class OktaShapedOrg {

    static final String DOMAIN = "acme.okta.com";
    static final String CLIENT_ID = "0oa8f3k2r9XyZ1b2c3d4";
    /** Okta's kids are 43-character base64url strings. */
    static final String KEY_ID = "n5lSk0nbtZ_Pd8a1eWbI9p8Uq1FQcM8NB1X7Q6zlTIE";

    final RSAKey signingKey;
    final RSAKey publicKey;
    final TenantPolicy tenant = new TenantPolicy("tenant-acme", CLIENT_ID, DOMAIN, true);
    /** Every token is issued a few seconds ago, so nimbus (which checks against the wall clock) accepts it. */
    final Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
    /** When the events carrying the tokens occurred: a minute into the tokens' hour. */
    final Instant eventTime = issuedAt.plusSeconds(60);
    final SigningKeys signingKeys;

    OktaShapedOrg() {
        try {
            signingKey = new RSAKeyGenerator(2048).keyID(KEY_ID).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        publicKey = signingKey.toPublicJWK();
        KeyLookup found = new KeyLookup.Found(publicKey);
        KeyLookup unknown = new KeyLookup.UnknownKeyId("the key set of " + DOMAIN + " has no RS256 signing key with "
                + "that kid");
        signingKeys = (tenant, keyId, algorithm) -> KEY_ID.equals(keyId) ? found : unknown;
    }

    String issuer() {
        return tenant.issuer();
    }

    /** {@code count} distinct genuine ID tokens (each its own jti and nonce), signed on every core. */
    String[] mint(int count) {
        return IntStream.range(0, count).parallel().mapToObj(i -> sign(claims(i))).toArray(String[]::new);
    }

    private Map<String, Object> claims(int i) {
        long iat = issuedAt.getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "00u1a2b3c4d5e6f7g8h9");
        claims.put("name", "Ada Lovelace");
        claims.put("email", "ada.lovelace@example.com");
        claims.put("email_verified", true);
        claims.put("ver", 1);
        claims.put("iss", issuer());
        claims.put("aud", CLIENT_ID);
        claims.put("iat", iat);
        claims.put("exp", iat + Duration.ofHours(1).toSeconds());
        claims.put("jti", "ID." + UUID.randomUUID().toString().replace("-", ""));
        claims.put("amr", List.of("pwd", "mfa", "otp"));
        claims.put("idp", "00o1a2b3c4d5e6f7g8h9");
        claims.put("nonce", "n-" + i + "-" + UUID.randomUUID());
        claims.put("preferred_username", "ada.lovelace@example.com");
        claims.put("auth_time", iat - 5);
        claims.put("at_hash", "kZxg3Q0m2yHnV4uR7bWc9A");
        claims.put("groups", List.of("Everyone", "Support", "Widget-Admins"));
        return claims;
    }

    private String sign(Map<String, Object> claims) {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY_ID).build(),
                new Payload(claims));
        try {
            jws.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }

    // --- bad tokens, derived from genuine ones without signing again ---------------------------------------------

    /** The same header and payload with the signature of another token: canonical base64url, wrong value. */
    static String[] withForeignSignatures(String[] genuine) {
        String[] forged = new String[genuine.length];
        for (int i = 0; i < genuine.length; i++) {
            String[] own = genuine[i].split("\\.");
            String[] other = genuine[(i + 1) % genuine.length].split("\\.");
            forged[i] = own[0] + "." + own[1] + "." + other[2];
        }
        return forged;
    }

    /** Signed by a key the org does not publish (a rotated-away or foreign kid). */
    static String[] withUnknownKeyId(String[] genuine) {
        String header = b64("{\"kid\":\"Xq7rotatedAwayKeyId0000000000000000000000000\",\"alg\":\"RS256\"}");
        return replaceHeader(genuine, header);
    }

    /** {@code alg: none}, no signature: the classic unsigned forgery. */
    static String[] unsigned(String[] genuine) {
        String header = b64("{\"alg\":\"none\"}");
        String[] forged = replaceHeader(genuine, header);
        for (int i = 0; i < forged.length; i++) {
            forged[i] = forged[i].substring(0, forged[i].lastIndexOf('.') + 1);
        }
        return forged;
    }

    /** Cut off two thirds of the way: a copy that lost its end (two parts, no signature). */
    static String[] truncated(String[] genuine) {
        String[] cut = new String[genuine.length];
        for (int i = 0; i < genuine.length; i++) {
            String token = genuine[i];
            cut[i] = token.substring(0, token.lastIndexOf('.') - token.length() / 3);
        }
        return cut;
    }

    private static String[] replaceHeader(String[] genuine, String header) {
        String[] changed = new String[genuine.length];
        for (int i = 0; i < genuine.length; i++) {
            changed[i] = header + genuine[i].substring(genuine[i].indexOf('.'));
        }
        return changed;
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
