package org.robustify.tradeoff;

import java.util.LinkedHashMap;
import java.util.Map;

import org.robustify.runtime.RobustifyException;

/**
 * One logged evaluation during fine-tuning: the optimiser step it followed; clean and robust (PGD) test accuracy in
 * [0, 1]; the corruption-suite mean accuracy; clean accuracy on the held-out validation images (the one number a
 * user may pick a checkpoint by); and the mean training loss over the steps since the previous point. NaN: not
 * measured.
 */
public record TradeoffPoint(long step, double clean, double robust, double corruption, double validation,
        double trainLoss) {
    public TradeoffPoint {
        unit("clean", clean);
        unit("robust", robust);
        if (!Double.isNaN(corruption)) {
            unit("corruption", corruption);
        }
        if (!Double.isNaN(validation)) {
            unit("validation", validation);
        }
    }

    public static TradeoffPoint of(double clean, double robust) {
        return new TradeoffPoint(0, clean, robust, Double.NaN, Double.NaN, Double.NaN);
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
        m.put("corruption", nullIfNaN(corruption));
        m.put("validation", nullIfNaN(validation));
        m.put("train_loss", nullIfNaN(trainLoss));
        return m;
    }

    /** The inverse of {@link #asMap} (JSON null or absent: NaN). */
    static TradeoffPoint fromJson(com.fasterxml.jackson.databind.JsonNode p) {
        return new TradeoffPoint(p.path("step").asLong(), p.path("clean").asDouble(), p.path("robust").asDouble(),
                number(p.path("corruption")), number(p.path("validation")), number(p.path("train_loss")));
    }

    private static double number(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static Object nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
