package io.identityaudit.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mints ID tokens the way Okta's org authorization server does (header {@code alg} and {@code kid} only, the
 * claims Okta always sends), signed with real RSA keys; every part can be changed to make a bad one.
 */
public final class IdTokenMinter {

    public static final String USER_ID = "00u1a2b3c4d5e6f7g8h9";

    private final Map<String, Object> claims = new LinkedHashMap<>();
    private RSAKey signingKey;
    private String keyId;
    private JOSEObjectType type;

    private IdTokenMinter(RSAKey signingKey) {
        this.signingKey = signingKey;
        this.keyId = signingKey.getKeyID();
    }

    /** An ID token of {@code org} for app {@code clientId}, issued at {@code issuedAt}, valid one hour. */
    public static IdTokenMinter of(SimulatedOktaOrg org, String clientId, Instant issuedAt) {
        IdTokenMinter token = new IdTokenMinter(org.signingKey());
        long iat = issuedAt.getEpochSecond();
        token.claims.put("sub", USER_ID);
        token.claims.put("name", "Ada Lovelace");
        token.claims.put("email", "ada@example.com");
        token.claims.put("ver", 1);
        token.claims.put("iss", org.issuer());
        token.claims.put("aud", clientId);
        token.claims.put("iat", iat);
        token.claims.put("exp", iat + Duration.ofHours(1).toSeconds());
        token.claims.put("jti", "ID." + UUID.randomUUID().toString().replace("-", ""));
        token.claims.put("amr", List.of("pwd"));
        token.claims.put("idp", "00o1a2b3c4d5e6f7g8h9");
        token.claims.put("preferred_username", "ada@example.com");
        token.claims.put("auth_time", iat - 5);
        token.claims.put("at_hash", "preview-at-hash");
        return token;
    }

    /** An ID token of {@code org} for app {@code clientId} naming one user, issued at {@code issuedAt}. */
    public static IdTokenMinter forUser(SimulatedOktaOrg org, String clientId, Instant issuedAt, String subject,
                                        String name, String email) {
        return of(org, clientId, issuedAt)
                .claim("sub", subject)
                .claim("name", name)
                .claim("email", email)
                .claim("email_verified", true)
                .claim("preferred_username", email);
    }

    public IdTokenMinter claim(String name, Object value) {
        claims.put(name, value);
        return this;
    }

    public IdTokenMinter without(String name) {
        claims.remove(name);
        return this;
    }

    public IdTokenMinter expiresAt(Instant expiry) {
        return claim("exp", expiry.getEpochSecond());
    }

    public IdTokenMinter issuedAt(Instant issued) {
        return claim("iat", issued.getEpochSecond());
    }

    public IdTokenMinter signedWith(RSAKey key) {
        this.signingKey = key;
        this.keyId = key.getKeyID();
        return this;
    }

    /** Names another kid in the header than the key that signs. */
    public IdTokenMinter keyId(String kid) {
        this.keyId = kid;
        return this;
    }

    public IdTokenMinter type(String typ) {
        this.type = new JOSEObjectType(typ);
        return this;
    }

    public String sign() {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId);
        if (type != null) {
            header.type(type);
        }
        JWSObject jws = new JWSObject(header.build(), new Payload(claims));
        try {
            jws.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }
}
