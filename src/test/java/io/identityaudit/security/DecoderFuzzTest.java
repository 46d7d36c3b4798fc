package io.identityaudit.security;

import static io.identityaudit.security.Arsenal.T0;
import static io.identityaudit.testing.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.serde.Contracts;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever bytes arrive on {@code widget.session-events}, the real topology turns each record into exactly one
 * output and never throws out of the driver: random bytes, a valid header with a random body, mutations (bit
 * flips, truncation, insertion, byte replacement) of a valid single-object-encoded event, and valid encodings of
 * events with arbitrary field values. One driver per property, one record per try.
 */
class DecoderFuzzTest {

    static final int SINGLE_OBJECT_HEADER_BYTES = 10;

    static Arsenal arsenal;
    static byte[] validEvent;

    FuzzPipeline pipeline;

    @BeforeContainer
    static void start() {
        arsenal = new Arsenal();
        validEvent = Contracts.SESSION_EVENT.encode(event(Arsenal.TENANT, arsenal.genuine(), T0).build());
    }

    @AfterContainer
    static void stop() {
        arsenal.close();
    }

    @BeforeProperty
    void startPipeline() {
        pipeline = new FuzzPipeline(arsenal);
    }

    @AfterProperty
    void stopPipeline() {
        pipeline.close();
    }

    /** The property of every input: no exception, exactly one output, and no bug (INTERNAL_ERROR) behind it. */
    static void exactlyOneOutput(FuzzPipeline.Outcome outcome) {
        Statistics.collect(outcome.label());
        assertThat(outcome.thrown()).as(outcome.describe()).isNull();
        assertThat(outcome.outputs()).as("outputs for one input: %s", outcome.label()).isEqualTo(1);
        assertThat(outcome.label()).as("a bug behind the verdict").isNotEqualTo("INTERNAL_ERROR");
    }

    @Example
    void unmutatedEventIsVerifiedSoMutationsStartFromAGoodOne() {
        assertThat(pipeline.pipe("k", validEvent, T0).label()).isEqualTo("VERIFIED");
    }

    @Property(tries = 300)
    void randomBytesYieldExactlyOneOutput(@ForAll("randomBytes") byte[] value) {
        exactlyOneOutput(pipeline.pipe("k", value, T0));
    }

    @Property(tries = 300)
    void validHeaderWithARandomBodyYieldsExactlyOneOutput(@ForAll("randomBytes") byte[] body) {
        byte[] value = Arrays.copyOf(validEvent, SINGLE_OBJECT_HEADER_BYTES + body.length);
        System.arraycopy(body, 0, value, SINGLE_OBJECT_HEADER_BYTES, body.length);

        exactlyOneOutput(pipeline.pipe("k", value, T0));
    }

    @Property(tries = 1000)
    void mutatedEventYieldsExactlyOneOutput(@ForAll("mutations") List<Mutation> mutations) {
        byte[] value = validEvent;
        for (Mutation mutation : mutations) {
            value = mutation.apply(value);
        }

        exactlyOneOutput(pipeline.pipe("k", value, T0));
    }

    @Property(tries = 500)
    void eventWithArbitraryFieldValuesYieldsExactlyOneOutput(@ForAll("events") WidgetSessionEvent event) {
        exactlyOneOutput(pipeline.pipe(event.getSessionId(), Contracts.SESSION_EVENT.encode(event), T0));
    }

    /**
     * Kafka refuses a negative record timestamp, and the output record is stamped with the event's occurredAt.
     * An event that claims to have occurred before 1970 must still give one rejection, not an exception.
     */
    @Example
    void eventThatOccurredBefore1970YieldsExactlyOneRejection() {
        WidgetSessionEvent event = event(Arsenal.TENANT, arsenal.genuine(), Instant.parse("1969-12-31T23:59:59Z"))
                .build();

        FuzzPipeline.Outcome outcome = pipeline.pipe(event.getSessionId(), Contracts.SESSION_EVENT.encode(event), T0);

        assertThat(outcome.thrown()).as(outcome.describe()).isNull();
        assertThat(outcome.verified()).isEmpty();
        assertThat(outcome.rejected()).singleElement().satisfies(rejection ->
                assertThat(rejection.getErrorCode().toString()).isIn("UNKNOWN_TENANT", "MALFORMED_EVENT"));
    }

    // --- generators ------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    /** One change to an encoded event; positions beyond the current length are taken modulo it. */
    sealed interface Mutation {

        byte[] apply(byte[] value);

        static int at(int position, byte[] value) {
            return value.length == 0 ? 0 : position % value.length;
        }
    }

    record FlipBit(int position, int bit) implements Mutation {
        public byte[] apply(byte[] value) {
            if (value.length == 0) {
                return value;
            }
            byte[] out = value.clone();
            out[Mutation.at(position, value)] ^= (byte) (1 << bit);
            return out;
        }
    }

    record Truncate(int length) implements Mutation {
        public byte[] apply(byte[] value) {
            return Arrays.copyOf(value, Math.min(length, value.length));
        }
    }

    record Insert(int position, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] value) {
            int at = Math.min(position, value.length);
            byte[] out = new byte[value.length + bytes.length];
            System.arraycopy(value, 0, out, 0, at);
            System.arraycopy(bytes, 0, out, at, bytes.length);
            System.arraycopy(value, at, out, at + bytes.length, value.length - at);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[position=" + position + ", bytes=" + Arrays.toString(bytes) + "]";
        }
    }

    record Replace(int position, byte value) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[Mutation.at(position, in)] = value;
            return out;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, validEvent.length - 1);
        Arbitrary<Mutation> mutation = Arbitraries.oneOf(
                Combinators.combine(position, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
                position.map(Truncate::new),
                Combinators.combine(position, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16))
                        .as(Insert::new),
                Combinators.combine(position, Arbitraries.bytes()).as(Replace::new));
        return mutation.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<WidgetSessionEvent> events() {
        Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> tenant = Arbitraries.oneOf(Arbitraries.of(Arsenal.TENANT, "", "ACME", "acme "), anyText);
        Arbitrary<Instant> occurredAt = Arbitraries.oneOf(
                Arbitraries.longs().map(Instant::ofEpochMilli),
                Arbitraries.longs().between(-86_400_000L, 86_400_000L).map(ms -> T0.plusMillis(ms)));
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("", " ", "a.b.c"),
                Arbitraries.just(arsenal.genuine()),
                anyText).injectNull(0.1);
        Arbitrary<String> optional = anyText.injectNull(0.3);
        return Combinators.combine(anyText, tenant, anyText, anyText, occurredAt, token, optional, optional)
                .as((eventId, tenantId, sessionId, type, at, idToken, clientIp, userAgent) -> WidgetSessionEvent
                        .newBuilder()
                        .setEventId(eventId)
                        .setTenantId(tenantId)
                        .setSessionId(sessionId)
                        .setEventType(type)
                        .setOccurredAt(at)
                        .setIdToken(idToken)
                        .setClientIp(clientIp)
                        .setUserAgent(userAgent)
                        .setOrigin(userAgent)
                        .build());
    }
}
