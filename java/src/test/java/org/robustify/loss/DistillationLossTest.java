package org.robustify.loss;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.bytedeco.pytorch.global.torch.log_softmax;
import static org.bytedeco.pytorch.global.torch.softmax;
import static org.bytedeco.pytorch.global.torch.xlogy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.robustify.loss.DistillOptions.Reduction;
import org.robustify.loss.DistillOptions.TeacherKind;
import org.robustify.loss.DistillOptions.Weighting;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

/** The fused kernel against the same loss composed from libtorch ops (log_softmax, kl_div terms, cross_entropy). */
class DistillationLossTest {
    private PointerScope scope;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @BeforeEach
    void open() {
        scope = new PointerScope();
        torch.manual_seed(11);
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** The loss written with libtorch ops; autograd gives its gradient. */
    static Tensor composition(Tensor s, Tensor t, Tensor y, DistillOptions o) {
        long classes = s.size(1);
        Tensor valid = y.ne(new Scalar(o.ignoreIndex())).to(torch.ScalarType.Float);
        CrossEntropyLossOptions ceOptions = new CrossEntropyLossOptions();
        ceOptions.ignore_index().put(o.ignoreIndex());
        ceOptions.label_smoothing().put(o.labelSmoothing());
        Tensor ce = cross_entropy(s, y, ceOptions).mul(new Scalar(o.ceWeight()));
        Tensor logPt = log_softmax(s.div(new Scalar(o.temperature())), 1);
        Tensor q = o.teacher() == TeacherKind.LOGITS ? softmax(t.div(new Scalar(o.temperature())), 1) : t;
        Tensor qlogq = xlogy(q, q);
        Tensor kl = qlogq.sub(q.mul(logPt)).sum(1);
        Tensor w = torch.ones_like(kl);
        if (o.weighting() == Weighting.ENTROPY || o.weighting() == Weighting.ENTROPY_CORRECT) {
            w = torch.clamp(qlogq.sum(1).div(new Scalar(Math.log(classes))).add(new Scalar(1.0)),
                    new org.bytedeco.pytorch.ScalarOptional(new Scalar(0.0)),
                    new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0)));
            if (o.weighting() == Weighting.ENTROPY_CORRECT) {
                w = w.mul(t.argmax(new LongOptional(1), false).eq(y).to(torch.ScalarType.Float));
            }
        }
        double scale = o.kdWeight() * o.temperature() * o.temperature();
        Tensor kd = w.detach().mul(kl).mul(valid).sum().mul(new Scalar(scale)).div(valid.sum());
        return ce.add(kd);
    }

    private static double relDiff(double a, double b) {
        return Math.abs(a - b) / Math.max(1e-6, Math.abs(b));
    }

    private static double gradError(Tensor got, Tensor expect) {
        double scale = Math.max(1e-12, expect.abs().max().item_double());
        return got.sub(expect).abs().max().item_double() / scale;
    }

    private void compare(long b, long c, DistillOptions o, double logitScale, boolean maskTeacher, int ignored) {
        Tensor s0 = torch.randn(b, c).mul(new Scalar(logitScale));
        Tensor t = torch.randn(b, c).mul(new Scalar(logitScale));
        Tensor y = torch.randint(c, new long[] {b});
        if (maskTeacher && c > 2) {
            // -inf teacher logits (masked classes) away from the label
            Tensor mask = torch.rand(b, c).lt(new Scalar(0.3)).logical_and(
                    torch.arange(new Scalar(c)).view(1, c).ne(y.view(b, 1)));
            t = t.masked_fill(mask, new Scalar(Double.NEGATIVE_INFINITY));
        }
        for (int i = 0; i < ignored && i < b; i++) {
            y.index_put_(new org.bytedeco.pytorch.TensorIndexVector(new org.bytedeco.pytorch.TensorIndex(i)),
                    new Scalar(o.ignoreIndex()));
        }
        if (o.teacher() == TeacherKind.PROBABILITIES) {
            t = softmax(t, 1);
        }
        Tensor s = s0.detach().clone().requires_grad_(true);
        Tensor expected = composition(s, t, y, o);
        expected.backward();
        Tensor sf = s0.detach().clone().requires_grad_(true);
        DistillationLoss.Result r = DistillationLoss.compute(y, new DistillationLoss.Pair(sf, t, o));
        String what = "B=" + b + " C=" + c + " " + o;
        assertTrue(relDiff(r.loss(0).item_double(), expected.item_double()) < 1e-5,
                what + ": fused " + r.loss(0).item_double() + " vs composition " + expected.item_double());
        assertTrue(gradError(r.grad(0), s.grad()) < 1e-5, what + ": gradient error " + gradError(r.grad(0), s.grad()));
        r.backward();
        assertTrue(sf.grad().equal(r.grad(0)), "backward delivers the kernel's gradient unchanged");
    }

    @Test
    void matchesCompositionAcrossShapesAndTemperatures() {
        DistillOptions d = DistillOptions.defaults();
        compare(1, 2, d.withTemperature(0.5), 3, false, 0);
        compare(64, 10, d.withTemperature(4), 3, false, 0);
        compare(4096, 10, d.withTemperature(20), 3, false, 0);
        compare(256, 1000, d.withTemperature(1), 3, false, 0);
        compare(16, 21843, d.withTemperature(4), 3, false, 0);
        compare(2, 50000, d.withTemperature(2), 3, false, 0);
    }

    @Test
    void matchesCompositionForEveryOption() {
        DistillOptions d = DistillOptions.defaults();
        compare(32, 100, d.withLabelSmoothing(0.1), 3, false, 0);
        compare(32, 100, d.withWeighting(Weighting.ENTROPY), 1, false, 0);
        compare(32, 100, d.withWeighting(Weighting.ENTROPY_CORRECT).withTemperature(2), 1, false, 0);
        compare(32, 100, d.withTeacher(TeacherKind.PROBABILITIES), 3, false, 0);
        compare(32, 100, d.withKdWeight(0.3).withCeWeight(0.7), 3, false, 0);
        compare(32, 100, d.withIgnoreIndex(-1), 3, false, 5);
        compare(32, 100, d, 3, true, 3);
    }

    @Test
    void largeLogitsStayAccurate() {
        compare(64, 100, DistillOptions.defaults().withTemperature(20), 1e4, false, 0);
        compare(64, 100, DistillOptions.defaults().withTemperature(0.5), 1e4, false, 0);
    }

    @Test
    void sumReductionAndPerRowValues() {
        Tensor s = torch.randn(8, 5);
        Tensor t = torch.randn(8, 5);
        Tensor y = torch.randint(5, new long[] {8});
        DistillOptions mean = DistillOptions.defaults();
        var rm = DistillationLoss.compute(y, new DistillationLoss.Pair(s, t, mean));
        var rs = DistillationLoss.compute(y, new DistillationLoss.Pair(s, t, mean.withReduction(Reduction.SUM)));
        var rn = DistillationLoss.compute(y, new DistillationLoss.Pair(s, t, mean.withReduction(Reduction.NONE)));
        assertTrue(relDiff(rs.loss(0).item_double(), rm.loss(0).item_double() * 8) < 1e-5);
        assertTrue(relDiff(rn.rows(0).select(1, 0).sum().item_double(), rs.loss(0).item_double()) < 1e-5);
        assertEquals(8, (int) rm.stats(0).select(0, 4).item_float());
        assertTrue(rn.grad(0).equal(rs.grad(0)));
    }

    @Test
    void allIgnoredAndEmptyBatchesGiveZero() {
        Tensor y = torch.full(new long[] {4}, new Scalar(-100L), new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
        var r = DistillationLoss.compute(y, new DistillationLoss.Pair(torch.randn(4, 3), torch.randn(4, 3),
                DistillOptions.defaults()));
        assertEquals(0.0f, r.loss(0).item_float());
        assertEquals(0.0, r.grad(0).abs().sum().item_double());
        Tensor empty = torch.zeros(new long[] {0}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
        var e = DistillationLoss.compute(empty, new DistillationLoss.Pair(torch.randn(0, 3), torch.randn(0, 3),
                DistillOptions.defaults()));
        assertEquals(0.0f, e.loss(0).item_float());
    }

    /** Gradients reach trainable layers through autograd; frozen layers receive none. */
    @Test
    void backwardFlowsThroughMixedFrozenAndTrainableModules() {
        LinearImpl frozen = new LinearImpl(6, 8);
        LinearImpl head = new LinearImpl(8, 4);
        LinearImpl headCopy = new LinearImpl(8, 4);
        try (var g = new org.bytedeco.pytorch.NoGradGuard()) {
            headCopy.weight().copy_(head.weight());
            headCopy.bias().copy_(head.bias());
        }
        frozen.weight().requires_grad_(false);
        frozen.bias().requires_grad_(false);
        Tensor x = torch.randn(5, 6);
        Tensor teacher = torch.randn(5, 4);
        Tensor y = torch.randint(4, new long[] {5});
        DistillOptions o = DistillOptions.defaults().withWeighting(Weighting.ENTROPY);
        Tensor features = torch.relu(frozen.forward(x));
        DistillationLoss.compute(y, new DistillationLoss.Pair(head.forward(features), teacher, o)).backward();
        composition(headCopy.forward(features), teacher, y, o).backward();
        assertFalse(frozen.weight().grad().defined(), "frozen layer got a gradient");
        assertTrue(gradError(head.weight().grad(), headCopy.weight().grad()) < 1e-5);
        assertTrue(gradError(head.bias().grad(), headCopy.bias().grad()) < 1e-5);
    }

    @Test
    void twoHeadsInOneCallAndExtraLossesJoinBackward() {
        Tensor a = torch.randn(6, 5).requires_grad_(true);
        Tensor b = torch.randn(6, 5).requires_grad_(true);
        Tensor t = torch.randn(6, 5);
        Tensor y = torch.randint(5, new long[] {6});
        DistillOptions o = DistillOptions.defaults();
        var r = DistillationLoss.compute(y, new DistillationLoss.Pair(a, t, o),
                new DistillationLoss.Pair(b, t, o.withKdWeight(2)));
        var ra = DistillationLoss.compute(y, new DistillationLoss.Pair(a, t, o));
        assertTrue(r.grad(0).equal(ra.grad(0)));
        Tensor extra = a.pow(new Scalar(2)).sum();
        r.backward(extra);
        assertTrue(gradError(a.grad(), r.grad(0).add(a.detach().mul(new Scalar(2)))) < 1e-6);
        assertTrue(b.grad().equal(r.grad(1)));
    }

    @Test
    void computeAndBackwardAccumulatesLeavesInTheKernelAndRoutesOthersThroughAutograd() {
        Tensor t = torch.randn(7, 1500);
        Tensor y = torch.randint(1500, new long[] {7});
        y.index_put_(new org.bytedeco.pytorch.TensorIndexVector(new org.bytedeco.pytorch.TensorIndex(2)),
                new Scalar(-100));
        DistillOptions o = DistillOptions.defaults().withWeighting(Weighting.ENTROPY);
        Tensor s0 = torch.randn(7, 1500).mul(new Scalar(3));
        Tensor expected = DistillationLoss.compute(y, new DistillationLoss.Pair(s0, t, o)).grad(0);

        // A leaf with no .grad yet receives the kernel's gradient; a second call adds to it in place.
        Tensor leaf = s0.clone().requires_grad_(true);
        var first = DistillationLoss.computeAndBackward(y, new DistillationLoss.Pair(leaf, t, o));
        assertTrue(leaf.grad().equal(expected), "first call: .grad is the kernel's gradient");
        Tensor gradBefore = leaf.grad();
        DistillationLoss.computeAndBackward(y, new DistillationLoss.Pair(leaf, t, o));
        assertEquals(gradBefore.data_ptr_float().address(), leaf.grad().data_ptr_float().address(),
                "accumulated in place, no new buffer");
        assertTrue(gradError(leaf.grad(), expected.mul(new Scalar(2))) < 1e-6, "second call adds");
        assertTrue(leaf.grad().select(0, 2).eq(new Scalar(0)).all().item_bool(), "ignored row stays as it was");
        assertThrows(RobustifyException.class, first::backward, "a second backward would add the gradient twice");

        // A non-leaf student (a head's output) and a leaf in the same call: autograd for one, the kernel for the other.
        LinearImpl head = new LinearImpl(20, 1500);
        Tensor features = torch.randn(7, 20);
        Tensor logits = head.forward(features);
        Tensor other = s0.clone().requires_grad_(true);
        other.mutable_grad().put(torch.ones_like(s0));
        DistillationLoss.computeAndBackward(y, new DistillationLoss.Pair(logits, t, o),
                new DistillationLoss.Pair(other, t, o));
        Tensor expectedHead = DistillationLoss.compute(y, new DistillationLoss.Pair(logits.detach(), t, o)).grad(0);
        assertTrue(gradError(head.bias().grad(), expectedHead.sum(0)) < 1e-5, "head got its gradient via autograd");
        Tensor expectedOther = DistillationLoss.compute(y, new DistillationLoss.Pair(s0, t, o)).grad(0);
        assertTrue(gradError(other.grad(), expectedOther.add(new Scalar(1))) < 1e-6, "leaf accumulated onto ones");

        // A .grad the kernel cannot add to in place (transposed storage) is left to autograd, with the same result.
        Tensor odd = s0.clone().requires_grad_(true);
        odd.mutable_grad().put(torch.zeros(1500, 7).t());
        DistillationLoss.computeAndBackward(y, new DistillationLoss.Pair(odd, t, o));
        assertTrue(gradError(odd.grad(), expected) < 1e-6);

        Tensor frozen = s0.clone();
        assertThrows(RobustifyException.class,
                () -> DistillationLoss.computeAndBackward(y, new DistillationLoss.Pair(frozen, t, o)));
    }

    @Test
    void badInputIsNamed() {
        Tensor y = torch.randint(5, new long[] {6});
        RobustifyException shape = assertThrows(RobustifyException.class, () -> DistillationLoss.compute(y,
                new DistillationLoss.Pair(torch.randn(6, 5), torch.randn(6, 4), DistillOptions.defaults())));
        assertTrue(shape.getMessage().contains("must have the same shape"), shape.getMessage());
        Tensor bad = y.clone();
        bad.index_put_(new org.bytedeco.pytorch.TensorIndexVector(new org.bytedeco.pytorch.TensorIndex(2)), new Scalar(9));
        RobustifyException label = assertThrows(RobustifyException.class, () -> DistillationLoss.compute(bad,
                new DistillationLoss.Pair(torch.randn(6, 5), torch.randn(6, 5), DistillOptions.defaults())));
        assertTrue(label.getMessage().contains("labels[2] = 9 is outside 0..4"), label.getMessage());
        assertThrows(RobustifyException.class, () -> DistillOptions.defaults().withTemperature(0));
        RobustifyException weights = assertThrows(RobustifyException.class, () -> DistillationLoss.compute(y,
                new DistillationLoss.Pair(torch.randn(6, 5), torch.randn(6, 5),
                        DistillOptions.defaults().withWeighting(Weighting.GIVEN))));
        assertTrue(weights.getMessage().contains("needs row weights"), weights.getMessage());
    }

    @Test
    void givenRowWeightsScaleTheKdTerm() {
        Tensor s = torch.randn(4, 3);
        Tensor t = torch.randn(4, 3);
        Tensor y = torch.randint(3, new long[] {4});
        Tensor w = torch.rand(4);
        DistillOptions o = DistillOptions.defaults().withWeighting(Weighting.GIVEN).withCeWeight(0);
        var given = DistillationLoss.compute(y, new DistillationLoss.Pair(s, t, w, o));
        var uniform = DistillationLoss.compute(y, new DistillationLoss.Pair(s, t, o.withWeighting(Weighting.UNIFORM)));
        Tensor expect = uniform.rows(0).select(1, 2).mul(w);
        assertTrue(given.rows(0).select(1, 2).sub(expect).abs().max().item_double() < 1e-5);
    }

    /** CUDA against CPU; skipped without a GPU (the C++ checker covers the GPU machine). */
    @Test
    void cudaMatchesCpu() {
        assumeTrue(NativeRuntime.cudaBackendLoaded() && torch.cuda_is_available(), "no CUDA device");
        org.bytedeco.pytorch.Device cuda = new org.bytedeco.pytorch.Device("cuda");
        Tensor s = torch.randn(64, 1000);
        Tensor t = torch.randn(64, 1000);
        Tensor y = torch.randint(1000, new long[] {64});
        DistillOptions o = DistillOptions.defaults().withWeighting(Weighting.ENTROPY);
        var cpu = DistillationLoss.compute(y, new DistillationLoss.Pair(s, t, o));
        var gpu = DistillationLoss.compute(y.to(cuda, torch.ScalarType.Long),
                new DistillationLoss.Pair(s.to(cuda, torch.ScalarType.Float), t.to(cuda, torch.ScalarType.Float), o));
        assertTrue(relDiff(gpu.loss(0).cpu().item_double(), cpu.loss(0).item_double()) < 1e-5);
        assertTrue(gradError(gpu.grad(0).cpu(), cpu.grad(0)) < 1e-5);
    }
}
