package io.identityaudit.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.identityaudit.avro.WidgetSessionEvent;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.serde.Contracts;
import io.identityaudit.token.TokenFingerprint;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The signature floor: the ceiling of what any pipeline can reach on this machine. It does the least that every
 * implementation obeying the token rules must do per event, and nothing more, on top of the {@link
 * PassThroughTopology pass-through}: decode the Avro event, compute the token's fingerprint (every verdict carries
 * it), and for a token not seen before check its RS256 signature once against the org's public key: exactly one
 * check per distinct token, the least possible (the set of seen tokens is not bounded, which a pipeline's cache
 * must be). Each record is then written unchanged to the output
 * topic. No tenant lookup, no claim checks, no verdict, no anomaly detection.
 *
 * <p>Anything that does not decode, carries no token, does not split or parse, or names a key id not in the map is
 * passed through unchecked: skipping work only makes the floor cheaper, so it stays an upper bound of the
 * pipeline/pass-through ratio. {@link Counters} tells how many signatures were really checked, to show the floor
 * did the RSA work: one per distinct token naming a known key.
 */
public final class SignatureFloorTopology {

    /** Signatures checked and found valid; shared by every instance and processor of one step. */
    public static final class Counters {
        private final LongAdder checked = new LongAdder();
        private final LongAdder valid = new LongAdder();

        public long checked() {
            return checked.sum();
        }

        public long valid() {
            return valid.sum();
        }
    }

    private SignatureFloorTopology() {
    }

    /**
     * One instance's topology: its own cache of seen fingerprints (as each pipeline instance has its own
     * validator), a {@link Signature} per processor.
     *
     * @param keys the orgs' signing keys by key id
     */
    public static Topology build(String inputTopic, String outputTopic, Map<String, RSAPublicKey> keys,
                                 Counters counters) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-source"))
                .processValues(() -> new FloorProcessor(keys, seen, counters), Named.as("bench-signature-floor"))
                .to(outputTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-sink"));
        return builder.build();
    }

    /** The public signing key of each org, by key id. */
    public static Map<String, RSAPublicKey> keysOf(List<SimulatedOktaOrg> orgs) {
        Map<String, RSAPublicKey> keys = new HashMap<>();
        for (SimulatedOktaOrg org : orgs) {
            try {
                keys.put(org.signingKey().getKeyID(), org.signingKey().toRSAPublicKey());
            } catch (JOSEException e) {
                throw new IllegalStateException("the org's signing key is not an RSA key", e);
            }
        }
        return Map.copyOf(keys);
    }

    static final class FloorProcessor implements FixedKeyProcessor<byte[], byte[], byte[]> {

        private final Map<String, RSAPublicKey> keys;
        private final Set<String> seen;
        private final Counters counters;
        private final Signature rs256;
        private FixedKeyProcessorContext<byte[], byte[]> context;

        FloorProcessor(Map<String, RSAPublicKey> keys, Set<String> seen, Counters counters) {
            this.keys = keys;
            this.seen = seen;
            this.counters = counters;
            try {
                this.rs256 = Signature.getInstance("SHA256withRSA");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JVM provides SHA256withRSA", e);
            }
        }

        @Override
        public void init(FixedKeyProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record) {
            String token = token(record.value());
            if (token != null && !token.isBlank()) {
                String fingerprint = TokenFingerprint.of(token);
                if (seen.add(fingerprint)) {
                    check(token);
                }
            }
            context.forward(record);
        }

        private static String token(byte[] value) {
            try {
                WidgetSessionEvent event = Contracts.SESSION_EVENT.decode(value);
                return event.getIdToken();
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** One RS256 check, when the token splits, its header parses and its key id is known. */
        private void check(String token) {
            int first = token.indexOf('.');
            int second = first < 0 ? -1 : token.indexOf('.', first + 1);
            if (second < 0 || token.indexOf('.', second + 1) >= 0) {
                return;
            }
            RSAPublicKey key;
            byte[] signature;
            try {
                Base64.Decoder base64url = Base64.getUrlDecoder();
                String header = new String(base64url.decode(token.substring(0, first)), StandardCharsets.UTF_8);
                Map<String, Object> json = JSONObjectUtils.parse(header);
                String kid = json == null ? null : JSONObjectUtils.getString(json, "kid");
                key = kid == null ? null : keys.get(kid);
                signature = base64url.decode(token.substring(second + 1));
            } catch (ParseException | IllegalArgumentException e) {
                return;
            }
            if (key == null) {
                return;
            }
            counters.checked.increment();
            try {
                rs256.initVerify(key);
                rs256.update(token.getBytes(StandardCharsets.US_ASCII), 0, second);
                if (rs256.verify(signature)) {
                    counters.valid.increment();
                }
            } catch (GeneralSecurityException e) {
                // A malformed signature: checked, not valid.
            }
        }
    }
}
