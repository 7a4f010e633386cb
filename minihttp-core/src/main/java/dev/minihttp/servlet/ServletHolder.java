package dev.minihttp.servlet;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.MultipartConfig;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered servlet: its registration data ({@link ServletRegistration.Dynamic}), the config
 * handed to {@code init}, and its lifecycle — created and initialised once, at start when
 * load-on-startup is set, else on the first request it serves.
 */
final class ServletHolder extends RegistrationBase<Servlet> implements ServletRegistration.Dynamic, ServletConfig {

    private static final Logger log = LoggerFactory.getLogger(ServletHolder.class);

    private final List<String> mappings = new CopyOnWriteArrayList<>();
    private volatile int loadOnStartup = -1;
    private volatile MultipartConfigElement multipartConfig;
    private volatile String runAsRole;

    ServletHolder(MiniServletContext context, String name, Servlet instance) {
        super("Servlet", context, name, instance);
        readAnnotations();
    }

    ServletHolder(MiniServletContext context, String name, Class<? extends Servlet> servletClass) {
        super("Servlet", context, name, servletClass);
        readAnnotations();
    }

    // @MultipartConfig on the class applies to programmatic registrations too (as on Tomcat).
    private void readAnnotations() {
        MultipartConfig annotation = instanceClass.getAnnotation(MultipartConfig.class);
        if (annotation != null) {
            multipartConfig = new MultipartConfigElement(annotation);
        }
        jakarta.servlet.annotation.WebServlet webServlet = instanceClass.getAnnotation(jakarta.servlet.annotation.WebServlet.class);
        if (webServlet != null) {
            asyncSupported = webServlet.asyncSupported();
        }
    }

    @Override
    public Set<String> addMapping(String... urlPatterns) {
        if (urlPatterns == null || urlPatterns.length == 0) {
            throw new IllegalArgumentException("No URL patterns given");
        }
        context.checkNotStarted();
        return context.mapServlet(this, urlPatterns);
    }

    void addMappingUnchecked(String pattern) {
        mappings.add(pattern);
    }

    @Override
    public Collection<String> getMappings() {
        return new LinkedHashSet<>(mappings);
    }

    @Override
    public String getRunAsRole() {
        return runAsRole;
    }

    @Override
    public void setRunAsRole(String roleName) {
        this.runAsRole = roleName;
    }

    @Override
    public void setLoadOnStartup(int loadOnStartup) {
        context.checkNotStarted();
        this.loadOnStartup = loadOnStartup;
    }

    int loadOnStartup() {
        return loadOnStartup;
    }

    /**
     * Security constraints are not enforced by this container (no container authentication);
     * nothing is reported as conflicting. Said loudly, since the caller expects protection.
     */
    @Override
    public Set<String> setServletSecurity(ServletSecurityElement constraint) {
        if (constraint == null) {
            throw new IllegalArgumentException("constraint must not be null");
        }
        log.warn("Servlet '{}': security constraints are NOT enforced by minihttp; secure it in the application "
                + "(e.g. Spring Security)", name());
        return Set.of();
    }

    @Override
    public void setMultipartConfig(MultipartConfigElement multipartConfig) {
        if (multipartConfig == null) {
            throw new IllegalArgumentException("multipartConfig must not be null");
        }
        context.checkNotStarted();
        this.multipartConfig = multipartConfig;
    }

    MultipartConfigElement multipartConfig() {
        return multipartConfig;
    }

    // ServletConfig

    @Override
    public String getServletName() {
        return getName();
    }

    @Override
    void init(Servlet servlet) throws ServletException {
        servlet.init(this);
    }

    @Override
    void destroy(Servlet servlet) {
        servlet.destroy();
    }
}
