package io.identityaudit.anomaly;

import io.identityaudit.avro.TenantSsoConfig;
import io.identityaudit.serde.Contracts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the config audit remembers of a tenant: its current config (null once deleted) and the hashes of the last
 * records it audited, so that a record delivered again is recognised and audited only once.
 */
final class AuditedTenant {

    static final int REMEMBERED_RECORDS = 32;

    TenantSsoConfig config;
    final List<Long> recordHashes = new ArrayList<>();

    boolean alreadyAudited(long recordHash) {
        return recordHashes.contains(recordHash);
    }

    void audited(long recordHash) {
        recordHashes.add(recordHash);
        while (recordHashes.size() > REMEMBERED_RECORDS) {
            recordHashes.remove(0);
        }
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            byte[] encoded = config == null ? new byte[0] : Contracts.TENANT_CONFIG.encode(config);
            out.writeInt(encoded.length);
            out.write(encoded);
            out.writeInt(recordHashes.size());
            for (long hash : recordHashes) {
                out.writeLong(hash);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static AuditedTenant fromBytes(byte[] bytes) {
        AuditedTenant tenant = new AuditedTenant();
        if (bytes == null) {
            return tenant;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] encoded = new byte[in.readInt()];
            in.readFully(encoded);
            tenant.config = encoded.length == 0 ? null : Contracts.TENANT_CONFIG.decode(encoded);
            for (int i = in.readInt(); i > 0; i--) {
                tenant.recordHashes.add(in.readLong());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tenant;
    }
}
