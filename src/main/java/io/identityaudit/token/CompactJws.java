package io.identityaudit.token;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A token in JWS compact form, split at its two dots once its characters are checked. Its parts are decoded with
 * the JDK's base64url decoder and the signing input goes to the signature check as the token's own ASCII bytes, so
 * nothing is decoded twice or concatenated again.
 */
final class CompactJws {

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /**
     * The characters a token may contain, by ISO-8859-1 byte: base64url and '.'. Not '=': the JDK decoder would
     * accept padding.
     */
    private static final boolean[] ALLOWED = new boolean[256];
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    static {
        BASE64URL.chars().forEach(c -> ALLOWED[c] = true);
        ALLOWED['.'] = true;
    }

    private final String token;
    private final byte[] ascii;
    private final int firstDot;
    private final int secondDot;

    private CompactJws(String token, byte[] ascii, int firstDot, int secondDot) {
        this.token = token;
        this.ascii = ascii;
        this.firstDot = firstDot;
        this.secondDot = secondDot;
    }

    /**
     * Checks the size and the characters, then finds the dots.
     *
     * @throws Malformed saying what is wrong, with positions and counts but never the token's text
     */
    static CompactJws split(String token, int maxChars) {
        if (token.length() > maxChars) {
            throw new Malformed("the token is " + token.length() + " characters long, over the limit of " + maxChars);
        }
        // One byte per character (a character above U+00FF becomes '?', which is refused at its own position), so
        // the check is a table lookup per byte, and the bytes are the signing input once every one passed.
        byte[] latin1 = token.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < latin1.length; i++) {
            if (!ALLOWED[latin1[i] & 0xff]) {
                throw new Malformed("the token contains a character that is not base64url or '.' at position " + i
                        + (latin1[i] == ' ' || latin1[i] == '\n' ? " (white space)" : ""));
            }
        }
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
            int dots = (int) token.chars().filter(c -> c == '.').count();
            if (dots == 4) {
                throw new Malformed("the token is encrypted (JWE, five parts); Okta ID tokens are signed JWS with "
                        + "three parts");
            }
            throw new Malformed("the token has " + (dots + 1) + " dot-separated parts; a compact JWS has three");
        }
        return new CompactJws(token, latin1, firstDot, secondDot);
    }

    String encodedHeader() {
        return token.substring(0, firstDot);
    }

    String header() {
        return new String(decode(0, firstDot), StandardCharsets.UTF_8);
    }

    String payload() {
        return new String(decode(firstDot + 1, secondDot), StandardCharsets.UTF_8);
    }

    String encodedSignature() {
        return token.substring(secondDot + 1);
    }

    byte[] signingInput() {
        return Arrays.copyOf(ascii, secondDot);
    }

    /** Feeds the signing input (header, '.', payload, as encoded) to a signature check, without copying it. */
    void updateWithSigningInput(Signature check) throws SignatureException {
        check.update(ascii, 0, secondDot);
    }

    /** Only meaningful when {@link #signatureIsCanonical()}. */
    byte[] signature() {
        return decode(secondDot + 1, ascii.length);
    }

    /**
     * Whether the signature is spelled the one way its bytes encode to. Otherwise 16 spellings of one RS256
     * signature would verify (the 4 unused low bits of the last of its 342 characters), and one genuine token
     * would pass under 16 fingerprints. A length of 4n+1 leaves a character that carries no whole byte.
     */
    boolean signatureIsCanonical() {
        int length = ascii.length - secondDot - 1;
        int unusedBits = switch (length % 4) {
            case 0 -> 0;
            case 2 -> 4;
            case 3 -> 2;
            default -> -1;
        };
        if (unusedBits <= 0) {
            return unusedBits == 0;
        }
        int last = BASE64URL.indexOf(ascii[ascii.length - 1]);
        return (last & ((1 << unusedBits) - 1)) == 0;
    }

    /**
     * The scan let only base64url characters through, so the JDK decoder fails only on a part of 4n+1 characters.
     * Its last character carries no whole byte; nimbus's decoder, which this one replaced, ignored it, and so does
     * this one, so that header and payload decode to the same bytes as before. The signature is held to its
     * canonical spelling separately.
     */
    private byte[] decode(int from, int to) {
        int usable = (to - from) % 4 == 1 ? to - 1 : to;
        return DECODER.decode(Arrays.copyOfRange(ascii, from, usable));
    }

    /** A token that is not three dot-separated parts of base64url. Control flow only: no stack trace. */
    static final class Malformed extends RuntimeException {
        Malformed(String detail) {
            super(detail, null, false, false);
        }
    }
}
