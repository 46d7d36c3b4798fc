package io.identityaudit.topology;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.JwksRetry;
import io.identityaudit.avro.VerifiedIdentity;
import java.time.Instant;

/**
 * What judging an event produced: a verified identity or a rejection (the one final output of the event), or a
 * retry that will be judged again.
 */
public sealed interface Verdict {

    /** The output key: the session id, or the input key when the event could not be read. */
    String key();

    /** The output timestamp: the event's occurredAt, or the input record's timestamp when unreadable. */
    Instant timestamp();

    record Verified(VerifiedIdentity identity) implements Verdict {
        @Override
        public String key() {
            return identity.getSessionId();
        }

        @Override
        public Instant timestamp() {
            return identity.getReferenceTime();
        }
    }

    record Rejected(String key, Instant timestamp, IdentityRejection rejection) implements Verdict {
    }

    /** Not a verdict yet: the org's key set could not be read, and the event waits on the retry topic. */
    record Retry(String key, Instant timestamp, JwksRetry retry) implements Verdict {
    }
}
