package io.identityaudit.topology;

import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.RetryPolicy;
import io.identityaudit.jwks.SigningKeys;
import io.identityaudit.serde.Contracts;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.testing.PipelineFixture;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.TokenFingerprint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology's specification: every event yields exactly one record, a verified identity or a rejection with
 * the error code that names what failed. Tokens are signed with real RSA keys and the keys are served by real
 * HTTPS JWKS endpoints on loopback.
 */
class IdentityAuditTopologyTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final Instant CONFIGURED_AT = T0.minus(Duration.ofDays(30));

    static LoopbackTls tls;
    static SimulatedOktaOrg acmeOrg;
    static SimulatedOktaOrg otherOrg;
    static SimulatedOktaOrg downOrg;

    @TempDir
    Path stateDir;
    PipelineFixture pipeline;

    @BeforeAll
    static void startOrgs() {
        tls = LoopbackTls.create();
        acmeOrg = SimulatedOktaOrg.start(tls);
        otherOrg = SimulatedOktaOrg.start(tls);
        downOrg = SimulatedOktaOrg.start(tls);
        downOrg.failWith(503);
    }

    @AfterAll
    static void stopOrgs() {
        acmeOrg.close();
        otherOrg.close();
        downOrg.close();
    }

    @BeforeEach
    void startPipeline() {
        pipeline = new PipelineFixture(settingsAllowing(acmeOrg, otherOrg, downOrg), tls, stateDir);
        pipeline.saveTenant(tenant("acme", CLIENT_ID, acmeOrg.domain(), CONFIGURED_AT).build());
    }

    @AfterEach
    void stopPipeline() {
        pipeline.close();
    }

    static PipelineSettings settingsAllowing(SimulatedOktaOrg... orgs) {
        String[] domains = java.util.Arrays.stream(orgs).map(SimulatedOktaOrg::domain).toArray(String[]::new);
        return PipelineSettings.DEFAULTS.withDomainPolicy(DomainPolicy.allowing(domains)).withRetryPolicy(RetryPolicy.NONE);
    }

    String acmeToken() {
        return IdTokenMinter.of(acmeOrg, CLIENT_ID, T0.minusSeconds(60)).sign();
    }

    VerifiedIdentity verifiedFor(WidgetSessionEvent event) {
        pipeline.send(event);
        List<TestRecord<String, VerifiedIdentity>> verified = pipeline.verifiedRecords();
        assertThat(pipeline.rejectedRecords()).as("rejections").isEmpty();
        assertThat(verified).hasSize(1);
        assertThat(verified.get(0).key()).isEqualTo(event.getSessionId());
        assertThat(verified.get(0).getRecordTime()).isEqualTo(event.getOccurredAt());
        return verified.get(0).value();
    }

    IdentityRejection rejectionFor(WidgetSessionEvent event) {
        pipeline.send(event);
        return onlyRejection(event.getSessionId());
    }

    IdentityRejection onlyRejection(String expectedKey) {
        List<TestRecord<String, IdentityRejection>> rejected = pipeline.rejectedRecords();
        assertThat(pipeline.verifiedRecords()).as("verified identities").isEmpty();
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).key()).isEqualTo(expectedKey);
        IdentityRejection rejection = rejected.get(0).value();
        ErrorCode code = ErrorCode.valueOf(rejection.getErrorCode());
        assertThat(rejection.getHint()).isEqualTo(code.hint());
        assertThat(rejection.getDetail()).endsWith(code.hint());
        assertThat(rejection.getRetryable()).isEqualTo(code.retryable());
        return rejection;
    }

    IdentityRejection rejectionForToken(String token) {
        return rejectionFor(event("acme", token, T0).build());
    }

    @Nested
    class GenuineTokens {

        @Test
        void genuineIdTokenBecomesVerifiedIdentityWithItsClaims() {
            String token = acmeToken();
            WidgetSessionEvent event = event("acme", token, T0).build();

            VerifiedIdentity identity = verifiedFor(event);

            assertThat(identity.getEventId()).isEqualTo(event.getEventId());
            assertThat(identity.getTenantId()).isEqualTo("acme");
            assertThat(identity.getSessionId()).isEqualTo(event.getSessionId());
            assertThat(identity.getSubject()).isEqualTo(IdTokenMinter.USER_ID);
            assertThat(identity.getIssuer()).isEqualTo(acmeOrg.issuer());
            assertThat(identity.getAudience()).containsExactly(CLIENT_ID);
            assertThat(identity.getEmail()).isEqualTo("ada@example.com");
            assertThat(identity.getName()).isEqualTo("Ada Lovelace");
            assertThat(identity.getPreferredUsername()).isEqualTo("ada@example.com");
            assertThat(identity.getIssuedAt()).isEqualTo(T0.minusSeconds(60));
            assertThat(identity.getExpiresAt()).isEqualTo(T0.minusSeconds(60).plus(Duration.ofHours(1)));
            assertThat(identity.getJti()).startsWith("ID.");
            assertThat(identity.getSigningKeyId()).isEqualTo(acmeOrg.signingKey().getKeyID());
            assertThat(identity.getAlgorithm()).isEqualTo("RS256");
            assertThat(identity.getTokenFingerprint()).isEqualTo(TokenFingerprint.of(token)).hasSize(64);
            assertThat(identity.getReferenceTime()).isEqualTo(T0);
            assertThat(identity.getClientIp()).isEqualTo("127.0.0.1");
            assertThat(identity.getInputTopic()).isEqualTo("widget.session-events");
            assertThat(identity.getInputPartition()).isZero();
            assertThat(identity.getInputOffset()).isZero();
        }

        @Test
        void tokenIsJudgedAtTheEventTimeNotTheWallClock() {
            Instant longAgo = Instant.parse("2026-11-01T08:00:00Z");
            pipeline.saveTenant(tenant("archive", CLIENT_ID, acmeOrg.domain(), longAgo.minusSeconds(3600)).build());
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, longAgo.minusSeconds(10)).sign();

            VerifiedIdentity identity = verifiedFor(event("archive", token, longAgo).build());

            assertThat(identity.getReferenceTime()).isEqualTo(longAgo);
        }

        @Test
        void expiryWithinTheClockSkewIsStillAccepted() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0.minus(Duration.ofHours(1)))
                    .expiresAt(T0.minusSeconds(59)).sign();

            verifiedFor(event("acme", token, T0).build());
        }

        @Test
        void tokenWhoseAudienceListIncludesTheClientIdIsVerified() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("aud", List.of("other-app", CLIENT_ID))
                    .claim("azp", CLIENT_ID).sign();

            assertThat(verifiedFor(event("acme", token, T0).build()).getAudience())
                    .containsExactly("other-app", CLIENT_ID);
        }

        @Test
        void explicitJwtTypeIsAccepted() {
            verifiedFor(event("acme", IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).type("JWT").sign(), T0).build());
        }

        @Test
        void inputHeadersAreNotCopiedToTheOutput() {
            WidgetSessionEvent event = event("acme", acmeToken(), T0).build();
            org.apache.kafka.common.header.internals.RecordHeaders headers =
                    new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add("authorization", ("Bearer " + event.getIdToken()).getBytes(StandardCharsets.UTF_8));
            pipeline.events.pipeInput(new TestRecord<>(event.getSessionId(),
                    Contracts.SESSION_EVENT.encode(event), headers, event.getOccurredAt()));

            List<TestRecord<String, VerifiedIdentity>> verified = pipeline.verifiedRecords();
            assertThat(verified).hasSize(1);
            assertThat(verified.get(0).headers().toArray()).isEmpty();
        }
    }

    @Nested
    class UnreadableEvents {

        @Test
        void valueThatIsNotAvroIsRejectedAsMalformedEvent() {
            pipeline.events.pipeInput("session-key", "{\"idToken\":\"x\"}".getBytes(StandardCharsets.UTF_8), T0);

            IdentityRejection rejection = onlyRejection("session-key");

            assertThat(rejection.getErrorCode()).isEqualTo("MALFORMED_EVENT");
            assertThat(rejection.getEventId()).isNull();
            assertThat(rejection.getSessionId()).isNull();
            assertThat(rejection.getInputOffset()).isZero();
        }

        @Test
        void unknownSchemaFingerprintIsRejectedAsMalformedEvent() {
            byte[] bytes = Contracts.SESSION_EVENT.encode(event("acme", acmeToken(), T0).build());
            bytes[2] ^= 0x5a;
            pipeline.events.pipeInput("k", bytes, T0);

            assertThat(onlyRejection("k").getDetail()).contains("fingerprint");
        }

        @Test
        void truncatedAvroIsRejectedAsMalformedEvent() {
            byte[] bytes = Contracts.SESSION_EVENT.encode(event("acme", acmeToken(), T0).build());
            pipeline.events.pipeInput("k", java.util.Arrays.copyOf(bytes, 30), T0);

            assertThat(onlyRejection("k").getErrorCode()).isEqualTo("MALFORMED_EVENT");
        }

        @Test
        void nullValueIsRejectedAsMalformedEvent() {
            pipeline.events.pipeInput("k", (byte[]) null, T0);

            assertThat(onlyRejection("k").getErrorCode()).isEqualTo("MALFORMED_EVENT");
        }

        @Test
        void eventWrittenWithTheOlderSchemaVersionStillDecodesAndVerifies() throws Exception {
            Schema v1 = Contracts.SESSION_EVENT.writerSchemas().get(0);
            assertThat(v1.getField("clientIp")).as("v1 predates the client context").isNull();
            GenericRecord old = new GenericData.Record(v1);
            old.put("eventId", "evt-v1");
            old.put("tenantId", "acme");
            old.put("sessionId", "sess-v1");
            old.put("eventType", "SESSION_STARTED");
            old.put("occurredAt", T0.toEpochMilli());
            old.put("idToken", acmeToken());
            byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

            pipeline.events.pipeInput("sess-v1", bytes, T0);

            List<TestRecord<String, VerifiedIdentity>> verified = pipeline.verifiedRecords();
            assertThat(verified).hasSize(1);
            assertThat(verified.get(0).value().getEventId()).isEqualTo("evt-v1");
            assertThat(verified.get(0).value().getClientIp()).isNull();
        }
    }

    @Nested
    class TenantConfiguration {

        @Test
        void eventOfTenantWithoutConfigIsRejectedAsUnknownTenant() {
            assertThat(rejectionFor(event("nobody", acmeToken(), T0).build()).getErrorCode())
                    .isEqualTo("UNKNOWN_TENANT");
        }

        @Test
        void eventBeforeTheTenantWasConfiguredIsRejectedAsUnknownTenant() {
            assertThat(rejectionFor(event("acme", acmeToken(), CONFIGURED_AT.minusMillis(1)).build())
                    .getErrorCode()).isEqualTo("UNKNOWN_TENANT");
        }

        @Test
        void disabledTenantIsRejectedAsSsoDisabled() {
            pipeline.saveTenant(tenant("acme", CLIENT_ID, acmeOrg.domain(), T0.minusSeconds(5)).setEnabled(false)
                    .build());

            assertThat(rejectionForToken(acmeToken()).getErrorCode()).isEqualTo("SSO_DISABLED");
        }

        @Test
        void domainWithHttpsPrefixIsRejectedAsTenantConfigInvalid() {
            pipeline.saveTenant(tenant("acme", CLIENT_ID, "https://acme.okta.com", T0.minusSeconds(5)).build());

            IdentityRejection rejection = rejectionForToken(acmeToken());

            assertThat(rejection.getErrorCode()).isEqualTo("TENANT_CONFIG_INVALID");
            assertThat(rejection.getDetail()).contains("scheme");
        }

        @Test
        void domainThatIsNotOktaNorAllowlistedIsRejectedAsTenantConfigInvalid() {
            pipeline.saveTenant(tenant("acme", CLIENT_ID, "login.evil.example", T0.minusSeconds(5)).build());

            assertThat(rejectionForToken(acmeToken()).getDetail()).contains("not an Okta domain");
        }

        @Test
        void providerOtherThanOktaIsRejectedAsTenantConfigInvalid() {
            pipeline.saveTenant(tenant("acme", CLIENT_ID, acmeOrg.domain(), T0.minusSeconds(5)).setProvider("auth0")
                    .build());

            assertThat(rejectionForToken(acmeToken()).getErrorCode()).isEqualTo("TENANT_CONFIG_INVALID");
        }

        @Test
        void configChangeAppliesFromItsUpdatedAtAlsoWhenEventsArriveOutOfOrder() {
            String newClientId = "0oaNEWCLIENT000000001";
            Instant changedAt = T0.plus(Duration.ofMinutes(10));
            pipeline.saveTenant(tenant("acme", newClientId, acmeOrg.domain(), changedAt).build());
            String oldAppToken = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).sign();

            WidgetSessionEvent after = event("acme", oldAppToken, changedAt.plusSeconds(60)).build();
            WidgetSessionEvent before = event("acme", oldAppToken, changedAt.minusSeconds(60)).build();

            assertThat(rejectionFor(after).getErrorCode()).isEqualTo("INVALID_AUDIENCE");
            assertThat(verifiedFor(before).getEventId()).isEqualTo(before.getEventId());
        }

        @Test
        void aConfigChangeSavedWhileEventsFlowAppliesToTheNextEventsOfItsTime() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).sign();
            Instant changedAt = T0.plus(Duration.ofMinutes(10));
            verifiedFor(event("acme", token, changedAt.plusSeconds(30)).build());

            pipeline.saveTenant(tenant("acme", "0oaNEWCLIENT000000001", acmeOrg.domain(), changedAt).build());

            assertThat(rejectionFor(event("acme", token, changedAt.plusSeconds(60)).build()).getErrorCode())
                    .isEqualTo("INVALID_AUDIENCE");
            verifiedFor(event("acme", token, changedAt.minusSeconds(60)).build());

            pipeline.deleteTenant("acme", changedAt.plusSeconds(90));

            assertThat(rejectionFor(event("acme", token, changedAt.plusSeconds(120)).build()).getErrorCode())
                    .isEqualTo("UNKNOWN_TENANT");
        }

        @Test
        void tombstoneRemovesTheTenantForLaterEventsOnly() {
            Instant deletedAt = T0.plus(Duration.ofMinutes(20));
            pipeline.deleteTenant("acme", deletedAt);
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, deletedAt.minusSeconds(120)).sign();

            assertThat(rejectionFor(event("acme", token, deletedAt.plusSeconds(1)).build()).getErrorCode())
                    .isEqualTo("UNKNOWN_TENANT");
            verifiedFor(event("acme", token, deletedAt.minusSeconds(1)).build());
        }

        @Test
        void unreadableConfigRecordIsIgnoredAndOtherTenantsKeepWorking() {
            pipeline.configs.pipeInput("acme", "not avro".getBytes(StandardCharsets.UTF_8), T0.minusSeconds(1));
            pipeline.configs.pipeInput("ghost", Contracts.TENANT_CONFIG.encode(
                    tenant("other-id", CLIENT_ID, acmeOrg.domain(), T0.minusSeconds(1)).build()), T0);

            verifiedFor(event("acme", acmeToken(), T0).build());
            assertThat(rejectionFor(event("ghost", acmeToken(), T0).build()).getErrorCode())
                    .as("a config whose tenantId differs from its key is not used").isEqualTo("UNKNOWN_TENANT");
        }
    }

    @Nested
    class MissingOrMalformedTokens {

        @Test
        void eventWithoutTokenIsRejectedAsMissingToken() {
            IdentityRejection rejection = rejectionFor(event("acme", null, T0).build());

            assertThat(rejection.getErrorCode()).isEqualTo("MISSING_TOKEN");
            assertThat(rejection.getTokenFingerprint()).isNull();
        }

        @Test
        void tokenThatIsNotAJwsIsRejectedAsMalformedToken() {
            IdentityRejection rejection = rejectionForToken("not-a-token");

            assertThat(rejection.getErrorCode()).isEqualTo("MALFORMED_TOKEN");
            assertThat(rejection.getTokenFingerprint()).isEqualTo(TokenFingerprint.of("not-a-token"));
        }

        @Test
        void tokenWithBadBase64JsonIsRejectedAsMalformedToken() {
            assertThat(rejectionForToken("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln").getErrorCode())
                    .isEqualTo("MALFORMED_TOKEN");
        }

        @Test
        void tokenOverTheSizeLimitIsRejectedAsMalformedToken() {
            String huge = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("groups", "g".repeat(20_000)).sign();

            assertThat(rejectionForToken(huge).getDetail()).contains("over the limit");
        }

        @Test
        void encryptedTokenIsRejectedAsMalformedToken() {
            assertThat(rejectionForToken("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d").getDetail()).contains("JWE");
        }

        @Test
        void tokenWithoutExpIsRejectedAsMalformedToken() {
            assertThat(rejectionForToken(IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).without("exp").sign()).getErrorCode())
                    .isEqualTo("MALFORMED_TOKEN");
        }
    }

    @Nested
    class Algorithms {

        @Test
        void unsignedTokenIsRejectedAsUnsupportedAlgorithm() {
            String header = Base64URL.encode("{\"alg\":\"none\"}").toString();
            String payload = Base64URL.encode("{\"iss\":\"" + acmeOrg.issuer() + "\",\"aud\":\"" + CLIENT_ID
                    + "\",\"sub\":\"00u1\",\"iat\":1,\"exp\":9999999999}").toString();

            IdentityRejection rejection = rejectionForToken(header + "." + payload + ".");

            assertThat(rejection.getErrorCode()).isEqualTo("UNSUPPORTED_ALGORITHM");
            assertThat(rejection.getSignatureChecked()).isFalse();
        }

        @Test
        void hmacTokenKeyedWithTheOrgsPublicKeyIsRejectedAsUnsupportedAlgorithm() throws Exception {
            RSAKey publicKey = acmeOrg.signingKey().toPublicJWK();
            JWSObject forged = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publicKey.getKeyID()).build(),
                    new Payload("{\"iss\":\"" + acmeOrg.issuer() + "\",\"aud\":\"" + CLIENT_ID
                            + "\",\"sub\":\"00u1\",\"iat\":" + T0.getEpochSecond() + ",\"exp\":"
                            + T0.plusSeconds(600).getEpochSecond() + "}"));
            forged.sign(new MACSigner(publicKey.toRSAPublicKey().getEncoded()));

            assertThat(rejectionForToken(forged.serialize()).getErrorCode()).isEqualTo("UNSUPPORTED_ALGORITHM");
        }
    }

    @Nested
    class Keys {

        @Test
        void orgWhoseJwksEndpointFailsGivesRetryableJwksFetchFailed() {
            pipeline.saveTenant(tenant("down", CLIENT_ID, downOrg.domain(), CONFIGURED_AT).build());
            String token = IdTokenMinter.of(downOrg, CLIENT_ID, T0).sign();

            IdentityRejection rejection = rejectionFor(event("down", token, T0).build());

            assertThat(rejection.getErrorCode()).isEqualTo("JWKS_FETCH_FAILED");
            assertThat(rejection.getRetryable()).isTrue();
            assertThat(rejection.getDetail()).contains("503");
        }

        @Test
        void tokenSignedWithAnUnpublishedKeyIsRejectedAsUnknownSigningKey() {
            RSAKey unpublished = acmeOrg.newSigningKey();
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).signedWith(unpublished).sign();

            IdentityRejection rejection = rejectionForToken(token);

            assertThat(rejection.getErrorCode()).isEqualTo("UNKNOWN_SIGNING_KEY");
            assertThat(rejection.getTokenKeyId()).isEqualTo(unpublished.getKeyID());
        }

        @Test
        void tokenSignedByAnotherKeyUnderThePublishedKidIsRejectedAsInvalidSignature() {
            RSAKey impostor = acmeOrg.newSigningKey();
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).signedWith(impostor)
                    .keyId(acmeOrg.signingKey().getKeyID()).sign();

            IdentityRejection rejection = rejectionForToken(token);

            assertThat(rejection.getErrorCode()).isEqualTo("INVALID_SIGNATURE");
            assertThat(rejection.getSignatureChecked()).isTrue();
            assertThat(rejection.getSignatureValid()).isFalse();
            assertThat(rejection.getUnverifiedSubject()).isEqualTo(IdTokenMinter.USER_ID);
        }

        @Test
        void tamperedPayloadWithTheOriginalSignatureIsRejectedAsInvalidSignature() {
            String[] genuine = acmeToken().split("\\.");
            String otherUser = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0.minusSeconds(60)).claim("sub", "00uADMIN").sign();

            String tampered = genuine[0] + "." + otherUser.split("\\.")[1] + "." + genuine[2];

            assertThat(rejectionForToken(tampered).getErrorCode()).isEqualTo("INVALID_SIGNATURE");
        }

        @Test
        void twoTenantsOnOneDomainShareOneJwksFetch() {
            pipeline.saveTenant(tenant("acme-eu", "0oaEUAPP0000000000001", acmeOrg.domain(), CONFIGURED_AT).build());
            int before = acmeOrg.keysRequests();

            verifiedFor(event("acme", acmeToken(), T0).build());
            verifiedFor(event("acme-eu", IdTokenMinter.of(acmeOrg, "0oaEUAPP0000000000001", T0).sign(), T0).build());

            assertThat(acmeOrg.keysRequests() - before).isEqualTo(1);
        }

        @Test
        void rotatedInKeyVerifiesAfterOneRefreshAndTheOldKeyKeepsVerifying() {
            try (SimulatedOktaOrg rotating = SimulatedOktaOrg.start(tls);
                 PipelineFixture own = new PipelineFixture(settingsAllowing(rotating), tls, stateDir.resolve("own"))) {
                own.saveTenant(tenant("rot", CLIENT_ID, rotating.domain(), CONFIGURED_AT).build());
                RSAKey oldKey = rotating.signingKey();
                own.send(event("rot", IdTokenMinter.of(rotating, CLIENT_ID, T0).sign(), T0).build());
                assertThat(own.verifiedRecords()).hasSize(1);
                assertThat(rotating.keysRequests()).isEqualTo(1);

                RSAKey newKey = rotating.newSigningKey();
                rotating.publish(newKey);
                own.send(event("rot", IdTokenMinter.of(rotating, CLIENT_ID, T0).signedWith(newKey).sign(), T0).build());
                own.send(event("rot", IdTokenMinter.of(rotating, CLIENT_ID, T0).signedWith(oldKey).sign(), T0).build());

                List<TestRecord<String, VerifiedIdentity>> verified = own.verifiedRecords();
                assertThat(own.rejectedRecords()).isEmpty();
                assertThat(verified).extracting(r -> r.value().getSigningKeyId())
                        .containsExactly(newKey.getKeyID(), oldKey.getKeyID());
                assertThat(rotating.keysRequests()).as("one refresh for the new kid, none for the old").isEqualTo(2);
            }
        }
    }

    @Nested
    class Claims {

        @Test
        void tokenFromAnotherOrgIsRejectedAsInvalidIssuer() {
            IdentityRejection rejection = rejectionForToken(IdTokenMinter.of(otherOrg, CLIENT_ID, T0).sign());

            assertThat(rejection.getErrorCode()).isEqualTo("INVALID_ISSUER");
            assertThat(rejection.getUnverifiedIssuer()).isEqualTo(otherOrg.issuer());
            assertThat(rejection.getSignatureChecked()).as("decided before any key was fetched").isFalse();
        }

        @Test
        void issuerWithTrailingSlashIsRejectedAsInvalidIssuer() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("iss", acmeOrg.issuer() + "/").sign();

            assertThat(rejectionForToken(token).getErrorCode()).isEqualTo("INVALID_ISSUER");
        }

        @Test
        void customAuthorizationServerIssuerIsRejectedAsInvalidIssuer() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("iss", acmeOrg.issuer() + "/oauth2/default")
                    .sign();

            assertThat(rejectionForToken(token).getErrorCode()).isEqualTo("INVALID_ISSUER");
        }

        @Test
        void tokenForAnotherAppIsRejectedAsInvalidAudience() {
            IdentityRejection rejection = rejectionForToken(IdTokenMinter.of(acmeOrg, "0oaOTHERAPP", T0).sign());

            assertThat(rejection.getErrorCode()).isEqualTo("INVALID_AUDIENCE");
            assertThat(rejection.getUnverifiedAudience()).containsExactly("0oaOTHERAPP");
        }

        @Test
        void oktaAccessTokenIsRejectedAsInvalidAudienceWithTheIdTokenHint() {
            String accessToken = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0)
                    .claim("aud", acmeOrg.issuer())
                    .claim("cid", CLIENT_ID)
                    .claim("uid", IdTokenMinter.USER_ID)
                    .claim("scp", List.of("openid", "profile"))
                    .claim("jti", "AT.abcdef")
                    .sign();

            IdentityRejection rejection = rejectionForToken(accessToken);

            assertThat(rejection.getErrorCode()).isEqualTo("INVALID_AUDIENCE");
            assertThat(rejection.getDetail()).contains("access token").contains("pass the ID token");
        }

        @Test
        void accessTokenTypeIsRejectedAsInvalidAudience() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).type("at+jwt").sign();

            assertThat(rejectionForToken(token).getDetail()).contains("access token");
        }

        @Test
        void authorizedPartyOtherThanTheClientIsRejectedAsInvalidAudience() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("aud", List.of(CLIENT_ID, "0oaOTHER"))
                    .claim("azp", "0oaOTHER").sign();

            assertThat(rejectionForToken(token).getErrorCode()).isEqualTo("INVALID_AUDIENCE");
        }

        @Test
        void tokenWithoutSubjectIsRejectedAsMissingSubject() {
            IdentityRejection rejection = rejectionForToken(IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).without("sub").sign());

            assertThat(rejection.getErrorCode()).isEqualTo("MISSING_SUBJECT");
            assertThat(rejection.getSignatureValid()).as("a genuine token without sub").isTrue();
        }

        @Test
        void numericSubjectIsRejectedAsMissingSubject() {
            assertThat(rejectionForToken(IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("sub", 12345).sign())
                    .getErrorCode()).isEqualTo("MISSING_SUBJECT");
        }

        @Test
        void tokenExpiredBeforeTheEventIsRejectedAsTokenExpired() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0.minus(Duration.ofHours(2))).sign();

            IdentityRejection rejection = rejectionForToken(token);

            assertThat(rejection.getErrorCode()).isEqualTo("TOKEN_EXPIRED");
            assertThat(rejection.getSignatureValid()).isTrue();
            assertThat(rejection.getUnverifiedExpiresAt()).isEqualTo(T0.minus(Duration.ofHours(1)));
            assertThat(rejection.getUnverifiedIssuedAt()).isEqualTo(T0.minus(Duration.ofHours(2)));
        }

        @Test
        void tokenIssuedAfterTheEventBeyondTheSkewIsRejectedAsNotYetValid() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0.plusSeconds(61)).sign();

            assertThat(rejectionForToken(token).getErrorCode()).isEqualTo("TOKEN_NOT_YET_VALID");
        }

        @Test
        void tokenWithFutureNotBeforeIsRejectedAsNotYetValid() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("nbf", T0.plusSeconds(300).getEpochSecond())
                    .sign();

            assertThat(rejectionForToken(token).getErrorCode()).isEqualTo("TOKEN_NOT_YET_VALID");
        }

        @Test
        void genuineTokenWithTimeClaimsBeyondTheYear9999IsRejectedAsMalformedToken() {
            for (String claim : List.of("exp", "iat", "nbf", "auth_time")) {
                String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim(claim, 1e16).sign();

                assertThat(rejectionForToken(token).getDetail()).as(claim).contains(claim + " is not a time");
            }
        }

        @Test
        void genuineTokenWithNegativeIssuedAtIsRejectedAsMalformedToken() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0).claim("iat", -1e16).sign();

            assertThat(rejectionForToken(token).getErrorCode()).isEqualTo("MALFORMED_TOKEN");
        }

        @Test
        void forgedTokenThatIsAlsoExpiredIsRejectedForItsSignature() {
            String token = IdTokenMinter.of(acmeOrg, CLIENT_ID, T0.minus(Duration.ofDays(1)))
                    .signedWith(acmeOrg.newSigningKey()).keyId(acmeOrg.signingKey().getKeyID()).sign();

            assertThat(rejectionForToken(token).getErrorCode()).isEqualTo("INVALID_SIGNATURE");
        }
    }

    @Nested
    class Bugs {

        @Test
        void exceptionDuringValidationBecomesInternalErrorNamingOnlyTheExceptionClass() {
            String token = acmeToken();
            SigningKeys broken = (tenant, kid, alg) -> {
                throw new IllegalStateException("bug that quotes " + token);
            };
            try (PipelineFixture own = new PipelineFixture(settingsAllowing(acmeOrg), broken,
                    stateDir.resolve("broken"), VerdictListener.NONE)) {
                own.saveTenant(tenant("acme", CLIENT_ID, acmeOrg.domain(), CONFIGURED_AT).build());
                WidgetSessionEvent event = event("acme", token, T0).build();

                own.send(event);

                List<TestRecord<String, IdentityRejection>> rejected = own.rejectedRecords();
                assertThat(rejected).hasSize(1);
                IdentityRejection rejection = rejected.get(0).value();
                assertThat(rejection.getErrorCode()).isEqualTo("INTERNAL_ERROR");
                assertThat(rejection.getEventId()).isEqualTo(event.getEventId());
                assertThat(rejection.getExceptionClass()).isEqualTo(IllegalStateException.class.getName());
                assertThat(rejection.toString()).doesNotContain(token).doesNotContain("bug that quotes");
            }
        }
    }

    @Nested
    class RetriesAfterJwksFailures {

        final RetryPolicy quickRetries = new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(4));
        /** Short intervals, so that the org's quiet interval after a failure passes within the test. */
        final JwksSettings quickJwks = new JwksSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 64 * 1024,
                Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofHours(1));

        PipelineFixture pipelineWithRetries(SimulatedOktaOrg org, String name) {
            PipelineFixture own = new PipelineFixture(settingsAllowing(org).withRetryPolicy(quickRetries)
                    .withJwks(quickJwks), tls, stateDir.resolve(name));
            own.saveTenant(tenant("flaky", CLIENT_ID, org.domain(), CONFIGURED_AT).build());
            return own;
        }

        /** Lets wall-clock time pass for the retry scheduler until {@code done}, a little real time per step. */
        void advanceUntil(PipelineFixture own, java.util.function.BooleanSupplier done) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        own.driver.advanceWallClockTime(Duration.ofSeconds(1));
                        return done.getAsBoolean();
                    });
        }

        @Test
        void eventOfAnOrgThatIsDownWaitsOnTheRetryTopicAndVerifiesOnceTheOrgIsBack() {
            try (SimulatedOktaOrg flaky = SimulatedOktaOrg.start(tls);
                 PipelineFixture own = pipelineWithRetries(flaky, "back")) {
                flaky.failWith(503);
                WidgetSessionEvent event = event("flaky", IdTokenMinter.of(flaky, CLIENT_ID, T0).sign(), T0).build();

                own.send(event);

                assertThat(own.verified.isEmpty()).isTrue();
                assertThat(own.rejected.isEmpty()).as("not final after the first try").isTrue();

                flaky.failWith(null);
                List<VerifiedIdentity> verified = new java.util.ArrayList<>();
                advanceUntil(own, () -> {
                    verified.addAll(own.verified.readValuesToList());
                    return !verified.isEmpty();
                });

                assertThat(verified).singleElement().satisfies(identity -> {
                    assertThat(identity.getEventId()).isEqualTo(event.getEventId());
                    assertThat(identity.getInputTopic()).isEqualTo("widget.session-events");
                    assertThat(identity.getInputOffset()).isZero();
                });
                own.driver.advanceWallClockTime(Duration.ofMinutes(5));
                assertThat(own.verified.isEmpty()).isTrue();
                assertThat(own.rejected.isEmpty()).isTrue();
            }
        }

        @Test
        void eventOfAnOrgThatStaysDownEndsInOneFinalRejectionAfterTheLastAttempt() {
            try (SimulatedOktaOrg down = SimulatedOktaOrg.start(tls);
                 PipelineFixture own = pipelineWithRetries(down, "down")) {
                down.failWith(503);
                WidgetSessionEvent event = event("flaky", IdTokenMinter.of(down, CLIENT_ID, T0).sign(), T0).build();

                own.send(event);
                List<IdentityRejection> rejected = new java.util.ArrayList<>();
                advanceUntil(own, () -> {
                    rejected.addAll(own.rejected.readValuesToList());
                    return !rejected.isEmpty();
                });
                own.driver.advanceWallClockTime(Duration.ofMinutes(5));
                rejected.addAll(own.rejected.readValuesToList());

                assertThat(rejected).singleElement().satisfies(rejection -> {
                    assertThat(rejection.getErrorCode()).isEqualTo("JWKS_FETCH_FAILED");
                    assertThat(rejection.getEventId()).isEqualTo(event.getEventId());
                    assertThat(rejection.getDetail()).startsWith("after 3 attempts");
                    assertThat(rejection.getRetryable()).isTrue();
                });
                assertThat(own.verified.isEmpty()).isTrue();
            }
        }
    }
}
