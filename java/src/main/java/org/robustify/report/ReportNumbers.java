package org.robustify.report;

import java.math.BigDecimal;
import java.math.MathContext;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How the report prints a JSON number: integers in full, other numbers to 6 significant digits without trailing
 * zeros (enough to tell results apart, few enough to read), plain notation unless the magnitude needs an exponent.
 */
public final class ReportNumbers {
    private static final MathContext DIGITS = new MathContext(6);

    private ReportNumbers() {}

    public static String format(JsonNode number) {
        if (!number.isNumber()) {
            throw new IllegalArgumentException("not a JSON number: " + number);
        }
        if (number.isIntegralNumber()) {
            return number.bigIntegerValue().toString();
        }
        return format(number.doubleValue());
    }

    public static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(DIGITS).stripTrailingZeros();
        double magnitude = Math.abs(value);
        return magnitude >= 1e-4 && magnitude < 1e12 ? rounded.toPlainString() : rounded.toString();
    }
}
