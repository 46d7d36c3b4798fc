package io.identityaudit.topology;

import static io.identityaudit.testing.Events.event;
import static io.identityaudit.testing.Events.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.identityaudit.avro.AnomalyKind;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.serde.Contracts;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.LoopbackTls;
import io.identityaudit.testing.PipelineFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A raw token never leaves the pipeline: not in an output record, not in a header, not in a log line or an
 * exception. The test drives every path a token can take (verified, each rejection, a failing JWKS endpoint, a
 * token smuggled in a header, the anomalies they raise) with the most verbose logging, then searches everything
 * for any part of any token.
 */
class NoTokenLeakTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path stateDir;

    @Test
    void noPartOfAnyTokenAppearsInOutputsOrLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("io.identityaudit");
        Level previous = ours.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        ours.setLevel(Level.TRACE);

        LoopbackTls tls = LoopbackTls.create();
        List<String> tokens = new ArrayList<>();
        List<byte[]> outputs = new ArrayList<>();
        try (SimulatedOktaOrg org = SimulatedOktaOrg.start(tls); SimulatedOktaOrg down = SimulatedOktaOrg.start(tls);
             PipelineFixture pipeline = new PipelineFixture(PipelineSettings.DEFAULTS.withDomainPolicy(
                     DomainPolicy.allowing(org.domain(), down.domain())), tls, stateDir)) {
            down.failWith(500);
            pipeline.saveTenant(tenant("acme", CLIENT_ID, org.domain(), T0.minusSeconds(3600)).build());
            pipeline.saveTenant(tenant("down", CLIENT_ID, down.domain(), T0.minusSeconds(3600)).build());
            pipeline.saveTenant(tenant("off", CLIENT_ID, org.domain(), T0.minusSeconds(3600)).setEnabled(false)
                    .build());
            pipeline.saveTenant(tenant("bad", CLIENT_ID, "https://acme.okta.com/", T0.minusSeconds(3600)).build());

            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0).sign());
            tokens.add(IdTokenMinter.of(org, "other-app", T0).sign());
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0).claim("iss", "https://evil.example").sign());
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0.minus(Duration.ofDays(1))).sign());
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0.plus(Duration.ofDays(1))).sign());
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0).without("sub").sign());
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0).signedWith(org.newSigningKey()).sign());
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0).signedWith(org.newSigningKey())
                    .keyId(org.signingKey().getKeyID()).sign());
            tokens.add(IdTokenMinter.of(org, CLIENT_ID, T0).claim("groups", "x".repeat(20_000)).sign());
            String genuine = tokens.get(0);
            tokens.add(genuine.substring(0, genuine.length() - 10));

            for (String token : tokens) {
                for (String tenantId : List.of("acme", "down", "off", "bad", "unknown")) {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("x-id-token", token.getBytes(StandardCharsets.US_ASCII));
                    var event = event(tenantId, token, T0).build();
                    pipeline.events.pipeInput(new TestRecord<>(event.getSessionId(),
                            Contracts.SESSION_EVENT.encode(event), headers, T0));
                }
            }
            String downToken = IdTokenMinter.of(down, CLIENT_ID, T0).sign();
            tokens.add(downToken);
            pipeline.send(event("down", downToken, T0).build());
            // A replayed token, so that the anomaly detectors write records about a token too.
            for (int i = 0; i < 4; i++) {
                pipeline.send(event("acme", genuine, T0.plusSeconds(i)).setClientIp("203.0.113." + i).build());
            }

            pipeline.verified.readRecordsToList().forEach(r -> {
                outputs.add(Contracts.VERIFIED.encode(r.value()));
                outputs.add(r.value().toString().getBytes(StandardCharsets.UTF_8));
                r.headers().forEach(h -> outputs.add(h.value()));
            });
            pipeline.rejected.readRecordsToList().forEach(r -> {
                outputs.add(Contracts.REJECTION.encode(r.value()));
                outputs.add(r.value().toString().getBytes(StandardCharsets.UTF_8));
                r.headers().forEach(h -> outputs.add(h.value()));
            });
            List<SecurityAnomaly> anomalies = pipeline.anomalies.readValuesToList();
            assertThat(anomalies).extracting(SecurityAnomaly::getKind)
                    .contains(AnomalyKind.TOKEN_REPLAY, AnomalyKind.FORGERY_ATTEMPT);
            anomalies.forEach(a -> {
                outputs.add(Contracts.ANOMALY.encode(a));
                outputs.add(a.toString().getBytes(StandardCharsets.UTF_8));
            });
        } finally {
            root.detachAppender(captured);
            ours.setLevel(previous);
        }

        assertThat(outputs).as("one record per event, plus its text and headers").hasSizeGreaterThan(50);
        assertThat(captured.list).as("the run logged something to search").isNotEmpty();
        List<String> logText = captured.list.stream().map(NoTokenLeakTest::fullText).toList();
        for (String token : tokens) {
            for (String fragment : fragmentsOf(token)) {
                assertThat(outputs).noneMatch(bytes -> new String(bytes, StandardCharsets.ISO_8859_1)
                        .contains(fragment));
                assertThat(logText).noneMatch(line -> line.contains(fragment));
            }
        }
    }

    /** The payload and the signature of a token: either alone is token material. */
    private static List<String> fragmentsOf(String token) {
        String[] parts = token.split("\\.");
        List<String> fragments = new ArrayList<>(List.of(token));
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].length() >= 16) {
                fragments.add(parts[i].substring(0, 16));
            }
        }
        return fragments;
    }

    private static String fullText(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                text.append('\n').append(frame.getSTEAsString());
            }
        }
        return text.toString();
    }
}
