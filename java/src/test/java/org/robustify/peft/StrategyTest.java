package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.cross_entropy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.Parameters;
import org.robustify.model.resnet.ResNet;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitConfig;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.AdamOptimizer;

class StrategyTest {
    private static final InputSpec SPEC = new InputSpec(1, 28, 28, 10);
    private static final int DEPTH = 2;
    private static final long DIM = 192;
    private static final long HEAD = DIM * 10 + 10;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    private static VisionTransformer vit() {
        torch.manual_seed(7);
        return new VisionTransformer(VitConfig.of("vit_tiny"), SPEC, new ModelOptions(null, 4, DEPTH));
    }

    private static Tensor images() {
        torch.manual_seed(11);
        return torch.randn(4, 1, 28, 28);
    }

    private static Tensor logits(VisionTransformer m, Tensor x) {
        m.eval();
        try (NoGradGuard g = new NoGradGuard()) {
            return m.forward(x).clone();
        }
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void injectionLeavesOutputsUnchanged(Strategy s) {
        VisionTransformer m = vit();
        Tensor x = images();
        Tensor before = logits(m, x);
        s.apply(m);
        Tensor after = logits(m, x);
        if (s == Strategy.ADAPTER || s == Strategy.COMPACTER) {
            // up starts near zero, not at zero: close, and visibly so.
            double d = maxAbsDiff(before, after);
            assertTrue(d < 1e-2, s + " changed the logits by " + d);
        } else {
            // LoRA's B = 0 and (IA)³'s ones give exactly the same numbers.
            assertTrue(torch.equal(before, after), s + " changed the logits");
        }
    }

    @Test
    void mergedLoraEqualsUnmerged() {
        VisionTransformer m = vit();
        Strategy.LORA.apply(m);
        try (NoGradGuard g = new NoGradGuard()) {
            for (LoraBranch b : Lora.branches(m)) {
                torch.normal_(b.loraB(), 0.0, 0.05); // a trained-looking branch, so merging has something to fold
            }
        }
        Tensor x = images();
        Tensor plainBefore = logits(vit(), x);
        Tensor unmerged = logits(m, x);
        assertTrue(maxAbsDiff(unmerged, plainBefore) > 1e-3, "the branches should change the outputs");
        assertEquals(3 * DEPTH, Lora.merge(m));
        Tensor merged = logits(m, x);
        double d = maxAbsDiff(unmerged, merged);
        assertTrue(d < 1e-5, "merged vs unmerged differ by " + d);
        assertTrue(Lora.branches(m).get(0).merged());
        assertThrows(RobustifyException.class, () -> Lora.branches(m).get(0).merge());
        assertEquals(0, Parameters.count(m, true) - HEAD, "merged LoRA parameters stop training");
    }

    @Test
    void trainableCountsFollowTheFormulas() {
        long total = Parameters.count(vit(), false);
        long biases = 0;
        for (Map.Entry<String, Tensor> e : Parameters.named(vit()).entrySet()) {
            if (e.getKey().endsWith(".bias")) {
                biases += e.getValue().numel();
            }
        }
        long hidden = 4 * DIM;
        assertEquals(total, Strategy.FULL.apply(vit()).trainable());
        assertEquals(HEAD, Strategy.LINEAR.apply(vit()).trainable());
        assertEquals(biases + DIM * 10, Strategy.BITFIT.apply(vit()).trainable());
        PeftReport lora = Strategy.LORA.apply(vit());
        long perBlock = 8 * (3 * DIM + 3 * DIM) + 8 * (DIM + hidden) + 8 * (hidden + DIM);
        assertEquals(perBlock, Lora.parametersPerBlock(DIM, hidden, 8));
        assertEquals(DEPTH * perBlock + HEAD, lora.trainable());
        assertEquals(total + DEPTH * perBlock, lora.total());
        long a = DIM / 8;
        assertEquals(DEPTH * 2 * (DIM * a + a + a * DIM + DIM) + HEAD, Strategy.ADAPTER.apply(vit()).trainable());
        long c = 8; // 192 / 32 = 6, rounded up to a multiple of n = 4
        assertEquals(c, Injection.compacterHidden(DIM, PeftSettings.DEFAULT));
        assertEquals(2 * 64 + DEPTH * 2 * (3 * c + 3 * DIM) + HEAD, Strategy.COMPACTER.apply(vit()).trainable());
        assertEquals(DEPTH * (2 * DIM + hidden) + HEAD, Strategy.IA3.apply(vit()).trainable());
    }

    /** A few AdamW steps: everything outside the strategy's set keeps its exact bits; the set itself moves. */
    @ParameterizedTest
    @EnumSource(Strategy.class)
    void onlyTheStrategysParametersTrain(Strategy s) {
        VisionTransformer m = vit();
        s.apply(m);
        Map<String, Tensor> snapshot = new LinkedHashMap<>();
        Parameters.named(m).forEach((name, t) -> snapshot.put(name, t.detach().clone()));
        AdamOptimizer opt = AdamOptimizer.forTrainable(m, AdamOptimizer.Kind.ADAMW, 1e-2, 0.01);
        m.train(true);
        torch.manual_seed(3);
        for (int step = 0; step < 3; step++) {
            Tensor x = torch.randn(8, 1, 28, 28);
            Tensor y = torch.randint(0, 10, new long[] {8});
            opt.zeroGrad();
            cross_entropy(m.forward(x), y).backward();
            opt.step();
        }
        int moved = 0;
        for (Map.Entry<String, Tensor> e : Parameters.named(m).entrySet()) {
            String name = e.getKey();
            boolean same = torch.equal(snapshot.get(name), e.getValue());
            if (!e.getValue().requires_grad()) {
                assertTrue(same, s + ": frozen " + name + " changed");
            } else if (!same) {
                moved++;
            }
            boolean expected = switch (s) {
                case FULL -> true;
                case LINEAR -> name.startsWith("head.");
                case BITFIT -> name.startsWith("head.") || name.endsWith(".bias");
                case LORA -> name.startsWith("head.") || name.contains("_lora.");
                case ADAPTER -> name.startsWith("head.") || name.contains("_adapter.");
                case COMPACTER -> name.startsWith("head.") || name.contains("compacter");
                case IA3 -> name.startsWith("head.") || name.contains("_ia3.");
            };
            assertEquals(expected, e.getValue().requires_grad(), s + ": " + name);
        }
        assertTrue(moved >= 2, s + ": only " + moved + " trainable tensors moved");
        assertFalse(torch.equal(snapshot.get("head.weight"), Parameters.named(m).get("head.weight")));
    }

    @Test
    void resnetSupportsOnlyTheNonInjectingStrategies() {
        ResNet r = (ResNet) ModelZoo.create("resnet18", new InputSpec(3, 32, 32, 10));
        assertThrows(RobustifyException.class, () -> Strategy.LORA.apply(r));
        PeftReport bitfit = Strategy.BITFIT.apply(r);
        assertTrue(bitfit.trainable() > 0 && bitfit.trainable() < bitfit.total());
        assertEquals(512 * 10 + 10, Strategy.LINEAR.apply(r).trainable());
        assertThrows(RobustifyException.class, () -> Strategy.parse("prefix"));
        assertEquals(Strategy.IA3, Strategy.parse("IA3"));
    }
}
