package io.identityaudit.security;

import com.nimbusds.jose.jwk.RSAKey;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the attacks are made from: the victim tenant's real Okta org on loopback (HTTPS, real RSA keys), another
 * tenant's org, and an attacker with a key of their own and a web server to publish it. Tokens are minted for an
 * event that occurs at {@link #T0}.
 */
final class Arsenal implements AutoCloseable {

    /** The victim: tenant {@code acme}, its app and its org. */
    static final String TENANT = "acme";
    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    /** Another app of the same org. */
    static final String OTHER_CLIENT_ID = "0oa9z8y7x6w5v4u3t2s1";
    /** Another tenant with its own org. */
    static final String OTHER_TENANT = "globex";
    static final String OTHER_TENANT_CLIENT_ID = "0oaGLOBEX00000000001";
    /** A tenant on a real Okta domain: refused tokens of it must never cause a request to that domain. */
    static final String OKTA_TENANT = "acme-okta";
    static final String OKTA_DOMAIN = "acme.okta.com";

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final Instant ISSUED_AT = T0.minusSeconds(60);
    static final Instant CONFIGURED_AT = T0.minus(Duration.ofDays(30));

    final LoopbackTls tls;
    final SimulatedOktaOrg org;
    final SimulatedOktaOrg otherOrg;
    final RSAKey attackerKey;
    final AttackerServer attacker;

    Arsenal() {
        tls = LoopbackTls.create();
        org = SimulatedOktaOrg.start(tls);
        otherOrg = SimulatedOktaOrg.start(tls);
        attackerKey = org.newSigningKey();
        attacker = new AttackerServer(tls, attackerKey);
    }

    /** The org's published signing key (private half included: only the org and the tests hold it). */
    RSAKey orgKey() {
        return org.signingKey();
    }

    String orgKid() {
        return orgKey().getKeyID();
    }

    /** A genuine ID token of the org for the tenant's app, as Okta would issue it. */
    String genuine() {
        return minter().sign();
    }

    IdTokenMinter minter() {
        return IdTokenMinter.of(org, CLIENT_ID, ISSUED_AT);
    }

    /** The claims Okta puts in an ID token of {@code issuer} for {@code clientId}. */
    static Map<String, Object> claims(String issuer, String clientId) {
        long iat = ISSUED_AT.getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", IdTokenMinter.USER_ID);
        claims.put("name", "Ada Lovelace");
        claims.put("email", "ada@example.com");
        claims.put("ver", 1);
        claims.put("iss", issuer);
        claims.put("aud", clientId);
        claims.put("iat", iat);
        claims.put("exp", iat + 3600);
        claims.put("jti", "ID.4eAWJOCMB3SX8XewDfVR");
        claims.put("amr", List.of("pwd"));
        claims.put("idp", "00o1a2b3c4d5e6f7g8h9");
        claims.put("preferred_username", "ada@example.com");
        claims.put("auth_time", iat - 5);
        return claims;
    }

    /** The victim's ID token claims as JSON text. */
    String claimsJson() {
        return Jose.json(claims(org.issuer(), CLIENT_ID));
    }

    /** The victim's claims, edited. */
    String claimsJson(Consumer<Map<String, Object>> edit) {
        Map<String, Object> claims = claims(org.issuer(), CLIENT_ID);
        edit.accept(claims);
        return Jose.json(claims);
    }

    /** The victim's claims with {@code name} set to a raw JSON value (null, 1e400, a duplicate...), placed last. */
    String claimsWithRaw(String name, String rawJsonValue) {
        String json = claimsJson(claims -> claims.remove(name));
        return json.substring(0, json.length() - 1) + "," + Jose.quoted(name) + ":" + rawJsonValue + "}";
    }

    /** Signed with the org's key under its kid: a token Okta could have issued with these exact bytes. */
    String orgSigned(String payloadJson) {
        return Jose.rs256(orgKey(), Jose.header("RS256", orgKid()), payloadJson);
    }

    /** Signed with the attacker's key under the org's kid: a forgery that reaches the signature check. */
    String forged(String payloadJson) {
        return Jose.rs256(attackerKey, Jose.header("RS256", orgKid()), payloadJson);
    }

    @Override
    public void close() {
        attacker.close();
        otherOrg.close();
        org.close();
    }
}
