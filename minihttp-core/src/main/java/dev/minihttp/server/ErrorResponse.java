package dev.minihttp.server;

import dev.minihttp.http.HttpDate;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.ResponseHeadEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The short plain-text responses the server itself sends (400, 408, 413, 503...): a one-line
 * reason, never a stack trace, always {@code Connection: close}.
 */
final class ErrorResponse {

    private ErrorResponse() {
    }

    static byte[] encode(int status, String reason, HttpHeaders extra, String serverHeader) {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
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
}
