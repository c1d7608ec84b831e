package org.robustify.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.robustify.corrupt.Corruption;
import org.robustify.runtime.RobustifyException;

class CorruptionErrorsTest {
    private static SuiteResult result(double clean, Map<String, double[]> accuracy, int... severities) {
        Map<String, double[]> nll = new LinkedHashMap<>();
        accuracy.forEach((k, v) -> nll.put(k, new double[v.length]));
        return new SuiteResult(clean, 0, 100, severities, accuracy, nll, 0, null);
    }

    private static Map<String, double[]> cells(Object... nameThenAccuracies) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenAccuracies.length; i += 2) {
            m.put((String) nameThenAccuracies[i], (double[]) nameThenAccuracies[i + 1]);
        }
        return m;
    }

    @Test
    void handComputedCeAndRelativeCe() {
        // model: clean error .1; a errors .2, .4 (sum .6); b errors .3, .3 (sum .6)
        SuiteResult model = result(0.9, cells("a", new double[] {0.8, 0.6}, "b", new double[] {0.7, 0.7}), 1, 2);
        // baseline: clean error .2; a errors .4, .8 (sum 1.2); b errors .5, .5 (sum 1.0); its order differs
        SuiteResult base = result(0.8, cells("b", new double[] {0.5, 0.5}, "a", new double[] {0.6, 0.2}), 2, 1);
        CorruptionErrors e = CorruptionErrors.against(model, base, "base");
        assertEquals("base", e.baseline());
        assertEquals(50.0, e.ce().get("a"), 1e-9); // .6 / 1.2
        assertEquals(60.0, e.ce().get("b"), 1e-9); // .6 / 1.0
        assertEquals(55.0, e.mce(), 1e-9);
        assertEquals(50.0, e.relativeCe().get("a"), 1e-9); // (.6 - .2) / (1.2 - .4)
        assertEquals(200.0 / 3, e.relativeCe().get("b"), 1e-9); // (.6 - .2) / (1.0 - .4)
        assertEquals((50.0 + 200.0 / 3) / 2, e.relativeMce(), 1e-9);
        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(e.ce().keySet()));
    }

    @Test
    void aModelAgainstItselfScores100() {
        SuiteResult r = result(0.9, cells("a", new double[] {0.8, 0.5}), 1, 2);
        CorruptionErrors e = CorruptionErrors.against(r, r, "self");
        assertEquals(100.0, e.mce(), 1e-9);
        assertEquals(100.0, e.relativeMce(), 1e-9);
    }

    @Test
    void alexNetAgainstItsOwnTableScores100() {
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (Corruption c : Corruption.benchmark()) {
            double err = CorruptionErrors.ALEXNET_MEAN_ERROR.get(c.nativeName());
            acc.put(c.nativeName(), new double[] {1 - err, 1 - err, 1 - err, 1 - err, 1 - err});
        }
        assertEquals(15, CorruptionErrors.ALEXNET_MEAN_ERROR.size());
        SuiteResult alex = result(1 - CorruptionErrors.ALEXNET_CLEAN_ERROR, acc, 1, 2, 3, 4, 5);
        CorruptionErrors e = CorruptionErrors.againstAlexNet(alex);
        assertEquals(100.0, e.mce(), 1e-9);
        assertEquals(100.0, e.relativeMce(), 1e-9);
        // Halving every corruption error halves mCE.
        Map<String, double[]> half = new LinkedHashMap<>();
        acc.forEach((k, v) -> half.put(k, new double[] {1 - (1 - v[0]) / 2, 1 - (1 - v[0]) / 2, 1 - (1 - v[0]) / 2,
            1 - (1 - v[0]) / 2, 1 - (1 - v[0]) / 2}));
        assertEquals(50.0, CorruptionErrors.againstAlexNet(result(0.9, half, 1, 2, 3, 4, 5)).mce(), 1e-9);
    }

    @Test
    void mismatchesAndZeroBaselineErrorsAreClearErrors() {
        SuiteResult model = result(0.9, cells("a", new double[] {0.8, 0.6}), 1, 2);
        SuiteResult other = result(0.9, cells("c", new double[] {0.8, 0.6}), 1, 2);
        RobustifyException sets = assertThrows(RobustifyException.class,
                () -> CorruptionErrors.against(model, other, "other"));
        assertTrue(sets.getMessage().contains("only the model has [a]"), sets.getMessage());
        SuiteResult severities = result(0.9, cells("a", new double[] {0.8, 0.6}), 1, 3);
        assertThrows(RobustifyException.class, () -> CorruptionErrors.against(model, severities, "sev"));
        // Undefined ratios are NaN, named, left out of the means and written as null, never an exception.
        SuiteResult two = result(0.9, cells("a", new double[] {0.8, 0.6}, "b", new double[] {0.7,
            0.7}), 1, 2);
        SuiteResult flatOnA = result(0.5, cells("a", new double[] {0.5, 0.5}, "b", new double[] {0.4,
            0.2}), 1, 2);
        CorruptionErrors gap = CorruptionErrors.against(two, flatOnA, "flat");
        assertTrue(Double.isNaN(gap.relativeCe().get("a")));
        assertEquals(java.util.List.of("a"), gap.undefinedRelativeCe());
        assertEquals(gap.relativeCe().get("b"), gap.relativeMce(), 1e-12);
        assertTrue(gap.asMap().containsKey("relative_ce_undefined_for"));
        SuiteResult perfect = result(1.0, cells("a", new double[] {1.0, 1.0}, "b", new double[] {0.9,
            0.7}), 1, 2);
        CorruptionErrors zero = CorruptionErrors.against(two, perfect, "perfect");
        assertEquals(java.util.List.of("a"), zero.undefinedCe());
        assertEquals(zero.ce().get("b"), zero.mce(), 1e-12);
        assertThrows(RobustifyException.class, () -> CorruptionErrors.againstAlexNet(model));
    }
}
