package io.identityaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.TokenFingerprint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** explain-token against a real HTTPS org on loopback, with tokens signed by its published key. */
class ExplainTokenCommandTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";

    static SimulatedOktaOrg org;
    static Path caFile;

    @BeforeAll
    static void startOrg(@TempDir Path dir) {
        LoopbackTls tls = LoopbackTls.create();
        org = SimulatedOktaOrg.start(tls);
        caFile = LoopbackOrgs.caFile(tls, dir);
    }

    @AfterAll
    static void stopOrg() {
        org.close();
    }

    static String freshToken() {
        return IdTokenMinter.of(org, CLIENT_ID, Instant.now()).sign();
    }

    /** explain-token for the org's domain (allowlisted and trusted) and {@code clientId}, then {@code more}. */
    static List<String> explain(String clientId, String... more) {
        List<String> args = new ArrayList<>(List.of("explain-token", "--domain", org.domain(), "--client-id",
                clientId, "--custom-domain", org.domain(), "--jwks-ca-file", caFile.toString()));
        args.addAll(List.of(more));
        return args;
    }

    static Cli.Result run(List<String> args) {
        return Cli.run(args.toArray(String[]::new));
    }

    static String signatureOf(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    /** The token with the first character of its signature changed. */
    static String tampered(String token) {
        String signature = signatureOf(token);
        return token.substring(0, token.length() - signature.length())
                + (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1);
    }

    @Test
    void tokenOfTheOrgForTheClientIsVerifiedAndExitsZero() {
        String token = freshToken();

        Cli.Result result = run(explain(CLIENT_ID, token));

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result.out())
                .contains("Verdict:     VERIFIED")
                .contains("Subject:     '" + IdTokenMinter.USER_ID + "'")
                .contains("valid: RS256 with the org's key '" + org.signingKey().getKeyID() + "'")
                .contains("Fingerprint: " + TokenFingerprint.of(token))
                .contains("Header (decoded; signature verified):", "\"alg\": \"RS256\"")
                .contains("Claims (decoded; signature verified):", "\"aud\": \"" + CLIENT_ID + "\"",
                        "\"iss\": \"" + org.issuer() + "\"");
        assertThat(result.out().strip()).endsWith("VERIFIED");
    }

    @Test
    void tokenForAnotherClientIdIsRejectedWithInvalidAudienceHintAndExitsOne() {
        Cli.Result result = run(explain("0oaSomeOtherApp", freshToken()));

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out())
                .contains("Verdict:     REJECTED")
                .contains("INVALID_AUDIENCE: the token's aud '[" + CLIENT_ID + "]' does not include the client ID "
                        + "'0oaSomeOtherApp'")
                .contains("Hint: " + ErrorCode.INVALID_AUDIENCE.hint())
                .contains("Claims (decoded, NOT verified):", "\"sub\": \"" + IdTokenMinter.USER_ID + "\"");
        assertThat(result.out().strip()).endsWith("REJECTED");
    }

    @Test
    void dashReadsTheTokenFromStandardInputIgnoringTheTrailingNewline() {
        String token = freshToken();

        Cli.Result result = Cli.runWithStdin(token + "\n", explain(CLIENT_ID, "-").toArray(String[]::new));

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("Verdict:     VERIFIED", "Fingerprint: " + TokenFingerprint.of(token));
    }

    @Test
    void outputNeverContainsTheTokenOrItsSignatureWhateverTheVerdict() {
        String token = freshToken();
        String tampered = tampered(token);
        List<Cli.Result> results = List.of(
                run(explain(CLIENT_ID, token)),
                run(explain("0oaSomeOtherApp", token)),
                run(explain(CLIENT_ID, tampered)),
                Cli.runWithStdin(token, explain(CLIENT_ID, "-").toArray(String[]::new)),
                Cli.run("explain-token", "--domain", "https://" + org.domain(), "--client-id", CLIENT_ID, token),
                run(explain(CLIENT_ID, token, "--at", "2000-01-01T00:00:00Z")));

        assertThat(results).extracting(Cli.Result::exitCode)
                .containsExactly(ExitCode.OK, ExitCode.REFUSED, ExitCode.REFUSED, ExitCode.OK, ExitCode.REFUSED,
                        ExitCode.REFUSED);
        for (Cli.Result result : results) {
            assertThat(result.all())
                    .doesNotContain(token)
                    .doesNotContain(tampered)
                    .doesNotContain(signatureOf(token))
                    .doesNotContain(signatureOf(tampered))
                    // and not even a recognisable piece of the signature
                    .doesNotContain(signatureOf(token).substring(10, 40));
        }
    }

    @Test
    void tamperedSignatureIsRejectedAsInvalidSignature() {
        Cli.Result result = run(explain(CLIENT_ID, tampered(freshToken())));

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("INVALID_SIGNATURE: ", "Signature:   INVALID");
    }

    @Test
    void atChoosesTheInstantTheTokenIsCheckedAgainst() {
        Instant issued = Instant.parse("2026-01-05T09:00:00Z");
        String token = IdTokenMinter.of(org, CLIENT_ID, issued).sign();

        Cli.Result duringValidity = run(explain(CLIENT_ID, "--at", "2026-01-05T09:30:00Z", token));
        Cli.Result now = run(explain(CLIENT_ID, token));

        assertThat(duringValidity.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(duringValidity.out()).contains("Verdict:     VERIFIED", "event at 2026-01-05T09:30:00Z")
                .contains("exp        2026-01-05T10:00:00Z (in 30 min)");
        assertThat(now.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(now.out()).contains("TOKEN_EXPIRED: the token expired at 2026-01-05T10:00:00Z");
    }

    @Test
    void atAcceptsAnOffsetAndRefusesWhatIsNotAnInstantAsUsageError() {
        Instant issued = Instant.parse("2026-01-05T09:00:00Z");
        String token = IdTokenMinter.of(org, CLIENT_ID, issued).sign();

        Cli.Result withOffset = run(explain(CLIENT_ID, "--at", "2026-01-05T10:30:00+01:00", token));
        Cli.Result garbage = run(explain(CLIENT_ID, "--at", "yesterday", token));

        assertThat(withOffset.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(garbage.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(garbage.err()).contains("Invalid value for option '--at': not an ISO-8601 instant");
    }

    @Test
    void atWithoutItsValueDoesNotRepeatTheTokenItSwallowed() {
        String token = freshToken();

        Cli.Result result = run(explain(CLIENT_ID, "--at", token));

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.all()).contains("--at").doesNotContain(token).doesNotContain(signatureOf(token));
    }

    @Test
    void malformedTokenIsRejectedAndItsDecodableHeaderIsStillShown() {
        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes());

        Cli.Result result = run(explain(CLIENT_ID, header + ".%%%.sig"));

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("MALFORMED_TOKEN: ", "\"kid\": \"k1\"")
                .contains("Claims (decoded, NOT verified):\n(not shown: not base64url-encoded JSON");
    }

    @Test
    void controlCharactersInClaimsAreEscapedNotSentToTheTerminal() {
        String token = IdTokenMinter.of(org, CLIENT_ID, Instant.now()).claim("name", "Ada\u001b[2J").sign();

        Cli.Result result = run(explain(CLIENT_ID, token));

        assertThat(result.out()).contains("\"name\": \"Ada\\u001b[2J\"").doesNotContain("\u001b");
    }

    @Test
    void domainWithSchemeIsRejectedAsTenantConfigInvalid() {
        Cli.Result result = Cli.run("explain-token", "--domain", "https://acme.okta.com", "--client-id", CLIENT_ID,
                freshToken());

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("TENANT_CONFIG_INVALID: the domain includes a scheme (https://)")
                .contains("Hint: " + ErrorCode.TENANT_CONFIG_INVALID.hint());
    }

    @Test
    void unreachableOrgIsRejectedAsJwksFetchFailed() {
        String domain = "localhost:" + LoopbackOrgs.closedPort();
        String token = IdTokenMinter.of(org, CLIENT_ID, Instant.now()).claim("iss", "https://" + domain).sign();

        Cli.Result result = Cli.run("explain-token", "--domain", domain, "--client-id", CLIENT_ID,
                "--custom-domain", domain, "--jwks-ca-file", caFile.toString(), token);

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("JWKS_FETCH_FAILED: ");
    }

    @Test
    void emptyStandardInputIsMissingToken() {
        Cli.Result result = Cli.runWithStdin("\n", explain(CLIENT_ID, "-").toArray(String[]::new));

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("MISSING_TOKEN: ");
    }

    @Test
    void extraArgumentsAreAUsageErrorAndAreNotRepeated() {
        String token = freshToken();

        Cli.Result result = run(explain(CLIENT_ID, token, token));

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.all()).contains("takes one TOKEN").doesNotContain(token);
    }

    @Test
    void unknownOptionIsAUsageErrorNamingTheOptionButNotTheToken() {
        String token = freshToken();

        Cli.Result result = run(explain(CLIENT_ID, "--verbose", token));

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("unknown option(s) --verbose").doesNotContain(token);
    }

    @Test
    void missingTokenArgumentIsAUsageError() {
        Cli.Result result = run(explain(CLIENT_ID));

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("TOKEN|-");
    }

    @Test
    void tokenIssuedAnHourAheadIsNotYetValid() {
        String token = IdTokenMinter.of(org, CLIENT_ID, Instant.now().plus(Duration.ofHours(1))).sign();

        Cli.Result result = run(explain(CLIENT_ID, token));

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("TOKEN_NOT_YET_VALID: ");
    }
}
