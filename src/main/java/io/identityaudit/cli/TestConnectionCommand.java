package io.identityaudit.cli;

import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.TenantConfigCheck;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.connection.ConnectionReport;
import io.identityaudit.connection.OrgConnectionCheck;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLSocketFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "test-connection", mixinStandardHelpOptions = true,
        description = {"Like the dashboard's Test Connection: checks the domain (and client ID) as the pipeline "
                + "would, then reads https://DOMAIN/.well-known/openid-configuration and "
                + "https://DOMAIN/oauth2/v1/keys with the pipeline's TLS trust, timeouts and size limit (no "
                + "redirects), checks that the issuer is exactly https://DOMAIN, lists the published keys and "
                + "prints how long each request took.",
                "Ends with OK when the pipeline could verify this org's tokens; otherwise prints the error code "
                        + "(TENANT_CONFIG_INVALID, INVALID_ISSUER or JWKS_FETCH_FAILED) with its hint."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:OK: the org answered as the pipeline needs", "1:refused: config invalid, wrong issuer "
                + "or keys unreadable", "2:usage error", "3:failure: --jwks-ca-file unreadable"})
final class TestConnectionCommand implements Callable<Integer> {

    static final String TENANT_ID = "test-connection";

    @Spec
    CommandSpec spec;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
            description = "The Okta domain to test, e.g. acme.okta.com (no https://).")
    String domain;

    @Option(names = "--client-id", paramLabel = "CLIENT_ID",
            description = "Also check this client ID the way a saved tenant config is checked.")
    String clientId;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PipelineSettings settings = pipeline.settings();
        out.println("Testing the Okta org " + SafeText.quote(domain) + " as the pipeline reaches it");
        Optional<String> refusal = configRefusal(settings);
        if (refusal.isPresent()) {
            step(out, "config", "FAILED", "", "");
            ErrorReport.print(out, ErrorCode.TENANT_CONFIG_INVALID, refusal.get());
            return ExitCode.REFUSED;
        }
        step(out, "config", "ok", "", clientId == null ? "the domain passes the domain policy"
                : "the domain passes the domain policy; the client ID is well-formed");
        SSLSocketFactory trust;
        try {
            trust = pipeline.jwksTrust();
        } catch (IOException | GeneralSecurityException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("test-connection: cannot read --jwks-ca-file: " + e.getMessage());
            err.flush();
            return ExitCode.FAILED;
        }
        TenantPolicy org = new TenantPolicy(TENANT_ID, clientId, domain, true);
        ConnectionReport report = new OrgConnectionCheck(settings.jwks(), settings.tokenRules(), trust).check(org);
        print(out, report);
        return report.passed() ? ExitCode.OK : ExitCode.REFUSED;
    }

    /** The pipeline's own check: the domain policy alone, or the whole tenant config check with a client ID. */
    private Optional<String> configRefusal(PipelineSettings settings) {
        if (clientId == null) {
            return settings.domainPolicy().violation(domain);
        }
        TenantConfigCheck check = TenantConfigCheck.of(TenantConfigs.config(TENANT_ID,
                TenantConfigCheck.SUPPORTED_PROVIDER, clientId, domain, true, Instant.now(), null),
                settings.domainPolicy());
        return check instanceof TenantConfigCheck.Unusable unusable ? Optional.of(unusable.reason())
                : Optional.empty();
    }

    private static void print(PrintWriter out, ConnectionReport report) {
        for (ConnectionReport.Step step : report.steps()) {
            step(out, step.name(), step.ok() ? "ok" : "FAILED", step.took().toMillis() + " ms",
                    step.uri() + (step.ok() ? ": " + step.summary() : ""));
        }
        if (!report.keys().isEmpty()) {
            out.println("Keys published at " + report.org().jwksUri() + ":");
            TextTable table = new TextTable("KID", "KTY", "ALG", "USE", "PIPELINE");
            report.keys().forEach(key -> table.row(key.keyId(), key.keyType(), key.algorithm(), key.use(),
                    key.whyNot() == null ? "verifies " + String.join(", ", key.usableFor()) : "unused: "
                            + key.whyNot()));
            table.print(out, "  ");
        }
        report.notes().forEach(note -> out.println("Note: " + note));
        report.failureIfAny().ifPresent(failure -> ErrorReport.print(out, failure.code(), failure.detail()));
        out.println("Total: " + report.total().toMillis() + " ms");
        if (report.passed()) {
            out.println("OK");
        }
        out.flush();
    }

    private static void step(PrintWriter out, String name, String outcome, String took, String what) {
        out.println(String.format("  %-10s %-7s %7s  %s", name, outcome, took, what).stripTrailing());
    }
}
