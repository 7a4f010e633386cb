package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A context given no document root still answers {@code getResource("/")}, as Tomcat and Jetty
 * do under Spring Boot (which hands them a temporary docbase): with an empty directory of its
 * own, removed when the context stops. Missing resources stay missing.
 */
class ResourcesWithoutDocumentRootTest {

    @Test
    void theRootIsAnEmptyDirectoryAndMissingResourcesStayNull() throws Exception {
        String[] rootSeen = new String[1];
        ServletContainer container = new ServletContainer("/app").registerDefaultServlet(true);
        container.addInitializer((classes, context) -> context.addServlet("probe", new LambdaServlet((req, res) -> {
            var ctx = req.getServletContext();
            URL root = ctx.getResource("/");
            rootSeen[0] = root == null ? null : root.toString();
            Path directory = root == null ? null : Path.of(java.net.URI.create(root.toString()));
            res.getWriter().print("root=" + (directory != null && Files.isDirectory(directory))
                    + " empty=" + (directory != null && Files.list(directory).findAny().isEmpty())
                    + " realPath=" + (directory != null && directory.toString().equals(trimSlash(ctx.getRealPath("/"))))
                    + " missing=" + ctx.getResource("/missing.txt")
                    + " stream=" + ctx.getResourceAsStream("/")
                    + " paths=" + ctx.getResourcePaths("/")
                    + " classpath=" + (ctx.getResource("/assets/page.html") != null));
        })).addMapping("/probe"));
        try (ServletTestServer server = new ServletTestServer(container)) {
            assertThat(server.get("/app/probe").body()).isEqualTo(
                    "root=true empty=true realPath=true missing=null stream=null paths=null classpath=true");
            // The default servlet serves nothing from it, and still serves META-INF/resources.
            assertThat(server.get("/app/").statusCode()).isEqualTo(404);
            assertThat(server.get("/app/assets/page.html").statusCode()).isEqualTo(200);
        }
        assertThat(Files.exists(Path.of(new URL(rootSeen[0]).toURI()))).as("deleted at stop").isFalse();
    }

    private static String trimSlash(String path) {
        return path != null && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Test
    void theRootAnswersWhenNoJarHasMetaInfResourcesEither() throws Exception {
        // A class loader that sees no META-INF/resources at all, as in most Spring Boot apps.
        ClassLoader bare = new java.net.URLClassLoader(new URL[0], null);
        ServletContainer container = new ServletContainer("", bare);
        container.addInitializer((classes, context) -> context.addServlet("probe", new LambdaServlet((req, res) -> {
            URL root = req.getServletContext().getResource("/");
            res.getWriter().print(root == null ? "null" : root.getProtocol() + " "
                    + Files.isDirectory(Path.of(java.net.URI.create(root.toString()))));
        })).addMapping("/probe"));
        try (ServletTestServer server = new ServletTestServer(container)) {
            assertThat(server.get("/probe").body()).isEqualTo("file true");
        }
    }
}
