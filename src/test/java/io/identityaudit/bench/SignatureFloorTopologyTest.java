package io.identityaudit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.serde.Contracts;
import io.identityaudit.testing.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signature floor checks each new genuine token's signature once and forwards every record unchanged. */
class SignatureFloorTopologyTest {

    private static final String INPUT = "in";
    private static final String OUTPUT = "out";

    @TempDir
    Path stateDir;

    private SimulatedOktaOrg org;
    private SignatureFloorTopology.Counters counters;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> output;

    @BeforeEach
    void start() {
        org = SimulatedOktaOrg.start();
        counters = new SignatureFloorTopology.Counters();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "signature-floor-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(SignatureFloorTopology.build(INPUT, OUTPUT,
                SignatureFloorTopology.keysOf(List.of(org)), counters), props);
        input = driver.createInputTopic(INPUT, new ByteArraySerializer(), new ByteArraySerializer());
        output = driver.createOutputTopic(OUTPUT, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        org.close();
    }

    @Test
    void aGenuineTokenIsCheckedOnceAndEveryRecordGoesOutUnchanged() {
        String token = IdTokenMinter.of(org, "0oa-floor", Instant.now()).sign();
        byte[] first = event(token);
        byte[] second = event(token);

        pipe("k1", first);
        assertThat(counters.checked()).isEqualTo(1);
        assertThat(counters.valid()).isEqualTo(1);

        pipe("k2", second);
        assertThat(counters.checked()).as("the same token is not checked again").isEqualTo(1);
        assertThat(counters.valid()).isEqualTo(1);

        assertOutputs(List.of(new TestRecord<>(bytes("k1"), first), new TestRecord<>(bytes("k2"), second)));
    }

    @Test
    void aValueThatIsNotAvroPassesThroughUnchecked() {
        byte[] garbage = "not an Avro event".getBytes(StandardCharsets.UTF_8);

        pipe("k", garbage);

        assertThat(counters.checked()).isZero();
        assertOutputs(List.of(new TestRecord<>(bytes("k"), garbage)));
    }

    @Test
    void aForgedSignatureIsCheckedAndNotValidAnUnknownKeyIsNotChecked() {
        String forged = IdTokenMinter.of(org, "0oa-floor", Instant.now()).signedWith(org.newSigningKey())
                .keyId(org.signingKey().getKeyID()).sign();
        String unknownKey = IdTokenMinter.of(org, "0oa-floor", Instant.now()).signedWith(org.newSigningKey()).sign();
        byte[] forgedEvent = event(forged);
        byte[] unknownKeyEvent = event(unknownKey);

        pipe("forged", forgedEvent);
        pipe("unknown", unknownKeyEvent);

        assertThat(counters.checked()).isEqualTo(1);
        assertThat(counters.valid()).isZero();
        assertOutputs(List.of(new TestRecord<>(bytes("forged"), forgedEvent),
                new TestRecord<>(bytes("unknown"), unknownKeyEvent)));
    }

    private void pipe(String key, byte[] value) {
        input.pipeInput(bytes(key), value);
    }

    private void assertOutputs(List<TestRecord<byte[], byte[]>> expected) {
        List<TestRecord<byte[], byte[]>> got = output.readRecordsToList();
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(got.get(i).key()).isEqualTo(expected.get(i).key());
            assertThat(got.get(i).value()).isEqualTo(expected.get(i).value());
        }
    }

    private static byte[] event(String token) {
        return Contracts.SESSION_EVENT.encode(Events.event("tenant-1", token, Instant.now()).build());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
