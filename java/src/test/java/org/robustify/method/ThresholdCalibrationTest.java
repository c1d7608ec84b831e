package org.robustify.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.corrupt.Corruption;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class ThresholdCalibrationTest {
    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** The calibrated accuracy is exactly what the selector gives on the same data, for the chosen and other pairs. */
    @Test
    void calibratedAccuracyEqualsTheSelectorsOnTheSameData() {
        assumeTrue(Files.isDirectory(FashionMnist.resolveDir(null)), "Fashion-MNIST not installed");
        ImageDataset heldOut = FashionMnist.load(FashionMnist.resolveDir(null), FashionMnist.Split.TEST).head(200);
        // Three of the five severities keep the test quick; the code path is the same.
        CalibrationOptions o = CalibrationOptions.defaults(FashionMnist.MEAN, FashionMnist.STD).withBatchSize(100)
                .withSeed(7).withSeverities(List.of(1, 3, 5));
        try (PointerScope scope = new PointerScope()) {
            BranchedModel b = MethodFixtures.branched(21);
            MethodFixtures.perturbRobustHead(b, 22, 0.3);
            b.train(true);
            CalibrationRows rows = ThresholdCalibration.collect(b, heldOut, o);
            assertTrue(b.is_training(), "the train flag is restored");
            b.eval();
            assertEquals(200 * 13, rows.size());
            Thresholds t = ThresholdCalibration.choose(rows, o.gridPoints(), ModelFingerprint.of(b),
                    ThresholdCalibration.describe(heldOut, o));
            System.out.println("calibrated on 200 images x 13 conditions: " + t.toJson());
            assertTrue(t.calibrationData().contains("speckle_noise,gaussian_blur,spatter,saturate"),
                    t.calibrationData());
            assertTrue(t.select().mean() >= t.cleanHead().mean(), "+inf/+inf (clean only) is on the grid");

            double[] us = ThresholdCalibration.candidates(rows.uncertainty(), o.gridPoints());
            double[] ds = ThresholdCalibration.candidates(rows.divergence(), o.gridPoints());
            assertEquals(Double.POSITIVE_INFINITY, us[us.length - 1]);
            double[][] pairs = {{t.tauU(), t.tauD()}, {us[us.length / 2], ds[ds.length / 3]},
                    {us[1], Double.POSITIVE_INFINITY}, {Double.POSITIVE_INFINITY, ds[ds.length / 2]}};
            for (double[] p : pairs) {
                CalibrationRows.Outcome expected = rows.evaluate(p[0], p[1]);
                CalibrationRows.Outcome actual = runSelector(b, heldOut, o, p[0], p[1]);
                assertEquals(expected, actual, "tau_u " + p[0] + ", tau_d " + p[1]);
            }
            CalibrationRows.Outcome chosen = rows.evaluate(t.tauU(), t.tauD());
            assertEquals(t.select(), chosen.accuracies());
            assertEquals(t.robustFraction(), chosen.robustFractions());
            // No grid pair beats the chosen one, and an equal one routes no fewer rows to the robust head.
            for (double tu : us) {
                for (double td : ds) {
                    CalibrationRows.Outcome other = rows.evaluate(tu, td);
                    assertTrue(other.objective() < chosen.objective() || (other.objective() == chosen.objective()
                            && other.robustRows() >= chosen.robustRows()), "pair " + tu + ", " + td);
                }
            }

            // The whole pipeline gives the same thresholds.
            Thresholds again = ThresholdCalibration.calibrate(b, heldOut, o);
            assertEquals(t, again);
        }
    }

    /** SELECT counted the way the calibration counts it, but through HeadSelector and the model. */
    private static CalibrationRows.Outcome runSelector(BranchedModel b, ImageDataset data, CalibrationOptions o,
            double tauU, double tauD) {
        HeadSelector s = new HeadSelector(b, HeadPolicy.SELECT, Thresholds.manual(tauU, tauD));
        long[] c = new long[6];
        try (NoGradGuard g = new NoGradGuard()) {
            CalibrationBatches.forEach(data, o, (condition, images, labels) -> {
                long before = s.routing().robust();
                Tensor logits = s.logits(images);
                long right = logits.argmax(new LongOptional(1), false).eq(labels).sum().item_long();
                long robust = s.routing().robust() - before;
                int k = condition.corrupted() ? 1 : 0;
                c[k] += labels.size(0);
                c[2 + k] += right;
                c[4 + k] += robust;
            });
        }
        return new CalibrationRows.Outcome(c[0], c[1], c[2], c[3], c[4], c[5]);
    }

    @Test
    void candidatesAreObservedQuantilesPlusInfinity() {
        float[] v = {5, 1, 3, 2, 4};
        double[] c = ThresholdCalibration.candidates(v, 3);
        assertEquals(List.of(1.0, 3.0, 5.0, Double.POSITIVE_INFINITY), java.util.Arrays.stream(c).boxed().toList());
        assertEquals(6, ThresholdCalibration.candidates(v, 41).length, "duplicates collapse");
    }

    @Test
    void tiesGoToFewerRobustRows() {
        // Both heads right everywhere: every pair ties, so the choice must route nothing to the robust head.
        float[] u = {0.1f, 0.5f, 0.9f, 0.3f};
        float[] d = {0.0f, 0.2f, 0.4f, 0.1f};
        boolean[] yes = {true, true, true, true};
        CalibrationRows rows = new CalibrationRows(u, d, yes, yes, new boolean[] {false, false, true, true});
        Thresholds t = ThresholdCalibration.choose(rows, 5, "fp", "toy");
        assertEquals(0, rows.evaluate(t.tauU(), t.tauD()).robustRows());
        assertEquals(1.0, t.select().mean());
        // Robust head right only on the two most uncertain corrupted rows: route exactly those.
        boolean[] cleanRight = {true, true, false, true};
        boolean[] robustRight = {false, false, true, true};
        Thresholds t2 = ThresholdCalibration.choose(new CalibrationRows(u, d, cleanRight, robustRight,
                new boolean[] {false, false, true, true}), 5, "fp", "toy");
        assertEquals(1.0, t2.select().mean());
        assertFalse(Double.isInfinite(t2.tauU()) && Double.isInfinite(t2.tauD()));
    }

    @Test
    void benchmarkCorruptionsAreRefused() {
        CalibrationOptions o = CalibrationOptions.defaults(FashionMnist.MEAN, FashionMnist.STD);
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> o.withCorruptions(List.of(Corruption.GAUSSIAN_NOISE)));
        assertTrue(e.getMessage().contains("gaussian_noise") && e.getMessage().contains("speckle_noise"),
                e.getMessage());
        assertThrows(RobustifyException.class, () -> o.withSeverities(List.of(0, 3)));
        assertEquals(Corruption.validation(), o.corruptions());
        assertEquals(List.of(1, 2, 3, 4, 5), o.severities());
    }
}
