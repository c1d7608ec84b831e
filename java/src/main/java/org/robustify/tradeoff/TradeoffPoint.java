package org.robustify.tradeoff;

import java.util.LinkedHashMap;
import java.util.Map;

import org.robustify.runtime.RobustifyException;

/**
 * One logged evaluation during fine-tuning: the optimiser step it followed, clean and robust (PGD) accuracy in
 * [0, 1], and the corruption-suite mean accuracy (NaN when not measured).
 */
public record TradeoffPoint(long step, double clean, double robust, double corruption) {
    public TradeoffPoint {
        unit("clean", clean);
        unit("robust", robust);
        if (!Double.isNaN(corruption)) {
            unit("corruption", corruption);
        }
    }

    public static TradeoffPoint of(double clean, double robust) {
        return new TradeoffPoint(0, clean, robust, Double.NaN);
    }

    private static void unit(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new RobustifyException(name + " accuracy must lie in [0, 1]; got " + v);
        }
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("clean", clean);
        m.put("robust", robust);
        m.put("corruption", Double.isNaN(corruption) ? null : corruption);
        return m;
    }
}
