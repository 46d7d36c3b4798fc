package io.identityaudit.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a detector knows about one key in its current event-time window: counters, distinct values (capped), a few
 * sample event ids, the events already counted (so a re-delivered record is not counted twice) and the stages
 * already emitted (so an anomaly is emitted once per key, window and stage). Kept as bytes in the detector's
 * changelogged store. A few facts outlive the window ({@link #carried}): keys a detector learns over time.
 */
final class Tally {

    static final int MAX_DISTINCT = 64;
    static final int MAX_SAMPLES = 5;
    static final int MAX_SEEN = 64;
    static final int MAX_HISTORY = 512;
    private static final byte VERSION = 1;

    long windowStart;
    final Map<String, Integer> counters = new LinkedHashMap<>();
    final Map<String, Set<String>> distinct = new LinkedHashMap<>();
    final Map<String, String> notes = new LinkedHashMap<>();
    final List<String> samples = new ArrayList<>();
    final Set<Long> seen = new LinkedHashSet<>();
    final Set<String> emitted = new LinkedHashSet<>();
    /** Outlives the window: e.g. the key ids a tenant's genuine tokens used. */
    final Map<String, Set<String>> carried = new LinkedHashMap<>();
    /** Outlives the window: counts of the preceding windows, oldest first. */
    final List<Integer> history = new ArrayList<>();

    Tally(long windowStart) {
        this.windowStart = windowStart;
    }

    int count(String counter) {
        return counters.getOrDefault(counter, 0);
    }

    int increment(String counter) {
        return counters.merge(counter, 1, Integer::sum);
    }

    /** Adds a value to a distinct set (up to {@link #MAX_DISTINCT}); returns the set's size. */
    int addDistinct(String set, String value) {
        Set<String> values = distinct.computeIfAbsent(set, s -> new LinkedHashSet<>());
        if (value != null && values.size() < MAX_DISTINCT) {
            values.add(value);
        }
        return values.size();
    }

    int distinctCount(String set) {
        return distinct.getOrDefault(set, Set.of()).size();
    }

    boolean hasDistinct(String set, String value) {
        return distinct.getOrDefault(set, Set.of()).contains(value);
    }

    void carry(String set, String value) {
        Set<String> values = carried.computeIfAbsent(set, s -> new LinkedHashSet<>());
        if (values.size() < MAX_DISTINCT * 4) {
            values.add(value);
        }
    }

    boolean carries(String set, String value) {
        return carried.getOrDefault(set, Set.of()).contains(value);
    }

    void sample(String eventId) {
        if (samples.size() < MAX_SAMPLES && !samples.contains(eventId)) {
            samples.add(eventId);
        }
    }

    /** False when this event was counted in this window already (a re-delivery), as far as the memory reaches. */
    boolean firstSight(long eventHash) {
        if (seen.contains(eventHash)) {
            return false;
        }
        if (seen.size() < MAX_SEEN) {
            seen.add(eventHash);
        }
        return true;
    }

    /** True the first time a stage is marked in this window: that is when its anomaly is emitted. */
    boolean markEmitted(String stage) {
        return emitted.add(stage);
    }

    /** The state for a later window: what outlives a window is kept, the rest starts from zero. */
    Tally next(long newWindowStart) {
        Tally next = new Tally(newWindowStart);
        carried.forEach((set, values) -> next.carried.put(set, new LinkedHashSet<>(values)));
        next.history.addAll(history);
        return next;
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(windowStart);
            out.writeInt(counters.size());
            for (Map.Entry<String, Integer> e : counters.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            writeSets(out, distinct);
            out.writeInt(notes.size());
            for (Map.Entry<String, String> e : notes.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            writeStrings(out, samples);
            out.writeInt(seen.size());
            for (long hash : seen) {
                out.writeLong(hash);
            }
            writeStrings(out, emitted);
            writeSets(out, carried);
            out.writeInt(history.size());
            for (int count : history) {
                out.writeInt(count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Tally fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown anomaly state version " + version);
            }
            Tally tally = new Tally(in.readLong());
            for (int i = in.readInt(); i > 0; i--) {
                tally.counters.put(in.readUTF(), in.readInt());
            }
            readSets(in, tally.distinct);
            for (int i = in.readInt(); i > 0; i--) {
                tally.notes.put(in.readUTF(), in.readUTF());
            }
            tally.samples.addAll(readStrings(in));
            for (int i = in.readInt(); i > 0; i--) {
                tally.seen.add(in.readLong());
            }
            tally.emitted.addAll(readStrings(in));
            readSets(in, tally.carried);
            for (int i = in.readInt(); i > 0; i--) {
                tally.history.add(in.readInt());
            }
            return tally;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSets(DataOutputStream out, Map<String, Set<String>> sets) throws IOException {
        out.writeInt(sets.size());
        for (Map.Entry<String, Set<String>> e : sets.entrySet()) {
            out.writeUTF(e.getKey());
            writeStrings(out, e.getValue());
        }
    }

    private static void readSets(DataInputStream in, Map<String, Set<String>> sets) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            sets.put(in.readUTF(), new LinkedHashSet<>(readStrings(in)));
        }
    }

    private static void writeStrings(DataOutputStream out, java.util.Collection<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            out.writeUTF(value);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        List<String> values = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            values.add(in.readUTF());
        }
        return values;
    }
}
