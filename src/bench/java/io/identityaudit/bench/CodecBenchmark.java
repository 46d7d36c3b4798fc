package io.identityaudit.bench;

import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.serde.Contracts;
import io.identityaudit.serde.SingleObjectCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The serdes' per-record cost on the stream thread: encoding a {@link VerifiedIdentity} and decoding a
 * {@link WidgetSessionEvent} of about 1.2 KB (an ID token of about 1,100 characters), with {@link Contracts}'
 * codecs and, as the baseline, with Avro's own {@link BinaryMessageEncoder} and {@link BinaryMessageDecoder}
 * (what the codecs were built on before). Run:
 * {@code java -jar target/benchmarks.jar CodecBenchmark}; ns/op is 10^9 / ops/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class CodecBenchmark {

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @State(Scope.Benchmark)
    public static class Records {

        VerifiedIdentity verified;
        byte[] sessionEventBytes;
        BinaryMessageEncoder<VerifiedIdentity> avroEncoder;
        BinaryMessageDecoder<WidgetSessionEvent> avroDecoder;

        @Setup(Level.Trial)
        public void build() throws IOException {
            Instant at = Instant.parse("2026-11-26T10:00:00Z");
            verified = VerifiedIdentity.newBuilder()
                    .setEventId("evt-7f3c2a9e-1b4d-4e8a-9c61-2d5e8f0a7b13")
                    .setTenantId("acme")
                    .setSessionId("sess-4b1e9d2c-8a7f-4c3e-b5d6-0e9f1a2b3c4d")
                    .setEventType("SESSION_STARTED")
                    .setSubject("00u1a2b3c4d5e6f7g8h9")
                    .setIssuer("https://acme.okta.com")
                    .setAudience(List.of(OktaShapedOrg.CLIENT_ID))
                    .setAuthorizedParty(OktaShapedOrg.CLIENT_ID)
                    .setEmail("ada.lovelace@example.com")
                    .setEmailVerified(true)
                    .setName("Ada Lovelace")
                    .setPreferredUsername("ada.lovelace@example.com")
                    .setIssuedAt(at.minusSeconds(60))
                    .setExpiresAt(at.plusSeconds(3540))
                    .setAuthTime(at.minusSeconds(65))
                    .setJti("ID.4eAWJOCMB3SX8XewDfVR")
                    .setSigningKeyId(OktaShapedOrg.KEY_ID)
                    .setAlgorithm("RS256")
                    .setTokenFingerprint("3f".repeat(32))
                    .setReferenceTime(at)
                    .setClientIp("203.0.113.7")
                    .setUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15")
                    .setOrigin("https://shop.example.com")
                    .setInputTopic("widget.session-events")
                    .setInputPartition(3)
                    .setInputOffset(4_242_424L)
                    .build();
            WidgetSessionEvent event = WidgetSessionEvent.newBuilder()
                    .setEventId("evt-7f3c2a9e")
                    .setTenantId("acme")
                    .setSessionId("sess-4b1e9d2c")
                    .setEventType("SESSION_STARTED")
                    .setOccurredAt(at)
                    .setIdToken(tokenShaped(new Random(20261126L)))
                    .setClientIp("203.0.113.7")
                    .setUserAgent("Mozilla/5.0 (Macintosh)")
                    .setOrigin("https://shop.example.com")
                    .build();
            avroEncoder = new BinaryMessageEncoder<>(SpecificData.getForClass(VerifiedIdentity.class),
                    VerifiedIdentity.getClassSchema());
            avroDecoder = avroDecoder(Contracts.SESSION_EVENT);
            sessionEventBytes = Contracts.SESSION_EVENT.encode(event);
            if (sessionEventBytes.length < 1150 || sessionEventBytes.length > 1250
                    || !avroDecoder.decode(sessionEventBytes).equals(event)
                    || !Contracts.SESSION_EVENT.decode(sessionEventBytes).equals(event)) {
                throw new IllegalStateException("the sample event does not round-trip at about 1.2 KB: "
                        + sessionEventBytes.length + " bytes");
            }
        }

        /** What {@code SingleObjectCodec} was: Avro's decoder, told every writer schema the codec knows. */
        private static <T extends SpecificRecord> BinaryMessageDecoder<T> avroDecoder(SingleObjectCodec<T> codec) {
            BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(SpecificData.getForClass(codec.type()),
                    codec.schema());
            for (Schema writer : codec.writerSchemas()) {
                decoder.addSchema(writer);
            }
            return decoder;
        }

        /** A compact JWS of 1,100 characters: header, payload and a 342-character RS256 signature. */
        private static String tokenShaped(Random random) {
            StringBuilder token = new StringBuilder(1100);
            for (int i = 0; i < 1100; i++) {
                token.append(i == 100 || i == 757 ? '.' : BASE64URL.charAt(random.nextInt(64)));
            }
            return token.toString();
        }
    }

    @Benchmark
    public byte[] encodeVerifiedIdentity(Records r) {
        return Contracts.VERIFIED.encode(r.verified);
    }

    /** The baseline: Avro's encoder, and the copy out of its ByteBuffer the codec made. */
    @Benchmark
    public byte[] encodeVerifiedIdentityAvroBinaryMessageEncoder(Records r) throws IOException {
        ByteBuffer buffer = r.avroEncoder.encode(r.verified);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Benchmark
    public WidgetSessionEvent decodeSessionEvent(Records r) {
        return Contracts.SESSION_EVENT.decode(r.sessionEventBytes);
    }

    @Benchmark
    public WidgetSessionEvent decodeSessionEventAvroBinaryMessageDecoder(Records r) throws IOException {
        return r.avroDecoder.decode(r.sessionEventBytes);
    }
}
