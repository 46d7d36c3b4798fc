package io.identityaudit.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when the command line does not give it: first the environment variable
 * {@code IDENTITY_AUDIT_<NAME>} (e.g. {@code IDENTITY_AUDIT_BOOTSTRAP_SERVERS}), then the key {@code <name>} in the
 * config file (e.g. {@code bootstrap-servers=...}), then the built-in default. Flags always win. Keys starting
 * with {@code kafka.} in the file are Kafka properties passed through.
 */
public final class LayeredDefaults implements IDefaultValueProvider {

    public static final String ENV_PREFIX = "IDENTITY_AUDIT_";
    public static final String CONFIG_OPTION = "--config";
    public static final String KAFKA_PREFIX = "kafka.";

    private final Map<String, String> environment;
    private final Properties file;

    LayeredDefaults(Map<String, String> environment, Properties file) {
        this.environment = Map.copyOf(environment);
        this.file = file;
    }

    /** Finds the config file named by {@code --config} (or IDENTITY_AUDIT_CONFIG) before picocli parses. */
    public static LayeredDefaults from(String[] args, Map<String, String> environment) throws IOException {
        String configFile = environment.get(ENV_PREFIX + "CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length) {
                configFile = args[i + 1];
            } else if (args[i].startsWith(CONFIG_OPTION + "=")) {
                configFile = args[i].substring(CONFIG_OPTION.length() + 1);
            }
        }
        Properties file = new Properties();
        if (configFile != null) {
            try (Reader reader = Files.newBufferedReader(Path.of(configFile), StandardCharsets.UTF_8)) {
                file.load(reader);
            }
        }
        return new LayeredDefaults(environment, file);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String key = option.longestName().substring(2);
        String fromEnvironment = environment.get(environmentName(key));
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        String fromFile = file.getProperty(key);
        if (fromFile != null) {
            return fromFile;
        }
        return BuiltInDefaults.VALUES.getOrDefault(key, option.defaultValue());
    }

    /** Kafka properties from the config file: {@code kafka.acks=all} passes {@code acks=all} through. */
    public Map<String, String> kafkaProperties() {
        Map<String, String> kafka = new TreeMap<>();
        for (String name : file.stringPropertyNames()) {
            if (name.startsWith(KAFKA_PREFIX)) {
                kafka.put(name.substring(KAFKA_PREFIX.length()), file.getProperty(name));
            }
        }
        return kafka;
    }

    public static String environmentName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }
}
