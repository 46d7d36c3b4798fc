package io.identityaudit.serde;

/**
 * A record value that is not a readable instance of its contract. The message says what is wrong with the
 * bytes, never what they contain.
 */
public final class MalformedRecordException extends RuntimeException {

    public MalformedRecordException(String message) {
        super(message, null, false, false);
    }
}
