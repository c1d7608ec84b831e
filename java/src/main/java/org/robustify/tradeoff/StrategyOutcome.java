package org.robustify.tradeoff;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** A finished strategy as read back from its result file: its label, parameter counts and logged points. */
record StrategyOutcome(String strategy, long trainable, long total, List<TradeoffPoint> points, JsonNode raw) {
    static StrategyOutcome of(JsonNode r) {
        List<TradeoffPoint> points = new ArrayList<>();
        for (JsonNode p : r.path("points")) {
            JsonNode c = p.path("corruption");
            points.add(new TradeoffPoint(p.path("step").asLong(), p.path("clean").asDouble(),
                    p.path("robust").asDouble(), c.isNumber() ? c.asDouble() : Double.NaN));
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
}
