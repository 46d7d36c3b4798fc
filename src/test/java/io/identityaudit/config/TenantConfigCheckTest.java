package io.identityaudit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.identityaudit.avro.TenantSsoConfig;
import java.net.URI;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one check every saved tenant configuration passes before the pipeline uses it: provider okta, a plausible
 * client ID, a domain the {@link DomainPolicy} allows. A usable configuration names the exact issuer and the only
 * place its keys are fetched from.
 */
class TenantConfigCheckTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    static final DomainPolicy POLICY = DomainPolicy.allowing("login.acme.com", "localhost:8443");

    /** A config as the dashboard saves it; the all-args constructor lets a test put nulls where Avro would not. */
    static TenantSsoConfig config(String provider, String clientId, String domain) {
        return new TenantSsoConfig("acme", provider, clientId, domain, true, Instant.parse("2026-11-01T00:00:00Z"),
                "admin@example.com");
    }

    static TenantConfigCheck check(String provider, String clientId, String domain) {
        return TenantConfigCheck.of(config(provider, clientId, domain), POLICY);
    }

    static String reasonOf(TenantConfigCheck check) {
        assertThat(check).isInstanceOf(TenantConfigCheck.Unusable.class);
        TenantConfigCheck.Unusable unusable = (TenantConfigCheck.Unusable) check;
        assertThat(unusable.tenantId()).isEqualTo("acme");
        return unusable.reason();
    }

    static TenantPolicy policyOf(TenantConfigCheck check) {
        assertThat(check).isInstanceOf(TenantConfigCheck.Usable.class);
        return ((TenantConfigCheck.Usable) check).policy();
    }

    @Nested
    class Provider {

        @Test
        void oktaIsTheSupportedProvider() {
            assertThat(check("okta", CLIENT_ID, "acme.okta.com")).isInstanceOf(TenantConfigCheck.Usable.class);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"Okta", "OKTA"})
        void providerNameIsMatchedIgnoringCase(String provider) {
            assertThat(check(provider, CLIENT_ID, "acme.okta.com")).isInstanceOf(TenantConfigCheck.Usable.class);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.config.TenantConfigCheckTest#otherProviders")
        void anyOtherProviderIsUnusable(String provider) {
            assertThat(reasonOf(check(provider, CLIENT_ID, "acme.okta.com"))).contains("only okta is supported");
        }

        /**
         * The provider is free text from the dashboard and the reason is copied into rejection records, so it
         * is quoted the way every other tenant- or token-supplied text is: printable ASCII, cut short.
         */
        @Test
        void reasonQuotesAHostileProviderSafely() {
            String provider = "okta\u001b[2J\u001b[31m" + "x".repeat(10_000);

            String reason = reasonOf(check(provider, CLIENT_ID, "acme.okta.com"));

            assertThat(DomainPolicyTest.unprintable(reason)).as("characters outside printable ASCII").isEmpty();
            assertThat(reason.length()).as("length of the reason, cut short").isLessThan(400);
        }
    }

    @Nested
    class ClientId {

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.config.TenantConfigCheckTest#missingClientIds")
        void clientIdIsRequired(String clientId) {
            assertThat(reasonOf(check("okta", clientId, "acme.okta.com"))).isEqualTo("the client ID is empty");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.config.TenantConfigCheckTest#unprintableClientIds")
        void clientIdMustBePrintableAsciiWithoutSpacesAndAtMost128Characters(String clientId) {
            assertThat(reasonOf(check("okta", clientId, "acme.okta.com")))
                    .contains("not an Okta client ID")
                    .doesNotContain(clientId);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {CLIENT_ID, "0oaABCDEF-_.~!", "a"})
        void printableClientIdIsUsableAndKeptExactly(String clientId) {
            assertThat(policyOf(check("okta", clientId, "acme.okta.com")).clientId()).isEqualTo(clientId);
        }

        @Test
        void clientIdOfExactly128CharactersIsUsable() {
            String clientId = "0".repeat(TenantConfigCheck.MAX_CLIENT_ID_LENGTH);

            assertThat(policyOf(check("okta", clientId, "acme.okta.com")).clientId()).isEqualTo(clientId);
        }
    }

    @Nested
    class Domain {

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"https://acme.okta.com", "acme.okta.com/oauth2/default", "login.evil.example",
                "127.0.0.1", "acme.okta.com:8443", ""})
        void domainPolicyDecidesAndItsReasonIsTheReason(String domain) {
            String reason = reasonOf(check("okta", CLIENT_ID, domain));

            assertThat(reason).isEqualTo(POLICY.violation(domain).orElseThrow());
        }

        @Test
        void nullDomainIsUnusable() {
            assertThat(reasonOf(check("okta", CLIENT_ID, null))).isEqualTo("the domain is empty");
        }

        @Test
        void customDomainIsUsableOnlyWhenTheOperatorAllowlistedIt() {
            TenantSsoConfig custom = config("okta", CLIENT_ID, "login.acme.com");

            assertThat(TenantConfigCheck.of(custom, POLICY)).isInstanceOf(TenantConfigCheck.Usable.class);
            assertThat(reasonOf(TenantConfigCheck.of(custom, DomainPolicy.OKTA_ONLY))).contains("not an Okta domain");
        }
    }

    @Nested
    class UsableConfig {

        @Test
        void issuerIsHttpsAndTheDomainAndKeysAreAtTheOrgKeysEndpoint() {
            TenantPolicy policy = policyOf(check("okta", CLIENT_ID, "acme.okta.com"));

            assertThat(policy.tenantId()).isEqualTo("acme");
            assertThat(policy.clientId()).isEqualTo(CLIENT_ID);
            assertThat(policy.domain()).isEqualTo("acme.okta.com");
            assertThat(policy.issuer()).isEqualTo("https://acme.okta.com");
            assertThat(policy.jwksUri()).isEqualTo(URI.create("https://acme.okta.com/oauth2/v1/keys"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.config.TenantConfigCheckTest#usableDomains")
        void everyAcceptedDomainGivesItsIssuerAndJwksUri(String domain, String issuer, String jwksUri) {
            TenantPolicy policy = policyOf(check("okta", CLIENT_ID, domain));

            assertThat(policy.issuer()).isEqualTo(issuer);
            assertThat(policy.jwksUri()).isEqualTo(URI.create(jwksUri));
        }

        @Test
        void enabledFlagIsCarriedAndNotJudgedHere() {
            TenantSsoConfig disabled = config("okta", CLIENT_ID, "acme.okta.com");
            disabled.setEnabled(false);

            assertThat(policyOf(TenantConfigCheck.of(disabled, POLICY)).enabled()).isFalse();
        }
    }

    static Stream<Arguments> otherProviders() {
        return Stream.of(
                arguments("auth0"),
                arguments("azure-ad"),
                arguments("okta-oidc"),
                arguments(named("' okta' (leading space)", " okta")),
                arguments(named("'' (empty)", "")),
                arguments(named("null", null)));
    }

    static Stream<Arguments> missingClientIds() {
        return Stream.of(
                arguments(named("null", null)),
                arguments(named("'' (empty)", "")),
                arguments(named("'   ' (blank)", "   ")));
    }

    static Stream<Arguments> unprintableClientIds() {
        return Stream.of(
                arguments(named("'0oa 1b2c' (inner space)", "0oa 1b2c")),
                arguments(named("' 0oa1b2c' (leading space)", " 0oa1b2c")),
                arguments(named("'0oa1b2c\\t' (tab)", "0oa1b2c\t")),
                arguments(named("'0oa\\u001b[31m' (terminal escape)", "0oa\u001b[31m")),
                arguments(named("'0oa\u00e91' (non-ASCII)", "0oa\u00e91")),
                arguments(named("129 characters", "0".repeat(TenantConfigCheck.MAX_CLIENT_ID_LENGTH + 1))));
    }

    static Stream<Arguments> usableDomains() {
        return Stream.of(
                arguments("acme.okta.com", "https://acme.okta.com", "https://acme.okta.com/oauth2/v1/keys"),
                arguments("acme.oktapreview.com", "https://acme.oktapreview.com",
                        "https://acme.oktapreview.com/oauth2/v1/keys"),
                arguments("acme.okta-emea.com", "https://acme.okta-emea.com",
                        "https://acme.okta-emea.com/oauth2/v1/keys"),
                arguments("ACME.Okta.COM", "https://acme.okta.com", "https://acme.okta.com/oauth2/v1/keys"),
                arguments("login.acme.com", "https://login.acme.com", "https://login.acme.com/oauth2/v1/keys"),
                arguments("localhost:8443", "https://localhost:8443", "https://localhost:8443/oauth2/v1/keys"));
    }
}
