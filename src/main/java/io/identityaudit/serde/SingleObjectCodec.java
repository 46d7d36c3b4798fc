package io.identityaudit.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (marker C3 01, 8-byte CRC-64-AVRO fingerprint of the writer schema, binary body)
 * for one contract: what any language's Avro library writes and reads without a schema registry. The decoder
 * knows the current schema and every older writer schema kept under {@code schemas/history/}.
 *
 * <p>The bytes are those of Avro's {@code BinaryMessageEncoder}, and {@code BinaryMessageDecoder} reads them (and
 * this codec reads its), but the codec writes the header and reads the fingerprint itself: it runs for every
 * record on the stream threads, where Avro's message classes cost a map lookup, stream wrappers and a copy per
 * record. The body is written and read by the same datum writer and readers Avro's classes would use.
 *
 * <p>Thread-safe: the datum writer and readers are, once built; the buffers and the binary encoder and decoder
 * are one per thread.
 */
public final class SingleObjectCodec<T extends SpecificRecord> {

    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** One per thread, shared by every codec: encoding never calls another codec. */
    private static final ThreadLocal<Output> OUTPUT = ThreadLocal.withInitial(Output::new);
    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    private final Class<T> type;
    private final Schema schema;
    private final List<Schema> writerSchemas;
    private final long fingerprint;
    private final byte[] header;
    private final DatumWriter<T> writer;
    private final DatumReader<T> reader;
    /** The older writer schemas' fingerprints, and the resolving reader of each at the same index. */
    private final long[] olderFingerprints;
    private final List<DatumReader<T>> olderReaders;

    SingleObjectCodec(Class<T> type, Schema schema) {
        this.type = type;
        this.schema = schema;
        SpecificData model = SpecificData.getForClass(type);
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.header = new byte[HEADER_LENGTH];
        header[0] = MARKER_0;
        header[1] = MARKER_1;
        LITTLE_ENDIAN_LONG.set(header, 2, fingerprint);
        this.writer = writer(model, schema);
        this.reader = reader(model, schema, schema);
        List<Schema> history = historyOf(type);
        this.olderFingerprints = new long[history.size()];
        List<DatumReader<T>> olderReaders = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            olderFingerprints[i] = SchemaNormalization.parsingFingerprint64(history.get(i));
            olderReaders.add(reader(model, history.get(i), schema));
        }
        this.olderReaders = List.copyOf(olderReaders);
        List<Schema> known = new ArrayList<>(history);
        known.add(schema);
        this.writerSchemas = List.copyOf(known);
    }

    @SuppressWarnings("unchecked")
    private static <T> DatumWriter<T> writer(SpecificData model, Schema schema) {
        return (DatumWriter<T>) model.createDatumWriter(schema);
    }

    @SuppressWarnings("unchecked")
    private static <T> DatumReader<T> reader(SpecificData model, Schema writer, Schema reader) {
        return (DatumReader<T>) model.createDatumReader(writer, reader);
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
        Output out = OUTPUT.get();
        out.reset();
        out.write(header, 0, HEADER_LENGTH);
        try {
            writer.write(value, out.encoder);
            out.encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedRecordException("the value is null");
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new MalformedRecordException("the value does not start with the Avro single-object marker C3 01");
        }
        DatumReader<T> bodyReader = readerOf((long) LITTLE_ENDIAN_LONG.get(bytes, 2));
        if (bodyReader == null) {
            throw new MalformedRecordException("the value's schema fingerprint is not a known "
                    + type.getSimpleName() + " schema");
        }
        BinaryDecoder reused = DECODER.get();
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, reused);
        if (decoder != reused) {
            DECODER.set(decoder);
        }
        try {
            // Like BinaryMessageDecoder, bytes after the body are not looked at.
            return bodyReader.read(null, decoder);
        } catch (IOException e) {
            // Named as BinaryMessageDecoder reported it: it wrapped a body's IOException in this one.
            throw malformedBody("AvroRuntimeException");
        } catch (RuntimeException e) {
            throw malformedBody(e.getClass().getSimpleName());
        }
    }

    private DatumReader<T> readerOf(long writerFingerprint) {
        if (writerFingerprint == fingerprint) {
            return reader;
        }
        for (int i = 0; i < olderFingerprints.length; i++) {
            if (olderFingerprints[i] == writerFingerprint) {
                return olderReaders.get(i);
            }
        }
        return null;
    }

    private MalformedRecordException malformedBody(String exceptionName) {
        return new MalformedRecordException("the value's body is not a valid " + type.getSimpleName()
                + " (" + exceptionName + ")");
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

    /** A thread's growable, unsynchronized buffer, with the binary encoder that writes into it. */
    private static final class Output extends OutputStream {

        private static final int INITIAL = 4096;
        /** A larger buffer, grown for a rare large record, is not kept for the thread's life. */
        private static final int KEPT = 64 * 1024;

        private byte[] buffer = new byte[INITIAL];
        private int count;
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(this, null);

        void reset() {
            count = 0;
        }

        @Override
        public void write(int b) {
            ensure(1);
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        }

        private void ensure(int more) {
            if (buffer.length - count < more) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, Math.addExact(count, more)));
            }
        }

        byte[] toByteArray() {
            byte[] bytes = Arrays.copyOf(buffer, count);
            if (buffer.length > KEPT) {
                buffer = new byte[INITIAL];
            }
            return bytes;
        }
    }
}
