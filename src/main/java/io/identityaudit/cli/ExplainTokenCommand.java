package io.identityaudit.cli;

import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.jwks.OrgJwksRegistry;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.OktaIdTokenValidator;
import io.identityaudit.token.SafeText;
import io.identityaudit.token.TokenFingerprint;
import io.identityaudit.token.TokenVerdict;
import io.identityaudit.token.UnverifiedToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "explain-token", mixinStandardHelpOptions = true,
        description = {"Validates one Okta ID token exactly as the pipeline would for an event of a tenant with this "
                + "domain and client ID, and explains the verdict: VERIFIED or REJECTED, the error code with its "
                + "detail and hint, the token's fingerprint and its decoded header and claims.",
                "The token itself and its signature are never printed. Pass - to read the token from standard "
                        + "input, which keeps it out of the shell history and the process list."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:verified", "1:rejected", "2:usage error", "3:failure: a file or standard input unreadable"})
final class ExplainTokenCommand implements Callable<Integer> {

    /** Far beyond any token; reading stops there so that a wrong file on stdin cannot exhaust memory. */
    static final int MAX_STDIN_BYTES = 1024 * 1024;
    static final String FROM_STDIN = "-";
    static final String TENANT_ID = "explain-token";

    @Spec
    CommandSpec spec;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
            description = "The tenant's Okta domain, e.g. acme.okta.com (no https://).")
    String domain;

    @Option(names = "--client-id", required = true, paramLabel = "CLIENT_ID",
            description = "The tenant's Okta client ID, e.g. 0oa1b2c3d4e5f6g7h8i9.")
    String clientId;

    @Option(names = "--at", paramLabel = "TIME", converter = InstantConverter.class,
            description = "When the event occurred: the instant exp, iat and nbf are checked against, as "
                    + "ISO-8601 (e.g. 2026-11-26T10:00:00Z). Default: now.")
    Instant at;

    @Parameters(index = "0", paramLabel = "TOKEN|-", description = "The ID token, or - to read it from standard input.")
    String tokenArgument;

    /** Collected instead of rejected by picocli, whose message would repeat them: a stray argument may be a token. */
    @Unmatched
    List<String> unmatched = new ArrayList<>();

    private final Supplier<InputStream> stdin;

    ExplainTokenCommand() {
        this(() -> System.in);
    }

    /** @param stdin where {@code -} reads the token from (tests pass their own) */
    ExplainTokenCommand(Supplier<InputStream> stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!unmatched.isEmpty()) {
            // Option names are safe to repeat (a token never starts with '-'); anything else may be a token.
            List<String> options = unmatched.stream().filter(arg -> arg.startsWith("--"))
                    .map(arg -> SafeText.cut(arg.split("=", 2)[0])).toList();
            err.println("explain-token takes one TOKEN (or -); " + unmatched.size() + " more argument(s) given"
                    + (options.isEmpty() ? "" : ", among them the unknown option(s) " + String.join(", ", options))
                    + ". Other arguments are not repeated here since they may be tokens. See explain-token --help.");
            err.flush();
            return ExitCode.USAGE;
        }
        String token;
        try {
            token = readToken();
        } catch (IOException e) {
            err.println("explain-token: cannot read the token from standard input: " + e.getMessage());
            err.flush();
            return ExitCode.FAILED;
        }
        if (token == null) {
            err.println("explain-token: standard input holds more than " + MAX_STDIN_BYTES
                    + " bytes, which is not a token.");
            err.flush();
            return ExitCode.USAGE;
        }
        SSLSocketFactory trust;
        try {
            trust = pipeline.jwksTrust();
        } catch (IOException | GeneralSecurityException e) {
            err.println("explain-token: cannot read --jwks-ca-file: " + e.getMessage());
            err.flush();
            return ExitCode.FAILED;
        }
        PipelineSettings settings = pipeline.settings();
        // Milliseconds, like an event's occurredAt.
        Instant reference = at != null ? at : Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TokenExplanation explanation = new TokenExplanation(out, domain, clientId, reference, settings.tokenRules());
        TokenVerdict verdict = judge(token, settings, trust, reference);
        explanation.print(verdict, token.isBlank() ? null : DecodedToken.of(token));
        return verdict instanceof TokenVerdict.Accepted ? ExitCode.OK : ExitCode.REFUSED;
    }

    /** The pipeline's order: the tenant's config, then whether there is a token at all, then the validator. */
    private TokenVerdict judge(String token, PipelineSettings settings, SSLSocketFactory trust, Instant reference) {
        String fingerprint = TokenFingerprint.of(token);
        TenantConfigCheck check = TenantConfigCheck.of(
                TenantConfigs.config(TENANT_ID, TenantConfigCheck.SUPPORTED_PROVIDER, clientId, domain, true,
                        reference, null),
                settings.domainPolicy());
        if (check instanceof TenantConfigCheck.Unusable unusable) {
            return refused(ErrorCode.TENANT_CONFIG_INVALID, unusable.reason(), fingerprint);
        }
        if (token.isBlank()) {
            return refused(ErrorCode.MISSING_TOKEN, "the token is empty", fingerprint);
        }
        try (OrgJwksRegistry keys = new OrgJwksRegistry(settings.jwks(), trust, Clock.systemUTC())) {
            OktaIdTokenValidator validator = new OktaIdTokenValidator(settings.tokenRules(), keys);
            return validator.validate(token, ((TenantConfigCheck.Usable) check).policy(), reference);
        }
    }

    private static TokenVerdict refused(ErrorCode code, String detail, String fingerprint) {
        return new TokenVerdict.Refused(code, detail, fingerprint, UnverifiedToken.UNREADABLE, false, false);
    }

    /** The token as given, or from standard input without the line breaks a shell or file adds; null if too big. */
    private String readToken() throws IOException {
        if (!FROM_STDIN.equals(tokenArgument)) {
            return tokenArgument;
        }
        byte[] bytes = stdin.get().readNBytes(MAX_STDIN_BYTES + 1);
        if (bytes.length > MAX_STDIN_BYTES) {
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8).strip();
    }
}
