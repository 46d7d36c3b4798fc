package io.identityaudit.security;

import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.testing.PipelineFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenant-supplied domains are not a way in. The domain decides which host the pipeline fetches keys from, so every
 * notation that could reach a host other than an Okta org or an allowlisted custom domain is refused by
 * {@link DomainPolicy} before any network call: IP literals in every notation, localhost and internal names, user
 * information, ports, trailing dots, Unicode look-alikes, percent-encoding, backslashes, white space, {@code #}
 * and {@code ?}. {@code DomainPolicyTest} covers the reasons; this test covers the notations, and proves through
 * the topology that a refused domain costs no request even when it names a live JWKS endpoint.
 */
class DomainPolicyAttackTest {

    /** The operator allowlisted one custom domain and one host:port, as in DomainPolicyTest. */
    static final DomainPolicy POLICY = DomainPolicy.allowing("login.acme.com", "localhost:8443");

    static Stream<Named<String>> hostileDomains() {
        return Stream.of(
                // IPv4 literals, in every notation an HTTP client or resolver accepts
                named("IPv4 dotted", "127.0.0.1"),
                named("IPv4 short form 127.1", "127.1"),
                named("IPv4 any address", "0.0.0.0"),
                named("IPv4 single zero", "0"),
                named("IPv4 private", "10.0.0.1"),
                named("IPv4 link-local metadata", "169.254.169.254"),
                named("IPv4 Alibaba metadata", "100.100.100.200"),
                named("IPv4 decimal integer of 169.254.169.254", "2852039166"),
                named("IPv4 decimal integer of 127.0.0.1", "2130706433"),
                named("IPv4 octal", "0177.0.0.1"),
                named("IPv4 octal of 169.254.169.254", "0251.0376.0251.0376"),
                named("IPv4 octal integer", "017700000001"),
                named("IPv4 hex integer", "0xa9fea9fe"),
                named("IPv4 hex per byte", "0xA9.0xFE.0xA9.0xFE"),
                named("IPv4 mixed hex 0x7f.1", "0x7f.1"),
                named("IPv4 mixed hex and dotted", "0x7f.0.0.1"),
                named("IPv4 zero-padded", "127.000.000.001"),
                named("IPv4 with a trailing dot", "127.0.0.1."),
                // IPv6 literals
                named("IPv6 loopback in brackets", "[::1]"),
                named("IPv6 loopback bare", "::1"),
                named("IPv6 loopback long form", "[0:0:0:0:0:0:0:1]"),
                named("IPv6 unspecified", "[::]"),
                named("IPv6 mapped IPv4 in brackets", "[::ffff:127.0.0.1]"),
                named("IPv6 mapped IPv4 bare", "::ffff:7f00:1"),
                named("IPv6 link-local with zone id", "[fe80::1%25eth0]"),
                named("IPv6 AWS metadata", "[fd00:ec2::254]"),
                // localhost and internal names
                named("localhost", "localhost"),
                named("localhost with a trailing dot", "localhost."),
                named("LOCALHOST in upper case", "LOCALHOST"),
                named("localhost.localdomain", "localhost.localdomain"),
                named("ip6-localhost", "ip6-localhost"),
                named("a name under localhost", "acme.okta.com.localhost"),
                named("wildcard DNS to loopback", "127.0.0.1.nip.io"),
                named("Kubernetes API", "kubernetes.default.svc"),
                named("Kubernetes API, fully qualified", "kubernetes.default.svc.cluster.local"),
                named("GCP metadata", "metadata.google.internal"),
                named("bare metadata", "metadata"),
                named("EC2 internal name", "instance-data.ec2.internal"),
                named("Consul service", "vault.service.consul"),
                // user information
                named("user@ before an Okta domain", "user@acme.okta.com"),
                named("user:password@ before an Okta domain", "user:pass@acme.okta.com"),
                named("Okta domain as user information of another host", "acme.okta.com@evil.com"),
                named("Okta domain and port as user information", "acme.okta.com:443@evil.com"),
                // ports
                named("Okta domain with port 443", "acme.okta.com:443"),
                named("Okta domain with port 8443", "acme.okta.com:8443"),
                named("Okta domain with an empty port", "acme.okta.com:"),
                named("Okta domain with port 0", "acme.okta.com:0"),
                named("Okta domain with port 65536", "acme.okta.com:65536"),
                named("allowlisted host with another port", "localhost:8444"),
                named("allowlisted host with a zero-padded port", "localhost:08443"),
                named("allowlisted custom domain with a port", "login.acme.com:443"),
                // trailing and doubled dots
                named("Okta domain with a trailing dot", "acme.okta.com."),
                named("Okta domain with two trailing dots", "acme.okta.com.."),
                named("upper case with a trailing dot", "ACME.OKTA.COM."),
                named("allowlisted custom domain with a trailing dot", "login.acme.com."),
                named("doubled dot", "acme..okta.com"),
                // Unicode look-alikes
                named("Cyrillic a in acme", "\u0430cme.okta.com"),
                named("Cyrillic o in okta", "acme.\u043ekta.com"),
                named("Greek omicron in okta", "acme.\u03bfkta.com"),
                named("Greek omicron in com", "acme.okta.c\u03bfm"),
                named("fullwidth full stop", "acme\uff0eokta.com"),
                named("ideographic full stop", "acme\u3002okta.com"),
                named("halfwidth ideographic full stop", "acme\uff61okta.com"),
                named("Kelvin sign for k", "acme.o\u212ata.com"),
                named("fullwidth letters", "\uff41\uff43\uff4d\uff45.okta.com"),
                named("dotted capital I", "\u0130acme.okta.com"),
                named("soft hyphen", "ac\u00adme.okta.com"),
                named("zero-width space", "acme\u200b.okta.com"),
                named("zero-width joiner", "acme\u200d.okta.com"),
                named("right-to-left override", "acme.okta.com\u202e"),
                named("combining dot above", "acme.okta.co\u0307m"),
                // percent-encoding
                named("percent-encoded dot", "acme%2eokta.com"),
                named("percent-encoded letter", "%61cme.okta.com"),
                named("percent-encoded NUL", "acme.okta.com%00"),
                named("percent-encoded NUL before another host", "evil.com%00.okta.com"),
                named("percent-encoded slash", "evil.com%2f.okta.com"),
                named("percent-encoded colon", "localhost%3a8443"),
                named("percent-encoded at sign", "evil.com%40acme.okta.com"),
                // backslashes
                named("backslash before @", "acme.okta.com\\@evil.com"),
                named("backslash as a path separator", "evil.com\\.okta.com"),
                named("trailing backslash", "acme.okta.com\\"),
                // white space and control characters inside
                named("space inside", "acme.okta.com evil.com"),
                named("tab inside", "acme\t.okta.com"),
                named("newline and a header inside", "acme.okta.com\nHost: evil.com"),
                named("CR LF at the end", "acme.okta.com\r\n"),
                named("NUL before an Okta suffix", "evil.com\u0000.okta.com"),
                named("vertical tab inside", "acme\u000b.okta.com"),
                // fragments, queries, paths, schemes
                named("# before an Okta suffix", "evil.com#.okta.com"),
                named("? before an Okta suffix", "evil.com?.okta.com"),
                named("/ before an Okta suffix", "evil.com/.okta.com"),
                named("#@ before an Okta domain", "evil.com#@acme.okta.com"),
                named("scheme-relative", "//acme.okta.com"),
                named("file scheme", "file:///etc/passwd"),
                named("https scheme with userinfo", "https://acme.okta.com@evil.com"),
                // other punctuation
                named("semicolon", "acme.okta.com;evil.com"),
                named("comma", "acme.okta.com,evil.com"),
                named("wildcard label", "*.okta.com"),
                named("underscore", "acme_corp.okta.com"),
                named("label ending with a hyphen", "acme-.okta.com"),
                named("label of 64 characters", "a".repeat(64) + ".okta.com"),
                // near-miss suffixes
                named("Okta suffix without the dot", "evilokta.com"),
                named("Okta domain as a prefix of another", "acme.okta.com.evil.com"),
                named("Okta domain with another TLD", "acme.okta.co"),
                named("okta.com alone", "okta.com"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileDomains")
    void hostileDomainIsRefusedWithAPrintableReason(String domain) {
        for (DomainPolicy policy : List.of(POLICY, DomainPolicy.OKTA_ONLY)) {
            assertThat(policy.violation(domain)).as("violation of %s", codePoints(domain))
                    .hasValueSatisfying(why -> assertThat(why.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                            .as("printable reason: %s", codePoints(why)).isTrue());
        }
    }

    static String codePoints(String text) {
        return text.chars()
                .mapToObj(c -> c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("<U+%04X>", c))
                .collect(Collectors.joining());
    }

    /**
     * A live JWKS endpoint on loopback, allowlisted as {@code localhost:PORT}. Tenants whose domain names that same
     * endpoint in another notation are refused as TENANT_CONFIG_INVALID and the endpoint is never called; the
     * exact allowlisted domain verifies with one request, which proves the counter counts.
     */
    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class ThroughThePipeline {

        static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
        static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

        @TempDir
        static Path stateDir;
        static SimulatedOktaOrg org;
        static PipelineFixture pipeline;

        @BeforeAll
        static void start() {
            LoopbackTls tls = LoopbackTls.create();
            org = SimulatedOktaOrg.start(tls);
            pipeline = new PipelineFixture(PipelineSettings.DEFAULTS.withDomainPolicy(
                    DomainPolicy.allowing(org.domain())), tls, stateDir);
        }

        @AfterAll
        static void stop() {
            pipeline.close();
            org.close();
        }

        static Stream<Named<String>> otherNotationsOfTheEndpoint() {
            String port = String.valueOf(Integer.parseInt(org.domain().substring("localhost:".length())));
            return Stream.of(
                    named("IPv4 with the port", "127.0.0.1:" + port),
                    named("short IPv4 with the port", "127.1:" + port),
                    named("decimal IPv4 with the port", "2130706433:" + port),
                    named("hex IPv4 with the port", "0x7f.1:" + port),
                    named("IPv6 with the port", "[::1]:" + port),
                    named("localhost. with the port", "localhost.:" + port),
                    named("zero-padded port", "localhost:0" + port),
                    named("user information", "user@localhost:" + port),
                    named("trailing slash", "localhost:" + port + "/"),
                    named("trailing #", "localhost:" + port + "#"),
                    named("percent-encoded colon", "localhost%3a" + port),
                    named("without the port", "localhost"),
                    named("https scheme", "https://localhost:" + port));
        }

        @Order(1)
        @ParameterizedTest(name = "{0}")
        @MethodSource("otherNotationsOfTheEndpoint")
        void tenantDomainNamingTheEndpointOtherwiseIsRefusedWithoutARequest(String domain) {
            Instant configuredAt = T0.minus(Duration.ofDays(1));
            String tenantId = "t-" + Integer.toHexString(domain.hashCode());
            pipeline.saveTenant(tenant(tenantId, CLIENT_ID, domain, configuredAt).build());
            String token = IdTokenMinter.of(org, CLIENT_ID, T0.minusSeconds(60)).sign();

            pipeline.send(event(tenantId, token, T0).build());

            assertThat(pipeline.verifiedRecords()).isEmpty();
            List<TestRecord<String, IdentityRejection>> rejected = pipeline.rejectedRecords();
            assertThat(rejected).hasSize(1);
            assertThat(rejected.get(0).value().getErrorCode()).isEqualTo("TENANT_CONFIG_INVALID");
            assertThat(org.keysRequests()).as("JWKS requests").isZero();
        }

        @Order(2)
        @Test
        void exactAllowlistedDomainVerifiesWithOneRequest() {
            pipeline.saveTenant(tenant("exact", CLIENT_ID, org.domain(), T0.minus(Duration.ofDays(1))).build());

            pipeline.send(event("exact", IdTokenMinter.of(org, CLIENT_ID, T0.minusSeconds(60)).sign(), T0).build());

            assertThat(pipeline.rejectedRecords()).isEmpty();
            assertThat(pipeline.verifiedRecords()).hasSize(1);
            assertThat(org.keysRequests()).isEqualTo(1);
        }
    }
}
