package org.robustify.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class StrategyOutcomeTest {
    private static TradeoffPoint p(long step, double validation) {
        return new TradeoffPoint(step, 0.5, 0.4, Double.NaN, validation, 1.0);
    }

    private static StrategyOutcome outcome(List<TradeoffPoint> points) {
        return new StrategyOutcome("s", 1, 2, points, null);
    }

    @Test
    void bestOnValidationIsTheHighestAndTheEarliestOnTies() {
        assertEquals(20, outcome(List.of(p(10, 0.5), p(20, 0.7), p(30, 0.7), p(40, 0.6))).bestOnValidation().step());
        assertEquals(10, outcome(List.of(p(10, 0.9), p(20, 0.7))).bestOnValidation().step());
        assertNull(outcome(List.of(p(10, Double.NaN), p(20, Double.NaN))).bestOnValidation(),
                "no hold-out (--val-fraction 0): nothing to choose by");
    }

    @Test
    void pointsSurviveTheirJson() {
        TradeoffPoint a = new TradeoffPoint(7, 0.25, 0.125, 0.3, Double.NaN, 2.0431);
        TradeoffPoint back = TradeoffPoint.fromJson(org.robustify.util.Json.MAPPER.valueToTree(a.asMap()));
        assertEquals(a, back);
    }
}
