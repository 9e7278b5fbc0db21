package dev.portrait.core.clean;

/**
 * Recognises strings that look like payment card numbers: 13-19 digits, optionally grouped by
 * single spaces or dashes, passing the Luhn check.
 *
 * <p>One in ten random digit strings passes Luhn, so numeric ids would be redacted far too often
 * without a further filter. Card numbers start with a major industry identifier of 2-6 (2 and 5
 * Mastercard, 3 Amex/JCB/Diners, 4 Visa, 6 Discover/UnionPay/Maestro), while the most common long
 * numeric strings in events, epoch milliseconds and microseconds, start with 1; requiring 2-6 keeps
 * those intact.
 */
final class CardNumbers {
    private static final int MIN_DIGITS = 13;
    private static final int MAX_DIGITS = 19;
    private static final int MAX_CHARS = MAX_DIGITS * 2 - 1;

    private CardNumbers() {
    }

    static boolean looksLikeCardNumber(String s) {
        int n = s.length();
        if (n < MIN_DIGITS || n > MAX_CHARS) {
            return false;
        }
        char first = s.charAt(0);
        if (first < '2' || first > '6') {
            return false;
        }
        int digits = 0;
        int sum = 0;
        boolean doubled = false;
        for (int i = n - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                int d = c - '0';
                if (doubled) {
                    d *= 2;
                    if (d > 9) {
                        d -= 9;
                    }
                }
                sum += d;
                doubled = !doubled;
                digits++;
            } else if (c == ' ' || c == '-') {
                char next = s.charAt(i + 1 < n ? i + 1 : i);
                if (i == n - 1 || next == ' ' || next == '-') {
                    return false;
                }
            } else {
                return false;
            }
        }
        return digits >= MIN_DIGITS && digits <= MAX_DIGITS && sum % 10 == 0;
    }
}
