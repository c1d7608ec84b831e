package org.robustify.peft;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a {@link Strategy} left trainable: element counts after injection (total includes injected modules). */
public record PeftReport(String strategy, String architecture, long trainable, long total, long injected) {
    public double trainableFraction() {
        return total == 0 ? 0 : trainable / (double) total;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", strategy);
        m.put("architecture", architecture);
        m.put("trainable_parameters", trainable);
        m.put("total_parameters", total);
        m.put("injected_parameters", injected);
        m.put("trainable_percent", 100 * trainableFraction());
        return m;
    }
}
