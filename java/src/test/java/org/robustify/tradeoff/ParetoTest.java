package org.robustify.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.robustify.runtime.RobustifyException;

class ParetoTest {
    private static TradeoffPoint p(double clean, double robust) {
        return TradeoffPoint.of(clean, robust);
    }

    @Test
    void frontierKeepsTheNonDominatedPointsByCleanAccuracy() {
        List<TradeoffPoint> pts = List.of(p(0.5, 0.4), p(0.8, 0.2), p(0.6, 0.3), p(0.4, 0.3), p(0.9, 0.1),
                p(0.8, 0.1), p(0.5, 0.4));
        List<TradeoffPoint> front = Pareto.frontier(pts);
        assertEquals(List.of(p(0.5, 0.4), p(0.6, 0.3), p(0.8, 0.2), p(0.9, 0.1)), front);
    }

    @Test
    void areaIsTheIntegralOfTheStepFunction() {
        // (0.5 - 0) * 0.4 + (0.6 - 0.5) * 0.3 + (0.8 - 0.6) * 0.2 + (0.9 - 0.8) * 0.1 = 0.2 + 0.03 + 0.04 + 0.01
        List<TradeoffPoint> pts = List.of(p(0.5, 0.4), p(0.8, 0.2), p(0.6, 0.3), p(0.4, 0.3), p(0.9, 0.1));
        assertEquals(0.28, Pareto.area(pts), 1e-12);
        assertEquals(0.28, Pareto.area(Pareto.frontier(pts)), 1e-12, "dominated points add nothing");
        assertEquals(0.0, Pareto.area(List.of()));
        assertEquals(1.0, Pareto.area(List.of(p(1, 1), p(0.3, 0.2))), 1e-12);
        assertEquals(0.5 * 0.5, Pareto.area(List.of(p(0.5, 0.5))), 1e-12);
        // A point that dominates the whole set alone decides the area.
        assertEquals(0.95 * 0.45, Pareto.area(List.of(p(0.9, 0.1), p(0.95, 0.45), p(0.2, 0.4))), 1e-12);
    }

    @Test
    void scoresAreRelativeToTheMeanArea() {
        Map<String, Double> areas = new LinkedHashMap<>();
        areas.put("a", 0.3);
        areas.put("b", 0.1);
        areas.put("c", 0.2);
        Map<String, Double> s = Pareto.scores(areas);
        assertEquals(0.5, s.get("a"), 1e-12);
        assertEquals(-0.5, s.get("b"), 1e-12);
        assertEquals(0.0, s.get("c"), 1e-12);
        assertThrows(RobustifyException.class, () -> Pareto.scores(Map.of("a", 0.0)));
    }

    @Test
    void accuraciesOutsideTheUnitIntervalAreRefused() {
        assertThrows(RobustifyException.class, () -> p(1.2, 0.1));
        assertThrows(RobustifyException.class, () -> p(0.5, Double.NaN));
    }
}
