package io.identityaudit.security;

import static io.identityaudit.security.Arsenal.CLIENT_ID;
import static io.identityaudit.security.Arsenal.CONFIGURED_AT;
import static io.identityaudit.testing.Events.tenant;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.config.DomainPolicy;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.testing.PipelineFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology for a property: created once and fed one input per try, with the victim tenant configured.
 * An exception out of the driver is the failure the fuzzers look for; it is returned, not thrown, and the driver
 * is rebuilt, since a driver whose task threw may still hold the record that broke it.
 */
final class FuzzPipeline implements AutoCloseable {

    /** What one input produced. */
    record Outcome(List<VerifiedIdentity> verified, List<IdentityRejection> rejected, Throwable thrown) {

        int outputs() {
            return verified.size() + rejected.size();
        }

        /** The code of the only rejection, {@code VERIFIED} for one identity, or a summary of anything else. */
        String label() {
            if (thrown != null) {
                return "THROWN " + thrown.getClass().getSimpleName();
            }
            if (outputs() != 1) {
                return outputs() + " outputs";
            }
            return verified.isEmpty() ? rejected.get(0).getErrorCode().toString() : "VERIFIED";
        }

        String describe() {
            if (thrown == null) {
                return label();
            }
            Throwable root = thrown;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return label() + ": " + thrown + (root == thrown ? "" : " caused by " + root);
        }
    }

    private final Arsenal arsenal;
    private final Path stateDirs;
    private PipelineFixture fixture;
    private int generation;

    FuzzPipeline(Arsenal arsenal) {
        this.arsenal = arsenal;
        try {
            this.stateDirs = Files.createTempDirectory("identity-audit-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    private void start() {
        generation++;
        fixture = new PipelineFixture(PipelineSettings.DEFAULTS.withDomainPolicy(
                DomainPolicy.allowing(arsenal.org.domain())), arsenal.tls, stateDirs.resolve("g" + generation));
        fixture.saveTenant(tenant(Arsenal.TENANT, CLIENT_ID, arsenal.org.domain(), CONFIGURED_AT).build());
    }

    /** Pipes one record value on the session-events topic, stamped {@code recordTime}. */
    Outcome pipe(String key, byte[] value, Instant recordTime) {
        try {
            fixture.events.pipeInput(key, value, recordTime);
        } catch (Throwable thrown) {
            fixture.close();
            start();
            return new Outcome(List.of(), List.of(), thrown);
        }
        return new Outcome(
                fixture.verifiedRecords().stream().map(TestRecord::value).toList(),
                fixture.rejectedRecords().stream().map(TestRecord::value).toList(),
                null);
    }

    @Override
    public void close() {
        fixture.close();
        try (Stream<Path> files = Files.walk(stateDirs)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
