package dev.minihttp.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sends exact bytes on a fresh socket and reads back everything until the peer closes (or a
 * bounded time passes), then splits what came back into HTTP responses. Unlike
 * {@code RawConnection} it never trusts the answer: a truncated or unparsable response is
 * reported as such instead of throwing, so a test can say what a proxy did with a hostile payload.
 */
final class Wire {

    /** How the exchange on the socket ended. */
    enum End { CLOSED, RESET, TIMEOUT }

    record Answer(int status, String body) {
    }

    /**
     * @param responses the complete responses, in order
     * @param garbage   bytes after the last complete response that do not form one (a truncated
     *                  response, or something that is not HTTP); empty when everything parsed
     */
    record Result(List<Answer> responses, String garbage, End end) {

        /** "400 close", "200 200 close", "403 timeout"...: the results table's notation. */
        String outcome() {
            StringBuilder text = new StringBuilder();
            for (Answer answer : responses) {
                text.append(answer.status()).append(' ');
            }
            if (!garbage.isEmpty()) {
                text.append("GARBAGE(").append(garbage.length()).append(" bytes) ");
            }
            text.append(switch (end) {
                case CLOSED -> responses.isEmpty() ? "close, no answer" : "close";
                case RESET -> responses.isEmpty() ? "reset, no answer" : "reset";
                case TIMEOUT -> "still open";
            });
            return text.toString();
        }
    }

    private Wire() {
    }

    static Result exchange(int port, byte[] request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException reset) {
                // the peer refused and closed before taking everything: read what it said
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            End end;
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            try {
                while (true) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        end = End.CLOSED;
                        break;
                    }
                    received.write(buffer, 0, n);
                    if (System.nanoTime() - deadline > 0) {
                        end = End.TIMEOUT;
                        break;
                    }
                }
            } catch (SocketTimeoutException quiet) {
                end = End.TIMEOUT;
            } catch (IOException reset) {
                end = End.RESET;
            }
            return parse(received.toByteArray(), end);
        }
    }

    static Result parse(byte[] bytes, End end) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Answer> responses = new ArrayList<>();
        int position = 0;
        while (position < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", position);
            if (headEnd < 0 || !text.startsWith("HTTP/1.", position)) {
                break;
            }
            String[] lines = text.substring(position, headEnd).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            int status;
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (RuntimeException notAStatus) {
                break;
            }
            long contentLength = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                    chunked = true;
                }
            }
            int bodyStart = headEnd + 4;
            boolean noBody = status < 200 || status == 204 || status == 304;
            if (noBody) {
                responses.add(new Answer(status, ""));
                position = bodyStart;
            } else if (chunked) {
                int[] consumed = new int[1];
                String body = dechunk(text, bodyStart, consumed);
                if (body == null) {
                    break;
                }
                responses.add(new Answer(status, body));
                position = consumed[0];
            } else if (contentLength >= 0) {
                if (bodyStart + contentLength > text.length()) {
                    break;
                }
                responses.add(new Answer(status, text.substring(bodyStart, (int) (bodyStart + contentLength))));
                position = (int) (bodyStart + contentLength);
            } else if (end == End.CLOSED) {
                responses.add(new Answer(status, text.substring(bodyStart)));
                position = text.length();
            } else {
                break;
            }
        }
        return new Result(responses, text.substring(position), end);
    }

    /** Returns the decoded body and sets {@code end[0]} past it, or null when it is incomplete. */
    private static String dechunk(String text, int start, int[] end) {
        StringBuilder body = new StringBuilder();
        int position = start;
        while (true) {
            int lineEnd = text.indexOf("\r\n", position);
            if (lineEnd < 0) {
                return null;
            }
            int size;
            try {
                size = Integer.parseInt(text.substring(position, lineEnd).split(";")[0].trim(), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            position = lineEnd + 2;
            if (size == 0) {
                int trailersEnd = text.indexOf("\r\n", position);
                while (trailersEnd > position) {
                    position = trailersEnd + 2;
                    trailersEnd = text.indexOf("\r\n", position);
                }
                if (trailersEnd < 0) {
                    return null;
                }
                end[0] = trailersEnd + 2;
                return body.toString();
            }
            if (position + size + 2 > text.length()) {
                return null;
            }
            body.append(text, position, position + size);
            position += size + 2;
        }
    }
}
