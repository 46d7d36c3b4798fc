package io.identityaudit.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.identityaudit.token.ClaimsJson;
import io.identityaudit.token.TokenFingerprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Where the cold path's time goes, one step at a time, on the tokens of {@link ValidatorBenchmark}: nimbus's
 * Base64 against the JDK's, the JSON parse, the fingerprint, building the RSA key, the JCA signature check on
 * already-decoded bytes, and {@code leanColdPathSketch}, a rough sketch of a cold path built from the fast parts.
 * The sketch is not the validator (it writes no detail and builds no verdict); it shows what the steps cost
 * together. Run: {@code java -jar target/benchmarks.jar ColdPathPartsBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class ColdPathPartsBenchmark {

    private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @State(Scope.Thread)
    public static class Parts {

        String[] tokens;
        String[] payloads;
        String[] payloadJson;
        String[] signatures;
        byte[][] signatureBytes;
        byte[][] signingInputs;
        byte[][] utf8;
        OktaShapedOrg org;
        RSAPublicKey publicKey;
        Instant at;
        Cache<String, Map<String, Object>> cache;
        int next;

        @Setup(Level.Trial)
        public void split(ValidatorBenchmark.Org org) throws JOSEException {
            this.org = org.org;
            tokens = org.genuine;
            int n = tokens.length;
            payloads = new String[n];
            payloadJson = new String[n];
            signatures = new String[n];
            signatureBytes = new byte[n][];
            signingInputs = new byte[n][];
            for (int i = 0; i < n; i++) {
                String[] parts = tokens[i].split("\\.");
                payloads[i] = parts[1];
                payloadJson[i] = new Base64URL(parts[1]).decodeToString();
                signatures[i] = parts[2];
                signatureBytes[i] = new Base64URL(parts[2]).decode();
                signingInputs[i] = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            }
            utf8 = ValidatorBenchmark.utf8(tokens);
            publicKey = this.org.publicKey.toRSAPublicKey();
            at = this.org.eventTime;
            cache = newCache();
            for (int i = 0; i < n; i++) {
                try {
                    if (lean(this, i, true) == null) {
                        throw new IllegalStateException("the sketch refuses a genuine token");
                    }
                } catch (GeneralSecurityException | ParseException e) {
                    throw new IllegalStateException(e);
                }
            }
            cache = newCache();
            next = 0;
        }

        int next() {
            int i = next;
            next = i + 1 == tokens.length ? 0 : i + 1;
            if (next == 0) {
                cache = newCache();
            }
            return i;
        }

        private static Cache<String, Map<String, Object>> newCache() {
            return Caffeine.newBuilder().maximumSize(10_000).build();
        }
    }

    @Benchmark
    public byte[] nimbusBase64Signature(Parts p) {
        return new Base64URL(p.signatures[p.next()]).decode();
    }

    @Benchmark
    public byte[] jdkBase64Signature(Parts p) {
        return URL_DECODER.decode(p.signatures[p.next()]);
    }

    @Benchmark
    public String nimbusBase64Payload(Parts p) {
        return new Base64URL(p.payloads[p.next()]).decodeToString();
    }

    @Benchmark
    public String jdkBase64Payload(Parts p) {
        return new String(URL_DECODER.decode(p.payloads[p.next()]), StandardCharsets.UTF_8);
    }

    @Benchmark
    public Map<String, Object> gsonPayloadToMap(Parts p) throws ParseException {
        return JSONObjectUtils.parse(p.payloadJson[p.next()]);
    }

    /** The validator's claims reader ({@link ClaimsJson}), against gson above on the same payloads. */
    @Benchmark
    public Map<String, Object> jacksonPayloadToMap(Parts p) throws IOException {
        return ClaimsJson.parse(p.payloadJson[p.next()]);
    }

    @Benchmark
    public String sha256Fingerprint(Parts p) {
        return TokenFingerprint.of(p.tokens[p.next()]);
    }

    /** What the validator paid for every token before it kept one verifier per key. */
    @Benchmark
    public RSAPublicKey rsaKeyToPublicKey(Parts p) throws JOSEException {
        return p.org.publicKey.toRSAPublicKey();
    }

    /** The RSA check on bytes already decoded: the math, without nimbus's Base64. */
    @Benchmark
    public boolean jcaVerifyDecoded(Parts p) throws GeneralSecurityException {
        int i = p.next();
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(p.publicKey);
        rs256.update(p.signingInputs[i]);
        return rs256.verify(p.signatureBytes[i]);
    }

    /**
     * Shape, JSON, iss/aud, fingerprint, cache miss and put, canonical signature, JCA check, sub and time: the
     * same work as the validator's cold path, from the fast parts, without details or verdict records.
     */
    @Benchmark
    public Object leanColdPathSketch(Parts p) throws GeneralSecurityException, ParseException {
        return lean(p, p.next(), true);
    }

    /** The sketch without the verification cache's lookup and insertion: what the cache costs a new token. */
    @Benchmark
    public Object leanColdPathSketchWithoutCache(Parts p) throws GeneralSecurityException, ParseException {
        return lean(p, p.next(), false);
    }

    static Object lean(Parts p, int i, boolean cached) throws GeneralSecurityException, ParseException {
        String token = new String(p.utf8[i], StandardCharsets.UTF_8);
        if (cached && p.cache.getIfPresent(token) != null) {
            throw new IllegalStateException("a cold token was found in the cache");
        }
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
            return null;
        }
        Map<String, Object> header = JSONObjectUtils.parse(new String(
                URL_DECODER.decode(token.substring(0, firstDot)), StandardCharsets.UTF_8));
        Map<String, Object> claims = JSONObjectUtils.parse(new String(
                URL_DECODER.decode(token.substring(firstDot + 1, secondDot)), StandardCharsets.UTF_8));
        if (!"RS256".equals(header.get("alg")) || !OktaShapedOrg.KEY_ID.equals(header.get("kid"))
                || !p.org.issuer().equals(claims.get("iss"))
                || !List.of(OktaShapedOrg.CLIENT_ID).contains(claims.get("aud"))) {
            return null;
        }
        String fingerprint = TokenFingerprint.of(token);
        String encodedSignature = token.substring(secondDot + 1);
        byte[] signature = URL_DECODER.decode(encodedSignature);
        // Canonical: 342 characters carry 256 bytes; the last one's 4 unused low bits must be zero.
        int last = ALPHABET.indexOf(encodedSignature.charAt(encodedSignature.length() - 1));
        if (signature.length != 256 || (last & 0x0F) != 0) {
            return null;
        }
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(p.publicKey);
        byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
        rs256.update(ascii, 0, secondDot);
        if (!rs256.verify(signature)) {
            return null;
        }
        if (cached) {
            p.cache.put(token, claims);
        }
        boolean timely = claims.get("sub") instanceof String
                && p.at.isBefore(Instant.ofEpochSecond(((Number) claims.get("exp")).longValue()).plusSeconds(60))
                && !Instant.ofEpochSecond(((Number) claims.get("iat")).longValue()).isAfter(p.at.plusSeconds(60));
        return timely ? fingerprint : null;
    }
}
