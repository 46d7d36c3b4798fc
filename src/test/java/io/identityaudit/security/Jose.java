package io.identityaudit.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.JSONStringUtils;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Hand-made JOSE. Tokens are written as raw JSON text (or raw bytes) and base64url, then signed over exactly those
 * bytes, so duplicate members, odd member types and invalid UTF-8 reach the validator as an attacker would send
 * them; a JOSE library would normalise them away.
 */
final class Jose {

    private Jose() {
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64URL.encode(bytes).toString();
    }

    /** A JSON object as text, members in the map's order. */
    static String json(Map<String, ?> members) {
        return JSONObjectUtils.toJSONString(members);
    }

    /** A JSON string literal. */
    static String quoted(String text) {
        return JSONStringUtils.toJSONString(text);
    }

    static String header(String alg, String kid) {
        return "{\"alg\":" + quoted(alg) + ",\"kid\":" + quoted(kid) + "}";
    }

    /** {@code b64(header).b64(payload).signature}, the signature as given (may be empty). */
    static String compact(String headerJson, String payloadJson, String signature) {
        return b64(headerJson) + "." + b64(payloadJson) + "." + signature;
    }

    /** Signs exactly these header and payload bytes with {@code signer} as {@code alg}. */
    static String signed(JWSSigner signer, JWSAlgorithm alg, byte[] headerJson, byte[] payloadJson) {
        String signingInput = b64(headerJson) + "." + b64(payloadJson);
        try {
            Base64URL signature = signer.sign(new JWSHeader(alg), signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + signature;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String signed(JWSSigner signer, JWSAlgorithm alg, String headerJson, String payloadJson) {
        return signed(signer, alg, headerJson.getBytes(StandardCharsets.UTF_8),
                payloadJson.getBytes(StandardCharsets.UTF_8));
    }

    static String rs256(RSAKey key, String headerJson, String payloadJson) {
        return rsa(key, JWSAlgorithm.RS256, headerJson, payloadJson);
    }

    static String rsa(RSAKey key, JWSAlgorithm alg, String headerJson, String payloadJson) {
        try {
            return signed(new RSASSASigner(key), alg, headerJson, payloadJson);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256Bytes(RSAKey key, byte[] headerJson, byte[] payloadJson) {
        try {
            return signed(new RSASSASigner(key), JWSAlgorithm.RS256, headerJson, payloadJson);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HMAC token keyed with {@code secret}: the algorithm-confusion forgery when the secret is a public key. */
    static String hmac(JWSAlgorithm alg, byte[] secret, String headerJson, String payloadJson) {
        try {
            return signed(new MACSigner(secret), alg, headerJson, payloadJson);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as PEM text, as an attacker would copy it from a JWKS-to-PEM converter. */
    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** A self-signed certificate for {@code key}: what an attacker puts behind {@code x5u} or into {@code x5c}. */
    static X509Certificate selfSigned(RSAKey key) {
        try {
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=acme.okta.com");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
                    key.toRSAPublicKey());
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.toRSAPrivateKey())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
