package org.robustify.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.CnnSmall;
import org.robustify.model.Parameters;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.Evaluation;

class AttacksTest {
    private static final float[] MEAN = FashionMnist.MEAN;
    private static final float[] STD = FashionMnist.STD;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    private static double pgdAccuracy(double eps, int n) {
        return AdversarialEval.accuracy(AttackFixtures.trainedCnn(), AttackFixtures.testImages(n), MEAN, STD,
                AttackOptions.pgd(eps, eps / 4, 10), 0, 100).accuracy();
    }

    @Test
    void zeroEpsilonGivesTheCleanAccuracyExactly() {
        CnnSmall model = AttackFixtures.trainedCnn();
        ImageDataset data = AttackFixtures.testImages(300);
        Evaluation.Result clean = Evaluation.evaluate(model, data, 64, MEAN, STD);
        assertTrue(clean.accuracy() > 0.6, "the fixture model should have learned something: " + clean.accuracy());
        assertEquals(clean.correct(), AdversarialEval.accuracy(model, data, MEAN, STD, AttackOptions.fgsm(0), 0, 64)
                .correct());
        assertEquals(clean.correct(), AdversarialEval.accuracy(model, data, MEAN, STD, AttackOptions.pgd(0, 0, 5), 0,
                100).correct());
    }

    @Test
    void accuracyFallsAsEpsilonGrowsAndPgdIsStrongerThanFgsm() {
        double[] eps = {0, 1 / 255.0, 4 / 255.0, 16 / 255.0};
        double previous = 1;
        double[] acc = new double[eps.length];
        for (int i = 0; i < eps.length; i++) {
            acc[i] = pgdAccuracy(eps[i], 200);
            assertTrue(acc[i] <= previous, "PGD accuracy rose from " + previous + " to " + acc[i] + " at eps "
                    + eps[i]);
            previous = acc[i];
        }
        assertTrue(acc[3] < acc[0] - 0.3, "eps 16/255 should break the model: " + java.util.Arrays.toString(acc));
        ImageDataset data = AttackFixtures.testImages(200);
        double fgsm = AdversarialEval.accuracy(AttackFixtures.trainedCnn(), data, MEAN, STD,
                AttackOptions.fgsm(4 / 255.0), 0, 100).accuracy();
        assertTrue(acc[2] <= fgsm, "PGD " + acc[2] + " should be <= FGSM " + fgsm + " at eps 4/255");
        assertTrue(fgsm < acc[0], "FGSM should cost accuracy: " + fgsm + " vs clean " + acc[0]);
    }

    @Test
    void perturbationStaysInTheBallAndInTheUnitBox() {
        CnnSmall model = AttackFixtures.trainedCnn();
        for (AttackNorm norm : AttackNorm.values()) {
            double eps = norm == AttackNorm.LINF ? 8 / 255.0 : 0.5;
            AttackOptions o = new AttackOptions(norm, eps, eps / 3, 7, true, 3);
            try (PointerScope scope = new PointerScope(); BatchLoader loader = loader(64)) {
                Batch b = loader.iterator().next();
                Tensor x = AdversarialEval.unitImages(b);
                Tensor adv = Attacks.perturb(model, MEAN, STD, x, BatchTensors.labels(b), o);
                assertFalse(adv.requires_grad());
                assertTrue(adv.min().item_float() >= 0f && adv.max().item_float() <= 1f, norm + " left [0,1]");
                Tensor delta = adv.sub(x);
                float size = norm == AttackNorm.LINF ? delta.abs().max().item_float()
                        : delta.pow(new Scalar(2.0)).sum(new long[] {1, 2, 3}, false, new ScalarTypeOptional())
                                .sqrt().max().item_float();
                assertTrue(size <= eps * (1 + 1e-5), norm + " perturbation " + size + " exceeds eps " + eps);
                assertTrue(size > eps / 2, norm + " attack barely moved: " + size);
            }
        }
    }

    @Test
    void parametersAreUntouchedAndModeRestored() {
        CnnSmall model = AttackFixtures.trainedCnn();
        Map<String, Tensor> before = new LinkedHashMap<>();
        Map<String, Boolean> flags = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Parameters.named(model).forEach((name, t) -> {
            before.put(name, t.detach().clone());
            flags.put(name, t.requires_grad());
            grads.put(name, t.grad().defined() ? t.grad().clone() : null);
        });
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        Parameters.namedBuffers(model).forEach((name, t) -> buffers.put(name, t.detach().clone()));
        model.train(true);
        try {
            AdversarialEval.accuracy(model, AttackFixtures.testImages(64), MEAN, STD,
                    AttackOptions.pgd(8 / 255.0, 2 / 255.0, 3), 0, 32);
            assertTrue(model.is_training(), "the model's training mode was not restored");
        } finally {
            model.eval();
        }
        Parameters.named(model).forEach((name, t) -> {
            assertTrue(before.get(name).equal(t), name + " changed");
            assertEquals(flags.get(name), t.requires_grad(), name + " requires_grad changed");
            Tensor g = grads.get(name);
            assertTrue(g == null ? !t.grad().defined() : g.equal(t.grad()), name + "'s .grad changed");
        });
        Parameters.namedBuffers(model).forEach((name, t) -> assertTrue(buffers.get(name).equal(t),
                name + " changed (the attack ran the model in training mode)"));
    }

    @Test
    void sameSeedSameImagesOtherSeedOtherImages() {
        CnnSmall model = AttackFixtures.trainedCnn();
        for (AttackNorm norm : AttackNorm.values()) {
            try (PointerScope scope = new PointerScope(); BatchLoader loader = loader(16)) {
                Batch b = loader.iterator().next();
                Tensor x = AdversarialEval.unitImages(b);
                Tensor y = BatchTensors.labels(b);
                AttackOptions o = new AttackOptions(norm, norm == AttackNorm.LINF ? 8 / 255.0 : 1.0, 0.01, 2, true,
                        11);
                Tensor a = Attacks.perturb(model, MEAN, STD, x, y, o);
                Tensor again = Attacks.perturb(model, MEAN, STD, x, y, o);
                Tensor other = Attacks.perturb(model, MEAN, STD, x, y, o.withSeed(12));
                assertTrue(a.equal(again), norm + ": same seed gave different images");
                assertFalse(a.equal(other), norm + ": another seed gave the same images");
            }
        }
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(RobustifyException.class, () -> AttackOptions.fgsm(-0.1));
        assertThrows(RobustifyException.class, () -> AttackOptions.fgsm(Double.NaN));
        assertThrows(RobustifyException.class, () -> AttackOptions.fgsm(2));
        assertThrows(RobustifyException.class, () -> AttackOptions.pgd(0.1, -1, 3));
        assertThrows(RobustifyException.class, () -> AttackOptions.pgd(0.1, 0.01, 0));
        assertThrows(RobustifyException.class, () -> new AttackOptions(null, 0.1, 0.1, 1, false, 0));
        AttackOptions fgsm = AttackOptions.fgsm(0.03);
        assertEquals(new AttackOptions(AttackNorm.LINF, 0.03, 0.03, 1, false, 0), fgsm);
        assertEquals("fgsm", fgsm.kind());
        assertEquals("pgd", AttackOptions.pgd(0.03, 0.01, 10).kind());
        assertTrue(AttackOptions.pgd(0.03, 0.01, 10).randomStart());
    }

    private static BatchLoader loader(int batch) {
        return new BatchLoader(AttackFixtures.testImages(batch), batch, false, 0, 0, false, 1);
    }
}
