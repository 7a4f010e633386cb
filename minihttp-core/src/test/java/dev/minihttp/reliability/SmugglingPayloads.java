package dev.minihttp.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * The classic request-smuggling (desync) payloads. Each hides a request for {@code /probe} where
 * one of two parsers that disagree about where a message ends would see a second request: the
 * proxies in front refuse {@code /probe} themselves, so the application can only ever see it
 * through a desync.
 */
final class SmugglingPayloads {

    /** The request a desync would deliver to the backend. */
    static final String SMUGGLED = "GET /probe HTTP/1.1\r\nHost: x\r\n\r\n";

    record Payload(String name, String bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    private SmugglingPayloads() {
    }

    /** CL.TE shape: a Content-Length that covers the smuggled request, a chunked body that ends before it. */
    private static String clte(String version, String teFields) {
        String body = "0\r\n\r\n" + SMUGGLED;
        return "POST / " + version + "\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n" + teFields + "\r\n" + body;
    }

    /** TE.CL shape: a chunked body that contains the smuggled request, a Content-Length that ends before it. */
    private static String tecl(String teFields) {
        String sizeLine = Integer.toHexString(SMUGGLED.length()) + "\r\n";
        String body = sizeLine + SMUGGLED + "\r\n0\r\n\r\n";
        return "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + sizeLine.length() + "\r\n" + teFields + "\r\n" + body;
    }

    /** Two framings of one body: a 5-byte one that ends before the smuggled request, and the whole. */
    private static String contentLength(String fields) {
        String body = "HELLO" + SMUGGLED;
        return "POST / HTTP/1.1\r\nHost: x\r\n"
                + fields.replace("{SHORT}", "5").replace("{FULL}", Integer.toString(body.length()))
                + "\r\n" + body;
    }

    /** A chunked body whose size line is {@code sizeLine} (meant as the smuggled request's length). */
    private static String chunk(String sizeLine) {
        return "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + sizeLine + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n";
    }

    static List<Payload> all() {
        String hex = Integer.toHexString(SMUGGLED.length());
        List<Payload> payloads = new ArrayList<>();
        payloads.add(new Payload("CL.TE", clte("HTTP/1.1", "Transfer-Encoding: chunked\r\n")));
        payloads.add(new Payload("TE.CL", tecl("Transfer-Encoding: chunked\r\n")));

        String[][] obfuscations = {
            {"TE: xchunked", "Transfer-Encoding: xchunked\r\n"},
            {"TE: ␠chunked (extra space)", "Transfer-Encoding:  chunked\r\n"},
            {"TE: chunked␠ (trailing space)", "Transfer-Encoding: chunked \r\n"},
            {"TE␠: chunked (space before colon)", "Transfer-Encoding : chunked\r\n"},
            {"TE: chunked + TE: x (duplicate)", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n"},
            {"TE: x + TE: chunked (duplicate)", "Transfer-Encoding: x\r\nTransfer-Encoding: chunked\r\n"},
            {"TE: chunked, identity", "Transfer-Encoding: chunked, identity\r\n"},
            {"TE: identity, chunked", "Transfer-Encoding: identity, chunked\r\n"},
            {"TE: chunked, chunked", "Transfer-Encoding: chunked, chunked\r\n"},
            {"TE: obs-fold", "Transfer-Encoding:\r\n chunked\r\n"},
            {"TE: \\tchunked (tab OWS)", "Transfer-Encoding:\tchunked\r\n"},
            {"TE\\t: chunked (tab before colon)", "Transfer-Encoding\t: chunked\r\n"},
            {"TE: \\x0bchunked (vertical tab)", "Transfer-Encoding: \u000bchunked\r\n"},
            {"TE: Chunked (case)", "Transfer-Encoding: Chunked\r\n"},
            {"TE: \"chunked\" (quoted)", "Transfer-Encoding: \"chunked\"\r\n"},
            {"TE hidden behind bare LF", "X-Pad: a\nTransfer-Encoding: chunked\r\n"},
            {"Transfer_Encoding (underscore)", "Transfer_Encoding: chunked\r\n"},
        };
        for (String[] obfuscation : obfuscations) {
            payloads.add(new Payload("CL.TE, " + obfuscation[0], clte("HTTP/1.1", obfuscation[1])));
            payloads.add(new Payload("TE.CL, " + obfuscation[0], tecl(obfuscation[1])));
        }

        payloads.add(new Payload("CL: two fields, short first", contentLength("Content-Length: {SHORT}\r\nContent-Length: {FULL}\r\n")));
        payloads.add(new Payload("CL: two fields, full first", contentLength("Content-Length: {FULL}\r\nContent-Length: {SHORT}\r\n")));
        payloads.add(new Payload("CL: two equal fields", contentLength("Content-Length: {SHORT}\r\nContent-Length: {SHORT}\r\n")));
        payloads.add(new Payload("CL: 5, full (list)", contentLength("Content-Length: {SHORT}, {FULL}\r\n")));
        payloads.add(new Payload("CL: 5, 5 (list, equal)", contentLength("Content-Length: {SHORT}, {SHORT}\r\n")));
        payloads.add(new Payload("CL: +full", contentLength("Content-Length: +{FULL}\r\n")));
        payloads.add(new Payload("CL: -1", contentLength("Content-Length: -1\r\n")));
        payloads.add(new Payload("CL: 0x hex", contentLength("Content-Length: 0x" + Integer.toHexString(5) + "\r\n")));
        payloads.add(new Payload("CL: \"5 6\" (inner space)", contentLength("Content-Length: {SHORT} 6\r\n")));
        payloads.add(new Payload("CL: 20 digits (overflow)", contentLength("Content-Length: 18446744073709551621\r\n")));
        payloads.add(new Payload("CL␠: (space before colon)", contentLength("Content-Length : {SHORT}\r\n")));
        payloads.add(new Payload("CL: obs-fold", contentLength("Content-Length:\r\n {SHORT}\r\n")));
        payloads.add(new Payload("GET with a CL body", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED));

        payloads.add(new Payload("chunk size 0x-prefixed", chunk("0x" + hex)));
        payloads.add(new Payload("chunk size with bad ext (ctl)", chunk(hex + ";a\u0001b")));
        payloads.add(new Payload("chunk size with unterminated quoted ext", chunk(hex + ";a=\"b")));
        payloads.add(new Payload("chunk size, BWS before ext", chunk(hex + " ;a=b")));
        payloads.add(new Payload("chunk size, trailing space", chunk(hex + " ")));
        payloads.add(new Payload("chunk size, leading space", chunk(" " + hex)));
        payloads.add(new Payload("chunk size, 64-bit overflow to the real size", chunk("1000000000000000" + hex)));
        payloads.add(new Payload("chunk size, huge", chunk("ffffffffffffffffffff")));
        payloads.add(new Payload("chunk size, negative", chunk("-" + hex)));
        payloads.add(new Payload("chunk size, + sign", chunk("+" + hex)));
        payloads.add(new Payload("chunk size line ends in bare LF", chunk(hex + "\n").replace(hex + "\n\r\n", hex + "\n")));
        payloads.add(new Payload("chunk data ends in bare LF", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + hex + "\r\n" + SMUGGLED + "\n0\r\n\r\n"));
        payloads.add(new Payload("chunk data longer than its size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nHELLO" + SMUGGLED + "\r\n0\r\n\r\n"));

        payloads.add(new Payload("bare LF head", "GET / HTTP/1.1\nHost: x\n\n" + SMUGGLED));
        payloads.add(new Payload("bare CR in head", "GET / HTTP/1.1\rHost: x\r\n\r\n" + SMUGGLED));
        payloads.add(new Payload("obs-fold header", "GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n"));
        payloads.add(new Payload("HTTP/1.0 with TE", "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED));
        payloads.add(new Payload("HTTP/1.0 with TE and CL", clte("HTTP/1.0", "Transfer-Encoding: chunked\r\n")));
        payloads.add(new Payload("pipelined garbage after a valid request",
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001\u0002garbage\r\n\r\n"));
        payloads.add(new Payload("pipelined probe after a valid request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + SMUGGLED));
        payloads.add(new Payload("NUL in a header value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n"));
        payloads.add(new Payload("two Host fields", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"));
        return payloads;
    }
}
