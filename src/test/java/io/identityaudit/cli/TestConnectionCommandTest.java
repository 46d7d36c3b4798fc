package io.identityaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.testing.FixedHttpsServer;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.token.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** test-connection against real HTTPS servers on loopback, trusted through --jwks-ca-file as an operator would. */
class TestConnectionCommandTest {

    static LoopbackTls tls;
    static SimulatedOktaOrg org;
    static SimulatedOktaOrg failingOrg;
    static Path caFile;

    @BeforeAll
    static void startOrgs(@TempDir Path dir) {
        tls = LoopbackTls.create();
        org = SimulatedOktaOrg.start(tls);
        failingOrg = SimulatedOktaOrg.start(tls);
        failingOrg.failWith(503);
        caFile = LoopbackOrgs.caFile(tls, dir);
    }

    @AfterAll
    static void stopOrgs() {
        org.close();
        failingOrg.close();
    }

    /** test-connection for a loopback domain: allowlisted and trusted, as the demo and tests configure it. */
    static Cli.Result testConnection(String domain, String... more) {
        List<String> args = new ArrayList<>(List.of("test-connection", "--domain", domain,
                "--custom-domain", domain, "--jwks-ca-file", caFile.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void reachableOrgWithMatchingIssuerListsItsKeysWithTimingsAndEndsWithOk() {
        Cli.Result result = testConnection(org.domain(), "--client-id", "0oa1b2c3d4e5f6g7h8i9");

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result.out())
                .contains("discovery", org.issuer() + "/.well-known/openid-configuration", "issuer " + org.issuer())
                .contains("keys", org.issuer() + "/oauth2/v1/keys")
                .contains(org.signingKey().getKeyID(), "RSA", "RS256", "sig", "verifies RS256")
                .containsPattern("discovery\\s+ok\\s+\\d+ ms")
                .containsPattern("keys\\s+ok\\s+\\d+ ms")
                .containsPattern("Total: \\d+ ms");
        assertThat(result.out().strip()).endsWith("OK");
    }

    @Test
    void orgAnswering503IsJwksFetchFailedWithTheHint() {
        Cli.Result result = testConnection(failingOrg.domain());

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out())
                .contains("JWKS_FETCH_FAILED: could not read " + failingOrg.issuer())
                .contains("503")
                .contains("Hint: " + ErrorCode.JWKS_FETCH_FAILED.hint())
                .doesNotEndWith("OK\n");
    }

    @Test
    void domainWhereNothingListensIsJwksFetchFailed() {
        Cli.Result result = testConnection("localhost:" + LoopbackOrgs.closedPort());

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("JWKS_FETCH_FAILED: could not read", "Connect")
                .contains("Hint: " + ErrorCode.JWKS_FETCH_FAILED.hint());
    }

    @Test
    void certificateNotTrustedWithoutTheCaFileIsJwksFetchFailed() {
        Cli.Result result = Cli.run("test-connection", "--domain", org.domain(), "--custom-domain", org.domain());

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("JWKS_FETCH_FAILED: could not read", "Exception");
    }

    @Test
    void discoveryNamingAnotherIssuerIsInvalidIssuerAndNoKeysAreFetched() {
        try (FixedHttpsServer server = new FixedHttpsServer(tls)) {
            server.json("/.well-known/openid-configuration", "{\"issuer\":\"" + server.origin() + "/oauth2/default\","
                    + "\"jwks_uri\":\"" + server.origin() + "/oauth2/default/v1/keys\"}");

            Cli.Result result = testConnection(server.domain());

            assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(result.out())
                    .contains("INVALID_ISSUER: the discovery document's issuer is '" + server.origin()
                            + "/oauth2/default', expected '" + server.origin() + "' exactly")
                    .contains("Hint: " + ErrorCode.INVALID_ISSUER.hint());
            assertThat(server.requests()).isEqualTo(1);
        }
    }

    @Test
    void jwksUriOnAnotherHostIsRefusedAndThatHostIsNeverContacted() {
        try (FixedHttpsServer elsewhere = new FixedHttpsServer(tls);
             FixedHttpsServer server = new FixedHttpsServer(tls)) {
            elsewhere.json("/keys", "{\"keys\":[]}");
            server.json("/.well-known/openid-configuration", "{\"issuer\":\"" + server.origin() + "\","
                    + "\"jwks_uri\":\"" + elsewhere.origin() + "/keys\"}");

            Cli.Result result = testConnection(server.domain());

            assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(result.out()).contains("JWKS_FETCH_FAILED: the discovery document's jwks_uri '"
                    + elsewhere.origin() + "/keys' is not on " + server.origin());
            assertThat(elsewhere.requests()).isZero();
        }
    }

    @Test
    void redirectIsNotFollowedButReportedAsJwksFetchFailed() {
        try (FixedHttpsServer elsewhere = new FixedHttpsServer(tls);
             FixedHttpsServer server = new FixedHttpsServer(tls)) {
            server.redirect("/.well-known/openid-configuration",
                    elsewhere.origin() + "/.well-known/openid-configuration");

            Cli.Result result = testConnection(server.domain());

            assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(result.out()).contains("JWKS_FETCH_FAILED: could not read", "302");
            assertThat(elsewhere.requests()).isZero();
        }
    }

    @Test
    void keySetWithoutAnyUsableSigningKeyIsJwksFetchFailed() {
        try (FixedHttpsServer server = new FixedHttpsServer(tls)) {
            server.json("/.well-known/openid-configuration", "{\"issuer\":\"" + server.origin() + "\","
                            + "\"jwks_uri\":\"" + server.origin() + "/oauth2/v1/keys\"}")
                    .json("/oauth2/v1/keys", "{\"keys\":[" + org.signingKey().toPublicJWK().toJSONString()
                            .replace("\"use\":\"sig\"", "\"use\":\"enc\"") + "]}");

            Cli.Result result = testConnection(server.domain());

            assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(result.out()).contains(org.signingKey().getKeyID(), "enc", "unused")
                    .contains("JWKS_FETCH_FAILED: the key set of " + server.domain() + " holds 1 key(s) but none");
        }
    }

    @Test
    void domainWithSchemeIsTenantConfigInvalidBeforeAnyRequest() {
        Cli.Result result = Cli.run("test-connection", "--domain", "https://x.okta.com");

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out())
                .contains("TENANT_CONFIG_INVALID: the domain includes a scheme (https://)")
                .contains("Hint: " + ErrorCode.TENANT_CONFIG_INVALID.hint())
                .doesNotContain("discovery");
    }

    @Test
    void ipAddressDomainIsTenantConfigInvalid() {
        Cli.Result result = Cli.run("test-connection", "--domain", "127.0.0.1");

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("TENANT_CONFIG_INVALID: the domain is an IP address")
                .doesNotContain("discovery");
    }

    @Test
    void clientIdWithSpacesIsTenantConfigInvalidAsForASavedConfig() {
        Cli.Result result = testConnection(org.domain(), "--client-id", "0oa 1b2c");

        assertThat(result.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.out()).contains("TENANT_CONFIG_INVALID: the client ID is not an Okta client ID");
    }

    @Test
    void unreadableCaFileIsAFailureOfTheEnvironment(@TempDir Path dir) {
        Cli.Result result = Cli.run("test-connection", "--domain", org.domain(), "--custom-domain", org.domain(),
                "--jwks-ca-file", dir.resolve("missing.pem").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(result.err()).contains("cannot read --jwks-ca-file");
    }
}
