package io.identityaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench command end to end in this JVM, with tiny numbers: it proves every step runs and the report carries
 * every figure, never how fast this machine is (the exit code may be 0 or 1: the targets are about real sizes).
 */
class BenchCommandTest {

    @Test
    void aTinyRunPrintsBothRatesTheirRatioLatencyCpuAndHeap(@TempDir Path dataDir) {
        Cli.Result result = Cli.run("bench", "--events", "600", "--tenants", "12", "--orgs", "2",
                "--session-length", "5", "--partitions", "2", "--rounds", "1", "--warmup-rounds", "0",
                "--rate", "300", "--latency-duration", "3s", "--latency-warmup", "1s",
                "--data-dir", dataDir.toString());

        assertThat(result.exitCode()).as(result.all()).isIn(ExitCode.OK, ExitCode.REFUSED);
        assertThat(result.out()).contains("round 1 pass-through", "round 1 pipeline", "round 1 signature floor",
                "events/s", "Ratio (median of 1 round)", "target >= 0.8", "Round 1: signature floor / pass-through = ",
                "Floor ratio (median): ", "Signatures checked by the floor: round 1 ", "p50", "p99", "CPU us/ev",
                "peak heap", "Machine: ", "900 of 900 verdicts seen", "  CPU per event by thread group (us):  stream ",
                "Outputs checked (read_committed): every pass-through and signature floor step wrote one record "
                        + "per input");
        assertThat(result.err()).contains("round 1: pass-through", "round 1: signature floor", "round 1: pipeline",
                "100%");
    }

    @Test
    void aSecondInstanceSharesTheWork(@TempDir Path dataDir) {
        Cli.Result result = Cli.run("bench", "--events", "400", "--tenants", "12", "--orgs", "1",
                "--partitions", "2", "--instances", "2", "--rounds", "1", "--warmup-rounds", "0",
                "--no-latency-run", "--no-floor", "--data-dir", dataDir.toString());

        assertThat(result.exitCode()).as(result.all()).isIn(ExitCode.OK, ExitCode.REFUSED);
        assertThat(result.out()).contains("2 instances", "round 1 pipeline", "Outputs checked")
                .doesNotContain("signature floor", "Floor ratio");
    }

    @Test
    void badNumbersAreAUsageError() {
        Cli.Result result = Cli.run("bench", "--instances", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("--instances must be at least 1");
    }
}
