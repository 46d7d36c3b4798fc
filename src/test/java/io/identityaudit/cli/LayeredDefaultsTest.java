package io.identityaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.config.PipelineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flags win over the environment, which wins over the config file, which wins over the built-in defaults. */
class LayeredDefaultsTest {

    @TempDir
    Path dir;

    RunCommand parseRun(Map<String, String> environment, String... args) throws IOException {
        IdentityAuditCommand root = new IdentityAuditCommand();
        root.defaults = LayeredDefaults.from(args, environment);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setDefaultValueProvider(root.defaults);
        CommandLine.ParseResult result = commandLine.parseArgs(args);
        return (RunCommand) result.subcommand().commandSpec().userObject();
    }

    Path configFile(String... lines) throws IOException {
        return Files.write(dir.resolve("identity-audit.properties"), java.util.List.of(lines));
    }

    @Test
    void builtInDefaultsAreTheSettingsDefaults() throws IOException {
        RunCommand run = parseRun(Map.of(), "run");

        assertThat(run.pipeline.settings()).isEqualTo(PipelineSettings.DEFAULTS);
        assertThat(run.kafka.bootstrapServers).isNull();
        assertThat(run.runtime.applicationId).isEqualTo("identity-audit");
    }

    @Test
    void configFileValuesReplaceTheDefaults() throws IOException {
        Path file = configFile("clock-skew=90s", "bootstrap-servers=broker:9092", "custom-domain=login.acme.com,sso.initech.com");

        RunCommand run = parseRun(Map.of(), "run", "--config", file.toString());

        assertThat(run.pipeline.settings().tokenRules().clockSkew()).isEqualTo(Duration.ofSeconds(90));
        assertThat(run.kafka.bootstrapServers).isEqualTo("broker:9092");
        assertThat(run.pipeline.settings().domainPolicy().customDomains())
                .containsExactlyInAnyOrder("login.acme.com", "sso.initech.com");
    }

    @Test
    void environmentWinsOverTheConfigFile() throws IOException {
        Path file = configFile("clock-skew=90s");

        RunCommand run = parseRun(Map.of("IDENTITY_AUDIT_CLOCK_SKEW", "2m"), "run", "--config", file.toString());

        assertThat(run.pipeline.settings().tokenRules().clockSkew()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void flagWinsOverEnvironmentAndFile() throws IOException {
        Path file = configFile("clock-skew=90s");

        RunCommand run = parseRun(Map.of("IDENTITY_AUDIT_CLOCK_SKEW", "2m"),
                "run", "--config=" + file, "--clock-skew", "5s");

        assertThat(run.pipeline.settings().tokenRules().clockSkew()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void configFileNamedByTheEnvironmentIsRead() throws IOException {
        Path file = configFile("application-id=audit-eu");

        RunCommand run = parseRun(Map.of("IDENTITY_AUDIT_CONFIG", file.toString()), "run");

        assertThat(run.runtime.applicationId).isEqualTo("audit-eu");
    }

    @Test
    void kafkaPropertiesComeFromTheFileAndFlagsOverrideThem() throws IOException {
        Path file = configFile("kafka.security.protocol=SSL", "kafka.acks=all");

        RunCommand run = parseRun(Map.of(), "run", "--config", file.toString(), "--kafka", "acks=1");

        assertThat(run.kafka.properties(run.root.defaults))
                .containsEntry("security.protocol", "SSL")
                .containsEntry("acks", "1");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(BuiltInDefaults.text(Duration.ofDays(365))).isEqualTo("365d");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(Main.execute("run", "--no-such-option")).isEqualTo(ExitCode.USAGE);
    }
}
