package dev.minihttp.sessionapp;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A Spring MVC app that lives on its session: a redirect that carries a flash attribute, a
 * counter, and the session's id. Kept outside {@code dev.minihttp.boot} so the other tests' app
 * does not pick it up; the session tests start it (or {@link RedisSessionApp}) themselves.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(SessionApp.SessionController.class)
public class SessionApp {

    /** What the session listeners heard, in order (the Redis test registers one). */
    public static final List<String> events = new CopyOnWriteArrayList<>();

    /** Not Serializable: a persisted session must go without it. */
    public static final class OpenConnection {
    }

    @Controller
    public static class SessionController {

        /** Post/redirect/get: the greeting survives the redirect only in the session. */
        @GetMapping("/greet")
        String greet(@RequestParam String name, RedirectAttributes redirect) {
            redirect.addFlashAttribute("greeting", "hello " + name);
            return "redirect:/greeted";
        }

        @GetMapping("/greeted")
        @ResponseBody
        String greeted(Model model, HttpServletRequest request) {
            return model.getAttribute("greeting") + " fromUrl=" + request.isRequestedSessionIdFromURL();
        }

        @GetMapping("/count")
        @ResponseBody
        String count(HttpSession session, @RequestParam(defaultValue = "false") boolean connection) {
            Integer count = (Integer) session.getAttribute("count");
            int next = count == null ? 1 : count + 1;
            session.setAttribute("count", next);
            if (connection) {
                session.setAttribute("connection", new OpenConnection());
            }
            return session.getId() + " " + next;
        }

        @GetMapping("/rotate")
        @ResponseBody
        String rotate(HttpServletRequest request) {
            String old = request.getSession().getId();
            return old + " -> " + request.changeSessionId();
        }

        @GetMapping("/logout")
        @ResponseBody
        String logout(HttpSession session) {
            session.invalidate();
            return "bye";
        }
    }
}
