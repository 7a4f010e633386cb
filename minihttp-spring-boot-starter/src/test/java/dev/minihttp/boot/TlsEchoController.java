package dev.minihttp.boot;

import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the Servlet API tells an application about the connection (scanned by {@link TestApp}). */
@RestController
class TlsEchoController {

    @GetMapping("/tls")
    Map<String, Object> tls(HttpServletRequest request) {
        Map<String, Object> view = new TreeMap<>();
        view.put("scheme", request.getScheme());
        view.put("secure", request.isSecure());
        view.put("serverPort", request.getServerPort());
        view.put("url", request.getRequestURL().toString());
        view.put("attributeNames", Collections.list(request.getAttributeNames()).stream()
                .filter(name -> name.startsWith("jakarta.servlet.request.")).sorted().toList());
        view.put("cipherSuite", String.valueOf(request.getAttribute("jakarta.servlet.request.cipher_suite")));
        Object keySize = request.getAttribute("jakarta.servlet.request.key_size");
        view.put("keySize", keySize instanceof Integer size ? size : -1);
        view.put("sessionId", String.valueOf(request.getAttribute("jakarta.servlet.request.ssl_session_id")));
        Object chain = request.getAttribute("jakarta.servlet.request.X509Certificate");
        view.put("client", chain instanceof X509Certificate[] certificates
                ? certificates[0].getSubjectX500Principal().getName() : "none");
        return view;
    }

    /** The session's id, creating it: under SSL tracking it is the TLS session's id. */
    @GetMapping("/tls/session")
    String session(HttpServletRequest request) {
        return request.getSession(true).getId();
    }
}
