package io.identityaudit.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SingleObjectCodec} writes the header and reads the fingerprint itself; these tests hold it to Avro's own
 * {@link BinaryMessageEncoder} and {@link BinaryMessageDecoder}, which it was built on before: the same bytes for
 * every contract, each reading what the other wrote, for the current schema and every older writer schema, and the
 * same answer (the same record, or the same refusal) for damaged bytes.
 */
class SingleObjectCodecAvroParityTest {

    static final int RECORDS = 100;
    static final Map<SingleObjectCodec<?>, BinaryMessageDecoder<?>> AVRO_DECODERS = new ConcurrentHashMap<>();
    static final String BODY = "the value's body is not a valid ";

    static Stream<SingleObjectCodec<?>> codecs() {
        return Stream.of(Contracts.SESSION_EVENT, Contracts.TENANT_CONFIG, Contracts.VERIFIED, Contracts.REJECTION,
                Contracts.JWKS_RETRY, Contracts.ANOMALY, Contracts.CONFIG_CHANGE, Contracts.ANOMALY_SIGNAL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    <T extends SpecificRecord> void sameBytesAsBinaryMessageEncoderAndEachReadsTheOther(SingleObjectCodec<T> codec)
            throws IOException {
        BinaryMessageEncoder<T> avroEncoder =
                new BinaryMessageEncoder<>(SpecificData.getForClass(codec.type()), codec.schema());
        BinaryMessageDecoder<T> avroDecoder = avroDecoder(codec);

        for (byte[] written : randomRecords(codec.schema(), 20261126L)) {
            T value = codec.decode(written);
            assertThat(value).isEqualTo(avroDecoder.decode(written));

            byte[] encoded = codec.encode(value);
            assertThat(encoded).as("the codec's bytes").isEqualTo(written).isEqualTo(bytes(avroEncoder.encode(value)));
            assertThat(avroDecoder.decode(encoded)).isEqualTo(value);
        }
    }

    @Test
    void recordsOfEveryOlderWriterSchemaDecodeAsWithBinaryMessageDecoder() throws IOException {
        int olderSchemas = 0;
        for (SingleObjectCodec<?> codec : codecs().toList()) {
            BinaryMessageDecoder<?> avroDecoder = avroDecoder(codec);
            List<Schema> writers = codec.writerSchemas();
            for (Schema older : writers.subList(0, writers.size() - 1)) {
                olderSchemas++;
                for (byte[] written : randomRecords(older, 20261127L)) {
                    SpecificRecord decoded = codec.decode(written);
                    assertThat(decoded).as("%s v%d", codec.schema().getName(), writers.indexOf(older) + 1)
                            .isEqualTo(avroDecoder.decode(written));
                }
            }
        }
        assertThat(olderSchemas).as("history schemas tried").isPositive();
    }

    @Test
    void bytesAfterTheBodyAreIgnoredAsBinaryMessageDecoderIgnoresThem() {
        byte[] valid = Contracts.SESSION_EVENT.encode(SingleObjectCodecTest.sessionEvent());
        byte[] trailing = Arrays.copyOf(valid, valid.length + 7);
        Arrays.fill(trailing, valid.length, trailing.length, (byte) 0x5a);

        assertThat(Contracts.SESSION_EVENT.decode(trailing)).isEqualTo(SingleObjectCodecTest.sessionEvent());
        assertThat(decodedByAvro(Contracts.SESSION_EVENT, trailing)).isEqualTo(SingleObjectCodecTest.sessionEvent());
    }

    @Test
    void aRecordLargerThanTheThreadsBufferIsWrittenWholeAndTheNextOneToo() throws IOException {
        BinaryMessageEncoder<WidgetSessionEvent> avroEncoder = new BinaryMessageEncoder<>(
                SpecificData.getForClass(WidgetSessionEvent.class), WidgetSessionEvent.getClassSchema());
        for (int tokenLength : new int[] {10, 5_000, 200_000, 10}) {
            WidgetSessionEvent event = WidgetSessionEvent.newBuilder(SingleObjectCodecTest.sessionEvent())
                    .setIdToken("t".repeat(tokenLength)).build();

            byte[] encoded = Contracts.SESSION_EVENT.encode(event);

            assertThat(encoded).as("token of %d characters", tokenLength)
                    .isEqualTo(bytes(avroEncoder.encode(event)));
            assertThat(Contracts.SESSION_EVENT.decode(encoded)).isEqualTo(event);
        }
    }

    @Test
    void aRecordThatFailsHalfWrittenLeavesNothingBehindForTheNextOne() throws IOException {
        WidgetSessionEvent broken = SingleObjectCodecTest.sessionEvent();
        broken.setSessionId(null);
        WidgetSessionEvent event = SingleObjectCodecTest.sessionEvent();
        BinaryMessageEncoder<WidgetSessionEvent> avroEncoder = new BinaryMessageEncoder<>(
                SpecificData.getForClass(WidgetSessionEvent.class), WidgetSessionEvent.getClassSchema());

        Throwable thrown = catchThrowable(() -> Contracts.SESSION_EVENT.encode(broken));
        Throwable thrownByAvro = catchThrowable(() -> avroEncoder.encode(broken));

        assertThat(thrown).isNotNull().hasSameClassAs(thrownByAvro).hasMessage(thrownByAvro.getMessage());
        assertThat(Contracts.SESSION_EVENT.encode(event)).isEqualTo(bytes(avroEncoder.encode(event)));
    }

    @Test
    void threadsSharingTheCodecsGetTheirOwnBytes() throws Exception {
        List<byte[]> events = randomRecords(WidgetSessionEvent.getClassSchema(), 20261129L);
        List<byte[]> identities = randomRecords(VerifiedIdentity.getClassSchema(), 20261130L);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                results.add(threads.submit(() -> {
                    int checked = 0;
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < RECORDS; i++) {
                            byte[] event = events.get((i + offset) % RECORDS);
                            byte[] identity = identities.get((i + 2 * offset) % RECORDS);
                            assertThat(Contracts.SESSION_EVENT.encode(Contracts.SESSION_EVENT.decode(event)))
                                    .isEqualTo(event);
                            assertThat(Contracts.VERIFIED.encode(Contracts.VERIFIED.decode(identity)))
                                    .isEqualTo(identity);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(20 * RECORDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Truncations, flipped bytes and trailing bytes: the codec answers as the codec on Avro's decoder did. One
     * known difference: reading from an array rather than a stream, Avro checks an array's element count against
     * the bytes left and refuses a count too large at once (an EOFException, reported as Avro's message decoder
     * reported it, "AvroRuntimeException"), where it used to read on until an element failed, under another
     * exception's name. So for a contract with an array, a refused body may name another exception; every other
     * answer is the same to the letter.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void damagedBytesGetTheSameAnswerAsFromBinaryMessageDecoder(SingleObjectCodec<?> codec) {
        boolean hasArray = codec.writerSchemas().stream()
                .anyMatch(schema -> schema.toString().contains("\"array\""));
        String body = BODY + codec.type().getSimpleName() + " (";
        Random random = new Random(20261128L);
        List<Schema> writers = codec.writerSchemas();
        int compared = 0;
        for (Schema writer : writers) {
            for (byte[] valid : randomRecords(writer, random.nextLong()).subList(0, 10)) {
                List<byte[]> damaged = new ArrayList<>();
                for (int length = 0; length < valid.length; length++) {
                    damaged.add(Arrays.copyOf(valid, length));
                }
                for (int i = 0; i < valid.length; i++) {
                    byte[] flipped = valid.clone();
                    flipped[i] ^= (byte) (1 + random.nextInt(255));
                    damaged.add(flipped);
                }
                byte[] trailing = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(16));
                damaged.add(trailing);
                for (byte[] bytes : damaged) {
                    Object expected = decodedByAvro(codec, bytes);
                    Object actual = decodedByCodec(codec, bytes);
                    if (hasArray && expected instanceof String refusal && refusal.startsWith(body)) {
                        assertThat(actual).asString().startsWith(body);
                    } else {
                        assertThat(actual).isEqualTo(expected);
                    }
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(500);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> BinaryMessageDecoder<T> avroDecoder(SingleObjectCodec<T> codec) {
        return (BinaryMessageDecoder<T>) AVRO_DECODERS.computeIfAbsent(codec, c -> newAvroDecoder(codec));
    }

    static <T extends SpecificRecord> BinaryMessageDecoder<T> newAvroDecoder(SingleObjectCodec<T> codec) {
        BinaryMessageDecoder<T> decoder =
                new BinaryMessageDecoder<>(SpecificData.getForClass(codec.type()), codec.schema());
        codec.writerSchemas().forEach(decoder::addSchema);
        return decoder;
    }

    /** Random records of a writer schema, written by Avro's generic writer in single-object encoding. */
    static List<byte[]> randomRecords(Schema writer, long seed) {
        BinaryMessageEncoder<Object> encoder = new BinaryMessageEncoder<>(GenericData.get(), writer);
        List<byte[]> records = new ArrayList<>();
        for (Object record : new RandomData(GenericData.get(), writer, RECORDS, seed)) {
            try {
                records.add(bytes(encoder.encode(record)));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return records;
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static Object decodedByCodec(SingleObjectCodec<?> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (MalformedRecordException e) {
            return e.getMessage();
        }
    }

    /** The record, or the refusal's message, from the codec as it was on Avro's BinaryMessageDecoder. */
    static Object decodedByAvro(SingleObjectCodec<?> codec, byte[] bytes) {
        String name = codec.type().getSimpleName();
        try {
            return avroDecoder(codec).decode(bytes);
        } catch (BadHeaderException e) {
            return "the value does not start with the Avro single-object marker C3 01";
        } catch (MissingSchemaException e) {
            return "the value's schema fingerprint is not a known " + name + " schema";
        } catch (IOException | RuntimeException e) {
            return BODY + name + " (" + e.getClass().getSimpleName() + ")";
        }
    }
}
