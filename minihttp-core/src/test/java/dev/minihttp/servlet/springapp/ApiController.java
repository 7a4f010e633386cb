package dev.minihttp.servlet.springapp;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
public class ApiController {

    public record Greeting(String name, int count, String note) {
    }

    @PostMapping(path = "/api/echo", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Greeting echo(@RequestBody Greeting in) {
        return new Greeting(in.name().toUpperCase(), in.count() + 1, "échoed");
    }

    @GetMapping("/api/items/{id}")
    public Map<String, Object> item(@PathVariable long id, @RequestParam(defaultValue = "none") String q,
                                    @RequestParam(required = false) java.util.List<String> tag) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        result.put("q", q);
        result.put("tags", tag);
        return result;
    }

    @PostMapping(path = "/api/form", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
            produces = "text/plain;charset=UTF-8")
    public String form(@RequestParam String name, @RequestParam String city) {
        return name + "|" + city;
    }

    @PostMapping(path = "/api/upload", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> upload(@RequestParam("file") MultipartFile file, @RequestParam String title)
            throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = file.getInputStream()) {
            digest.update(in.readAllBytes());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("title", title);
        result.put("filename", file.getOriginalFilename());
        result.put("size", file.getSize());
        result.put("contentType", file.getContentType());
        result.put("sha256", HexFormat.of().formatHex(digest.digest()));
        return result;
    }

    @GetMapping("/api/handled")
    public String handled() {
        throw new IllegalArgumentException("bad input");
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<String> onIllegalArgument(IllegalArgumentException e) {
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).contentType(MediaType.TEXT_PLAIN)
                .body("handled: " + e.getMessage());
    }

    @GetMapping("/api/boom")
    public String boom() {
        throw new IllegalStateException("kaboom");
    }

    @GetMapping("/api/forward")
    public void forward(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        request.getRequestDispatcher("/api/target?extra=yes").forward(request, response);
    }

    @GetMapping(path = "/api/target", produces = "text/plain")
    public String target(HttpServletRequest request) {
        return "target dispatcher=" + request.getDispatcherType()
                + " uri=" + request.getRequestURI()
                + " extra=" + request.getParameter("extra")
                + " orig=" + request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI)
                + " origQuery=" + request.getAttribute(RequestDispatcher.FORWARD_QUERY_STRING);
    }

    @GetMapping("/api/include")
    public void include(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print("before|");
        request.getRequestDispatcher("/api/included").include(request, response);
        response.getWriter().print("|after");
    }

    @GetMapping("/api/included")
    public void included(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(418); // ignored: an included resource cannot change the status
        response.getWriter().print("included uri=" + request.getAttribute(RequestDispatcher.INCLUDE_REQUEST_URI));
    }

    @GetMapping("/api/session/put")
    public String sessionPut(HttpSession session, @RequestParam String value) {
        session.setAttribute("value", value);
        return "stored";
    }

    @GetMapping("/api/session/get")
    public String sessionGet(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? "no session" : "value=" + session.getAttribute("value");
    }

    @PostMapping("/api/session/invalidate")
    public String sessionInvalidate(HttpSession session) {
        session.invalidate();
        return "invalidated";
    }
}
