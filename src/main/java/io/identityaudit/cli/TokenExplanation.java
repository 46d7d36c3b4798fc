package io.identityaudit.cli;

import io.identityaudit.config.TokenRules;
import io.identityaudit.token.IdTokenClaims;
import io.identityaudit.token.SafeText;
import io.identityaudit.token.TokenVerdict;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes what {@code explain-token} found, for a person: the verdict first, then how the token was checked, then
 * what the token says about itself. Everything shown comes from the verdict (whose details never contain the
 * token) or from the decoded header and claims; the encoded token and its signature are never written.
 */
final class TokenExplanation {

    private static final List<String> TIME_CLAIMS = List.of("iat", "nbf", "auth_time", "exp");

    private final PrintWriter out;
    private final String domain;
    private final String clientId;
    private final Instant at;
    private final TokenRules rules;

    TokenExplanation(PrintWriter out, String domain, String clientId, Instant at, TokenRules rules) {
        this.out = out;
        this.domain = domain;
        this.clientId = clientId;
        this.at = at;
        this.rules = rules;
    }

    /** @param decoded the decoded token, or null when there is nothing to decode */
    void print(TokenVerdict verdict, DecodedToken decoded) {
        boolean verified = verdict instanceof TokenVerdict.Accepted;
        if (verdict instanceof TokenVerdict.Accepted accepted) {
            printVerified(accepted);
        } else {
            printRejected((TokenVerdict.Refused) verdict);
        }
        line("Checked as", "domain " + SafeText.quote(domain) + ", client ID " + SafeText.quote(clientId)
                + ", event at " + at + ", clock skew " + rules.clockSkew().toSeconds() + " s");
        if (decoded != null) {
            String trust = verified ? "decoded; signature verified" : "decoded, NOT verified";
            section("Header (" + trust + ")", decoded.header(), decoded.headerProblem());
            section("Claims (" + trust + ")", decoded.claims(), decoded.claimsProblem());
            times(decoded.claims());
        }
        out.println(verified ? "VERIFIED" : "REJECTED");
        out.flush();
    }

    private void printVerified(TokenVerdict.Accepted accepted) {
        IdTokenClaims claims = accepted.claims();
        line("Verdict", "VERIFIED");
        line("Subject", SafeText.quote(claims.subject()));
        line("Issuer", SafeText.quote(claims.issuer()));
        line("Audience", String.join(", ", claims.audience().stream().map(SafeText::quote).toList()));
        line("Signature", "valid: " + accepted.algorithm() + " with the org's key "
                + SafeText.quote(accepted.keyId()));
        line("Expires at", claims.expiresAt() + " (" + relative(claims.expiresAt()) + ")");
        line("Fingerprint", fingerprint(accepted.fingerprint()));
    }

    private void printRejected(TokenVerdict.Refused refused) {
        line("Verdict", "REJECTED");
        ErrorReport.print(out, refused.code(), refused.detail());
        line("Signature", !refused.signatureChecked() ? "not checked (an earlier rule refused the token)"
                : refused.signatureValid() ? "valid" : "INVALID");
        line("Fingerprint", fingerprint(refused.fingerprint()));
    }

    private static String fingerprint(String sha256) {
        return sha256 + " (SHA-256 of the token, as in its audit records)";
    }

    private void section(String title, Map<String, Object> json, String problem) {
        out.println();
        out.println(title + ":");
        out.println(json != null ? SafeJson.pretty(json) : "(not shown: " + problem + ")");
    }

    /** The numeric time claims as instants, next to the instant they were checked against. */
    private void times(Map<String, Object> claims) {
        if (claims == null || TIME_CLAIMS.stream().noneMatch(name -> claims.get(name) instanceof Number)) {
            return;
        }
        out.println();
        out.println("Times (checked against " + at + "):");
        for (String name : TIME_CLAIMS) {
            if (claims.get(name) instanceof Number seconds) {
                Instant instant = epochSeconds(seconds);
                out.printf("  %-10s %s (%s)%n", name, instant, relative(instant));
            }
        }
        out.println();
    }

    /** Relative to the instant checked against: "in 59 min", "3 d ago". */
    private String relative(Instant instant) {
        Duration difference = Duration.between(at, instant);
        String amount = humanized(difference.abs());
        return difference.isNegative() ? amount + " ago" : "in " + amount;
    }

    static String humanized(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 2 * 86_400) {
            return seconds / 3600 + " h";
        }
        return seconds / 86_400 + " d";
    }

    /** Seconds as JSON gives them, clamped to what {@link Instant} holds (a hostile token may say 1e300). */
    private static Instant epochSeconds(Number seconds) {
        double value = seconds.doubleValue();
        if (Double.isNaN(value)) {
            return Instant.EPOCH;
        }
        return Instant.ofEpochSecond((long) Math.max(Math.min(value, Instant.MAX.getEpochSecond()),
                Instant.MIN.getEpochSecond()));
    }

    private void line(String label, String value) {
        out.printf("%-12s %s%n", label + ":", value);
    }
}
