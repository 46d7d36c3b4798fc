package io.identityaudit.cli;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;

/**
 * The header and claims of a token, decoded for reading and trusted for nothing: the signature is not looked at
 * (and never kept), and a part that does not decode says why instead of failing. The caller decides what may be
 * shown; this type never holds the encoded token.
 *
 * @param header        the decoded header, or null
 * @param headerProblem why the header is not shown, or null
 * @param claims        the decoded claims, or null
 * @param claimsProblem why the claims are not shown, or null
 */
record DecodedToken(Map<String, Object> header, String headerProblem, Map<String, Object> claims,
                    String claimsProblem) {

    static DecodedToken of(String token) {
        String[] parts = token.split("\\.", -1);
        Part header = decode(parts[0]);
        Part claims;
        if (parts.length == 5) {
            claims = new Part(null, "the token is encrypted (JWE): its claims cannot be read without the key");
        } else if (parts.length < 2 || parts.length > 3) {
            claims = new Part(null, "the token has " + parts.length + " dot-separated parts, not header.payload"
                    + ".signature");
        } else {
            claims = decode(parts[1]);
        }
        return new DecodedToken(header.json, header.problem, claims.json, claims.problem);
    }

    private static Part decode(String encoded) {
        if (encoded.isEmpty()) {
            return new Part(null, "empty");
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(new Base64URL(encoded).decodeToString());
            return json != null ? new Part(json, null) : new Part(null, "JSON null, not an object");
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            // The same reasons the validator gives MALFORMED_TOKEN for; the content itself is not repeated.
            return new Part(null, "not base64url-encoded JSON (or a member name is repeated)");
        }
    }

    private record Part(Map<String, Object> json, String problem) {
    }
}
