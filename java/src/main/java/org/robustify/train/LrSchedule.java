package org.robustify.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.robustify.runtime.RobustifyException;

/**
 * Learning rate as a pure function of the global step (0-based index of the update about to happen), so the
 * scheduler's whole position is the step count: a resumed run recomputes it instead of restoring hidden state.
 *
 * <ul>
 * <li>{@code constant}: the base rate (after the optional linear warm-up);</li>
 * <li>{@code cosine}: linear warm-up from base/warmup to base over {@code warmupSteps}, then half a cosine from base
 * to 0 at {@code totalSteps} (timm/HF "cosine with warmup"; min lr 0).</li>
 * </ul>
 */
public record LrSchedule(String kind, double baseLr, long warmupSteps, long totalSteps) {
    public static final String CONSTANT = "constant";
    public static final String COSINE = "cosine";

    public LrSchedule {
        if (!CONSTANT.equals(kind) && !COSINE.equals(kind)) {
            throw new RobustifyException("unknown --schedule '" + kind + "'; use '" + CONSTANT + "' or '" + COSINE
                    + "'");
        }
        if (warmupSteps < 0) {
            throw new RobustifyException("--warmup-steps must be >= 0; got " + warmupSteps);
        }
        if (COSINE.equals(kind) && totalSteps <= warmupSteps) {
            throw new RobustifyException(String.format(Locale.ROOT, "cosine schedule: %d total steps leave nothing "
                    + "after %d warm-up steps; lower --warmup-steps", totalSteps, warmupSteps));
        }
    }

    public double lr(long step) {
        if (step < warmupSteps) {
            return baseLr * (step + 1) / warmupSteps;
        }
        if (CONSTANT.equals(kind)) {
            return baseLr;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) (totalSteps - warmupSteps));
        return baseLr * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    public Map<String, Object> describe(long position) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("base_lr", baseLr);
        m.put("warmup_steps", warmupSteps);
        m.put("total_steps", totalSteps);
        m.put("position", position);
        m.put("next_lr", lr(position));
        return m;
    }
}
