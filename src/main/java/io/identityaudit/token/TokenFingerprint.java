package io.identityaudit.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The only form in which a token may leave the validator: lowercase hex SHA-256 of its bytes. Any team can
 * compute the same value from a token it holds ({@code printf %s "$TOKEN" | sha256sum}) to find its audit records.
 */
public final class TokenFingerprint {

    private TokenFingerprint() {
    }

    public static String of(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
