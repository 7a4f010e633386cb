package dev.minihttp.server;

import dev.minihttp.http.HttpDate;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpStatus;
import dev.minihttp.http.ResponseHeadEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The short plain-text responses the server itself sends (400, 408, 413, 414, 431, 503, 500...),
 * all in one format: a single line {@code <reason phrase>: <short reason>} (e.g. {@code Bad
 * Request: Invalid Content-Length}), {@code text/plain;charset=UTF-8}, a {@code Content-Length},
 * and always {@code Connection: close}. Never a stack trace or anything from the request, so
 * nothing a client sent is echoed back.
 */
final class ErrorResponse {

    private ErrorResponse() {
    }

    static byte[] encode(int status, String reason, HttpHeaders extra, String serverHeader) {
        byte[] body = (text(status, reason) + "\n").getBytes(StandardCharsets.UTF_8);
        HttpHeaders headers = new HttpHeaders(6);
        headers.add("Date", HttpDate.now());
        if (serverHeader != null) {
            headers.add("Server", serverHeader);
        }
        if (extra != null) {
            extra.forEach(headers::add);
        }
        headers.add("Content-Type", "text/plain;charset=UTF-8");
        headers.add("Content-Length", Integer.toString(body.length));
        headers.add("Connection", "close");
        byte[] head = ResponseHeadEncoder.encode(status, null, headers);
        byte[] message = new byte[head.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(body, 0, message, head.length, body.length);
        return message;
    }

    /** The body's line: the phrase alone when there is no reason or it only repeats the phrase. */
    static String text(int status, String reason) {
        String phrase = HttpStatus.reasonPhrase(status);
        if (phrase.isEmpty()) {
            return reason == null ? "" : reason;
        }
        if (reason == null || reason.isBlank() || reason.equalsIgnoreCase(phrase)) {
            return phrase;
        }
        return phrase + ": " + reason;
    }
}
