package io.identityaudit.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JDK decoder and the check of the signature's last character replaced nimbus's {@link Base64URL}: for every
 * base64url string they must decide exactly as nimbus's decoding and re-encoding did, so that no verdict changes.
 */
class CompactJwsTest {

    static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    final Random random = new Random(6);

    String randomBase64url(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(BASE64URL.charAt(random.nextInt(BASE64URL.length())));
        }
        return text.toString();
    }

    @Test
    void partsDecodeToNimbusBytesWhateverTheirLength() {
        for (int length = 0; length <= 24; length++) {
            for (int i = 0; i < 200; i++) {
                String part = randomBase64url(length);
                CompactJws jws = CompactJws.split(part + "." + part + ".", 16_384);

                String nimbus = new String(new Base64URL(part).decode(), StandardCharsets.UTF_8);
                assertThat(jws.header()).as(part).isEqualTo(nimbus);
                assertThat(jws.payload()).as(part).isEqualTo(nimbus);
            }
        }
    }

    @Test
    void signatureIsCanonicalExactlyWhenNimbusReencodesItUnchanged() {
        for (int length = 0; length <= 24; length++) {
            for (int i = 0; i < 200; i++) {
                String signature = randomBase64url(length);
                boolean nimbus = Base64URL.encode(new Base64URL(signature).decode()).toString().equals(signature);

                assertThat(CompactJws.split("e30.e30." + signature, 16_384).signatureIsCanonical())
                        .as(signature).isEqualTo(nimbus);
            }
        }
    }

    @Test
    void everyLastCharacterOfAnRs256SignatureIsJudgedAsNimbusJudgesIt() {
        String signature = randomBase64url(341);
        for (char last : BASE64URL.toCharArray()) {
            String variant = signature + last;
            boolean nimbus = Base64URL.encode(new Base64URL(variant).decode()).toString().equals(variant);

            CompactJws jws = CompactJws.split("e30.e30." + variant, 16_384);
            assertThat(jws.signatureIsCanonical()).as(variant).isEqualTo(nimbus);
            assertThat(jws.signature()).hasSize(256).isEqualTo(new Base64URL(variant).decode());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"e30.e30.AA==", "e30=.e30.AA", "e3+.e30.AA", "e30.e/0.AA", "e30 .e30.AA", "e30.e30.\u00e9"})
    void paddingAndCharactersOutsideBase64urlAreRefusedBeforeAnyDecoding(String token) {
        assertThatThrownBy(() -> CompactJws.split(token, 16_384))
                .isInstanceOf(CompactJws.Malformed.class)
                .hasMessageStartingWith("the token contains a character that is not base64url or '.' at position");
    }

    @Test
    void theDotsDecideTheShape() {
        assertThatThrownBy(() -> CompactJws.split("a.b.c.d.e", 16_384)).hasMessageContaining("JWE");
        assertThatThrownBy(() -> CompactJws.split("a.b", 16_384)).hasMessageContaining("has 2 dot-separated parts");
        assertThatThrownBy(() -> CompactJws.split("a.b.c.d", 16_384)).hasMessageContaining("has 4 dot-separated");
        assertThatThrownBy(() -> CompactJws.split("a.b.c", 4)).hasMessageContaining("over the limit of 4");
        assertThat(CompactJws.split("..", 16_384).encodedSignature()).isEmpty();
    }
}
