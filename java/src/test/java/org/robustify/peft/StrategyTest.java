package org.robustify.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitConfig;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

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

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void injectionLeavesOutputsUnchanged(Strategy s) {
        StrategyChecks.injectionLeavesOutputsUnchanged(s, vit(), images(), 1e-2);
    }

    @Test
    void mergedLoraEqualsUnmerged() {
        VisionTransformer m = vit();
        Strategy.LORA.apply(m);
        try (NoGradGuard g = new NoGradGuard()) {
            for (LoraModule b : Lora.branches(m)) {
                torch.normal_(b.loraB(), 0.0, 0.05); // a trained-looking branch, so merging has something to fold
            }
        }
        Tensor x = images();
        Tensor plainBefore = StrategyChecks.logits(vit(), x);
        Tensor unmerged = StrategyChecks.logits(m, x);
        assertTrue(StrategyChecks.maxAbsDiff(unmerged, plainBefore) > 1e-3, "the branches should change the outputs");
        assertEquals(3 * DEPTH, Lora.merge(m));
        Tensor merged = StrategyChecks.logits(m, x);
        double d = StrategyChecks.maxAbsDiff(unmerged, merged);
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

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void onlyTheStrategysParametersTrain(Strategy s) {
        StrategyChecks.onlyTheStrategysParametersTrain(s, vit(), new StrategyChecks.Names("head."),
                () -> torch.randn(8, 1, 28, 28), 10);
    }

    @Test
    void smallCnnIsRefusedByName() {
        var cnn = ModelZoo.create("cnn-small", SPEC);
        RobustifyException e = assertThrows(RobustifyException.class, () -> Strategy.LORA.apply(cnn));
        assertTrue(e.getMessage().contains("cnn-small"), e.getMessage());
        assertFalse(Strategy.BITFIT.supports(cnn));
        assertThrows(RobustifyException.class, () -> Strategy.parse("prefix"));
        assertEquals(Strategy.IA3, Strategy.parse("IA3"));
    }
}
