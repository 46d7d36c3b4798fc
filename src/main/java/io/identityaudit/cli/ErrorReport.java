package io.identityaudit.cli;

import io.identityaudit.token.ErrorCode;
import java.io.PrintWriter;

/** How every command states an error code: {@code CODE: what failed}, then the code's hint on its own line. */
final class ErrorReport {

    private ErrorReport() {
    }

    static void print(PrintWriter out, ErrorCode code, String detail) {
        out.println(code.name() + ": " + detail);
        out.println("Hint: " + code.hint());
        out.flush();
    }
}
