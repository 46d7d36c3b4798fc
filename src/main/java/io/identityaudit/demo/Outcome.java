package io.identityaudit.demo;

import io.identityaudit.token.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What became of one event, or what the demo meant to become of it: a verified identity, or a rejection with its
 * error code.
 *
 * @param code the error code; {@code null} for a verified identity
 */
public record Outcome(ErrorCode code) {

    public static final Outcome VERIFIED = new Outcome(null);

    /** The label of a verified identity in the outcome table; rejections use their error code's name. */
    public static final String VERIFIED_LABEL = "VERIFIED";

    public static Outcome rejected(ErrorCode code) {
        return new Outcome(Objects.requireNonNull(code, "code"));
    }

    public boolean verified() {
        return code == null;
    }

    public String label() {
        return code == null ? VERIFIED_LABEL : code.name();
    }

    /** Every outcome in table order: verified first, then each error code in the order of {@link ErrorCode}. */
    public static List<Outcome> all() {
        List<Outcome> all = new ArrayList<>();
        all.add(VERIFIED);
        for (ErrorCode code : ErrorCode.values()) {
            all.add(rejected(code));
        }
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return label();
    }
}
