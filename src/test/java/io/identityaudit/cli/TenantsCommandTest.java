package io.identityaudit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.embedded.EmbeddedKafkaBroker;
import io.identityaudit.serde.Contracts;
import io.identityaudit.token.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenants commands against a real single-node broker. Each test names its own config topic, so tests share
 * the broker without seeing each other's tenants.
 */
class TenantsCommandTest {

    static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    static Path brokerDir;

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(brokerDir, 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static String newTopic() {
        return "tenants-test-" + TOPICS.incrementAndGet();
    }

    /** {@code tenants SUBCOMMAND} against the test broker and {@code topic}, then {@code more}. */
    static Cli.Result tenants(String topic, String subcommand, String... more) {
        List<String> args = new ArrayList<>(List.of("tenants", subcommand, "--bootstrap-servers",
                broker.bootstrapServers(), "--tenant-configs-topic", topic));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    static Cli.Result put(String topic, String tenant, String clientId, String domain, String... more) {
        List<String> args = new ArrayList<>(List.of("--tenant", tenant, "--client-id", clientId, "--domain", domain,
                "--updated-by", "ops@example.com"));
        args.addAll(List.of(more));
        return tenants(topic, "put", args.toArray(String[]::new));
    }

    @Test
    void putSavesTheConfigAndGetShowsIt() {
        String topic = newTopic();

        Cli.Result saved = put(topic, "acme", CLIENT_ID, "acme.okta.com");
        Cli.Result shown = tenants(topic, "get", "acme");

        assertThat(saved.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(saved.out()).contains("Saved tenant 'acme' to " + topic, "acme.okta.com", CLIENT_ID);
        assertThat(shown.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(shown.out())
                .contains("TENANT", "PROVIDER", "CLIENT ID", "DOMAIN", "ENABLED", "UPDATED AT", "UPDATED BY")
                .containsPattern("acme\\s+okta\\s+" + CLIENT_ID + "\\s+acme\\.okta\\.com\\s+yes\\s+\\S+Z\\s+"
                        + "ops@example\\.com\\s+ok");
    }

    @Test
    void putWritesTheAvroConfigKeyedByTenantWithTheSaveTimeAsTimestamp() {
        String topic = newTopic();
        Instant before = Instant.now().minusMillis(1);

        put(topic, "acme", CLIENT_ID, "acme.oktapreview.com", "--disabled");

        List<ConsumerRecord<String, byte[]>> records = readAll(topic);
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        TenantSsoConfig config = Contracts.TENANT_CONFIG.decode(record.value());
        assertThat(record.key()).isEqualTo("acme");
        assertThat(config.getTenantId()).isEqualTo("acme");
        assertThat(config.getProvider()).isEqualTo("okta");
        assertThat(config.getClientId()).isEqualTo(CLIENT_ID);
        assertThat(config.getDomain()).isEqualTo("acme.oktapreview.com");
        assertThat(config.getEnabled()).isFalse();
        assertThat(config.getUpdatedBy()).isEqualTo("ops@example.com");
        assertThat(config.getUpdatedAt()).isAfter(before).isBeforeOrEqualTo(Instant.now());
        assertThat(record.timestamp()).isEqualTo(config.getUpdatedAt().toEpochMilli());
    }

    @Test
    void putCreatesTheMissingConfigTopicCompacted() throws Exception {
        String topic = newTopic();

        Cli.Result saved = put(topic, "acme", CLIENT_ID, "acme.okta.com");

        assertThat(saved.out()).contains("Created the compacted topic " + topic);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
    }

    @Test
    void putRefusesADomainWithSchemeSayingWhyAndSavesNothing() {
        String topic = newTopic();

        Cli.Result refused = put(topic, "acme", CLIENT_ID, "https://acme.okta.com");

        assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err())
                .contains("TENANT_CONFIG_INVALID: the domain includes a scheme (https://); enter the bare domain")
                .contains("Hint: " + ErrorCode.TENANT_CONFIG_INVALID.hint())
                .contains("Nothing was saved.");
        assertThat(tenants(topic, "list").out()).contains("does not exist yet");
    }

    @Test
    void putRefusesAProviderOtherThanOkta() {
        Cli.Result refused = put(newTopic(), "acme", CLIENT_ID, "acme.okta.com", "--provider", "auth0");

        assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err()).contains("TENANT_CONFIG_INVALID: provider is 'auth0'; only okta is supported");
    }

    @Test
    void putAcceptsACustomDomainOnlyWhenItIsAllowlisted() {
        String topic = newTopic();

        Cli.Result refused = put(topic, "acme", CLIENT_ID, "login.acme.com");
        Cli.Result saved = put(topic, "acme", CLIENT_ID, "login.acme.com", "--custom-domain", "login.acme.com");

        assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err()).contains("not on the operator's custom-domain allowlist");
        assertThat(saved.exitCode()).isEqualTo(ExitCode.OK);
    }

    @Test
    void listShowsTheLatestConfigOfEachTenantAndLeavesOutDeletedOnes() {
        String topic = newTopic();
        put(topic, "acme", "0oaOldClient", "acme.okta.com");
        put(topic, "globex", CLIENT_ID, "globex.okta.com");
        put(topic, "initech", CLIENT_ID, "initech.okta-emea.com");
        put(topic, "acme", "0oaNewClient", "acme.okta.com");
        Cli.Result deleted = tenants(topic, "delete", "globex");

        Cli.Result listed = tenants(topic, "list");

        assertThat(deleted.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(deleted.out()).contains("Deleted tenant 'globex': tombstone written to " + topic);
        assertThat(listed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(listed.out())
                .contains("2 tenant(s) in " + topic)
                .contains("0oaNewClient", "initech.okta-emea.com")
                .doesNotContain("0oaOldClient")
                .doesNotContain("globex");
        assertThat(listed.out().indexOf("acme")).isLessThan(listed.out().indexOf("initech"));
    }

    @Test
    void deleteWritesATombstoneAfterWhichGetFindsNothing() {
        String topic = newTopic();
        Cli.Result saved = put(topic, "acme", CLIENT_ID, "acme.okta.com");
        assertThat(saved.exitCode()).as("put: %s %s", saved.out(), saved.err()).isEqualTo(ExitCode.OK);

        Cli.Result deleted = tenants(topic, "delete", "acme");

        assertThat(deleted.exitCode()).isEqualTo(ExitCode.OK);
        List<ConsumerRecord<String, byte[]>> records = readAll(topic);
        assertThat(records).hasSize(2);
        assertThat(records.get(1).key()).isEqualTo("acme");
        assertThat(records.get(1).value()).isNull();
        Cli.Result shown = tenants(topic, "get", "acme");
        assertThat(shown.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(shown.err()).contains("Tenant 'acme' is not configured in " + topic);
    }

    @Test
    void getOfATenantNeverSavedExitsOne() {
        String topic = newTopic();
        put(topic, "acme", CLIENT_ID, "acme.okta.com");

        Cli.Result shown = tenants(topic, "get", "globex");

        assertThat(shown.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(shown.err()).contains("Tenant 'globex' is not configured", "UNKNOWN_TENANT");
        assertThat(shown.out()).isEmpty();
    }

    @Test
    void unreadableRecordsAreReportedAndTheLastReadableConfigStillShown() throws Exception {
        String topic = newTopic();
        put(topic, "acme", CLIENT_ID, "acme.okta.com");
        produce(topic, "acme", new byte[] {1, 2, 3});
        produce(topic, "broken", "not avro".getBytes());
        produce(topic, "impostor", Contracts.TENANT_CONFIG.encode(TenantConfigs.config("acme", "okta", CLIENT_ID,
                "evil.okta.com", true, Instant.now(), null)));

        Cli.Result listed = tenants(topic, "list");
        Cli.Result broken = tenants(topic, "get", "broken");

        assertThat(listed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(listed.out())
                .containsPattern("acme\\s+okta\\s+" + CLIENT_ID)
                .containsPattern("broken(\\s+-){6}\\s+unreadable")
                .contains("tenant 'acme': record at partition 0 offset 1: unreadable: the value does not start "
                        + "with the Avro single-object marker")
                .contains("tenant 'broken': record at partition 0 offset 2: unreadable")
                .contains("tenant 'impostor': record at partition 0 offset 3: its tenantId 'acme' differs from its key")
                .doesNotContain("evil.okta.com");
        assertThat(broken.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(broken.out()).contains("unreadable");
    }

    @Test
    void listShowsAConfigThePipelineWouldRejectAsTenantConfigInvalid() throws Exception {
        String topic = newTopic();
        put(topic, "acme", CLIENT_ID, "acme.okta.com");
        produce(topic, "legacy", Contracts.TENANT_CONFIG.encode(TenantConfigs.config("legacy", "okta", CLIENT_ID,
                "https://legacy.okta.com", true, Instant.now(), "old dashboard")));

        Cli.Result listed = tenants(topic, "list");

        assertThat(listed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(listed.out())
                .containsPattern("legacy\\s+.*TENANT_CONFIG_INVALID")
                .contains("tenant 'legacy': TENANT_CONFIG_INVALID: the domain includes a scheme");
    }

    @Test
    void listOfATopicNotCreatedYetSaysThereAreNoTenants() {
        Cli.Result listed = tenants(newTopic(), "list");

        assertThat(listed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(listed.out()).contains("No tenants", "does not exist yet");
    }

    @Test
    void listOfAnEmptyTopicSaysSo() {
        String topic = newTopic();
        broker.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));

        Cli.Result listed = tenants(topic, "list");

        assertThat(listed.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(listed.out()).contains("No tenants configured in " + topic);
    }

    @Test
    void deleteOnATopicNotCreatedYetExitsOne() {
        Cli.Result deleted = tenants(newTopic(), "delete", "acme");

        assertThat(deleted.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(deleted.err()).contains("does not exist", "nothing was deleted");
    }

    @Test
    void unreachableKafkaFailsWithExitThreeAndAClearMessageWithinTheTimeout() {
        String nowhere = "127.0.0.1:" + LoopbackOrgs.closedPort();
        long started = System.nanoTime();

        Cli.Result listed = Cli.run("tenants", "list", "--bootstrap-servers", nowhere,
                "--kafka", "default.api.timeout.ms=2000,request.timeout.ms=1000");
        Cli.Result saved = Cli.run("tenants", "put", "--bootstrap-servers", nowhere,
                "--kafka", "default.api.timeout.ms=2000,request.timeout.ms=1000",
                "--tenant", "acme", "--client-id", CLIENT_ID, "--domain", "acme.okta.com");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(listed.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(listed.err()).contains("Kafka at " + nowhere + " did not answer within 2 s");
        assertThat(saved.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(saved.err()).contains("Kafka at " + nowhere + " did not answer within 2 s");
    }

    @Test
    void blankTenantIdIsAUsageError() {
        Cli.Result refused = put(newTopic(), " ", CLIENT_ID, "acme.okta.com");

        assertThat(refused.exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void tenantsWithoutASubcommandShowsUsage() {
        Cli.Result result = Cli.run("tenants");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("put", "get", "list", "delete");
    }

    private static void produce(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Every record of the one-partition topic, read without a group. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition)).get(partition);
            await().atMost(TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                        return consumer.position(partition) >= end;
                    });
        }
        return records;
    }
}
