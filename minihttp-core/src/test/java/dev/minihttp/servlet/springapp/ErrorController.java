package dev.minihttp.servlet.springapp;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The global error page, as Spring Boot's BasicErrorController would be: JSON from the error attributes. */
@RestController
public class ErrorController {

    @RequestMapping("/error")
    public Map<String, Object> error(HttpServletRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
        body.put("path", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        Object type = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION_TYPE);
        body.put("exception", type == null ? null : ((Class<?>) type).getName());
        body.put("servlet", request.getAttribute(RequestDispatcher.ERROR_SERVLET_NAME));
        body.put("method", request.getAttribute(RequestDispatcher.ERROR_METHOD));
        body.put("dispatcher", request.getDispatcherType().name());
        return body;
    }
}
