package org.robustify.tradeoff;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** A finished strategy as read back from its result file: its label, parameter counts and logged points. */
record StrategyOutcome(String strategy, long trainable, long total, List<TradeoffPoint> points, JsonNode raw) {
    static StrategyOutcome of(JsonNode r) {
        List<TradeoffPoint> points = new ArrayList<>();
        for (JsonNode p : r.path("points")) {
            points.add(TradeoffPoint.fromJson(p));
        }
        JsonNode params = r.path("parameters");
        return new StrategyOutcome(r.path("strategy").asText(), params.path("trainable_parameters").asLong(),
                params.path("total_parameters").asLong(), points, r);
    }

    List<TradeoffPoint> frontier() {
        return Pareto.frontier(points);
    }

    double area() {
        return Pareto.area(points);
    }

    /**
     * The point a user would keep when choosing by validation: the highest validation clean accuracy, the earliest
     * such step on ties (less training for the same validation score). Null without a validation hold-out.
     */
    TradeoffPoint bestOnValidation() {
        TradeoffPoint best = null;
        for (TradeoffPoint p : points) {
            if (!Double.isNaN(p.validation()) && (best == null || p.validation() > best.validation())) {
                best = p;
            }
        }
        return best;
    }
}
