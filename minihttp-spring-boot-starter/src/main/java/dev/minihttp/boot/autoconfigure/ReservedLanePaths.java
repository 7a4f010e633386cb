package dev.minihttp.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Where Boot serves the health endpoint on the application's own port, as reserved-lane path
 * patterns relative to the context path (the factory adds it): {@code minihttp.reserved-lane.paths}'
 * default. Read from the same properties Boot's actuator reads, without needing the actuator on
 * the classpath:
 * <ul>
 * <li>the health endpoint and its groups ({@code liveness}, {@code readiness}, and any other),
 *     under the DispatcherServlet path, {@code management.endpoints.web.base-path} and
 *     {@code management.endpoints.web.path-mapping.health} — only when the actuator runs on the
 *     main port (no {@code management.server.port} of its own);</li>
 * <li>the additional paths health groups get on the main port whatever the management port:
 *     {@code /livez} and {@code /readyz} with {@code management.endpoint.health.probes.add-additional-paths},
 *     and each {@code management.endpoint.health.group.<name>.additional-path} of the form {@code server:/path}.</li>
 * </ul>
 */
final class ReservedLanePaths {

    private static final String HEALTH_ENDPOINT = "org.springframework.boot.health.actuate.endpoint.HealthEndpoint";
    private static final String SERVER_NAMESPACE = "server:";

    private ReservedLanePaths() {
    }

    /** The health paths on the main port, or none when the application has no health endpoint. */
    static List<String> defaults(Environment environment, ClassLoader classLoader) {
        if (!ClassUtils.isPresent(HEALTH_ENDPOINT, classLoader)) {
            return List.of();
        }
        String servletPath = withoutTrailingSlash(environment.getProperty("spring.mvc.servlet.path", "/"));
        Set<String> paths = new LinkedHashSet<>();
        if (actuatorOnMainPort(environment)) {
            String basePath = withoutTrailingSlash(environment.getProperty("management.endpoints.web.base-path", "/actuator"));
            String health = environment.getProperty("management.endpoints.web.path-mapping.health", "health");
            addWithSubPaths(paths, servletPath + basePath + withLeadingSlash(health));
        }
        Map<String, Group> groups = Binder.get(environment)
                .bind("management.endpoint.health.group", Bindable.mapOf(String.class, Group.class))
                .orElse(Map.of());
        boolean probePaths = environment.getProperty("management.endpoint.health.probes.add-additional-paths",
                Boolean.class, false);
        for (Map.Entry<String, Group> group : groups.entrySet()) {
            String additional = group.getValue().getAdditionalPath();
            if (additional != null && additional.startsWith(SERVER_NAMESPACE)) {
                addWithSubPaths(paths, servletPath + withLeadingSlash(additional.substring(SERVER_NAMESPACE.length())));
            }
        }
        if (probePaths) {
            // Boot gives the probe groups these only when the group has no additional path of its own.
            if (!hasAdditionalPath(groups, "liveness")) {
                addWithSubPaths(paths, servletPath + "/livez");
            }
            if (!hasAdditionalPath(groups, "readiness")) {
                addWithSubPaths(paths, servletPath + "/readyz");
            }
        }
        return new ArrayList<>(paths);
    }

    /**
     * Boot's rule: the actuator shares the main port unless {@code management.server.port} names
     * another one (a negative one turns the management endpoints off over HTTP).
     */
    private static boolean actuatorOnMainPort(Environment environment) {
        Integer managementPort = environment.getProperty("management.server.port", Integer.class);
        if (managementPort == null) {
            return true;
        }
        if (managementPort < 0) {
            return false;
        }
        Integer serverPort = environment.getProperty("server.port", Integer.class);
        return serverPort == null ? managementPort == 8080 : managementPort != 0 && managementPort.equals(serverPort);
    }

    private static boolean hasAdditionalPath(Map<String, Group> groups, String name) {
        Group group = groups.get(name);
        return group != null && group.getAdditionalPath() != null;
    }

    /** The path itself and everything below it: a health group, or a component of one ({@code /health/db}). */
    private static void addWithSubPaths(Set<String> paths, String path) {
        String clean = path.isEmpty() ? "/" : path;
        paths.add(clean);
        paths.add(clean.equals("/") ? "/**" : clean + "/**");
    }

    private static String withLeadingSlash(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    private static String withoutTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The one property of a health group this class needs; Boot's binder ignores the others. */
    public static final class Group {

        private String additionalPath;

        public String getAdditionalPath() {
            return additionalPath;
        }

        public void setAdditionalPath(String additionalPath) {
            this.additionalPath = additionalPath;
        }
    }
}
