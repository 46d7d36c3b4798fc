package io.identityaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandHelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"tenants", "tenants put", "tenants get", "tenants list", "tenants delete",
            "test-connection", "explain-token", "bench"})
    void everyCommandPrintsItsHelpAndExitsZero(String command) {
        String[] args = (command + " --help").split(" ");

        Cli.Result result = Cli.run(args);

        assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).startsWith("Usage: identity-audit " + command);
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenants put --tenant acme --client-id 0oa1", "tenants get", "tenants delete",
            "test-connection", "explain-token --domain acme.okta.com --client-id 0oa1"})
    void missingRequiredArgumentsAreAUsageError(String command) {
        Cli.Result result = Cli.run(command.split(" "));

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("Missing required");
    }
}
