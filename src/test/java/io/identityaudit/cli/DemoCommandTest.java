package io.identityaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.demo.DemoTenants;
import io.identityaudit.demo.DemoTraffic;
import io.identityaudit.demo.Outcome;
import io.identityaudit.token.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo run in-process, as a newcomer runs it, against its own embedded broker on a free port. */
class DemoCommandTest {

    record Result(int exitCode, String out, String err) {
    }

    static Result demo(String... demoArgs) throws IOException {
        String[] args = new String[demoArgs.length + 1];
        args[0] = "demo";
        System.arraycopy(demoArgs, 0, args, 1, demoArgs.length);
        IdentityAuditCommand root = new IdentityAuditCommand();
        root.defaults = LayeredDefaults.from(args, Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(root);
        commandLine.setDefaultValueProvider(root.defaults);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** count and expected of one row of the outcome table, with its match mark. */
    static Matcher row(String output, String label) {
        Matcher matcher = Pattern.compile("(?m)^\\s+" + label + "\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(output);
        assertThat(matcher.find()).as("table row " + label + " in%n%s", output).isTrue();
        return matcher;
    }

    @Test
    void shortDemoGivesEveryEventTheVerdictItWasMeantToGet(@TempDir Path dataDir) throws IOException {
        int events = 300;

        Result result = demo("--embedded-port", "0", "--events", String.valueOf(events), "--rate", "1000",
                "--data-dir", dataDir.toString(), "--metrics-host", "127.0.0.1", "--metrics-port", "0");

        assertThat(result.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", result.out(), result.err())
                .isEqualTo(ExitCode.OK);
        Map<Outcome, Integer> intended = DemoTraffic.intendedCounts(events);
        for (ErrorCode code : DemoTraffic.PRODUCED_CODES) {
            Matcher row = row(result.out(), code.name());
            int expected = intended.get(Outcome.rejected(code));
            assertThat(expected).isPositive();
            assertThat(Integer.parseInt(row.group(2))).as("expected " + code).isEqualTo(expected);
            assertThat(Integer.parseInt(row.group(1))).as("count " + code).isEqualTo(expected);
            assertThat(row.group(3)).isEqualTo("ok");
        }
        Matcher verified = row(result.out(), Outcome.VERIFIED_LABEL);
        assertThat(Integer.parseInt(verified.group(1))).isEqualTo(intended.get(Outcome.VERIFIED));
        Matcher internal = row(result.out(), ErrorCode.INTERNAL_ERROR.name());
        assertThat(internal.group(1)).isEqualTo("0");
        assertThat(result.out()).contains("cannot be provoked");
        Matcher total = row(result.out(), "total");
        assertThat(total.group(1)).isEqualTo(String.valueOf(events));
        assertThat(total.group(2)).isEqualTo(String.valueOf(events));
        assertThat(result.out())
                .contains("produced " + events + "/" + events)
                .contains("Where things are")
                .contains("identity.verified", "identity.rejected", "widget.session-events", "tenant.sso-configs")
                .contains("data directory:  " + dataDir.toAbsolutePath())
                .containsPattern("metrics: +http://127\\.0\\.0\\.1:\\d+/metrics");
        assertThat(result.out() + result.err()).as("no token (every JWS starts with eyJ) is ever printed")
                .doesNotContain("eyJ");
    }

    @Test
    void busyPortFailsAtOnceSuggestingAFreeOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result result = demo("--embedded-port", String.valueOf(taken.getLocalPort()));

            assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(result.err()).contains("port " + taken.getLocalPort())
                    .contains("already in use")
                    .contains("--embedded-port 0");
        }
    }

    @Test
    void fewerEventsThanErrorCodesIsAUsageError() throws IOException {
        Result result = demo("--embedded-port", "0", "--events", "5");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("--events must be at least " + DemoTraffic.MIN_EVENTS);
    }

    @Test
    void injectedAttackShowsItsAnomaliesAndStillGivesEveryEventItsVerdict(@TempDir Path dataDir) throws IOException {
        Result result = demo("--embedded-port", "0", "--events", "200", "--rate", "1000", "--inject-attack",
                "--data-dir", dataDir.toString(), "--no-metrics");

        assertThat(result.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", result.out(), result.err())
                .isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("Injecting an attack (--inject-attack): " + DemoTraffic.ATTACK);
        Matcher total = row(result.out(), "total");
        assertThat(total.group(1)).isEqualTo("200");
        assertThat(result.out()).contains("Anomalies written to identity.anomalies (read_committed): ")
                .doesNotContain("did not all arrive");
        for (String kind : new String[] {"FORGERY_ATTEMPT", "SUBJECT_UNDER_ATTACK", "TOKEN_REPLAY"}) {
            assertThat(result.out()).containsPattern("(?m)^  " + kind + " +\\d+  .*\\(.*" + DemoTenants.STARK);
        }
    }

    @Test
    void injectedAttackNeedsRoomForItsEvents() throws IOException {
        Result result = demo("--embedded-port", "0", "--events", "25", "--inject-attack");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("--events must be at least " + DemoTraffic.minEvents(true))
                .contains("and the attack fits");
    }
}
