package io.identityaudit.security;

import static io.identityaudit.security.Arsenal.CLIENT_ID;
import static io.identityaudit.security.Arsenal.CONFIGURED_AT;
import static io.identityaudit.security.Arsenal.T0;
import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.jwks.KeyLookup;
import io.identityaudit.security.AttackCatalog.Attack;
import io.identityaudit.testing.PipelineFixture;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.OktaIdTokenValidator;
import io.identityaudit.token.TokenFingerprint;
import io.identityaudit.token.TokenVerdict;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile tokens through the real topology, with the victim's real Okta org on loopback (HTTPS, RSA keys) and an
 * attacker's HTTPS server that the pipeline trusts. Each attack must give exactly one rejection with its code and
 * never a verified identity; a rejection decided before the key step must not have fetched any key, and nothing
 * may ever be requested from the attacker's server. The table is {@link AttackCatalog}; the reasons are in
 * {@code docs/security.md}.
 */
class AttackTokenSuiteTest {

    /** Decided from the token alone (or before it): no key may be fetched for these. */
    static final Set<ErrorCode> DECIDED_BEFORE_THE_KEY = EnumSet.of(ErrorCode.MISSING_TOKEN,
            ErrorCode.MALFORMED_TOKEN, ErrorCode.UNSUPPORTED_ALGORITHM, ErrorCode.INVALID_ISSUER,
            ErrorCode.INVALID_AUDIENCE);
    /** Decided after a genuine signature. */
    static final Set<ErrorCode> DECIDED_ON_A_GENUINE_TOKEN = EnumSet.of(ErrorCode.MISSING_SUBJECT,
            ErrorCode.TOKEN_EXPIRED, ErrorCode.TOKEN_NOT_YET_VALID);

    @TempDir
    static Path stateDir;
    static Arsenal arsenal;
    static PipelineFixture pipeline;

    @BeforeAll
    static void start() {
        arsenal = new Arsenal();
        pipeline = new PipelineFixture(PipelineSettings.DEFAULTS.withDomainPolicy(
                DomainPolicy.allowing(arsenal.org.domain(), arsenal.otherOrg.domain())), arsenal.tls, stateDir);
        pipeline.saveTenant(tenant(Arsenal.TENANT, CLIENT_ID, arsenal.org.domain(), CONFIGURED_AT).build());
        pipeline.saveTenant(tenant(Arsenal.OTHER_TENANT, Arsenal.OTHER_TENANT_CLIENT_ID, arsenal.otherOrg.domain(),
                CONFIGURED_AT).build());
        pipeline.saveTenant(tenant(Arsenal.OKTA_TENANT, CLIENT_ID, Arsenal.OKTA_DOMAIN, CONFIGURED_AT).build());
    }

    @AfterAll
    static void stop() {
        try {
            assertThat(arsenal.attacker.requests()).as("requests to the attacker's server").isEmpty();
        } finally {
            pipeline.close();
            arsenal.close();
        }
    }

    @AfterEach
    void attackerServerWasNeverContacted() {
        assertThat(arsenal.attacker.requests()).as("requests to the attacker's server").isEmpty();
    }

    static Stream<Attack> attacks() {
        return AttackCatalog.all().stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("attackTable")
    void attackTokenIsRejectedWithItsCodeAndNeverVerified(Attack attack, ErrorCode expected) {
        String token = attack.token().apply(arsenal);
        int keyFetchesBefore = arsenal.org.keysRequests() + arsenal.otherOrg.keysRequests();
        WidgetSessionEvent event = event(attack.tenant(), token, T0).build();

        pipeline.send(event);

        List<TestRecord<String, VerifiedIdentity>> verified = pipeline.verifiedRecords();
        List<TestRecord<String, IdentityRejection>> rejected = pipeline.rejectedRecords();
        assertThat(verified).as("verified identities for '%s'", attack).isEmpty();
        assertThat(rejected).as("rejections for '%s'", attack).hasSize(1);
        IdentityRejection rejection = rejected.get(0).value();
        assertThat(rejection.getErrorCode()).as("code for '%s'; detail: %s", attack, rejection.getDetail())
                .isEqualTo(expected.name());
        assertThat(rejection.getEventId()).isEqualTo(event.getEventId());

        if (DECIDED_BEFORE_THE_KEY.contains(expected)) {
            assertThat(rejection.getSignatureChecked()).as("signature checked").isFalse();
            assertThat(arsenal.org.keysRequests() + arsenal.otherOrg.keysRequests())
                    .as("JWKS requests for a token refused before the key step").isEqualTo(keyFetchesBefore);
        }
        if (expected == ErrorCode.INVALID_SIGNATURE) {
            assertThat(rejection.getSignatureChecked()).as("signature checked").isTrue();
            assertThat(rejection.getSignatureValid()).as("signature valid").isFalse();
        }
        if (DECIDED_ON_A_GENUINE_TOKEN.contains(expected)) {
            assertThat(rejection.getSignatureValid()).as("signature valid").isTrue();
        }
        nothingOfTheTokenLeftThePipeline(token, rejection);
    }

    static Stream<Arguments> attackTable() {
        return attacks().map(attack -> Arguments.of(attack, attack.expected()));
    }

    /** Only the SHA-256 fingerprint of the token is written; quoted token fields are printable and cut short. */
    static void nothingOfTheTokenLeftThePipeline(String token, IdentityRejection rejection) {
        if (token.isBlank()) {
            assertThat(rejection.getTokenFingerprint()).isNull();
        } else {
            assertThat(rejection.getTokenFingerprint()).isEqualTo(TokenFingerprint.of(token));
        }
        String written = rejection.toString();
        if (token.length() >= 16) {
            assertThat(written).as("the rejection quotes the token").doesNotContain(token);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length == 3 && parts[2].length() >= 16) {
            assertThat(written).as("the rejection quotes the signature").doesNotContain(parts[2]);
        }
        for (String quoted : new String[] {rejection.getTokenKeyId(), rejection.getTokenAlgorithm(),
                rejection.getUnverifiedIssuer(), rejection.getUnverifiedSubject(), rejection.getDetail()}) {
            if (quoted != null) {
                assertThat(quoted.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                        .as("printable ASCII only: %s", quoted.length() > 80 ? quoted.substring(0, 80) : quoted)
                        .isTrue();
            }
        }
        if (rejection.getTokenKeyId() != null) {
            assertThat(rejection.getTokenKeyId().length()).as("kid cut short").isLessThanOrEqualTo(203);
        }
    }

    @Nested
    class Controls {

        /** Without this the suite could pass with a pipeline that rejects everything. */
        @Test
        void genuineTokenOfTheTenantIsVerified() {
            String token = arsenal.genuine();

            pipeline.send(event(Arsenal.TENANT, token, T0).build());

            assertThat(pipeline.rejectedRecords()).isEmpty();
            List<TestRecord<String, VerifiedIdentity>> verified = pipeline.verifiedRecords();
            assertThat(verified).hasSize(1);
            assertThat(verified.get(0).value().getTokenFingerprint()).isEqualTo(TokenFingerprint.of(token));
        }

        @Test
        void genuineTokenSignedWithTheSameRawJsonAsTheAttacksIsVerified() {
            pipeline.send(event(Arsenal.TENANT, arsenal.orgSigned(arsenal.claimsJson()), T0).build());

            assertThat(pipeline.rejectedRecords()).isEmpty();
            assertThat(pipeline.verifiedRecords()).hasSize(1);
        }

        @Test
        void genuineTokenOfTheOtherTenantIsVerifiedAtThatTenant() {
            String token = IdTokenMinter.of(arsenal.otherOrg, Arsenal.OTHER_TENANT_CLIENT_ID,
                    Arsenal.ISSUED_AT).sign();

            pipeline.send(event(Arsenal.OTHER_TENANT, token, T0).build());

            assertThat(pipeline.rejectedRecords()).isEmpty();
            assertThat(pipeline.verifiedRecords()).hasSize(1);
        }

        @Test
        void everyAttackHasAUniqueName() {
            List<String> names = attacks().map(Attack::name).toList();

            assertThat(names).doesNotHaveDuplicates();
        }
    }

    /**
     * The psychic-signature class (CVE-2022-21449) where it could matter: an operator who accepts ES256 and an
     * org that publishes an EC key. The validator gets that EC key for any kid, so only the signature decides.
     */
    @Nested
    class WhenEs256IsAccepted {

        final TokenRules rules = new TokenRules(Duration.ofSeconds(60), 16 * 1024, Set.of("RS256", "ES256"));

        ECKey ecKey() throws Exception {
            return new ECKeyGenerator(Curve.P_256).keyID("ec-1").algorithm(JWSAlgorithm.ES256).generate();
        }

        TokenVerdict validate(ECKey published, String token) {
            OktaIdTokenValidator validator = new OktaIdTokenValidator(rules,
                    (tenant, kid, alg) -> new KeyLookup.Found(published.toPublicJWK()));
            return validator.validate(token, new TenantPolicy(Arsenal.TENANT, CLIENT_ID, arsenal.org.domain(), true),
                    T0);
        }

        static Stream<Arguments> psychicSignatures() {
            byte[] order = new BigInteger(
                    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16).toByteArray();
            byte[] n = Arrays.copyOfRange(order, order.length - 32, order.length);
            byte[] rsEqualN = new byte[64];
            System.arraycopy(n, 0, rsEqualN, 0, 32);
            System.arraycopy(n, 0, rsEqualN, 32, 32);
            return Stream.of(
                    Arguments.of("r = s = 0 (64 zero bytes)", Jose.b64(new byte[64])),
                    Arguments.of("empty signature", ""),
                    Arguments.of("DER r = 0, s = 0",
                            Jose.b64(new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00})),
                    Arguments.of("r = s = n (the curve order)", Jose.b64(rsEqualN)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.security.AttackTokenSuiteTest$WhenEs256IsAccepted#psychicSignatures")
        void psychicSignatureIsAnInvalidSignature(String name, String signature) throws Exception {
            ECKey key = ecKey();
            String token = Jose.compact(Jose.header("ES256", key.getKeyID()), arsenal.claimsJson(), signature);

            TokenVerdict verdict = validate(key, token);

            assertThat(verdict).isInstanceOfSatisfying(TokenVerdict.Refused.class, refused ->
                    assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE));
        }

        @Test
        void genuineEs256TokenIsAcceptedSoTheRefusalsAboveAreAboutTheSignature() throws Exception {
            ECKey key = ecKey();
            String token = Jose.signed(new ECDSASigner(key), JWSAlgorithm.ES256,
                    Jose.header("ES256", key.getKeyID()), arsenal.claimsJson());

            assertThat(validate(key, token)).isInstanceOf(TokenVerdict.Accepted.class);
        }

        @Test
        void es256TokenNamingTheOrgsRsaKeyIsAnUnknownSigningKeyThroughThePipeline() {
            try (PipelineFixture own = new PipelineFixture(PipelineSettings.DEFAULTS
                    .withTokenRules(rules)
                    .withDomainPolicy(DomainPolicy.allowing(arsenal.org.domain())), arsenal.tls,
                    stateDir.resolve("es256"))) {
                own.saveTenant(tenant(Arsenal.TENANT, CLIENT_ID, arsenal.org.domain(), CONFIGURED_AT).build());

                own.send(event(Arsenal.TENANT, Jose.compact(Jose.header("ES256", arsenal.orgKid()),
                        arsenal.claimsJson(), Jose.b64(new byte[64])), T0).build());

                assertThat(own.verifiedRecords()).isEmpty();
                assertThat(own.rejectedRecords()).singleElement()
                        .satisfies(r -> assertThat(r.value().getErrorCode()).isEqualTo("UNKNOWN_SIGNING_KEY"));
            }
        }
    }
}
