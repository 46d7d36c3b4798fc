package io.identityaudit;

import static org.assertj.core.api.Assertions.assertThat;

import io.identityaudit.config.Topics;
import io.identityaudit.token.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The user-facing pages are written from the code, so they are checked against it: a new error code, a changed
 * hint, a renamed topic or a new schema version fails the build until the docs say the same.
 */
class DocsTest {

    static final Path ERROR_CODES = Path.of("docs", "error-codes.md");
    static final Path CONTRACTS = Path.of("docs", "contracts.md");

    static final Pattern FINGERPRINT_CELL = Pattern.compile("\\| `[0-9a-f]{2}( [0-9a-f]{2}){7}` \\|");
    static final Pattern CODE_HEADING = Pattern.compile("^## ([A-Z][A-Z_]*)$", Pattern.MULTILINE);

    @Nested
    class ErrorCodesPage {

        @ParameterizedTest(name = "{0}")
        @EnumSource(ErrorCode.class)
        void everyCodeHasItsOwnSection(ErrorCode code) throws IOException {
            assertThat(sections()).containsKey(code.name());
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(ErrorCode.class)
        void sectionGivesTheHintVerbatim(ErrorCode code) throws IOException {
            assertThat(sections().get(code.name())).as("section ## %s", code).contains(code.hint());
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(ErrorCode.class)
        void sectionSaysWhetherTheCodeIsRetryable(ErrorCode code) throws IOException {
            assertThat(sections().get(code.name())).as("section ## %s", code)
                    .contains("**Retryable:** " + yesNo(code.retryable()));
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(ErrorCode.class)
        void sectionHasAnExampleDetail(ErrorCode code) throws IOException {
            assertThat(sections().get(code.name())).as("section ## %s", code)
                    .contains("**When it happens.**", "**Example detail**", "```");
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(ErrorCode.class)
        void summaryTableHasARowWithTheRightRetryability(ErrorCode code) throws IOException {
            Pattern row = Pattern.compile("^\\| `" + code.name() + "` \\| (yes|no) \\|", Pattern.MULTILINE);
            Matcher matcher = row.matcher(read(ERROR_CODES));

            assertThat(matcher.find()).as("summary row for %s", code).isTrue();
            assertThat(matcher.group(1)).as("retryable of %s", code).isEqualTo(yesNo(code.retryable()));
        }

        @Test
        void sectionsAreExactlyTheCodesInEnumOrder() throws IOException {
            List<String> headings = new ArrayList<>(sections().keySet());

            assertThat(headings).containsExactlyElementsOf(
                    Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
        }

        /** Each {@code ## CODE} section, from its heading to the next one. */
        Map<String, String> sections() throws IOException {
            String page = read(ERROR_CODES);
            Map<String, String> sections = new LinkedHashMap<>();
            Matcher heading = CODE_HEADING.matcher(page);
            String current = null;
            int start = 0;
            while (heading.find()) {
                if (current != null) {
                    sections.put(current, page.substring(start, heading.start()));
                }
                current = heading.group(1);
                start = heading.end();
            }
            if (current != null) {
                sections.put(current, page.substring(start));
            }
            return sections;
        }
    }

    @Nested
    class ContractsPage {

        @Test
        void namesEveryDefaultTopic() throws IOException {
            Topics topics = Topics.DEFAULTS;

            assertThat(read(CONTRACTS)).contains("`" + topics.sessionEvents() + "`", "`" + topics.tenantConfigs() + "`",
                    "`" + topics.verified() + "`", "`" + topics.rejected() + "`");
        }

        @Test
        void fingerprintTableHasEverySchemaFileWithItsFingerprint() throws IOException {
            String page = read(CONTRACTS);
            for (Path file : schemaFiles()) {
                String name = file.toString().replace('\\', '/');
                Schema schema = new Schema.Parser().parse(Files.readString(file));
                String row = page.lines()
                        .filter(line -> line.startsWith("| `" + name + "` | `"))
                        .filter(line -> FINGERPRINT_CELL.matcher(line).find())
                        .findFirst()
                        .orElse(null);

                assertThat(row).as("fingerprint row for %s", name).isNotNull();
                assertThat(row).as("fingerprint of %s", name)
                        .contains("`" + littleEndianHex(SchemaNormalization.parsingFingerprint64(schema)) + "`");
            }
        }
    }

    static List<Path> schemaFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("schemas"), Path.of("schemas", "history"))) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.avsc")) {
                stream.forEach(files::add);
            }
        }
        assertThat(files).isNotEmpty();
        return files;
    }

    /** The fingerprint as the 8 header bytes appear on the wire: {@code 49 18 b4 ...}. */
    static String littleEndianHex(long fingerprint) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                hex.append(' ');
            }
            hex.append(String.format("%02x", (fingerprint >>> (8 * i)) & 0xff));
        }
        return hex.toString();
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    static String read(Path page) throws IOException {
        assertThat(page).as("%s exists", page).exists();
        return Files.readString(page).replace("\r\n", "\n");
    }
}
