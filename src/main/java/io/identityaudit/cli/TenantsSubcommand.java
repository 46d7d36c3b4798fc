package io.identityaudit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** What every {@code tenants} subcommand shares: how it reaches Kafka and names topics, and how Kafka failures end. */
abstract class TenantsSubcommand implements Callable<Integer> {

    @ParentCommand
    TenantsCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (KafkaFailure e) {
            err.println("tenants " + spec.name() + ": " + e.getMessage());
            return ExitCode.FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    abstract int run(PrintWriter out, PrintWriter err);

    TenantConfigTopic configTopic() {
        return new TenantConfigTopic(kafka.bootstrapOrLocal(), kafka.properties(parent.root.defaults),
                pipeline.topics());
    }
}
