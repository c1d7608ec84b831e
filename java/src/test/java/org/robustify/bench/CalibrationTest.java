package org.robustify.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class CalibrationTest {
    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    private static Tensor logits(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        try (FloatPointer p = new FloatPointer(flat)) {
            return torch.from_blob(p, new long[] {rows.length, rows[0].length}, new TensorOptions(ScalarType.Float))
                    .clone();
        }
    }

    private static Tensor labels(long... y) {
        try (LongPointer p = new LongPointer(y)) {
            return torch.from_blob(p, new long[] {y.length}, new TensorOptions(ScalarType.Long)).clone();
        }
    }

    private static float ln(double v) {
        return (float) Math.log(v);
    }

    /**
     * Softmax top probabilities 0.75 (right), 0.75 (wrong), 0.9 (right), 0.65 (wrong). Bins of width 1/15: 0.75 in
     * bin 11 (acc 0.5, conf 0.75), 0.9 in bin 13 (acc 1, conf 0.9), 0.65 in bin 9 (acc 0, conf 0.65).
     * ECE = 2/4·0.25 + 1/4·0.1 + 1/4·0.65 = 0.3125.
     */
    @Test
    void eceAndNllMatchHandComputedValues() {
        Calibration c = new Calibration();
        c.add(logits(new float[][] {{ln(3), 0}, {ln(3), 0}}), labels(0, 1));
        c.add(logits(new float[][] {{0, ln(9)}, {0, ln(0.65 / 0.35)}}), labels(1, 0));
        Calibration.Result r = c.result();
        assertEquals(4, r.count());
        assertEquals(0.3125, r.ece(), 1e-6);
        double nll = (Math.log(4 / 3.0) + Math.log(4) + Math.log(10 / 9.0) + Math.log(1 / 0.35)) / 4;
        assertEquals(nll, r.nll(), 1e-6);
        assertEquals(0.5, r.accuracy(), 0);
        assertEquals(0.7625, r.meanConfidence(), 1e-6);
        long[] counts = new long[15];
        counts[9] = 1;
        counts[11] = 2;
        counts[13] = 1;
        assertArrayEquals(counts, r.binCounts());
        assertEquals(0.5, r.binAccuracy()[11], 0);
        assertEquals(0.9, r.binConfidence()[13], 1e-6);
    }

    @Test
    void aCalibratedBinHasNoError() {
        Calibration c = new Calibration();
        for (int i = 0; i < 4; i++) {
            c.add(0.75, i < 3, 0.3);
        }
        assertEquals(0, c.result().ece(), 1e-12);
        assertEquals(0.3, c.result().nll(), 1e-12);
    }

    @Test
    void binsAreRightClosed() {
        assertEquals(0, Calibration.binOf(0, 15));
        assertEquals(0, Calibration.binOf(1 / 15.0, 15));
        assertEquals(1, Calibration.binOf(1 / 15.0 + 1e-9, 15));
        assertEquals(14, Calibration.binOf(1, 15));
        assertEquals(4, Calibration.binOf(0.5, 10));
    }

    @Test
    void badInputIsRejected() {
        assertThrows(RobustifyException.class, () -> new Calibration(0));
        assertThrows(RobustifyException.class, () -> new Calibration().add(1.5, true, 0.1));
        assertThrows(RobustifyException.class, () -> new Calibration().add(logits(new float[][] {{0, 1}}),
                labels(0, 1)));
        assertEquals(0, new Calibration().result().ece());
    }
}
