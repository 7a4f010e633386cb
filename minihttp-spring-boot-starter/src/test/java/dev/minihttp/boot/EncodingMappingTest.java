package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** server.servlet.encoding.mapping: response.setLocale(...) picks the mapped charset. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.servlet.encoding.mapping.de=ISO-8859-1", "server.servlet.encoding.mapping.ja_JP=UTF-16BE"})
class EncodingMappingTest {

    @LocalServerPort
    int port;

    @Test
    void mappedLocaleChoosesTheResponseCharset() throws Exception {
        HttpResponse<byte[]> german = Http.getBytes(port, "/greeting", "Accept-Language", "de-CH, en;q=0.5");
        assertThat(german.statusCode()).isEqualTo(200);
        assertThat(german.headers().firstValue("Content-Type")).hasValue("text/plain;charset=ISO-8859-1");
        assertThat(german.headers().firstValue("Content-Language")).hasValue("de-CH");
        assertThat(german.body()).isEqualTo("Grüße".getBytes(StandardCharsets.ISO_8859_1));

        HttpResponse<byte[]> japanese = Http.getBytes(port, "/greeting", "Accept-Language", "ja-JP");
        assertThat(japanese.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-16BE");
        assertThat(japanese.body()).isEqualTo("Grüße".getBytes(StandardCharsets.UTF_16BE));
    }

    @Test
    void englishFrenchAndJapaneseAreUtf8AsBootConfiguresTomcat() throws Exception {
        for (String language : new String[] {"en-GB", "fr"}) {
            HttpResponse<byte[]> response = Http.getBytes(port, "/greeting", "Accept-Language", language);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
            assertThat(response.body()).isEqualTo("Grüße".getBytes(StandardCharsets.UTF_8));
        }
        // ja_JP is mapped by this test's property: the property wins over the default for ja.
        HttpResponse<byte[]> japanese = Http.getBytes(port, "/greeting", "Accept-Language", "ja");
        assertThat(japanese.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
    }

    @Test
    void unmappedLocaleKeepsTheDefaultCharset() throws Exception {
        HttpResponse<byte[]> italian = Http.getBytes(port, "/greeting", "Accept-Language", "it");
        assertThat(italian.headers().firstValue("Content-Type")).hasValue("text/plain;charset=ISO-8859-1");
        assertThat(italian.headers().firstValue("Content-Language")).hasValue("it");
    }
}
