package io.identityaudit.serde;

import io.identityaudit.avro.AnomalySignal;
import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.JwksRetry;
import io.identityaudit.avro.SecurityAnomaly;
import io.identityaudit.avro.TenantConfigChange;
import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.avro.VerifiedIdentity;
import io.identityaudit.avro.WidgetSessionEvent;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/** The one place that builds codecs and serdes for the Avro contracts in {@code schemas/}. Keys are UTF-8. */
public final class Contracts {

    static {
        // Avro 1.12 instantiates only classes it trusts when decoding into generated types; trust exactly ours.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                ClassSecurityValidator.builder()
                        .add(WidgetSessionEvent.class)
                        .add(TenantSsoConfig.class)
                        .add(VerifiedIdentity.class)
                        .add(IdentityRejection.class)
                        .add(JwksRetry.class)
                        .add(SecurityAnomaly.class)
                        .add(TenantConfigChange.class)
                        .add(AnomalySignal.class)
                        .add(io.identityaudit.avro.AnomalyKind.class)
                        .add(io.identityaudit.avro.AnomalySeverity.class)
                        .add(io.identityaudit.avro.SsoSettings.class)
                        .add(io.identityaudit.avro.ConfigChangeType.class)
                        .build()));
    }

    public static final SingleObjectCodec<WidgetSessionEvent> SESSION_EVENT =
            new SingleObjectCodec<>(WidgetSessionEvent.class, WidgetSessionEvent.getClassSchema());
    public static final SingleObjectCodec<TenantSsoConfig> TENANT_CONFIG =
            new SingleObjectCodec<>(TenantSsoConfig.class, TenantSsoConfig.getClassSchema());
    public static final SingleObjectCodec<VerifiedIdentity> VERIFIED =
            new SingleObjectCodec<>(VerifiedIdentity.class, VerifiedIdentity.getClassSchema());
    public static final SingleObjectCodec<IdentityRejection> REJECTION =
            new SingleObjectCodec<>(IdentityRejection.class, IdentityRejection.getClassSchema());
    /** Internal: events waiting on the retry topic. */
    public static final SingleObjectCodec<JwksRetry> JWKS_RETRY =
            new SingleObjectCodec<>(JwksRetry.class, JwksRetry.getClassSchema());
    public static final SingleObjectCodec<SecurityAnomaly> ANOMALY =
            new SingleObjectCodec<>(SecurityAnomaly.class, SecurityAnomaly.getClassSchema());
    public static final SingleObjectCodec<TenantConfigChange> CONFIG_CHANGE =
            new SingleObjectCodec<>(TenantConfigChange.class, TenantConfigChange.getClassSchema());
    /** Internal: what a verdict tells the anomaly detectors, on their repartition topic. */
    public static final SingleObjectCodec<AnomalySignal> ANOMALY_SIGNAL =
            new SingleObjectCodec<>(AnomalySignal.class, AnomalySignal.getClassSchema());

    private Contracts() {
    }

    public static Serde<String> keySerde() {
        return Serdes.String();
    }

    public static <T extends SpecificRecord> Serde<T> serde(SingleObjectCodec<T> codec) {
        Serializer<T> serializer = (topic, value) -> value == null ? null : codec.encode(value);
        Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
