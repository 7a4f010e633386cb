package dev.minihttp.servlet.springapp;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.filter.CharacterEncodingFilter;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * An ordinary Spring MVC application (no Spring Boot), set up the way a Servlet initializer
 * would: DispatcherServlet on "/", a character encoding filter, and two filters that record the
 * dispatches they see in an {@code X-Filters} response header.
 */
public final class SpringTestApp {

    private SpringTestApp() {
    }

    @Configuration
    @EnableWebMvc
    public static class WebConfig implements WebMvcConfigurer {

        @Override
        public void addResourceHandlers(ResourceHandlerRegistry registry) {
            registry.addResourceHandler("/static/**").addResourceLocations("classpath:/static/");
        }

        @Override
        public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
            configurer.setTaskExecutor(new SimpleAsyncTaskExecutor("mvc-async-"));
            configurer.setDefaultTimeout(20_000);
        }

        @Bean
        public MultipartResolver multipartResolver() {
            return new StandardServletMultipartResolver();
        }

        @Bean
        public ApiController apiController() {
            return new ApiController();
        }

        @Bean
        public AsyncController asyncController() {
            return new AsyncController();
        }

        @Bean
        public ErrorController errorController() {
            return new ErrorController();
        }
    }

    /** Appends "name:DISPATCHER_TYPE" to X-Filters on the way in. */
    public static final class RecordingFilter extends HttpFilter {
        private final String name;

        public RecordingFilter(String name) {
            this.name = name;
        }

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            response.addHeader("X-Filters", name + ":" + request.getDispatcherType());
            chain.doFilter(request, response);
        }
    }

    /** What a ServletContainerInitializer (or Spring Boot) would register. */
    public static void register(ServletContext context, Path uploadDir) {
        AnnotationConfigWebApplicationContext app = new AnnotationConfigWebApplicationContext();
        app.register(WebConfig.class);
        DispatcherServlet dispatcher = new DispatcherServlet(app);
        ServletRegistration.Dynamic servlet = context.addServlet("dispatcher", dispatcher);
        servlet.addMapping("/");
        servlet.setLoadOnStartup(1);
        servlet.setAsyncSupported(true);
        // Files above 1 KiB go to disk; 1 MiB per file, 2 MiB per request.
        servlet.setMultipartConfig(new MultipartConfigElement(uploadDir.toString(), 1024 * 1024, 2 * 1024 * 1024, 1024));

        CharacterEncodingFilter encoding = new CharacterEncodingFilter("UTF-8", true);
        FilterRegistration.Dynamic encodingFilter = context.addFilter("characterEncoding", encoding);
        encodingFilter.setAsyncSupported(true);
        encodingFilter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");

        FilterRegistration.Dynamic first = context.addFilter("first", new RecordingFilter("first"));
        first.setAsyncSupported(true);
        first.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD), false, "/api/*");

        // Mapped by servlet name: runs after every URL-pattern filter although registered before "errors".
        FilterRegistration.Dynamic second = context.addFilter("second", new RecordingFilter("second"));
        second.setAsyncSupported(true);
        second.addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST), false, "dispatcher");

        FilterRegistration.Dynamic errors = context.addFilter("errors", new RecordingFilter("errors"));
        errors.setAsyncSupported(true);
        errors.addMappingForUrlPatterns(EnumSet.of(DispatcherType.ERROR, DispatcherType.INCLUDE), true, "/*");
    }
}
