package org.robustify.tradeoff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.robustify.runtime.RobustifyException;

/**
 * Pareto frontiers of (clean, robust) accuracy, both maximised, and the study's area score (spec: tradeoff.md).
 *
 * <p><b>Frontier.</b> A point p dominates q when p.clean ≥ q.clean and p.robust ≥ q.robust with at least one strict.
 * The frontier is the set of non-dominated points (of equal (clean, robust) pairs only the earliest is kept),
 * ordered by clean accuracy ascending, hence robust accuracy strictly descending.
 *
 * <p><b>Area.</b> With the frontier c_1 &lt; ... &lt; c_k (robust r_1 &gt; ... &gt; r_k) and c_0 = 0, the step
 * function f(c) = max{ r_j : c_j ≥ c } for 0 ≤ c ≤ c_k and 0 above c_k (the best robust accuracy reachable at clean
 * accuracy at least c) has the integral over [0, 1]
 * <pre>  area = Σ_{j=1..k} (c_j − c_{j−1}) · r_j</pre>
 * i.e. the area of the part of the unit square the logged points dominate (hypervolume with reference (0, 0)). It is
 * at most 1, grows when any point moves up or right, and is 0 for an empty set.
 *
 * <p><b>Score.</b> For a set of strategies with areas a_s, score_s = a_s / mean(a) − 1 (the paper's "% above
 * average" as a fraction); undefined (an error) when every area is 0.
 */
public final class Pareto {
    private Pareto() {}

    public static List<TradeoffPoint> frontier(List<TradeoffPoint> points) {
        List<TradeoffPoint> sorted = new ArrayList<>(points);
        // Clean descending, robust descending for ties: a point is on the frontier iff its robust accuracy beats
        // every point seen before it (those have at least its clean accuracy). Stable sort keeps the earliest twin.
        sorted.sort(Comparator.comparingDouble(TradeoffPoint::clean).reversed()
                .thenComparing(Comparator.comparingDouble(TradeoffPoint::robust).reversed()));
        List<TradeoffPoint> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (TradeoffPoint p : sorted) {
            if (p.robust() > best) {
                front.add(p);
                best = p.robust();
            }
        }
        java.util.Collections.reverse(front);
        return front;
    }

    /** The integral of the frontier's step function over clean accuracy in [0, 1] (see the class comment). */
    public static double area(List<TradeoffPoint> points) {
        double area = 0;
        double previousClean = 0;
        for (TradeoffPoint p : frontier(points)) {
            area += (p.clean() - previousClean) * p.robust();
            previousClean = p.clean();
        }
        return area;
    }

    /** score_s = area_s / mean area − 1, in the map's order. */
    public static Map<String, Double> scores(Map<String, Double> areas) {
        if (areas.isEmpty()) {
            throw new RobustifyException("no areas to score");
        }
        double mean = areas.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (!(mean > 0)) {
            throw new RobustifyException("every Pareto area is 0: the % above average is undefined");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        areas.forEach((k, v) -> out.put(k, v / mean - 1));
        return out;
    }
}
