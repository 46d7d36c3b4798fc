package io.identityaudit.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.identityaudit.config.JwksSettings;
import io.identityaudit.config.TenantPolicy;
import io.identityaudit.config.TokenRules;
import io.identityaudit.demo.IdTokenMinter;
import io.identityaudit.demo.SimulatedOktaOrg;
import io.identityaudit.jwks.OrgJwksRegistry;
import io.identityaudit.token.ErrorCode;
import io.identityaudit.token.OktaIdTokenValidator;
import io.identityaudit.token.TokenVerdict;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link OktaIdTokenValidator} next to the RSA floor ({@link RSASSAVerifier#verify}) and nimbus's full
 * {@link DefaultJWTProcessor}, on the same RS256 tokens, in one run. See {@code docs/performance.md}.
 *
 * <ul>
 *   <li>{@code rawRsaVerify}: the signature check alone, on tokens split and decoded beforehand.</li>
 *   <li>{@code nimbusDefaultJwtProcessor}: parse, key selection over an in-memory key set, signature, and claims
 *       checks equivalent to ours (iss and aud exact, exp, sub required).</li>
 *   <li>{@code validatorCold}: every call a token this validator has never seen: the pool is cycled and the
 *       validator replaced at each wrap, so no cache it keeps, whatever its size, can answer.</li>
 *   <li>{@code validatorWarm}: the same token every call, to the same validator.</li>
 *   <li>{@code rejected*}: one rejection path each, cold like {@code validatorCold}.</li>
 *   <li>{@code validatorColdOrgRegistry}, {@code validatorWarmOrgRegistry}: the same with the production
 *       {@link OrgJwksRegistry} in front of an org on loopback HTTPS, its key set fetched during setup.</li>
 * </ul>
 *
 * <p>Each call to the validator or to nimbus's processor gets a new {@code String} decoded from the token's bytes,
 * as the event deserializer hands it over (a reused {@code String} would arrive with its hash code cached).
 * Every setup checks that each token gets the expected answer before anything is measured.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class ValidatorBenchmark {

    /** The org, its tenant and the pool of distinct genuine tokens every benchmark draws from. */
    @State(Scope.Benchmark)
    public static class Org {

        /** Distinct tokens per pool; lower it (e.g. {@code -p tokens=512}) for a quicker setup. */
        @Param("2048")
        public int tokens;

        OktaShapedOrg org;
        String[] genuine;

        @Setup(Level.Trial)
        public void mint() {
            org = new OktaShapedOrg();
            genuine = org.mint(tokens);
            double meanChars = Arrays.stream(genuine).mapToInt(String::length).average().orElse(0);
            System.out.printf("%n%d distinct RS256 tokens, %.0f characters on average%n", tokens, meanChars);
        }

        OktaIdTokenValidator newValidator() {
            return new OktaIdTokenValidator(TokenRules.DEFAULTS, org.signingKeys);
        }
    }

    // --- baselines ---------------------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class RawRsa {

        RSASSAVerifier verifier;
        JWSHeader[] headers;
        byte[][] signingInputs;
        Base64URL[] signatures;
        int next;

        @Setup(Level.Trial)
        public void split(Org org) throws ParseException, JOSEException {
            verifier = new RSASSAVerifier(org.org.publicKey);
            int n = org.genuine.length;
            headers = new JWSHeader[n];
            signingInputs = new byte[n][];
            signatures = new Base64URL[n];
            for (int i = 0; i < n; i++) {
                String[] parts = org.genuine[i].split("\\.");
                headers[i] = JWSHeader.parse(new Base64URL(parts[0]));
                signingInputs[i] = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
                signatures[i] = new Base64URL(parts[2]);
                if (!verifier.verify(headers[i], signingInputs[i], signatures[i])) {
                    throw new IllegalStateException("a genuine token does not verify");
                }
            }
        }

        boolean verifyNext() throws JOSEException {
            int i = next;
            next = i + 1 == headers.length ? 0 : i + 1;
            return verifier.verify(headers[i], signingInputs[i], signatures[i]);
        }
    }

    @State(Scope.Thread)
    public static class NimbusProcessor {

        DefaultJWTProcessor<SecurityContext> processor;
        byte[][] tokens;
        int next;

        @Setup(Level.Trial)
        public void configure(Org org) throws ParseException, BadJOSEException, JOSEException {
            processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                    new ImmutableJWKSet<>(new JWKSet(org.org.publicKey))));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(OktaShapedOrg.CLIENT_ID,
                    new JWTClaimsSet.Builder().issuer(org.org.issuer()).build(), Set.of("iss", "aud", "exp", "sub")));
            tokens = utf8(org.genuine);
            for (byte[] token : tokens) {
                processor.process(new String(token, StandardCharsets.UTF_8), null);
            }
        }

        JWTClaimsSet processNext() throws ParseException, BadJOSEException, JOSEException {
            int i = next;
            next = i + 1 == tokens.length ? 0 : i + 1;
            return processor.process(new String(tokens[i], StandardCharsets.UTF_8), null);
        }
    }

    @Benchmark
    public boolean rawRsaVerify(RawRsa raw) throws JOSEException {
        return raw.verifyNext();
    }

    @Benchmark
    public JWTClaimsSet nimbusDefaultJwtProcessor(NimbusProcessor nimbus)
            throws ParseException, BadJOSEException, JOSEException {
        return nimbus.processNext();
    }

    // --- the validator -----------------------------------------------------------------------------------------

    /**
     * A pool of tokens cycled through one validator, replaced at each wrap so that every call sees a token new
     * to it. Replacing costs one construction per pool length, negligible next to the calls.
     */
    static final class Cycle {

        private final byte[][] tokens;
        private final TenantPolicy tenant;
        private final Instant at;
        private final Supplier<OktaIdTokenValidator> validators;
        private OktaIdTokenValidator validator;
        private int next;

        /** @param expected the code every token must be refused with; null: every token must be accepted */
        Cycle(String[] tokens, TenantPolicy tenant, Instant at, Supplier<OktaIdTokenValidator> validators,
              ErrorCode expected) {
            this.tokens = utf8(tokens);
            this.tenant = tenant;
            this.at = at;
            this.validators = validators;
            OktaIdTokenValidator check = validators.get();
            for (byte[] token : this.tokens) {
                expect(check.validate(new String(token, StandardCharsets.UTF_8), tenant, at), expected);
            }
            validator = validators.get();
        }

        TokenVerdict validateNext() {
            if (next == tokens.length) {
                next = 0;
                validator = validators.get();
            }
            return validator.validate(new String(tokens[next++], StandardCharsets.UTF_8), tenant, at);
        }
    }

    /** One cold run over the in-memory org: which tokens, for which tenant, when, and the expected answer. */
    public abstract static class ColdRun {

        Cycle cycle;

        abstract String[] tokens(Org org);

        TenantPolicy tenant(Org org) {
            return org.org.tenant;
        }

        Instant at(Org org) {
            return org.org.eventTime;
        }

        /** The code every token must be refused with; null: every token must be accepted. */
        abstract ErrorCode expected();

        @Setup(Level.Trial)
        public void prepare(Org org) {
            cycle = new Cycle(tokens(org), tenant(org), at(org), org::newValidator, expected());
        }

        TokenVerdict validateNext() {
            return cycle.validateNext();
        }
    }

    @State(Scope.Thread)
    public static class Genuine extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return org.genuine;
        }

        @Override
        ErrorCode expected() {
            return null;
        }
    }

    @State(Scope.Thread)
    public static class SameToken {

        OktaIdTokenValidator validator;
        byte[] token;
        TenantPolicy tenant;
        Instant at;

        @Setup(Level.Trial)
        public void prepare(Org org) {
            validator = org.newValidator();
            token = org.genuine[0].getBytes(StandardCharsets.UTF_8);
            tenant = org.org.tenant;
            at = org.org.eventTime;
            expect(validateAgain(), null);
        }

        TokenVerdict validateAgain() {
            return validator.validate(new String(token, StandardCharsets.UTF_8), tenant, at);
        }
    }

    @Benchmark
    public TokenVerdict validatorCold(Genuine run) {
        return run.validateNext();
    }

    @Benchmark
    public TokenVerdict validatorWarm(SameToken run) {
        return run.validateAgain();
    }

    // --- the same, with the production key source ----------------------------------------------------------

    /**
     * An Okta-shaped org served over HTTPS on loopback ({@link SimulatedOktaOrg}) behind the production
     * {@link OrgJwksRegistry}: its key set is fetched once during setup and then served from nimbus's cache, so
     * these two benchmarks add the per-event cost of the real key lookup (no network while measuring).
     */
    @State(Scope.Benchmark)
    public static class OrgOverHttps {

        SimulatedOktaOrg org;
        OrgJwksRegistry registry;
        TenantPolicy tenant;
        String[] genuine;
        Instant at;

        @Setup(Level.Trial)
        public void start(Org pool) {
            org = SimulatedOktaOrg.start();
            registry = new OrgJwksRegistry(JwksSettings.DEFAULTS, org.trustingSocketFactory(), Clock.systemUTC());
            tenant = new TenantPolicy("tenant-loopback", OktaShapedOrg.CLIENT_ID, org.domain(), true);
            Instant issuedAt = pool.org.issuedAt;
            at = pool.org.eventTime;
            genuine = IntStream.range(0, pool.tokens).parallel()
                    .mapToObj(i -> IdTokenMinter.of(org, OktaShapedOrg.CLIENT_ID, issuedAt)
                            .claim("nonce", "n-" + i + "-" + UUID.randomUUID())
                            .claim("groups", List.of("Everyone", "Support", "Widget-Admins"))
                            .sign())
                    .toArray(String[]::new);
        }

        OktaIdTokenValidator newValidator() {
            return new OktaIdTokenValidator(TokenRules.DEFAULTS, registry);
        }

        @TearDown(Level.Trial)
        public void stop() {
            registry.close();
            org.close();
        }
    }

    @State(Scope.Thread)
    public static class GenuineOverHttps {

        Cycle cycle;

        @Setup(Level.Trial)
        public void prepare(OrgOverHttps org) {
            cycle = new Cycle(org.genuine, org.tenant, org.at, org::newValidator, null);
        }
    }

    @State(Scope.Thread)
    public static class SameTokenOverHttps {

        OktaIdTokenValidator validator;
        byte[] token;
        TenantPolicy tenant;
        Instant at;

        @Setup(Level.Trial)
        public void prepare(OrgOverHttps org) {
            validator = org.newValidator();
            token = org.genuine[0].getBytes(StandardCharsets.UTF_8);
            tenant = org.tenant;
            at = org.at;
            expect(validator.validate(new String(token, StandardCharsets.UTF_8), tenant, at), null);
        }
    }

    @Benchmark
    public TokenVerdict validatorColdOrgRegistry(GenuineOverHttps run) {
        return run.cycle.validateNext();
    }

    @Benchmark
    public TokenVerdict validatorWarmOrgRegistry(SameTokenOverHttps run) {
        return run.validator.validate(new String(run.token, StandardCharsets.UTF_8), run.tenant, run.at);
    }

    // --- rejections, each on its own pool ----------------------------------------------------------------------

    /** Genuine tokens, but the events occurred two hours after they expired. */
    @State(Scope.Thread)
    public static class Expired extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return org.genuine;
        }

        @Override
        Instant at(Org org) {
            return org.org.issuedAt.plusSeconds(3 * 3600);
        }

        @Override
        ErrorCode expected() {
            return ErrorCode.TOKEN_EXPIRED;
        }
    }

    /** Genuine tokens of acme.okta.com arriving for a tenant configured with another Okta org. */
    @State(Scope.Thread)
    public static class WrongIssuer extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return org.genuine;
        }

        @Override
        TenantPolicy tenant(Org org) {
            return new TenantPolicy("tenant-globex", OktaShapedOrg.CLIENT_ID, "globex.okta.com", true);
        }

        @Override
        ErrorCode expected() {
            return ErrorCode.INVALID_ISSUER;
        }
    }

    /** Genuine tokens of the right org, issued to another app. */
    @State(Scope.Thread)
    public static class WrongAudience extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return org.genuine;
        }

        @Override
        TenantPolicy tenant(Org org) {
            return new TenantPolicy("tenant-acme", "0oaOtherApp9XyZ1b2c3d", OktaShapedOrg.DOMAIN, true);
        }

        @Override
        ErrorCode expected() {
            return ErrorCode.INVALID_AUDIENCE;
        }
    }

    @State(Scope.Thread)
    public static class BadSignature extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return OktaShapedOrg.withForeignSignatures(org.genuine);
        }

        @Override
        ErrorCode expected() {
            return ErrorCode.INVALID_SIGNATURE;
        }
    }

    @State(Scope.Thread)
    public static class UnknownKeyId extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return OktaShapedOrg.withUnknownKeyId(org.genuine);
        }

        @Override
        ErrorCode expected() {
            return ErrorCode.UNKNOWN_SIGNING_KEY;
        }
    }

    @State(Scope.Thread)
    public static class Truncated extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return OktaShapedOrg.truncated(org.genuine);
        }

        @Override
        ErrorCode expected() {
            return ErrorCode.MALFORMED_TOKEN;
        }
    }

    @State(Scope.Thread)
    public static class AlgNone extends ColdRun {
        @Override
        String[] tokens(Org org) {
            return OktaShapedOrg.unsigned(org.genuine);
        }

        @Override
        ErrorCode expected() {
            return ErrorCode.UNSUPPORTED_ALGORITHM;
        }
    }

    @Benchmark
    public TokenVerdict rejectedExpired(Expired run) {
        return run.validateNext();
    }

    @Benchmark
    public TokenVerdict rejectedWrongIssuer(WrongIssuer run) {
        return run.validateNext();
    }

    @Benchmark
    public TokenVerdict rejectedWrongAudience(WrongAudience run) {
        return run.validateNext();
    }

    @Benchmark
    public TokenVerdict rejectedBadSignature(BadSignature run) {
        return run.validateNext();
    }

    @Benchmark
    public TokenVerdict rejectedUnknownKeyId(UnknownKeyId run) {
        return run.validateNext();
    }

    @Benchmark
    public TokenVerdict rejectedMalformed(Truncated run) {
        return run.validateNext();
    }

    @Benchmark
    public TokenVerdict rejectedAlgNone(AlgNone run) {
        return run.validateNext();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    static byte[][] utf8(String[] tokens) {
        return Arrays.stream(tokens).map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /** Fails the run before measuring if a token does not get the answer its benchmark is about. */
    static void expect(TokenVerdict verdict, ErrorCode expected) {
        if (expected == null && verdict instanceof TokenVerdict.Accepted) {
            return;
        }
        if (expected != null && verdict instanceof TokenVerdict.Refused refused && refused.code() == expected) {
            return;
        }
        throw new IllegalStateException("expected " + (expected == null ? "acceptance" : expected) + ", got "
                + verdict);
    }
}
