package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A form body is decoded as bytes, then percent-escapes, then the request's charset (what a
 * filter set, else the Content-Type's charset, else the context's request encoding), as the
 * query string is: {@code curl -d 'lastName=Müller'} sends the UTF-8 bytes of "ü" unescaped.
 */
class FormBodyCharsetTest {

    static ServletTestServer plain;
    static ServletTestServer utf8Context;

    @BeforeAll
    static void start() throws Exception {
        plain = new ServletTestServer(containerWith(null));
        utf8Context = new ServletTestServer(containerWith("UTF-8"));
    }

    private static ServletContainer containerWith(String requestEncoding) {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            if (requestEncoding != null) {
                context.setRequestCharacterEncoding(requestEncoding);
            }
            // What Spring's CharacterEncodingFilter does (Boot registers it with UTF-8).
            context.addFilter("encoding", (request, response, chain) -> {
                request.setCharacterEncoding("UTF-8");
                chain.doFilter(request, response);
            }).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/filtered/*");
            LambdaServlet params = new LambdaServlet((req, res) -> {
                res.setContentType("text/plain;charset=UTF-8");
                res.getWriter().print(new TreeMap<>(RequestResponseTest.toLists(req.getParameterMap())));
            });
            context.addServlet("params", params).addMapping("/params", "/filtered/params");
        });
        return container;
    }

    @AfterAll
    static void stop() {
        plain.close();
        utf8Context.close();
    }

    private static String post(ServletTestServer server, String path, String contentType, byte[] body) throws Exception {
        HttpResponse<String> response = server.send(server.request(path)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final String FORM = "application/x-www-form-urlencoded";

    @Test
    void rawUtf8BytesWithTheEncodingAFilterSet() throws Exception {
        assertThat(post(plain, "/filtered/params", FORM, utf8("lastName=Müller"))).isEqualTo("{lastName=[Müller]}");
    }

    @Test
    void rawUtf8BytesWithTheContextsRequestEncoding() throws Exception {
        assertThat(post(utf8Context, "/params", FORM, utf8("lastName=Müller"))).isEqualTo("{lastName=[Müller]}");
    }

    @Test
    void rawUtf8BytesWithTheContentTypesCharset() throws Exception {
        assertThat(post(plain, "/params", FORM + "; charset=UTF-8", utf8("lastName=Müller")))
                .isEqualTo("{lastName=[Müller]}");
        // A filter's setCharacterEncoding wins over the parameter, as on Tomcat.
        assertThat(post(plain, "/filtered/params", FORM + "; charset=UTF-8", utf8("lastName=Müller")))
                .isEqualTo("{lastName=[Müller]}");
    }

    @Test
    void percentEscapesPlusAndAMixOfAll() throws Exception {
        assertThat(post(utf8Context, "/params", FORM, utf8("a=M%C3%BCller&b=x+y&c=M%C3%BCller+und+Müller&d%C3%BC=ö%2B")))
                .isEqualTo("{a=[Müller], b=[x y], c=[Müller und Müller], dü=[ö+]}");
    }

    @Test
    void aSingleByteCharsetReadsRawAndEscapedBytesAlike() throws Exception {
        byte[] latin1 = "a=caf\u00e9&b=caf%E9".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(post(plain, "/params", FORM + "; charset=ISO-8859-1", latin1)).isEqualTo("{a=[café], b=[café]}");
    }

    @Test
    void withoutAnyEncodingTheServletDefaultIsoLatin1Applies() throws Exception {
        assertThat(post(plain, "/params", FORM, utf8("lastName=Müller"))).isEqualTo("{lastName=[MÃ¼ller]}");
    }

    @Test
    void theQueryStringAndTheBodyDecodeTheSame() throws Exception {
        HttpResponse<String> response = utf8Context.send(utf8Context.request("/params?q=M%C3%BCller+x")
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(utf8("b=Müller x"))).build());
        assertThat(response.body()).isEqualTo("{b=[Müller x], q=[Müller x]}");
    }
}
