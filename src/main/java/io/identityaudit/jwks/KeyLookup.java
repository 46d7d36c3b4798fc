package io.identityaudit.jwks;

import com.nimbusds.jose.jwk.JWK;

/** The answer to "which published key of this org has this kid?". */
public sealed interface KeyLookup {

    /** The org publishes a key with that kid, usable for the token's algorithm. */
    record Found(JWK key) implements KeyLookup {
    }

    /** The org's key set was read, refreshed at most once (rate-limited), and holds no such key. */
    record UnknownKeyId(String detail) implements KeyLookup {
    }

    /** The org's key set could not be read; the same token may verify once it can. */
    record FetchFailed(String detail) implements KeyLookup {
    }
}
