package io.identityaudit.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client settings for the short-lived commands ({@code tenants}): a person is waiting, so every call gives up
 * after {@link #API_TIMEOUT} instead of Kafka's minute-long defaults. Pass-through properties ({@code --kafka},
 * {@code kafka.*}) come last and win, each given only to the client that knows it, so the Streams settings in a
 * shared config file do not draw "unknown config" warnings.
 */
final class KafkaClients {

    static final Duration API_TIMEOUT = Duration.ofSeconds(15);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final String CLIENT_ID = "identity-audit-tenants";

    private KafkaClients() {
    }

    static Properties admin(String bootstrapServers, Map<String, String> passThrough) {
        Map<String, Object> own = common();
        own.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(API_TIMEOUT));
        return build(bootstrapServers, own, AdminClientConfig.configNames(), passThrough);
    }

    static Properties producer(String bootstrapServers, Map<String, String> passThrough) {
        Map<String, Object> own = common();
        // A saved config must survive a broker failure, and a retry must not save it twice.
        own.put(ProducerConfig.ACKS_CONFIG, "all");
        own.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        own.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(API_TIMEOUT));
        own.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(API_TIMEOUT));
        return build(bootstrapServers, own, ProducerConfig.configNames(), passThrough);
    }

    static Properties consumer(String bootstrapServers, Map<String, String> passThrough) {
        Map<String, Object> own = common();
        // The pipeline reads configs read_committed; so do we, to show what it sees.
        own.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // No group: the topic is read whole every time, and nothing is committed anywhere.
        own.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        own.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(API_TIMEOUT));
        return build(bootstrapServers, own, ConsumerConfig.configNames(), passThrough);
    }

    /** How long a blocking call of a client built from {@code properties} may take, pass-through included. */
    static Duration apiTimeout(Properties properties) {
        for (String key : new String[] {CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
                ProducerConfig.MAX_BLOCK_MS_CONFIG}) {
            Object value = properties.get(key);
            if (value != null) {
                try {
                    return Duration.ofMillis(Long.parseLong(value.toString().trim()));
                } catch (NumberFormatException e) {
                    return API_TIMEOUT; // the client itself will refuse the value with a clear message
                }
            }
        }
        return API_TIMEOUT;
    }

    private static Map<String, Object> common() {
        Map<String, Object> own = new LinkedHashMap<>();
        own.put(CommonClientConfigs.CLIENT_ID_CONFIG, CLIENT_ID);
        own.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
        return own;
    }

    private static Properties build(String bootstrapServers, Map<String, Object> own, Set<String> known,
                                    Map<String, String> passThrough) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.putAll(own);
        passThrough.forEach((key, value) -> {
            if (known.contains(key)) {
                properties.put(key, value);
            }
        });
        return properties;
    }

    private static String millis(Duration duration) {
        return String.valueOf(duration.toMillis());
    }
}
