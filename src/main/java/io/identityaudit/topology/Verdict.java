package io.identityaudit.topology;

import io.identityaudit.avro.IdentityRejection;
import io.identityaudit.avro.VerifiedIdentity;
import java.time.Instant;

/** The one output of one input event: routed to {@code identity.verified} or {@code identity.rejected}. */
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
}
