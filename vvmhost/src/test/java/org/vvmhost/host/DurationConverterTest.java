package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({"500ms, 500", "10s, 10000", "2m, 120000", "1h, 3600000", "PT10S, 10000", "pt1.5s, 1500",
        "' 3s ', 3000"})
    void readsUnitsAndIso8601(String text, long millis) {
        assertThat(converter.convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "ten seconds", "10 s", "10sec", "1d", "P1D", "PTxS", "--5s"})
    void rejectsWhatIsNotADurationWithTheAcceptedForms(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text.trim() + "' is not a duration; use a number with a unit: 500ms, 10s, 2m, 1h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5s", "0s", "0ms", "-1h", "PT0S", "PT-1S"})
    void rejectsDurationsThatAreNotAboveZero(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' must be above 0");
    }
}
