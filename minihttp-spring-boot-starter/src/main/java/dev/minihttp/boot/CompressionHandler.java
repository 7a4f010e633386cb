package dev.minihttp.boot;

import dev.minihttp.server.Handler;
import dev.minihttp.server.Request;
import dev.minihttp.server.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.web.server.Compression;
import org.springframework.util.MimeType;

/**
 * {@code server.compression.*}: gzip for clients that accept it, for the configured media types,
 * above the minimum size, except for excluded user agents (regular expressions, as with Tomcat).
 * Done in front of the servlet container because the container has no compression of its own.
 *
 * <p>Every response of a compressible type carries {@code Vary: Accept-Encoding}, compressed or
 * not: whether it is compressed depends on the request's {@code Accept-Encoding} (and
 * {@code User-Agent}), so a shared cache must not hand a gzipped copy to a client that did not ask
 * for it, nor a plain one stored for such a client to everybody else.
 */
final class CompressionHandler implements Handler {

    private final Handler delegate;
    private final List<MimeType> mimeTypes;
    private final List<Pattern> excludedUserAgents;
    private final int minSize;

    CompressionHandler(Handler delegate, Compression compression) {
        this.delegate = delegate;
        this.mimeTypes = Arrays.stream(compression.getAllMimeTypes()).map(MimeType::valueOf).toList();
        String[] excluded = compression.getExcludedUserAgents();
        this.excludedUserAgents = excluded == null ? List.of() : Arrays.stream(excluded).map(Pattern::compile).toList();
        this.minSize = (int) Math.min(Integer.MAX_VALUE, compression.getMinResponseSize().toBytes());
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        // Wrapped even when gzip is out of the question: the Vary field depends on the content
        // type, which is known only once the application has set it.
        CompressingResponse compressing =
                new CompressingResponse(response, this::isCompressible, minSize, acceptsGzip(request));
        delegate.handle(request, compressing);
        if (!compressing.isSuspended()) {
            compressing.finish();
        }
    }

    private boolean acceptsGzip(Request request) {
        if (request.method().equals("HEAD")) {
            return false;
        }
        String accept = request.header("Accept-Encoding");
        if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("gzip")) {
            return false;
        }
        String agent = request.header("User-Agent");
        return agent == null || excludedUserAgents.stream().noneMatch(p -> p.matcher(agent).matches());
    }

    private boolean isCompressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MimeType type = MimeType.valueOf(contentType);
            return mimeTypes.stream().anyMatch(candidate -> candidate.isCompatibleWith(type));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
