package dev.minihttp.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A servlet whose service method is a lambda, for focused tests. */
final class LambdaServlet extends HttpServlet {

    interface Body {
        void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException;
    }

    private final Body body;

    LambdaServlet(Body body) {
        this.body = body;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        body.service(request, response);
    }
}
