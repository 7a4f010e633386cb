package dev.minihttp.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletException;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One registered filter: registration data ({@link FilterRegistration.Dynamic}), the config handed
 * to {@code init}, and its lifecycle (every filter is initialised when the context starts).
 */
final class FilterHolder extends RegistrationBase<Filter> implements FilterRegistration.Dynamic, FilterConfig {

    FilterHolder(MiniServletContext context, String name, Filter instance) {
        super("Filter", context, name, instance);
        readAnnotations();
    }

    FilterHolder(MiniServletContext context, String name, Class<? extends Filter> filterClass) {
        super("Filter", context, name, filterClass);
        readAnnotations();
    }

    private void readAnnotations() {
        jakarta.servlet.annotation.WebFilter webFilter = instanceClass.getAnnotation(jakarta.servlet.annotation.WebFilter.class);
        if (webFilter != null) {
            asyncSupported = webFilter.asyncSupported();
        }
    }

    // Duplicates are harmless and allowed (Set.of would reject them); the order is kept.
    @Override
    public void addMappingForServletNames(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter, String... servletNames) {
        if (servletNames == null || servletNames.length == 0 || Arrays.asList(servletNames).contains(null)) {
            throw new IllegalArgumentException("No servlet names given, or a null one");
        }
        context.checkNotStarted();
        context.addFilterMapping(new FilterMapping(this, Set.of(), new LinkedHashSet<>(Arrays.asList(servletNames)),
                types(dispatcherTypes), isMatchAfter));
    }

    @Override
    public void addMappingForUrlPatterns(EnumSet<DispatcherType> dispatcherTypes, boolean isMatchAfter, String... urlPatterns) {
        if (urlPatterns == null || urlPatterns.length == 0 || Arrays.asList(urlPatterns).contains(null)) {
            throw new IllegalArgumentException("No URL patterns given, or a null one");
        }
        context.checkNotStarted();
        context.addFilterMapping(new FilterMapping(this, new LinkedHashSet<>(Arrays.asList(urlPatterns)), Set.of(),
                types(dispatcherTypes), isMatchAfter));
    }

    // A null set means REQUEST only (Servlet spec).
    private static Set<DispatcherType> types(EnumSet<DispatcherType> dispatcherTypes) {
        return dispatcherTypes == null || dispatcherTypes.isEmpty()
                ? EnumSet.of(DispatcherType.REQUEST) : EnumSet.copyOf(dispatcherTypes);
    }

    @Override
    public Collection<String> getServletNameMappings() {
        Set<String> names = new LinkedHashSet<>();
        context.filterMappings().stream().filter(m -> m.filter() == this).forEach(m -> names.addAll(m.servletNames()));
        return names;
    }

    @Override
    public Collection<String> getUrlPatternMappings() {
        Set<String> patterns = new LinkedHashSet<>();
        context.filterMappings().stream().filter(m -> m.filter() == this).forEach(m -> patterns.addAll(m.urlPatterns()));
        return patterns;
    }

    // FilterConfig

    @Override
    public String getFilterName() {
        return getName();
    }

    @Override
    void init(Filter filter) throws ServletException {
        filter.init(this);
    }

    @Override
    void destroy(Filter filter) {
        filter.destroy();
    }
}
