package org.robustify.method;

import java.util.List;

import org.robustify.corrupt.Corruption;
import org.robustify.runtime.RobustifyException;

/**
 * What threshold calibration runs on and how it searches.
 *
 * @param corruptions validation corruptions applied to the held-out split (never the 15 benchmark corruptions:
 *                    calibrating on them would leak the test set into the method)
 * @param severities  severities 1..5 applied for each corruption
 * @param seed        corruption seed (results are keyed by (seed, dataset index), not by batching)
 * @param gridPoints  quantile candidates per threshold (then +inf is added)
 * @param batchSize   images per forward pass
 * @param mean        per-channel normalisation mean, [0, 1] units
 * @param std         per-channel normalisation std
 */
public record CalibrationOptions(List<Corruption> corruptions, List<Integer> severities, long seed, int gridPoints,
        int batchSize, float[] mean, float[] std) {

    public static final int DEFAULT_GRID_POINTS = 41;
    public static final int DEFAULT_BATCH_SIZE = 128;

    public CalibrationOptions {
        if (corruptions == null || corruptions.isEmpty()) {
            throw new RobustifyException("calibration needs at least one corruption");
        }
        for (Corruption c : corruptions) {
            if (c == null || !c.isValidation()) {
                throw new RobustifyException("calibration corruption '" + c + "' is not a validation corruption; "
                        + "use " + Corruption.validation() + " (the 15 benchmark corruptions are the test set)");
            }
        }
        if (severities == null || severities.isEmpty()) {
            throw new RobustifyException("calibration needs at least one severity (1..5)");
        }
        for (Integer s : severities) {
            if (s == null || s < Corruption.MIN_SEVERITY || s > Corruption.MAX_SEVERITY) {
                throw new RobustifyException("calibration severity " + s + " is outside 1..5");
            }
        }
        if (gridPoints < 2) {
            throw new RobustifyException("calibration grid points must be >= 2; got " + gridPoints);
        }
        if (batchSize < 1) {
            throw new RobustifyException("calibration batch size must be >= 1; got " + batchSize);
        }
        if (mean == null || std == null || mean.length != std.length || mean.length == 0) {
            throw new RobustifyException("calibration needs per-channel mean and std of the same length");
        }
        corruptions = List.copyOf(corruptions);
        severities = List.copyOf(severities);
    }

    /** The 4 validation corruptions at severities 1..5, seed 0, 41 quantile points, batches of 128. */
    public static CalibrationOptions defaults(float[] mean, float[] std) {
        return new CalibrationOptions(Corruption.validation(), List.of(1, 2, 3, 4, 5), 0, DEFAULT_GRID_POINTS,
                DEFAULT_BATCH_SIZE, mean, std);
    }

    public CalibrationOptions withSeverities(List<Integer> s) {
        return new CalibrationOptions(corruptions, s, seed, gridPoints, batchSize, mean, std);
    }

    public CalibrationOptions withSeed(long s) {
        return new CalibrationOptions(corruptions, severities, s, gridPoints, batchSize, mean, std);
    }

    public CalibrationOptions withGridPoints(int g) {
        return new CalibrationOptions(corruptions, severities, seed, g, batchSize, mean, std);
    }

    public CalibrationOptions withBatchSize(int b) {
        return new CalibrationOptions(corruptions, severities, seed, gridPoints, b, mean, std);
    }

    public CalibrationOptions withCorruptions(List<Corruption> c) {
        return new CalibrationOptions(c, severities, seed, gridPoints, batchSize, mean, std);
    }
}
