package io.identityaudit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.token.ErrorCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's books and how they are shown: the table, and the progress line. */
class DemoOutcomeTableTest {

    static final Outcome EXPIRED = Outcome.rejected(ErrorCode.TOKEN_EXPIRED);

    static OutcomeTally tallyOfThree() {
        Map<Outcome, Integer> intended = new LinkedHashMap<>();
        intended.put(Outcome.VERIFIED, 2);
        intended.put(EXPIRED, 1);
        OutcomeTally tally = new OutcomeTally(intended);
        tally.expect("evt-1", Outcome.VERIFIED);
        tally.expect("evt-2", Outcome.VERIFIED);
        tally.expect("evt-3", EXPIRED);
        return tally;
    }

    static String rowOf(List<String> rows, String label) {
        return rows.stream().filter(r -> r.trim().startsWith(label + " ")).findFirst().orElseThrow();
    }

    @Test
    void verdictsAsIntendedMatchEveryRow() {
        OutcomeTally tally = tallyOfThree();
        tally.record("evt-1", Outcome.VERIFIED_LABEL);
        tally.record("evt-2", Outcome.VERIFIED_LABEL);
        tally.record("evt-3", "TOKEN_EXPIRED");

        List<String> rows = OutcomeTable.rows(tally);

        assertThat(tally.allAsIntended()).isTrue();
        assertThat(rowOf(rows, "VERIFIED")).matches("\\s*VERIFIED\\s+2\\s+2\\s+ok\\s+.*");
        assertThat(rowOf(rows, "TOKEN_EXPIRED")).matches("\\s*TOKEN_EXPIRED\\s+1\\s+1\\s+ok\\s+.*");
        assertThat(rowOf(rows, "INTERNAL_ERROR")).matches("\\s*INTERNAL_ERROR\\s+0\\s+0\\s+ok\\s+cannot be provoked.*");
        assertThat(rowOf(rows, "total")).matches("\\s*total\\s+3\\s+3\\s+ok");
        assertThat(rows).noneMatch(r -> r.contains(OutcomeTable.MISMATCH));
    }

    @Test
    void wrongVerdictIsMarkedAndNamed() {
        OutcomeTally tally = tallyOfThree();
        tally.record("evt-1", Outcome.VERIFIED_LABEL);
        tally.record("evt-2", Outcome.VERIFIED_LABEL);
        tally.record("evt-3", Outcome.VERIFIED_LABEL);

        List<String> rows = OutcomeTable.rows(tally);

        assertThat(tally.allAsIntended()).isFalse();
        assertThat(tally.mismatches()).isEqualTo(1);
        assertThat(rowOf(rows, "VERIFIED")).contains(OutcomeTable.MISMATCH);
        assertThat(rowOf(rows, "TOKEN_EXPIRED")).contains(OutcomeTable.MISMATCH);
        assertThat(rows).anyMatch(r -> r.contains("evt-3: meant to be TOKEN_EXPIRED, got VERIFIED"));
    }

    @Test
    void secondVerdictForOneEventIsADuplicateAndBreaksTheTotal() {
        OutcomeTally tally = tallyOfThree();
        tally.record("evt-1", Outcome.VERIFIED_LABEL);
        tally.record("evt-1", Outcome.VERIFIED_LABEL);
        tally.record("evt-2", Outcome.VERIFIED_LABEL);
        tally.record("evt-3", "TOKEN_EXPIRED");

        List<String> rows = OutcomeTable.rows(tally);

        assertThat(tally.duplicates()).isEqualTo(1);
        assertThat(tally.allAsIntended()).isFalse();
        assertThat(rowOf(rows, "total")).matches("\\s*total\\s+4\\s+3\\s+MISMATCH");
        assertThat(rows).anyMatch(r -> r.contains("more than one verdict"));
    }

    @Test
    void eventWithoutVerdictIsOutstanding() {
        OutcomeTally tally = tallyOfThree();
        tally.record("evt-1", Outcome.VERIFIED_LABEL);

        assertThat(tally.outstanding()).isEqualTo(2);
        assertThat(tally.allAsIntended()).isFalse();
        assertThat(OutcomeTable.rows(tally)).anyMatch(r -> r.contains("2 event(s) got no verdict"));
    }

    @Test
    void verdictsOfEventsThisRunDidNotProduceAreNotCounted() {
        OutcomeTally tally = tallyOfThree();
        tally.record("evt-of-an-earlier-run", Outcome.VERIFIED_LABEL);

        assertThat(tally.verified()).isZero();
        assertThat(tally.foreign()).isEqualTo(1);
    }

    @Test
    void progressOnATerminalIsOneLineRedrawnInPlace() {
        StringWriter text = new StringWriter();
        ProgressLine progress = new ProgressLine(new PrintWriter(text), true, true, 2000);

        progress.update(1200, 1010, 190, Duration.ofMillis(12_345));
        progress.finish(2000, 1600, 400, Duration.ofMillis(20_000));

        assertThat(text.toString())
                .startsWith("\rproduced 1200/2000 \u00b7 verified 1010 \u00b7 rejected 190 \u00b7 12.3 s")
                .contains("\rproduced 2000/2000 \u00b7 verified 1600 \u00b7 rejected 400 \u00b7 20.0 s")
                .endsWith(System.lineSeparator());
    }

    @Test
    void progressElsewhereIsPlainLines() {
        StringWriter text = new StringWriter();
        ProgressLine progress = new ProgressLine(new PrintWriter(text), false, false, 300);

        progress.update(10, 5, 1, Duration.ofMillis(100));
        progress.update(20, 15, 2, Duration.ofMillis(200));
        progress.finish(300, 240, 60, Duration.ofMillis(900));

        assertThat(text.toString()).doesNotContain("\r").isEqualTo(
                "produced 10/300 | verified 5 | rejected 1 | 0.1 s" + System.lineSeparator()
                        + "produced 300/300 | verified 240 | rejected 60 | 0.9 s" + System.lineSeparator());
    }
}
