package org.robustify.method;

import org.robustify.runtime.RobustifyException;

/**
 * Per-row results of one pass over the calibration data, on the Java heap: the routing signals (float32, as
 * {@link HeadSignals} computed them), whether each head's argmax was right, and which split the row belongs to.
 * {@link #evaluate} replays SELECT for any threshold pair without running the model again.
 */
public record CalibrationRows(float[] uncertainty, float[] divergence, boolean[] cleanCorrect,
        boolean[] robustCorrect, boolean[] corrupted) {

    /** Counts of one threshold pair; accuracies are per split. */
    public record Outcome(long cleanRows, long corruptedRows, long correctOnClean, long correctOnCorrupted,
            long robustOnClean, long robustOnCorrupted) {
        public double cleanAccuracy() {
            return cleanRows == 0 ? 0 : correctOnClean / (double) cleanRows;
        }

        public double corruptedAccuracy() {
            return corruptedRows == 0 ? 0 : correctOnCorrupted / (double) corruptedRows;
        }

        /** The calibration objective: the mean of the two split accuracies. */
        public double objective() {
            return (cleanAccuracy() + corruptedAccuracy()) / 2;
        }

        public long robustRows() {
            return robustOnClean + robustOnCorrupted;
        }

        public Thresholds.Accuracies accuracies() {
            return new Thresholds.Accuracies(cleanAccuracy(), corruptedAccuracy());
        }

        public Thresholds.Accuracies robustFractions() {
            return new Thresholds.Accuracies(cleanRows == 0 ? 0 : robustOnClean / (double) cleanRows,
                    corruptedRows == 0 ? 0 : robustOnCorrupted / (double) corruptedRows);
        }
    }

    public CalibrationRows {
        int n = uncertainty.length;
        if (divergence.length != n || cleanCorrect.length != n || robustCorrect.length != n || corrupted.length != n) {
            throw new RobustifyException("calibration rows: arrays of different lengths");
        }
    }

    public int size() {
        return uncertainty.length;
    }

    /**
     * SELECT with (tauU, tauD): a row goes to the robust head when {@code u > (float) tauU || d > (float) tauD},
     * the same float32 comparison as {@link HeadSignals#routeToRobust}.
     */
    public Outcome evaluate(double tauU, double tauD) {
        float tu = (float) tauU;
        float td = (float) tauD;
        long cleanRows = 0;
        long correctClean = 0;
        long correctCorrupted = 0;
        long robustClean = 0;
        long robustCorrupted = 0;
        for (int i = 0; i < uncertainty.length; i++) {
            boolean toRobust = uncertainty[i] > tu || divergence[i] > td;
            boolean right = toRobust ? robustCorrect[i] : cleanCorrect[i];
            if (corrupted[i]) {
                correctCorrupted += right ? 1 : 0;
                robustCorrupted += toRobust ? 1 : 0;
            } else {
                cleanRows++;
                correctClean += right ? 1 : 0;
                robustClean += toRobust ? 1 : 0;
            }
        }
        return new Outcome(cleanRows, uncertainty.length - cleanRows, correctClean, correctCorrupted, robustClean,
                robustCorrupted);
    }
}
