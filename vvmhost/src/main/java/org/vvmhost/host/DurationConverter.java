package org.vvmhost.host;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration above 0: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. ISO-8601 ({@code PT10S}) is read too,
 * for configurations written that way, but messages speak only of the short forms.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern WITH_UNIT = Pattern.compile("(-?\\d{1,12})(ms|s|m|h)");
    private static final String EXPECTED = "use a number with a unit: 500ms, 10s, 2m, 1h";

    @Override
    public Duration convert(String value) {
        String text = value.trim();
        Duration duration = parse(text);
        if (duration.isNegative() || duration.isZero()) {
            throw new TypeConversionException("'" + text + "' must be above 0");
        }
        return duration;
    }

    private static Duration parse(String text) {
        Matcher matcher = WITH_UNIT.matcher(text);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                default:
                    return Duration.ofHours(amount);
            }
        }
        if (text.toUpperCase(Locale.ROOT).startsWith("PT")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + text + "' is not a duration; " + EXPECTED);
            }
        }
        throw new TypeConversionException("'" + text + "' is not a duration; " + EXPECTED);
    }
}
