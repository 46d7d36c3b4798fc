package io.identityaudit.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Pretty-prints JSON decoded from an untrusted token for a terminal: every character outside printable ASCII is
 * escaped (no terminal escape sequences or look-alike characters reach the screen), long strings, long arrays and
 * deep nesting are cut, so a hostile token cannot flood or break the output.
 */
final class SafeJson {

    static final int MAX_STRING_CHARS = 500;
    static final int MAX_ITEMS = 100;
    static final int MAX_DEPTH = 16;

    private SafeJson() {
    }

    /** {@code value} as nimbus's JSON parser returns it: maps, lists, strings, numbers, booleans and null. */
    static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value instanceof Map<?, ?> map) {
            writeObject(out, map, depth);
        } else if (value instanceof List<?> list) {
            writeArray(out, list, depth);
        } else if (value instanceof String text) {
            writeString(out, text);
        } else if (value == null || value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            writeString(out, String.valueOf(value));
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int depth) {
        // Sorted by name: the parser does not keep the token's order, and a stable order is easier to compare.
        List<? extends Map.Entry<?, ?>> entries = map.entrySet().stream()
                .sorted(Comparator.comparing(entry -> String.valueOf(entry.getKey())))
                .toList();
        writeMembers(out, "{", "}", entries.size(), depth, "members", (i, d) -> {
            writeString(out, String.valueOf(entries.get(i).getKey()));
            out.append(": ");
            write(out, entries.get(i).getValue(), d);
        });
    }

    private static void writeArray(StringBuilder out, List<?> list, int depth) {
        writeMembers(out, "[", "]", list.size(), depth, "items", (i, d) -> write(out, list.get(i), d));
    }

    /** One member per line, at most {@link #MAX_ITEMS}, then a count of the rest; no commas after the last. */
    private static void writeMembers(StringBuilder out, String open, String close, int size, int depth,
                                     String noun, MemberWriter member) {
        if (size == 0) {
            out.append(open).append(close);
            return;
        }
        if (depth >= MAX_DEPTH) {
            out.append(open).append('…').append(close);
            return;
        }
        out.append(open).append('\n');
        int shown = Math.min(size, MAX_ITEMS);
        for (int i = 0; i < shown; i++) {
            indent(out, depth + 1);
            member.write(i, depth + 1);
            out.append(i < shown - 1 ? ",\n" : "\n");
        }
        if (size > shown) {
            indent(out, depth + 1).append("… ").append(size - shown).append(" more ").append(noun).append('\n');
        }
        indent(out, depth).append(close);
    }

    @FunctionalInterface
    private interface MemberWriter {
        void write(int index, int depth);
    }

    private static void writeString(StringBuilder out, String text) {
        out.append('"');
        int shown = Math.min(text.length(), MAX_STRING_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.append(c);
                    } else {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        out.append('"');
        if (text.length() > shown) {
            out.append(" …(").append(text.length()).append(" chars)");
        }
    }

    private static StringBuilder indent(StringBuilder out, int depth) {
        return out.append("  ".repeat(depth));
    }
}
