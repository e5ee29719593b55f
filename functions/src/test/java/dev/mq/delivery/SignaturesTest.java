package dev.mq.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hmacSha256_matchesRfc4231TestCase2() {
        assertThat(Signatures.hmacSha256Hex(utf8("Jefe"), utf8("what do ya want for nothing?")))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void sign_isSha256PrefixAndLowercaseHex_ofTheRawBody_keyedWithTheSecretsUtf8Bytes() {
        assertThat(Signatures.sign("Jefe", utf8("what do ya want for nothing?")))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(Signatures.sign("clé", utf8("{}")))
                .isEqualTo("sha256=" + Signatures.hmacSha256Hex(utf8("clé"), utf8("{}")));
    }

    @Test
    void verify_acceptsOnlyTheSameBodyAndSecret() {
        byte[] body = utf8("{\"topic\":\"t\",\"body\":\"héllo\"}");
        String header = Signatures.sign("s3cret", body);

        assertThat(Signatures.verify("s3cret", body, header)).isTrue();
        assertThat(Signatures.verify("other", body, header)).isFalse();
        assertThat(Signatures.verify("s3cret", utf8("{\"topic\":\"t\",\"body\":\"hello\"}"), header))
                .isFalse();
        assertThat(Signatures.verify("s3cret", body, header.toUpperCase())).isFalse();
        assertThat(Signatures.verify("s3cret", body, header.substring("sha256=".length())))
                .isFalse();
        assertThat(Signatures.verify("s3cret", body, null)).isFalse();
    }
}
