package io.identityaudit.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.testing.Events;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire format every producer and consumer relies on: Avro single-object encoding (marker C3 01, the writer
 * schema's 8-byte little-endian CRC-64-AVRO fingerprint, the binary body), readable from every writer schema kept
 * in {@code schemas/}, and refusing anything else with a message that never repeats the bytes.
 */
class SingleObjectCodecTest {

    static final Path SCHEMAS = Path.of("schemas");
    static final Path HISTORY = SCHEMAS.resolve("history");
    static final Pattern HISTORY_FILE = Pattern.compile("([A-Za-z0-9]+)\\.v([0-9]+)\\.avsc");

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    /** Stands for token material: it must never show up in an exception message. */
    static final String SECRET = "eyJraWQiOiJTRUNSRVQtVE9LRU4tTUFURVJJQUwifQ.SECRET-PAYLOAD.SECRET-SIGNATURE";

    static final Map<String, SingleObjectCodec<?>> CODECS_BY_NAME = Stream.<SingleObjectCodec<?>>of(
                    Contracts.SESSION_EVENT, Contracts.TENANT_CONFIG, Contracts.VERIFIED, Contracts.REJECTION)
            .collect(Collectors.toMap(codec -> codec.schema().getName(), Function.identity()));

    // --- samples with every field set -----------------------------------------------------------------------------

    static WidgetSessionEvent sessionEvent() {
        return WidgetSessionEvent.newBuilder()
                .setEventId("evt-1")
                .setTenantId("acme")
                .setSessionId("sess-1")
                .setEventType("SESSION_STARTED")
                .setOccurredAt(T0)
                .setIdToken(SECRET)
                .setClientIp("203.0.113.7")
                .setUserAgent("Mozilla/5.0")
                .setOrigin("https://shop.example.com")
                .build();
    }

    static TenantSsoConfig tenantConfig() {
        return TenantSsoConfig.newBuilder()
                .setTenantId("acme")
                .setProvider("okta")
                .setClientId("0oa1b2c3d4e5f6g7h8i9")
                .setDomain("acme.okta.com")
                .setEnabled(false)
                .setUpdatedAt(T0)
                .setUpdatedBy("admin@example.com")
                .build();
    }

    static VerifiedIdentity verifiedIdentity() {
        return Events.verifiedIdentity(T0).build();
    }

    static IdentityRejection rejection() {
        return IdentityRejection.newBuilder()
                .setEventId("evt-1")
                .setTenantId("acme")
                .setSessionId("sess-1")
                .setEventType("SESSION_STARTED")
                .setErrorCode("INVALID_ISSUER")
                .setDetail("the token's iss is 'https://other.okta.com', expected 'https://acme.okta.com'. Fix it.")
                .setHint("Fix it.")
                .setRetryable(false)
                .setTokenFingerprint("b".repeat(64))
                .setSignatureChecked(false)
                .setSignatureValid(false)
                .setUnverifiedIssuer("https://other.okta.com")
                .setUnverifiedAudience(List.of("0oa1b2c3d4e5f6g7h8i9"))
                .setUnverifiedSubject("00u1a2b3c4d5e6f7g8h9")
                .setTokenAlgorithm("RS256")
                .setTokenKeyId("kid-1")
                .setReferenceTime(T0)
                .setClientIp("203.0.113.7")
                .setUserAgent("Mozilla/5.0")
                .setOrigin("https://shop.example.com")
                .setExceptionClass(null)
                .setInputTopic("widget.session-events")
                .setInputPartition(3)
                .setInputOffset(42L)
                .build();
    }

    static Stream<Arguments> contracts() {
        return Stream.of(
                arguments(named("WidgetSessionEvent", Contracts.SESSION_EVENT), sessionEvent()),
                arguments(named("TenantSsoConfig", Contracts.TENANT_CONFIG), tenantConfig()),
                arguments(named("VerifiedIdentity", Contracts.VERIFIED), verifiedIdentity()),
                arguments(named("IdentityRejection", Contracts.REJECTION), rejection()));
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> byte[] encode(SingleObjectCodec<T> codec, SpecificRecord value) {
        return codec.encode((T) value);
    }

    // --- the format ---------------------------------------------------------------------------------------------

    @Nested
    class Format {

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.serde.SingleObjectCodecTest#contracts")
        void everyContractRoundTripsWithEveryField(SingleObjectCodec<?> codec, SpecificRecord value) {
            byte[] bytes = encode(codec, value);

            assertThat(codec.decode(bytes)).isEqualTo(value);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.serde.SingleObjectCodecTest#contracts")
        void bytesStartWithMarkerC301AndTheLittleEndianCrc64FingerprintOfTheWriterSchema(
                SingleObjectCodec<?> codec, SpecificRecord value) {
            byte[] bytes = encode(codec, value);

            assertThat(Arrays.copyOfRange(bytes, 0, 2)).containsExactly(0xC3, 0x01);
            assertThat(Arrays.copyOfRange(bytes, 2, 10)).containsExactly(fingerprintBytes(codec.schema()));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.identityaudit.serde.SingleObjectCodecTest#contracts")
        void writerSchemaIsTheSchemaFileInSchemasDirectory(SingleObjectCodec<?> codec, SpecificRecord value)
                throws IOException {
            Schema file = parse(SCHEMAS.resolve(codec.schema().getName() + ".avsc"));

            assertThat(SchemaNormalization.parsingFingerprint64(codec.schema()))
                    .as("the generated class is built from schemas/%s.avsc", codec.schema().getName())
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(file));
        }

        @Test
        void bodyAfterTheTenByteHeaderIsPlainAvroBinary() {
            WidgetSessionEvent event = WidgetSessionEvent.newBuilder(sessionEvent())
                    .setEventId("e").setTenantId("t").setSessionId("s").setEventType("X")
                    .setOccurredAt(Instant.ofEpochMilli(1234)).setIdToken(null)
                    .setClientIp(null).setUserAgent(null).setOrigin(null).build();

            byte[] body = Arrays.copyOfRange(Contracts.SESSION_EVENT.encode(event), 10,
                    Contracts.SESSION_EVENT.encode(event).length);

            // strings: zig-zag length then UTF-8; long: zig-zag varint (1234 -> a4 13); null union branch: 00
            assertThat(HexFormat.of().formatHex(body)).isEqualTo("0265" + "0274" + "0273" + "0258" + "a413"
                    + "00" + "00" + "00" + "00");
        }
    }

    // --- schema evolution ---------------------------------------------------------------------------------------

    @Nested
    class Evolution {

        @Test
        void eventWrittenWithVersion1DecodesWithTheNewFieldsNull() throws IOException {
            Schema v1 = parse(HISTORY.resolve("WidgetSessionEvent.v1.avsc"));
            GenericRecord old = new GenericData.Record(v1);
            old.put("eventId", "evt-v1");
            old.put("tenantId", "acme");
            old.put("sessionId", "sess-v1");
            old.put("eventType", "SESSION_STARTED");
            old.put("occurredAt", T0.toEpochMilli());
            old.put("idToken", SECRET);
            ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);

            assertThat(Arrays.copyOfRange(bytes, 2, 10)).as("written with v1's fingerprint")
                    .containsExactly(fingerprintBytes(v1));

            WidgetSessionEvent event = Contracts.SESSION_EVENT.decode(bytes);

            assertThat(event.getEventId()).isEqualTo("evt-v1");
            assertThat(event.getTenantId()).isEqualTo("acme");
            assertThat(event.getSessionId()).isEqualTo("sess-v1");
            assertThat(event.getEventType()).isEqualTo("SESSION_STARTED");
            assertThat(event.getOccurredAt()).isEqualTo(T0);
            assertThat(event.getIdToken()).isEqualTo(SECRET);
            assertThat(event.getClientIp()).isNull();
            assertThat(event.getUserAgent()).isNull();
            assertThat(event.getOrigin()).isNull();
        }

        @Test
        void everySchemaFileHasADoc() throws IOException {
            for (Path file : schemaFiles()) {
                assertThat(parse(file).getDoc()).as("doc of %s", file).isNotBlank();
            }
        }

        @Test
        void everyHistorySchemaIsAKnownWriterSchemaOfItsContract() throws IOException {
            for (Path file : historyFiles()) {
                Matcher name = HISTORY_FILE.matcher(file.getFileName().toString());
                assertThat(name.matches()).as("%s is named <Name>.v<N>.avsc", file).isTrue();
                SingleObjectCodec<?> codec = CODECS_BY_NAME.get(name.group(1));
                assertThat(codec).as("a contract named %s exists", name.group(1)).isNotNull();
                Schema old = parse(file);

                assertThat(old.getFullName()).isEqualTo(codec.schema().getFullName());
                assertThat(codec.writerSchemas()).as("writerSchemas() of %s", name.group(1))
                        .extracting(SchemaNormalization::parsingFingerprint64)
                        .contains(SchemaNormalization.parsingFingerprint64(old));
            }
        }

        @Test
        void historyVersionsAreNumberedFromOneWithoutGaps() throws IOException {
            // The codec looks for v1, v2, ... and stops at the first missing number.
            Map<String, TreeSet<Integer>> versions = new TreeMap<>();
            for (Path file : historyFiles()) {
                Matcher name = HISTORY_FILE.matcher(file.getFileName().toString());
                assertThat(name.matches()).as("%s is named <Name>.v<N>.avsc", file).isTrue();
                versions.computeIfAbsent(name.group(1), n -> new TreeSet<>()).add(Integer.parseInt(name.group(2)));
            }
            versions.forEach((contract, numbers) ->
                    assertThat(numbers).as(contract).containsExactlyElementsOf(
                            Stream.iterate(1, n -> n + 1).limit(numbers.size()).toList()));
        }

        @Test
        void currentSchemaIsTheLastWriterSchemaAndCanReadEveryOlderOne() {
            for (SingleObjectCodec<?> codec : CODECS_BY_NAME.values()) {
                List<Schema> writers = codec.writerSchemas();
                assertThat(writers.get(writers.size() - 1)).isEqualTo(codec.schema());
                for (Schema old : writers.subList(0, writers.size() - 1)) {
                    assertThat(SchemaNormalization.parsingFingerprint64(old))
                            .as("a history file is not a copy of the current schema")
                            .isNotEqualTo(SchemaNormalization.parsingFingerprint64(codec.schema()));
                    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(codec.schema(), old).getType())
                            .as("%s can read %s", codec.schema().getName(), old)
                            .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                }
            }
        }
    }

    // --- what is refused ----------------------------------------------------------------------------------------

    @Nested
    class Refused {

        static Stream<Arguments> unreadableValues() {
            byte[] valid = Contracts.SESSION_EVENT.encode(sessionEvent());

            byte[] random = new byte[200];
            new Random(20261126L).nextBytes(random);
            random[0] = 0x7b; // not C3: random bytes do not start with the marker by chance in this test

            byte[] badMarker = valid.clone();
            badMarker[0] = 0x00;
            byte[] badVersion = valid.clone();
            badVersion[1] = 0x02;

            byte[] unknownFingerprint = valid.clone();
            unknownFingerprint[5] ^= 0x5a;

            byte[] truncatedBody = Arrays.copyOf(valid, valid.length - 20);
            byte[] headerOnly = Arrays.copyOf(valid, 10);
            byte[] truncatedHeader = Arrays.copyOf(valid, 6);

            return Stream.of(
                    arguments(named("random bytes", random), "does not start with the Avro single-object marker"),
                    arguments(named("JSON text", ("{\"idToken\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8)),
                            "does not start with the Avro single-object marker"),
                    arguments(named("bad marker", badMarker), "does not start with the Avro single-object marker"),
                    arguments(named("bad format version", badVersion),
                            "does not start with the Avro single-object marker"),
                    arguments(named("empty", new byte[0]), "does not start with the Avro single-object marker"),
                    arguments(named("truncated header", truncatedHeader),
                            "does not start with the Avro single-object marker"),
                    arguments(named("unknown fingerprint", unknownFingerprint),
                            "fingerprint is not a known WidgetSessionEvent schema"),
                    arguments(named("truncated body", truncatedBody), "body is not a valid WidgetSessionEvent"),
                    arguments(named("header without body", headerOnly), "body is not a valid WidgetSessionEvent"),
                    arguments(named("null", null), "the value is null"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource
        void unreadableValues(byte[] value, String expectedMessage) {
            assertThatThrownBy(() -> Contracts.SESSION_EVENT.decode(value))
                    .isInstanceOf(MalformedRecordException.class)
                    .hasMessageContaining(expectedMessage)
                    .satisfies(e -> assertMessageKeepsThePayloadOut(e, value));
        }

        @Test
        void valueOfAnotherContractIsAnUnknownFingerprint() {
            byte[] config = Contracts.TENANT_CONFIG.encode(tenantConfig());

            assertThatThrownBy(() -> Contracts.SESSION_EVENT.decode(config))
                    .isInstanceOf(MalformedRecordException.class)
                    .hasMessageContaining("fingerprint is not a known WidgetSessionEvent schema");
        }

        @Test
        void everyTruncationOfAValidEventIsRefused() {
            byte[] valid = Contracts.SESSION_EVENT.encode(sessionEvent());

            for (int length = 0; length < valid.length; length++) {
                byte[] truncated = Arrays.copyOf(valid, length);
                assertThatThrownBy(() -> Contracts.SESSION_EVENT.decode(truncated))
                        .as("first %d of %d bytes", length, valid.length)
                        .isInstanceOf(MalformedRecordException.class)
                        .satisfies(e -> assertMessageKeepsThePayloadOut(e, truncated));
            }
        }

        void assertMessageKeepsThePayloadOut(Throwable e, byte[] value) {
            String message = e.getMessage();
            assertThat(message).startsWith("the value").hasSizeLessThan(200);
            assertThat(message).doesNotContain("SECRET").doesNotContain("eyJ");
            assertThat(e.getCause()).as("no cause whose message could quote the bytes").isNull();
            assertThat(e.getStackTrace()).as("no stack trace to print").isEmpty();
            if (value != null && value.length >= 4) {
                for (int i = 0; i + 4 <= value.length; i++) {
                    byte[] window = Arrays.copyOfRange(value, i, i + 4);
                    assertThat(message).doesNotContain(HexFormat.of().formatHex(window));
                }
                assertThat(message).doesNotContain(Base64.getEncoder().encodeToString(value));
            }
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    static byte[] fingerprintBytes(Schema schema) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
    }

    static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(Files.readString(file));
    }

    static List<Path> schemaFiles() throws IOException {
        List<Path> files = new ArrayList<>(list(SCHEMAS));
        files.addAll(historyFiles());
        assertThat(files).as("schema files").isNotEmpty();
        return files;
    }

    static List<Path> historyFiles() throws IOException {
        return list(HISTORY);
    }

    static List<Path> list(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.avsc")) {
                stream.forEach(files::add);
            }
        }
        files.sort(null);
        return files;
    }
}
