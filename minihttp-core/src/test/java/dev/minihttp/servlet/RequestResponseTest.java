package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import jakarta.servlet.http.Cookie;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HttpServletRequest and HttpServletResponse behaviour, checked on the wire. */
@LeakChecked
class RequestResponseTest {

    static ServletTestServer server;

    @BeforeAll
    static void start() throws Exception {
        ServletContainer container = new ServletContainer();
        container.forwardedHeaders(ForwardedHeaders.fromInternalProxies());
        container.addInitializer((classes, context) -> {
            context.addServlet("headers", new LambdaServlet((req, res) -> {
                res.setContentType("text/plain");
                res.setCharacterEncoding("UTF-8");
                res.getWriter().print("accept=" + req.getHeader("ACCEPT")
                        + " multi=" + Collections.list(req.getHeaders("X-Multi"))
                        + " int=" + req.getIntHeader("X-Int")
                        + " date=" + req.getDateHeader("If-Modified-Since")
                        + " missingInt=" + req.getIntHeader("X-None")
                        + " locale=" + req.getLocale().toLanguageTag()
                        + " locales=" + Collections.list(req.getLocales())
                        + " scheme=" + req.getScheme() + " server=" + req.getServerName() + ":" + req.getServerPort()
                        + " secure=" + req.isSecure() + " remote=" + req.getRemoteAddr()
                        + " url=" + req.getRequestURL()
                        + " ids=" + !req.getRequestId().isEmpty() + "/" + !req.getServletConnection().getConnectionId().isEmpty()
                        + " protocol=" + req.getProtocol());
            })).addMapping("/headers");
            context.addServlet("cookies", new LambdaServlet((req, res) -> {
                StringBuilder seen = new StringBuilder();
                for (Cookie c : req.getCookies()) {
                    seen.append(c.getName()).append('=').append(c.getValue()).append(';');
                }
                Cookie made = new Cookie("pref", "dark");
                made.setMaxAge(3600);
                made.setPath("/");
                made.setSecure(true);
                made.setHttpOnly(true);
                made.setAttribute("SameSite", "Strict");
                made.setAttribute("Partitioned", "");
                res.addCookie(made);
                Cookie gone = new Cookie("old", "");
                gone.setMaxAge(0);
                res.addCookie(gone);
                res.getWriter().print(seen);
            })).addMapping("/cookies");
            context.addServlet("params", new LambdaServlet((req, res) -> {
                res.setContentType("text/plain;charset=UTF-8");
                res.getWriter().print(new java.util.TreeMap<>(toLists(req.getParameterMap())));
            })).addMapping("/params");
            context.addServlet("exclusive", new LambdaServlet((req, res) -> {
                req.getInputStream();
                String readerRefused;
                try {
                    req.getReader();
                    readerRefused = "no";
                } catch (IllegalStateException e) {
                    readerRefused = "yes";
                }
                res.getOutputStream();
                String writerRefused;
                try {
                    res.getWriter();
                    writerRefused = "no";
                } catch (IllegalStateException e) {
                    writerRefused = "yes";
                }
                res.getOutputStream().print("reader refused=" + readerRefused + " writer refused=" + writerRefused);
            })).addMapping("/exclusive");
            context.addServlet("error", new LambdaServlet((req, res) -> res.sendError(403, "secret detail"))).addMapping("/forbidden");
            context.addServlet("throws", new LambdaServlet((req, res) -> {
                throw new IllegalStateException("internal detail");
            })).addMapping("/throws");
            context.addServlet("redirect", new LambdaServlet((req, res) -> res.sendRedirect("next?x=1"))).addMapping("/dir/redirect");
            context.addServlet("big", new LambdaServlet((req, res) -> {
                res.setBufferSize(1024);
                res.getOutputStream().write(new byte[10_000]);
            })).addMapping("/big");
            context.addServlet("small", new LambdaServlet((req, res) -> res.getWriter().print("tiny"))).addMapping("/small");
            context.addServlet("reset", new LambdaServlet((req, res) -> {
                res.setHeader("X-Dropped", "1");
                res.getWriter().print("dropped");
                res.reset();
                res.setStatus(202);
                res.getWriter().print("kept");
            })).addMapping("/reset");
            context.addServlet("trailers", new LambdaServlet((req, res) -> {
                res.setTrailerFields(() -> Map.of("x-checksum", "abc"));
                res.getOutputStream().write("part1".getBytes());
                res.flushBuffer();
                res.getOutputStream().write("part2".getBytes());
            })).addMapping("/trailers");
        });
        server = new ServletTestServer(container);
    }

    static Map<String, java.util.List<String>> toLists(Map<String, String[]> map) {
        Map<String, java.util.List<String>> lists = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> lists.put(k, java.util.List.of(v)));
        return lists;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void headersLocalesAndAddresses() throws IOException {
        String response = server.raw("GET /headers HTTP/1.1\r\nHost: example.com:8443\r\nAccept: text/plain\r\n"
                + "X-Multi: a\r\nX-Multi: b\r\nX-Int: 42\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Accept-Language: de;q=0.5, fr-CH, en;q=0.8\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200").contains("Content-Type: text/plain;charset=UTF-8")
                .contains("accept=text/plain multi=[a, b] int=42 date=784111777000 missingInt=-1")
                .contains("locale=fr-CH locales=[fr_CH, en, de]")
                .contains("scheme=http server=example.com:8443 secure=false remote=127.0.0.1")
                .contains("url=http://example.com:8443/headers ids=true/true protocol=HTTP/1.1");
    }

    @Test
    void forwardedHeadersFromATrustedProxy() throws IOException {
        String response = server.raw("GET /headers HTTP/1.1\r\nHost: internal:8080\r\nX-Forwarded-For: 203.0.113.9, 10.0.0.2\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example\r\nConnection: close\r\n\r\n");
        assertThat(response).contains("scheme=https server=shop.example:443 secure=true remote=203.0.113.9")
                .contains("url=https://shop.example/headers");
    }

    @Test
    void forwardedProtoIsHonouredOnlyForHttpOrHttpsAnyCaseLeftMostOfAList() throws IOException {
        assertThat(forwardedAs("HTTPS")).contains("scheme=https server=shop.example:443 secure=true");
        assertThat(forwardedAs("https, http")).contains("scheme=https server=shop.example:443 secure=true");
        assertThat(forwardedAs("http, https")).contains("scheme=http server=shop.example:80 secure=false");
        assertThat(forwardedAs("Http")).contains("scheme=http server=shop.example:80 secure=false");
        for (String ignored : new String[] {"wss", "ftp", "javascript", "https:", "h ttps", ", https"}) {
            assertThat(forwardedAs(ignored)).as(ignored)
                    .contains("scheme=http server=shop.example:80 secure=false remote=203.0.113.9")
                    .contains("url=http://shop.example/headers");
        }
    }

    private static String forwardedAs(String proto) throws IOException {
        return server.raw("GET /headers HTTP/1.1\r\nHost: internal:8080\r\nX-Forwarded-For: 203.0.113.9\r\n"
                + "X-Forwarded-Proto: " + proto + "\r\nX-Forwarded-Host: shop.example\r\nConnection: close\r\n\r\n");
    }

    @Test
    void cookiesInAndSetCookieAttributesOut() throws Exception {
        HttpResponse<String> response = server.send(server.request("/cookies").header("Cookie", "a=1; b=\"two\"").build());
        assertThat(response.body()).isEqualTo("a=1;b=two;");
        java.util.List<String> setCookies = response.headers().allValues("Set-Cookie");
        assertThat(setCookies).hasSize(2);
        assertThat(setCookies.get(0)).startsWith("pref=dark; Max-Age=3600; Expires=")
                .contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict", "; Partitioned");
        assertThat(setCookies.get(1)).isEqualTo("old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:10 GMT");
    }

    @Test
    void queryAndFormParametersWithTheDeclaredCharset() throws Exception {
        HttpResponse<String> response = server.send(server.request("/params?a=1&b=x+y&a=2")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=ISO-8859-1")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray("c=caf%E9&a=3".getBytes())).build());
        assertThat(response.body()).isEqualTo("{a=[1, 2, 3], b=[x y], c=[café]}");
    }

    @Test
    void readerAndStreamAreExclusive() throws Exception {
        assertThat(server.get("/exclusive").body()).isEqualTo("reader refused=yes writer refused=yes");
    }

    @Test
    void sendErrorWithoutAnErrorPageIsShortPlainTextWithoutTheMessage() throws IOException {
        String response = server.raw("GET /forbidden HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 403").contains("Content-Type: text/plain")
                .doesNotContain("secret detail").doesNotContainIgnoringCase("Server:");
    }

    @Test
    void exceptionWithoutAnErrorPageIs500WithoutAStackTrace() throws IOException {
        String response = server.raw("GET /throws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 500").contains("Content-Type: text/plain")
                .doesNotContain("internal detail").doesNotContain("IllegalStateException").doesNotContain("\tat ");
    }

    @Test
    void notFoundWithoutAServletOrDefault() throws IOException {
        String response = server.raw("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404").contains("Content-Type: text/plain");
    }

    @Test
    void redirectResolvesARelativeLocation() throws IOException {
        String response = server.raw("GET /dir/redirect HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 302").contains("Location: /dir/next?x=1");
    }

    @Test
    void contentLengthWhenTheBodyFitsTheBufferChunkedOtherwise() throws IOException {
        String small = server.raw("GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(small).contains("Content-Length: 4").doesNotContain("Transfer-Encoding").endsWith("tiny");
        String big = server.raw("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(big).contains("Transfer-Encoding: chunked").doesNotContain("Content-Length");
    }

    @Test
    void resetDropsHeadersAndBody() throws IOException {
        String response = server.raw("GET /reset HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 202").doesNotContain("X-Dropped").doesNotContain("dropped").endsWith("kept");
    }

    @Test
    void trailersAfterAChunkedBody() throws IOException {
        String response = server.raw("GET /trailers HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n\r\n");
        assertThat(response).contains("Transfer-Encoding: chunked").contains("part1").contains("part2")
                .containsIgnoringCase("x-checksum: abc");
    }
}
