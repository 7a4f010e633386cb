package dev.minihttp.boot.autoconfigure;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;
import org.springframework.core.env.Environment;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;

/**
 * Rejects a property value under the name it is written with in configuration
 * ({@code minihttp.queue-capacity}), with the value as written and where it was set.
 *
 * <p>Boot's bind-validation failure analysis prints {@code Property: <object>.<field>}; a plain
 * {@link Errors#rejectValue} would make that the Java field ({@code minihttp.queueCapacity}), which
 * is what Boot prints for a JSR-303 constraint too. A field error that carries its own origin keeps
 * the configuration's name and Boot's "Origin:" line.
 */
final class PropertyErrors {

    private final Errors errors;
    private final Environment environment;

    /** @param environment where values are looked up to say where they were set; null when unknown */
    PropertyErrors(Errors errors, Environment environment) {
        this.errors = errors;
        this.environment = environment;
    }

    /** @param property the full kebab-case name, e.g. {@code minihttp.queue-capacity} */
    void reject(String property, Object value, String code, String message) {
        String prefix = errors.getObjectName() + ".";
        String name = property.startsWith(prefix) ? property.substring(prefix.length()) : property;
        if (!(errors instanceof BindingResult result)) {
            errors.rejectValue(camelCase(name), code, message);
            return;
        }
        ConfigurationProperty source = find(property);
        Object rejected = source != null ? source.getValue() : value;
        result.addError(new OriginTrackedError(errors.getObjectName(), name, rejected,
                result.resolveMessageCodes(code, camelCase(name)), message, source != null ? source.getOrigin() : null));
    }

    private ConfigurationProperty find(String property) {
        if (environment == null || !ConfigurationPropertyName.isValid(property)) {
            return null;
        }
        ConfigurationPropertyName key = ConfigurationPropertyName.of(property);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty found = source.getConfigurationProperty(key);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String camelCase(String kebab) {
        StringBuilder field = new StringBuilder(kebab.length());
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                field.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return field.toString();
    }

    private static final class OriginTrackedError extends FieldError implements OriginProvider {

        private final transient Origin origin;

        OriginTrackedError(String objectName, String field, Object rejectedValue, String[] codes, String message,
                Origin origin) {
            super(objectName, field, rejectedValue, false, codes, null, message);
            this.origin = origin;
        }

        @Override
        public Origin getOrigin() {
            return origin;
        }
    }
}
