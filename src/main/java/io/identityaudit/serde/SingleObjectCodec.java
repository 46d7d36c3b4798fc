package io.identityaudit.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (marker C3 01, 8-byte CRC-64-AVRO fingerprint of the writer schema, binary body)
 * for one contract: what any language's Avro library writes and reads without a schema registry. The decoder
 * knows the current schema and every older writer schema kept under {@code schemas/history/}.
 *
 * <p>Thread-safe.
 */
public final class SingleObjectCodec<T extends SpecificRecord> {

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final List<Schema> writerSchemas;

    SingleObjectCodec(Class<T> type, Schema schema) {
        this.type = type;
        this.schema = schema;
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        List<Schema> known = new ArrayList<>(historyOf(type));
        known.forEach(decoder::addSchema);
        known.add(schema);
        this.writerSchemas = List.copyOf(known);
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return schema;
    }

    /** The current schema last, older writer versions before it. */
    public List<Schema> writerSchemas() {
        return writerSchemas;
    }

    public byte[] encode(T value) {
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException("the value is null");
        }
        try {
            return decoder.decode(bytes);
        } catch (BadHeaderException e) {
            throw new MalformedRecordException("the value does not start with the Avro single-object marker C3 01");
        } catch (MissingSchemaException e) {
            throw new MalformedRecordException("the value's schema fingerprint is not a known "
                    + type.getSimpleName() + " schema");
        } catch (IOException | RuntimeException e) {
            throw new MalformedRecordException("the value's body is not a valid " + type.getSimpleName()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Writer schemas published before the current one: {@code schemas/history/<Name>.v1.avsc}, v2, … */
    private static List<Schema> historyOf(Class<?> type) {
        List<Schema> history = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = "/schemas/history/" + type.getSimpleName() + ".v" + version + ".avsc";
            try (InputStream in = SingleObjectCodec.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return history;
                }
                history.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
    }
}
