package io.identityaudit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which domains a tenant may point the pipeline at. The domain is tenant-supplied and decides which host the JWKS
 * is fetched from, so only Okta's own domains and the operator's allowlisted custom domains pass; everything else
 * is refused with a reason a person can act on.
 */
class DomainPolicyTest {

    /** An operator who allowlisted one custom URL domain and one host:port (e.g. a test org on loopback). */
    static final DomainPolicy POLICY = DomainPolicy.allowing("login.acme.com", "localhost:8443");

    static final int MAX_LENGTH = 253;

    @Nested
    class Accepted {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "acme.okta.com",
                "acme.oktapreview.com",
                "acme.okta-emea.com",
                "acme.okta-gov.com",
                "acme.okta.mil"})
        void oktaOrgDomainsOfEveryCellAreAccepted(String domain) {
            assertThat(POLICY.violation(domain)).isEmpty();
            assertThat(DomainPolicy.OKTA_ONLY.violation(domain)).as("no allowlist needed").isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"ACME.OKTA.COM", "Acme.OktaPreview.com"})
        void upperCaseIsAcceptedAndNormalisedToLowerCase(String domain) {
            assertThat(POLICY.violation(domain)).isEmpty();
            assertThat(new TenantPolicy("acme", "0oa1", domain, true).issuer())
                    .isEqualTo("https://" + domain.toLowerCase(Locale.ROOT));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"login.acme.com", "localhost:8443", "LOGIN.ACME.COM"})
        void allowlistedCustomDomainsAreAccepted(String domain) {
            assertThat(POLICY.violation(domain)).isEmpty();
        }

        @Test
        void allowlistEntriesAreTrimmedAndCompareCaseInsensitively() {
            DomainPolicy policy = DomainPolicy.allowing("  Login.ACME.com ");

            assertThat(policy.violation("login.acme.com")).isEmpty();
        }

        @Test
        void domainOfExactlyTheMaximumLengthIsAccepted() {
            String domain = domainOfLength(MAX_LENGTH);

            assertThat(domain).hasSize(MAX_LENGTH);
            assertThat(POLICY.violation(domain)).isEmpty();
        }
    }

    @Nested
    class Refused {

        @ParameterizedTest(name = "{0} is refused: {1}")
        @MethodSource("io.identityaudit.config.DomainPolicyTest#refusedDomains")
        void domainIsRefusedWithAReasonThatNamesTheProblem(String domain, String reason) {
            assertThat(POLICY.violation(domain)).as("why %s is refused", domain)
                    .hasValueSatisfying(why -> assertThat(why).contains(reason));
        }

        @ParameterizedTest(name = "{0} is refused: {1}")
        @MethodSource("io.identityaudit.config.DomainPolicyTest#refusedLookAlikes")
        void nonAsciiLookAlikesAreRefused(String domain, String reason) {
            assertThat(POLICY.violation(domain)).as("why %s is refused", codePoints(domain))
                    .hasValueSatisfying(why -> assertThat(why).contains(reason));
        }

        @Test
        void nullIsRefusedAsEmpty() {
            assertThat(POLICY.violation(null)).hasValue("the domain is empty");
        }

        @Test
        void overLongDomainIsRefused() {
            assertThat(POLICY.violation(domainOfLength(MAX_LENGTH + 1)))
                    .hasValueSatisfying(why -> assertThat(why).contains("longer than 253 characters"));
        }

        @Test
        void allowlistMatchesExactlyNotBySuffixOrWithAnotherPort() {
            assertThat(POLICY.violation("evil.login.acme.com")).isPresent();
            assertThat(POLICY.violation("localhost:9443")).hasValueSatisfying(why ->
                    assertThat(why).contains("port"));
            assertThat(POLICY.violation("login.acme.com:443")).hasValueSatisfying(why ->
                    assertThat(why).contains("port"));
        }

        @Test
        void schemeIsRefusedEvenForAnAllowlistedDomain() {
            assertThat(POLICY.violation("https://login.acme.com")).hasValueSatisfying(why ->
                    assertThat(why).contains("scheme"));
        }
    }

    @Nested
    class Reasons {

        /**
         * The reason ends up in rejection records and in the operator's terminal, so like every quote of
         * tenant-supplied text it must be printable ASCII (see {@link io.identityaudit.token.SafeText}).
         */
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.config.DomainPolicyTest#hostileDomains")
        void reasonIsPrintableAsciiWhateverTheDomainContains(String domain) {
            assertThat(POLICY.violation(domain)).hasValueSatisfying(why ->
                    assertThat(unprintable(why)).as("characters outside printable ASCII in: %s", codePoints(why))
                            .isEmpty());
        }
    }

    /** The characters of {@code text} outside printable ASCII, as U+XXXX. */
    static List<String> unprintable(String text) {
        return text.chars().filter(c -> c < 0x20 || c >= 0x7f).mapToObj(c -> String.format("U+%04X", c)).toList();
    }

    static String codePoints(String text) {
        return text.chars()
                .mapToObj(c -> c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("<U+%04X>", c))
                .collect(Collectors.joining());
    }

    static Stream<Arguments> refusedDomains() {
        return Stream.of(
                arguments("https://acme.okta.com", "includes a scheme (https://)"),
                arguments("http://acme.okta.com", "includes a scheme (http://)"),
                arguments("acme.okta.com/oauth2/default", "includes a path"),
                arguments("acme.okta.com/", "includes a path"),
                arguments("acme.okta.com?next=x", "includes a path"),
                arguments("acme.okta.com#top", "includes a path"),
                arguments("user@acme.okta.com", "user information (@)"),
                arguments("acme.okta.com@evil.example", "user information (@)"),
                arguments("acme.okta.com:8443", "includes a port"),
                arguments("acme.okta.com.", "ends with a dot"),
                arguments("127.0.0.1", "is an IP address"),
                arguments("169.254.169.254", "is an IP address"),
                arguments("2130706433", "is an IP address"),
                arguments("0177.0.0.1", "is an IP address"),
                arguments("0x7f.0.0.1", "is an IP address"),
                arguments("0x7f000001", "is an IP address"),
                arguments("[::1]", "is an IP address"),
                arguments("::1", "is an IP address"),
                arguments("localhost", "not an Okta domain"),
                arguments("metadata.google.internal", "not an Okta domain"),
                arguments("kubernetes.default.svc", "not an Okta domain"),
                arguments("okta.com", "not an Okta domain"),
                arguments("evil-okta.com", "not an Okta domain"),
                arguments("acmeokta.com", "not an Okta domain"),
                arguments("acme.okta.com.evil.com", "not an Okta domain"),
                arguments("acme%2eokta.com", "percent-encoding"),
                arguments("acme..okta.com", "not a valid host name"),
                arguments("-acme.okta.com", "not a valid host name"),
                arguments("acme_corp.okta.com", "not a valid host name"),
                arguments("acme .okta.com", "not a valid host name"),
                arguments(named("'' (empty)", ""), "the domain is empty"),
                arguments(named("'   ' (blank)", "   "), "the domain is empty"),
                arguments(named("' acme.okta.com' (leading space)", " acme.okta.com"), "white space"),
                arguments(named("'acme.okta.com\\n' (trailing newline)", "acme.okta.com\n"), "white space"),
                arguments(named("'acme.okta.com\\t' (trailing tab)", "acme.okta.com\t"), "white space"));
    }

    static Stream<Arguments> refusedLookAlikes() {
        return Stream.of(
                arguments(named("acme.\u03bfkta.com (Greek small omicron)", "acme.\u03bfkta.com"), "non-ASCII"),
                arguments(named("acme.\u041ekta.com (Cyrillic capital O)", "acme.\u041ekta.com"), "non-ASCII"),
                arguments(named("acme\u3002okta.com (ideographic full stop)", "acme\u3002okta.com"), "non-ASCII"),
                arguments(named("acme\uff0eokta.com (fullwidth full stop)", "acme\uff0eokta.com"), "non-ASCII"),
                // KELVIN SIGN lower-cases to an ASCII 'k' under Locale.ROOT: the check must look at the domain as
                // entered, not after lower-casing, or this non-ASCII domain passes as acme.okta.com.
                arguments(named("acme.o\u212ata.com (Kelvin sign)", "acme.o\u212ata.com"), "non-ASCII"));
    }

    static Stream<Arguments> hostileDomains() {
        return Stream.of(
                arguments(named("ESC sequence before https://", "\u001b[2J\u001b[31mhttps://acme.okta.com")),
                arguments(named("BEL inside the host", "acme\u0007.okta.com")),
                arguments(named("NUL inside the host", "acme\u0000.okta.com")),
                arguments(named("non-ASCII look-alike", "acme.\u03bfkta.com")));
    }

    /** A syntactically valid *.okta.com domain of exactly {@code length} characters (labels of at most 50). */
    static String domainOfLength(int length) {
        int body = length - ".okta.com".length();
        int fullLabels = (body - 1) / 51;
        return ("a".repeat(50) + ".").repeat(fullLabels) + "a".repeat(body - 51 * fullLabels) + ".okta.com";
    }
}
