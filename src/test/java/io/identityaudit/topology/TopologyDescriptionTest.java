package io.identityaudit.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.identityaudit.anomaly.AnomalyListener;
import io.identityaudit.anomaly.AnomalyTopology;
import io.identityaudit.anomaly.ConfigAuditTopology;
import io.identityaudit.config.PipelineSettings;
import io.identityaudit.config.TokenRules;
import io.identityaudit.config.Topics;
import io.identityaudit.token.OktaIdTokenValidator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The topology's names are a contract: operators alert on them, metrics are tagged with them, and state and
 * internal topics are named after them, so a rename has to be a deliberate change of
 * {@code src/test/resources/topology-description.txt}, never an accident.
 */
class TopologyDescriptionTest {

    static final String PINNED = "/topology-description.txt";
    static final String CONFIG_AUDIT_PINNED = "/config-audit-topology-description.txt";

    /** Names Kafka Streams makes up for an unnamed step, e.g. KSTREAM-MAPVALUES-0000000004. */
    static final Pattern GENERATED_NAME = Pattern.compile(".*(KSTREAM-|KTABLE-|GLOBALKTABLE-|-\\d{10}).*");

    static Topology topology(PipelineSettings settings) {
        return IdentityAuditTopology.build(settings, validator(), TenantConfigListener.NONE, VerdictListener.NONE);
    }

    /** Building the topology never looks up a key; the validator is only needed as a value. */
    static OktaIdTokenValidator validator() {
        return new OktaIdTokenValidator(TokenRules.DEFAULTS, (tenant, kid, alg) -> {
            throw new AssertionError("no key lookup while describing the topology");
        });
    }

    @Test
    void descriptionMatchesThePinnedOne() throws IOException {
        String actual = normalise(topology(PipelineSettings.DEFAULTS).describe().toString());

        assertThat(actual)
                .as("The topology changed. If the change is deliberate, replace src/test/resources%s with:%n%s",
                        PINNED, actual)
                .isEqualTo(normalise(pinned()));
    }

    @Test
    void configAuditDescriptionMatchesThePinnedOne() throws IOException {
        String actual = normalise(ConfigAuditTopology.build(PipelineSettings.DEFAULTS, AnomalyListener.NONE)
                .describe().toString());

        assertThat(actual)
                .as("The config audit topology changed. If the change is deliberate, replace src/test/resources%s "
                        + "with:%n%s", CONFIG_AUDIT_PINNED, actual)
                .isEqualTo(normalise(pinned(CONFIG_AUDIT_PINNED)));
    }

    @Test
    void everySourceProcessorSinkAndStoreHasAnExplicitName() {
        List<String> names = names(topology(PipelineSettings.DEFAULTS).describe());

        assertThat(names).isNotEmpty().noneMatch(name -> GENERATED_NAME.matcher(name).matches());
        assertThat(names).contains(IdentityAuditTopology.TENANT_CONFIG_STORE, IdentityAuditTopology.RETRY_STORE,
                "verify-token", "retry-scheduler", "verified-sink", "rejected-sink", "retry-sink", "anomaly-signals",
                "detect-anomalies", "anomaly-sink", "anomaly-learnt", AnomalyTopology.WINDOWS_STORE);
    }

    @Test
    void topologyBuildsWithExplicitInternalResourceNamingEnforced() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "identity-audit-naming-check");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));

        IdentityAuditTopology.addTo(builder, PipelineSettings.DEFAULTS, validator(), TenantConfigListener.NONE,
                VerdictListener.NONE);

        assertThatCode(() -> builder.build(props)).doesNotThrowAnyException();
    }

    @Test
    void renamedTopicsAreTheOnlyTopicsInTheDescription() {
        Topics renamed = new Topics("prod.sessions", "prod.tenants", "prod.verified", "prod.rejected", "prod.retry",
                "prod.anomalies", "prod.config-changes");

        String description = topology(PipelineSettings.DEFAULTS.withTopics(renamed)).describe().toString();

        assertThat(description).contains("prod.sessions", "prod.tenants", "prod.verified", "prod.rejected",
                "prod.retry", "prod.anomalies");
        assertThat(description).doesNotContain(Topics.DEFAULTS.sessionEvents(), Topics.DEFAULTS.tenantConfigs(),
                Topics.DEFAULTS.verified(), Topics.DEFAULTS.rejected(), Topics.DEFAULTS.retries(),
                Topics.DEFAULTS.anomalies());
    }

    static List<String> names(TopologyDescription description) {
        List<String> names = new ArrayList<>();
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            names.add(global.source().name());
            names.add(global.processor().name());
            names.addAll(global.processor().stores());
        }
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                names.add(node.name());
                if (node instanceof TopologyDescription.Processor processor) {
                    names.addAll(processor.stores());
                }
            }
        }
        return names;
    }

    static String pinned() throws IOException {
        return pinned(PINNED);
    }

    static String pinned(String resource) throws IOException {
        try (InputStream in = TopologyDescriptionTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("src/test/resources%s", resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Line endings and trailing blank lines are not part of the contract. */
    static String normalise(String text) {
        return text.replace("\r\n", "\n").stripTrailing() + "\n";
    }
}
