package org.robustify.method;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many rows each head answered since the last reset. AVERAGE rows are counted apart: no single head answered.
 */
public record HeadRouting(long clean, long robust, long orig, long average) {

    public long total() {
        return clean + robust + orig + average;
    }

    public double fraction(long rows) {
        return total() == 0 ? 0 : rows / (double) total();
    }

    /** Counts and fractions, ready for a JSON report. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", total());
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("clean", clean);
        counts.put("robust", robust);
        counts.put("orig", orig);
        counts.put("average", average);
        Map<String, Double> fractions = new LinkedHashMap<>();
        counts.forEach((k, v) -> fractions.put(k, fraction(v)));
        out.put("counts", counts);
        out.put("fractions", fractions);
        return out;
    }
}
