package io.identityaudit.token;

/**
 * Makes attacker-controlled text (an iss, a kid, a typ) fit to quote in a detail message or an output field:
 * printable ASCII only and cut short, so no control characters, terminal escapes or megabytes reach a log or a
 * record.
 */
public final class SafeText {

    public static final int MAX_QUOTED_CHARS = 200;

    private SafeText() {
    }

    public static String cut(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED_CHARS + 1));
        for (int i = 0; i < value.length() && out.length() < MAX_QUOTED_CHARS; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (value.length() > MAX_QUOTED_CHARS) {
            out.append("...");
        }
        return out.toString();
    }

    public static String quote(Object value) {
        return value == null ? "null" : "'" + cut(String.valueOf(value)) + "'";
    }
}
