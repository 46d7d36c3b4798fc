package io.identityaudit.jwks;

import com.nimbusds.jose.JWSAlgorithm;
import io.identityaudit.config.TenantPolicy;

/** Where the validator gets an org's signing keys. Keys come only from the tenant's domain, never from a token. */
@FunctionalInterface
public interface SigningKeys {

    KeyLookup find(TenantPolicy tenant, String keyId, JWSAlgorithm algorithm);
}
