package io.identityaudit.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.security.AttackCatalog.Attack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docs/security.md} and the attack suite say the same: every attack of {@link AttackCatalog} has a row with
 * its name, its code and a reason, and every row of the page's attack table is an attack the suite runs.
 */
class SecurityDocTest {

    static final Path PAGE = Path.of("docs", "security.md");
    static final Pattern ATTACK_ROW = Pattern.compile("^\\| (.+?) \\| `([A-Z_]+)` \\| (.*) \\|$", Pattern.MULTILINE);

    static Stream<Attack> attacks() {
        return AttackCatalog.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackHasARowWithItsCodeAndAReason(Attack attack) throws IOException {
        List<String[]> rows = attackRows().stream().filter(row -> row[0].equals(attack.name())).toList();

        assertThat(rows).as("rows for '%s' in %s", attack.name(), PAGE).hasSize(1);
        assertThat(rows.get(0)[1]).as("code of '%s'", attack.name()).isEqualTo(attack.expected().name());
        assertThat(rows.get(0)[2].strip()).as("reason for '%s'", attack.name()).isNotEmpty();
    }

    @Test
    void everyRowOfTheAttackTableIsAnAttackOfTheSuite() throws IOException {
        List<String> names = attacks().map(Attack::name).toList();

        assertThat(attackRows()).extracting(row -> row[0]).allSatisfy(name ->
                assertThat(names).as("attacks of the suite").contains(name));
    }

    /** Name, code and reason of each row in the section "## Attack tokens". */
    static List<String[]> attackRows() throws IOException {
        assertThat(PAGE).exists();
        String page = Files.readString(PAGE).replace("\r\n", "\n");
        int start = page.indexOf("\n## Attack tokens");
        assertThat(start).as("section ## Attack tokens").isNotNegative();
        int end = page.indexOf("\n## ", start + 1);
        Matcher row = ATTACK_ROW.matcher(page.substring(start, end < 0 ? page.length() : end));
        List<String[]> rows = new ArrayList<>();
        while (row.find()) {
            rows.add(new String[] {row.group(1), row.group(2), row.group(3)});
        }
        return rows;
    }
}
