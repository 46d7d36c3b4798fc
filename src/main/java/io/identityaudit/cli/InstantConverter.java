package io.identityaudit.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an instant as ISO-8601: {@code 2026-11-26T10:00:00Z}, or with an offset, {@code 2026-11-26T11:00:00+01:00}. */
final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        String text = value.trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                // The value is not repeated: when --at lacks its value, picocli hands it the token that follows.
                throw new TypeConversionException("not an ISO-8601 instant "
                        + "(e.g. 2026-11-26T10:00:00Z or 2026-11-26T11:00:00+01:00)");
            }
        }
    }
}
