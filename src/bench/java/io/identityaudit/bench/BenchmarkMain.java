package io.identityaudit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code java -jar target/benchmarks.jar [JMH options]}: runs {@link ValidatorBenchmark} (or what the options
 * include) with JMH, then prints the figures and the ratios that issue 6 sets targets for, as Markdown tables
 * ready for {@code docs/performance.md}. JMH's own listing and help options ({@code -h}, {@code -l},
 * {@code -lprof}) are passed to JMH's main.
 */
public final class BenchmarkMain {

    private static final String RAW = "rawRsaVerify";
    private static final String NIMBUS = "nimbusDefaultJwtProcessor";
    private static final String COLD = "validatorCold";
    private static final String WARM = "validatorWarm";

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams() || cli.shouldListProfilers()
                || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Options options = cli.getIncludes().isEmpty()
                ? new OptionsBuilder().parent(cli).include(ValidatorBenchmark.class.getName() + "\\.").build()
                : cli;
        String loadBefore = loadAverage();
        Collection<RunResult> results = new Runner(options).run();
        report(results, loadBefore, loadAverage());
    }

    private static void report(Collection<RunResult> results, String loadBefore, String loadAfter) {
        Map<String, Result<?>> byName = new LinkedHashMap<>();
        for (RunResult run : results) {
            String name = run.getParams().getBenchmark();
            byName.put(name.substring(name.lastIndexOf('.') + 1), run.getPrimaryResult());
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n%s, %d cores, %s, Java %s; load average before %s, after %s%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("java.vm.version"), loadBefore, loadAfter));
        out.append("| benchmark | ops/s | ± (99.9%) | µs/op |\n|---|---:|---:|---:|\n");
        byName.forEach((name, result) -> out.append(String.format(Locale.ROOT, "| `%s` | %,.0f | %s | %.1f |%n",
                name, result.getScore(), Double.isNaN(result.getScoreError()) ? "–"
                        : String.format(Locale.ROOT, "%,.0f", result.getScoreError()), 1e6 / result.getScore())));
        out.append("\n| ratio | value | target | met |\n|---|---:|---:|---|\n");
        ratio(out, byName, COLD, RAW, 0.9);
        ratio(out, byName, COLD, NIMBUS, Double.NaN);
        ratio(out, byName, WARM, COLD, 20);
        ratio(out, byName, NIMBUS, RAW, Double.NaN);
        ratio(out, byName, COLD + "OrgRegistry", RAW, 0.9);
        ratio(out, byName, WARM + "OrgRegistry", COLD + "OrgRegistry", 20);
        System.out.println(out);
    }

    private static void ratio(StringBuilder out, Map<String, Result<?>> byName, String over, String under,
                              double target) {
        if (!byName.containsKey(over) || !byName.containsKey(under)) {
            return;
        }
        double value = byName.get(over).getScore() / byName.get(under).getScore();
        String wanted = Double.isNaN(target) ? "" : String.format(Locale.ROOT, "≥ %s", stripZeros(target));
        String met = Double.isNaN(target) ? "" : value >= target ? "yes" : "**no**";
        out.append(String.format(Locale.ROOT, "| %s / %s | %.2f | %s | %s |%n", over, under, value, wanted, met));
    }

    private static String stripZeros(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /** The 1-minute load average: other work on the machine is the first suspect for a noisy figure. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
