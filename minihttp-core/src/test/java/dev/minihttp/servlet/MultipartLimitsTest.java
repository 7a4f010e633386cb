package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletRegistration;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A multipart body over its limits, as Spring MVC meets it: a filter that reads a parameter
 * first must not fail (as on Tomcat), and {@code getParts()} then reports the limit in the words
 * Spring's {@code StandardMultipartHttpServletRequest} looks for ("exceed" and "size") to turn it
 * into a {@code MaxUploadSizeExceededException}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class MultipartLimitsTest {

    @Test
    void parameterReadBeforeAnOversizedMultipartBodyDoesNotThrowAndGetPartsReportsTheLimit() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            ServletRegistration.Dynamic upload = context.addServlet("upload", new LambdaServlet((req, res) -> {
                String field = req.getParameter("field");
                String query = req.getParameter("q");
                String failure;
                try {
                    failure = "parts=" + req.getParts().size();
                } catch (IllegalStateException e) {
                    String message = e.getMessage();
                    failure = "exceed=" + message.contains("exceed") + " size=" + message.contains("size");
                }
                res.getWriter().print("field=" + field + " q=" + query + " " + failure);
            }));
            upload.addMapping("/upload");
            upload.setMultipartConfig(new MultipartConfigElement(null, 1024, 2048, 0));
        });
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(5000) + "\r\n--" + boundary + "--\r\n";
        try (ServletTestServer server = new ServletTestServer(container)) {
            HttpRequest request = server.request("/upload?q=1")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();

            assertThat(server.send(request).body()).isEqualTo("field=null q=1 exceed=true size=true");
        }
    }
}
