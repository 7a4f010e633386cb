package dev.minihttp.boot.listener;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Found by {@code @ServletComponentScan}; Boot hands its class name to the factory as a web listener. */
@WebListener
public class MarkingListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setAttribute("listener", "web-listener-ran");
    }
}
