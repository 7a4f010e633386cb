package dev.minihttp.http;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * HTTP dates (RFC 9110 section 5.6.7): every date the server writes (Date, Last-Modified,
 * Expires, a cookie's Expires) is IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}, with a
 * two-digit day; every date it reads may also be in the two obsolete formats recipients must
 * accept. One class for both, so that no caller picks a JDK formatter that differs (the JDK's
 * {@code RFC_1123_DATE_TIME} writes {@code Sun, 6 Nov 1994}, which is not IMF-fixdate).
 */
public final class HttpDate {

    private static final String[] DAY_NAMES = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTH_NAMES = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };
    private static final long SECONDS_PER_DAY = 86_400;
    /** 1970-01-01 was a Thursday, index 3 of {@link #DAY_NAMES}. */
    private static final int EPOCH_DAY_OF_WEEK = 3;
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years that four digits can hold. */
    private static final long MIN_SECOND = -62_167_219_200L;
    private static final long MAX_SECOND = 253_402_300_799L;

    private static final SecondCache CACHE = new SecondCache();

    private HttpDate() {
    }

    /**
     * The current time formatted for the Date header, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}.
     * Cached per second: this is called for every response.
     */
    public static String now() {
        return CACHE.format(System.currentTimeMillis());
    }

    /**
     * Remembers the text of the last second formatted. Racing threads may both format the same
     * second; the results are equal, so the last write winning is harmless and no lock is needed.
     */
    static final class SecondCache {

        /** One immutable pair, so that a reader never sees the second of one update and the text of another. */
        private record Entry(long epochSecond, String text) {
        }

        private volatile Entry last = new Entry(Long.MIN_VALUE, "");

        String format(long epochMillis) {
            long second = Math.floorDiv(epochMillis, 1000);
            Entry entry = last;
            if (entry.epochSecond() == second) {
                return entry.text();
            }
            String text = HttpDate.format(epochMillis);
            last = new Entry(second, text);
            return text;
        }
    }

    /**
     * Formats epoch milliseconds.
     *
     * @throws IllegalArgumentException for a year outside 0000..9999, which IMF-fixdate cannot hold
     */
    public static String format(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second < MIN_SECOND || second > MAX_SECOND) {
            throw new IllegalArgumentException("Out of range for an HTTP date: " + epochMillis);
        }
        long epochDay = Math.floorDiv(second, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(second, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int year = date.getYear();
        char[] out = new char[29];
        DAY_NAMES[(int) Math.floorMod(epochDay + EPOCH_DAY_OF_WEEK, 7)].getChars(0, 3, out, 0);
        out[3] = ',';
        out[4] = ' ';
        twoDigits(out, 5, date.getDayOfMonth());
        out[7] = ' ';
        MONTH_NAMES[date.getMonthValue() - 1].getChars(0, 3, out, 8);
        out[11] = ' ';
        twoDigits(out, 12, year / 100);
        twoDigits(out, 14, year % 100);
        out[16] = ' ';
        twoDigits(out, 17, secondOfDay / 3600);
        out[19] = ':';
        twoDigits(out, 20, secondOfDay / 60 % 60);
        out[22] = ':';
        twoDigits(out, 23, secondOfDay % 60);
        " GMT".getChars(0, 4, out, 25);
        return new String(out);
    }

    /**
     * Formats epoch milliseconds, writing a date beyond what IMF-fixdate can hold as the nearest
     * one it can: an application's {@code setDateHeader(name, Long.MAX_VALUE)} ("never expires")
     * must not fail its request.
     */
    public static String formatClamped(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        return format(Math.max(MIN_SECOND, Math.min(MAX_SECOND, second)) * 1000);
    }

    /**
     * Parses an HTTP-date in any of the three formats of RFC 9110 5.6.7: IMF-fixdate
     * ({@code Sun, 06 Nov 1994 08:49:37 GMT}, a one-digit day accepted too), the obsolete RFC 850
     * form ({@code Sunday, 06-Nov-94 08:49:37 GMT}; a two-digit year more than 50 years ahead is
     * taken as the past one, as the RFC says) and asctime ({@code Sun Nov  6 08:49:37 1994}).
     * The day name is checked to be one but not against the date, as lenient as other servers.
     *
     * @return epoch milliseconds
     * @throws IllegalArgumentException when the text is none of them
     */
    public static long parse(String text) {
        String[] tokens = text.trim().split("[ \\t]+");
        try {
            if (tokens.length == 6 && tokens[0].endsWith(",") && tokens[5].equals("GMT")) {
                // IMF-fixdate: day-name "," SP day SP month SP year SP time SP "GMT"
                checkDayName(tokens[0].substring(0, tokens[0].length() - 1), false);
                return epochMillis(number(tokens[3], 4, 4), month(tokens[2]), number(tokens[1], 1, 2), tokens[4]);
            }
            if (tokens.length == 4 && tokens[0].endsWith(",") && tokens[3].equals("GMT")) {
                // rfc850-date: day-name-l "," SP day "-" month "-" 2DIGIT SP time SP "GMT"
                checkDayName(tokens[0].substring(0, tokens[0].length() - 1), true);
                String[] date = tokens[1].split("-", -1);
                if (date.length == 3) {
                    return epochMillis(fourDigitYear(number(date[2], 2, 2)), month(date[1]), number(date[0], 2, 2), tokens[2]);
                }
            }
            if (tokens.length == 5) {
                // asctime-date: day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time SP year
                checkDayName(tokens[0], false);
                return epochMillis(number(tokens[4], 4, 4), month(tokens[1]), number(tokens[2], 1, 2), tokens[3]);
            }
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("Not an HTTP date: " + text, e);
        }
        throw new IllegalArgumentException("Not an HTTP date: " + text);
    }

    private static final String[] LONG_DAY_NAMES = {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
    };

    private static void checkDayName(String name, boolean longForm) {
        for (String day : longForm ? LONG_DAY_NAMES : DAY_NAMES) {
            if (day.equalsIgnoreCase(name)) {
                return;
            }
        }
        throw new DateTimeException("not a day name: " + name);
    }

    private static int month(String name) {
        for (int i = 0; i < MONTH_NAMES.length; i++) {
            if (MONTH_NAMES[i].equalsIgnoreCase(name)) {
                return i + 1;
            }
        }
        throw new DateTimeException("not a month name: " + name);
    }

    private static int number(String digits, int minLength, int maxLength) {
        if (digits.length() < minLength || digits.length() > maxLength) {
            throw new DateTimeException("not " + minLength + " to " + maxLength + " digits: " + digits);
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateTimeException("not a number: " + digits);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int fourDigitYear(int twoDigits) {
        int thisYear = LocalDate.now(ZoneOffset.UTC).getYear();
        int year = thisYear - Math.floorMod(thisYear, 100) + twoDigits;
        return year > thisYear + 50 ? year - 100 : year;
    }

    /** time-of-day = hour ":" minute ":" second, two digits each; second 60 (a leap second) is allowed. */
    private static long epochMillis(int year, int month, int day, String time) {
        String[] parts = time.split(":", -1);
        if (parts.length != 3) {
            throw new DateTimeException("not a time of day: " + time);
        }
        int hour = number(parts[0], 2, 2);
        int minute = number(parts[1], 2, 2);
        int second = number(parts[2], 2, 2);
        if (hour > 23 || minute > 59 || second > 60) {
            throw new DateTimeException("not a time of day: " + time);
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return (epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second) * 1000;
    }

    private static void twoDigits(char[] out, int at, int value) {
        out[at] = (char) ('0' + value / 10);
        out[at + 1] = (char) ('0' + value % 10);
    }
}
