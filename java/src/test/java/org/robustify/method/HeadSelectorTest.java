package org.robustify.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.model.branch.BranchLogits;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class HeadSelectorTest {
    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void atInitialisationEveryPolicyGivesTheOriginalPrediction() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            BranchedModel b = MethodFixtures.branched(1);
            torch.manual_seed(2);
            Tensor x = torch.randn(8, 1, 28, 28);
            Tensor orig = b.original().forward(x);
            for (HeadPolicy p : HeadPolicy.values()) {
                HeadSelector s = new HeadSelector(b, p, Thresholds.manual(0.5, 0.1));
                Tensor y = s.logits(x);
                if (p == HeadPolicy.AVERAGE) {
                    // log of the mean of two equal softmaxes: the log-softmax of the original logits.
                    assertTrue(y.allclose(orig.log_softmax(1), 1e-5, 1e-6, false), "average");
                } else {
                    assertTrue(y.equal(orig), p + " differs from the original logits at initialisation");
                }
                assertEquals(8, s.routing().total(), p + " routing total");
            }
            // Equal heads: no disagreement at all.
            HeadSignals sig = HeadSignals.of(b.forwardAll(x));
            assertEquals(0.0, sig.divergence().abs().max().item_double(), 1e-6);
            double u = sig.uncertainty().min().item_double();
            assertTrue(u > 0 && sig.uncertainty().max().item_double() <= 1 + 1e-6, "u in (0, 1]: " + u);
        }
    }

    @Test
    void selectInterpolatesBetweenCleanAndRobustRowByRow() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            BranchedModel b = MethodFixtures.branched(3);
            MethodFixtures.perturbRobustHead(b, 4, 0.5);
            torch.manual_seed(5);
            Tensor x = torch.randn(16, 1, 28, 28);
            BranchLogits l = b.forwardAll(x);
            assertFalse(l.clean().equal(l.robust()));

            HeadSelector never = new HeadSelector(b, HeadPolicy.SELECT,
                    Thresholds.manual(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
            assertTrue(never.logits(x).equal(l.clean()), "tau = +inf must equal the clean head");
            assertEquals(new HeadRouting(16, 0, 0, 0), never.routing());
            HeadSelector always = new HeadSelector(b, HeadPolicy.SELECT,
                    Thresholds.manual(-1, Double.POSITIVE_INFINITY));
            assertTrue(always.logits(x).equal(l.robust()), "tau_u = -1 must equal the robust head");
            assertEquals(new HeadRouting(0, 16, 0, 0), always.routing());
            assertTrue(new HeadSelector(b, HeadPolicy.CLEAN, null).logits(x).equal(l.clean()));
            assertTrue(new HeadSelector(b, HeadPolicy.ROBUST, null).logits(x).equal(l.robust()));
            assertTrue(new HeadSelector(b, HeadPolicy.ORIG, null).logits(x).equal(l.orig()));

            // Thresholds at the medians: a mix, and each row is exactly its head's row.
            HeadSignals sig = HeadSignals.of(l);
            double tu = sig.uncertainty().median().item_double();
            double td = sig.divergence().median().item_double();
            HeadSelector mixed = new HeadSelector(b, HeadPolicy.SELECT, Thresholds.manual(tu, td));
            Tensor y = mixed.logits(x);
            byte[] routed = bytes(sig.routeToRobust(tu, td));
            int robustRows = 0;
            for (int i = 0; i < 16; i++) {
                Tensor expected = routed[i] != 0 ? l.robust().get(i) : l.clean().get(i);
                assertTrue(y.get(i).equal(expected), "row " + i);
                robustRows += routed[i];
            }
            assertTrue(robustRows > 0 && robustRows < 16, "median thresholds should split the rows: " + robustRows);
            HeadRouting r = mixed.routing();
            assertEquals(robustRows, r.robust());
            assertEquals(16 - robustRows, r.clean());
            assertEquals(16, r.total());
            mixed.logits(x);
            assertEquals(32, mixed.routing().total(), "counts accumulate until reset");
            mixed.resetRouting();
            assertEquals(0, mixed.routing().total());

            Map<String, Object> json = r.toJson();
            assertEquals(16L, json.get("rows"));
            @SuppressWarnings("unchecked")
            Map<String, Double> fractions = (Map<String, Double>) json.get("fractions");
            assertEquals(1.0, fractions.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
        }
    }

    @Test
    void signalsMatchTheirDefinitions() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            torch.manual_seed(9);
            Tensor clean = torch.randn(5, 4);
            Tensor robust = torch.randn(5, 4);
            HeadSignals s = HeadSignals.of(clean, robust);
            float[][] c = rows(clean.softmax(1));
            float[][] r = rows(robust.softmax(1));
            for (int i = 0; i < 5; i++) {
                double h = 0;
                double kl = 0;
                for (int k = 0; k < 4; k++) {
                    h -= c[i][k] * Math.log(c[i][k]);
                    kl += r[i][k] * Math.log(r[i][k] / c[i][k]);
                }
                assertEquals(h / Math.log(4), s.uncertainty().get(i).item_double(), 1e-5, "u row " + i);
                assertEquals(kl, s.divergence().get(i).item_double(), 1e-5, "d row " + i);
            }
        }
    }

    @Test
    void policiesParseAndSelectNeedsThresholds() {
        assertEquals(HeadPolicy.SELECT, HeadPolicy.parse("select"));
        assertEquals(HeadPolicy.AVERAGE, HeadPolicy.parse("Average"));
        assertEquals(HeadPolicy.SELECT, HeadPolicy.DEFAULT);
        RobustifyException e = assertThrows(RobustifyException.class, () -> HeadPolicy.parse("best"));
        assertTrue(e.getMessage().contains("'best'") && e.getMessage().contains("select, clean, robust, orig, average"),
                e.getMessage());
        try (PointerScope scope = new PointerScope()) {
            BranchedModel b = MethodFixtures.branched(1);
            assertTrue(assertThrows(RobustifyException.class, () -> new HeadSelector(b, HeadPolicy.SELECT, null))
                    .getMessage().contains("thresholds"));
        }
    }

    private static byte[] bytes(Tensor mask) {
        Tensor t = mask.to(ScalarType.Byte).contiguous();
        byte[] out = new byte[(int) t.numel()];
        new BytePointer(t.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    private static float[][] rows(Tensor t) {
        float[][] out = new float[(int) t.size(0)][(int) t.size(1)];
        for (int i = 0; i < out.length; i++) {
            for (int k = 0; k < out[i].length; k++) {
                out[i][k] = t.get(i).get(k).item_float();
            }
        }
        return out;
    }
}
