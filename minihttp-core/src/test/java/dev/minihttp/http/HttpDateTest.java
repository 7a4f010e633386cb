package dev.minihttp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpDateTest {

    /** IMF-fixdate spelled out as a pattern: unlike RFC_1123_DATE_TIME it pads the day. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "784111777000|Sun, 06 Nov 1994 08:49:37 GMT",
        "784111777999|Sun, 06 Nov 1994 08:49:37 GMT",
        "0|Thu, 01 Jan 1970 00:00:00 GMT",
        "-1|Wed, 31 Dec 1969 23:59:59 GMT",
        "951782400000|Tue, 29 Feb 2000 00:00:00 GMT",
        "1709251199000|Thu, 29 Feb 2024 23:59:59 GMT",
        "253402300799000|Fri, 31 Dec 9999 23:59:59 GMT",
        "-62167219200000|Sat, 01 Jan 0000 00:00:00 GMT",
    })
    void formatsImfFixdate(long millis, String expected) {
        assertThat(HttpDate.format(millis)).isEqualTo(expected);
    }

    @Test
    void agreesWithTheJdkOverManyInstants() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(-2_000_000_000_000L, 4_000_000_000_000L);
            assertThat(HttpDate.format(millis)).isEqualTo(IMF_FIXDATE.format(Instant.ofEpochMilli(millis)));
        }
        for (long day = 0; day < 366 * 4; day++) {
            long millis = day * 86_400_000L + 12_345_678L;
            assertThat(HttpDate.format(millis)).isEqualTo(IMF_FIXDATE.format(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void yearsOutsideFourDigitsAreRefused() {
        assertThatThrownBy(() -> HttpDate.format(253402300800000L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpDate.format(-62167219200001L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpDate.format(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpDate.format(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cachesOneTextPerSecond() {
        HttpDate.SecondCache cache = new HttpDate.SecondCache();
        String first = cache.format(784111777000L);
        assertThat(cache.format(784111777999L)).isSameAs(first);
        String next = cache.format(784111778000L);
        assertThat(next).isEqualTo("Sun, 06 Nov 1994 08:49:38 GMT");
        assertThat(cache.format(784111777500L)).isEqualTo(first);
    }

    @Test
    void nowIsAParsableCurrentDate() {
        String now = HttpDate.now();
        assertThat(now).matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT");
        ZonedDateTime parsed = ZonedDateTime.parse(now, DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(parsed.getYear()).isGreaterThanOrEqualTo(2024);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Sun, 06 Nov 1994 08:49:37 GMT|784111777000",
        "Sun, 6 Nov 1994 08:49:37 GMT|784111777000",
        "Sunday, 06-Nov-94 08:49:37 GMT|784111777000",
        "Sun Nov  6 08:49:37 1994|784111777000",
        "Sun Nov 06 08:49:37 1994|784111777000",
        "  sun, 06 nov 1994 08:49:37 GMT |784111777000",
        "Thu, 01 Jan 1970 00:00:00 GMT|0",
        "Fri, 31 Dec 9999 23:59:59 GMT|253402300799000",
    })
    void parsesTheThreeFormatsRecipientsMustAccept(String text, long millis) {
        assertThat(HttpDate.parse(text)).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 31 Feb 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94", "Sun, 06 Nov 1994 08:49:37 GMT trailing",
    })
    void refusesWhatIsNoHttpDate(String text) {
        assertThatThrownBy(() -> HttpDate.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anRfc850YearMoreThanFiftyYearsAheadIsInThePast() {
        int thisYear = java.time.LocalDate.now(ZoneOffset.UTC).getYear();
        int ahead = thisYear + 51;
        long parsed = HttpDate.parse(String.format("Monday, 01-Jan-%02d 00:00:00 GMT", ahead % 100));
        assertThat(ZonedDateTime.ofInstant(Instant.ofEpochMilli(parsed), ZoneOffset.UTC).getYear()).isEqualTo(ahead - 100);
        long near = HttpDate.parse(String.format("Monday, 01-Jan-%02d 00:00:00 GMT", (thisYear + 1) % 100));
        assertThat(ZonedDateTime.ofInstant(Instant.ofEpochMilli(near), ZoneOffset.UTC).getYear()).isEqualTo(thisYear + 1);
    }

    @Test
    void parseReadsWhatFormatWrites() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            assertThat(HttpDate.parse(HttpDate.format(seconds * 1000))).isEqualTo(seconds * 1000);
        }
    }

    @Test
    void formatClampedWritesTheNearestDateImfFixdateCanHold() {
        assertThat(HttpDate.formatClamped(Long.MAX_VALUE)).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
        assertThat(HttpDate.formatClamped(Long.MIN_VALUE)).isEqualTo("Sat, 01 Jan 0000 00:00:00 GMT");
        assertThat(HttpDate.formatClamped(784111777000L)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
