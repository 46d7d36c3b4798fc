package io.identityaudit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.identityaudit.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests one real Kafka broker per test JVM, started on first use and stopped when the test run
 * ends, so that only the first integration test pays the few seconds a broker needs to start.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class PipelineIT {
 *     @BeforeAll
 *     static void topics(EmbeddedKafkaBroker broker) {
 *         broker.createTopics(List.of(new NewTopic("pipeline-it-events", 3, (short) 1)));
 *     }
 *
 *     @Test
 *     void someRule(EmbeddedKafkaBroker broker) { ... broker.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>Any test or lifecycle method parameter of type {@link EmbeddedKafkaBroker} receives the shared broker. Because
 * every class shares it, each test class uses its own topic names, group ids and transactional ids (prefix them with
 * the class name); and no test may close the broker. A test about the broker's own life (restart, data directory)
 * starts its own with {@link EmbeddedKafkaBroker#start}.
 *
 * <p>The broker lives in the root {@link ExtensionContext.Store}, which JUnit closes once at the end of the run;
 * its data sits in a temporary directory deleted then.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public EmbeddedKafkaBroker resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBroker.class, key -> SharedBroker.start(), SharedBroker.class)
                .broker();
    }

    /** JUnit closes AutoCloseable values of a store when the store's context ends: for the root, the whole run. */
    private record SharedBroker(EmbeddedKafkaBroker broker, Path dir) implements AutoCloseable {

        static SharedBroker start() {
            try {
                Path dir = Files.createTempDirectory("identity-audit-kafka-");
                return new SharedBroker(EmbeddedKafkaBroker.start(dir, 0), dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for the shared test broker", e);
            }
        }

        @Override
        public void close() throws IOException {
            broker.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
