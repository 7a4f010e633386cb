package dev.minihttp.http;

import java.time.LocalDate;

/** The IMF-fixdate format of the Date header (RFC 9110 section 5.6.7). */
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

    private static void twoDigits(char[] out, int at, int value) {
        out[at] = (char) ('0' + value / 10);
        out[at + 1] = (char) ('0' + value % 10);
    }
}
