package org.robustify.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.kReflect;
import org.bytedeco.pytorch.kSame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.Parameters;
import org.robustify.model.resnet.BasicBlock;
import org.robustify.model.resnet.ResNet;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

/** The strategies on ResNets: ResNet-18, CIFAR stem (BasicBlocks); ResNet-50, ImageNet stem (Bottlenecks). */
class ResNetStrategyTest {
    private static final InputSpec SMALL = new InputSpec(3, 16, 16, 10);
    private static final InputSpec IMAGENET_STEM = new InputSpec(3, 32, 32, 10);
    private static final long HEAD18 = 512 * 10 + 10;
    private static final long HEAD50 = 2048 * 10 + 10;
    /** ResNet-18 blocks as (input channels, planes), from torchvision's definition. */
    private static final long[][] RESNET18_BLOCKS = {{64, 64}, {64, 64}, {64, 128}, {128, 128}, {128, 256},
            {256, 256}, {256, 512}, {512, 512}};

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    private static ResNet resnet18() {
        torch.manual_seed(7);
        ResNet r = new ResNet(ResNet.Variant.RESNET18, SMALL, ModelOptions.DEFAULT);
        assertFalse(r.imagenetStem(), "16 px images should get the CIFAR stem");
        return r;
    }

    private static ResNet resnet50() {
        torch.manual_seed(7);
        return new ResNet(ResNet.Variant.RESNET50, IMAGENET_STEM, ModelOptions.DEFAULT.withStem("imagenet"));
    }

    private static Tensor images(InputSpec spec) {
        torch.manual_seed(11);
        return torch.randn(4, spec.channels(), spec.height(), spec.width());
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void injectionLeavesOutputsUnchanged(Strategy s) {
        StrategyChecks.injectionLeavesOutputsUnchanged(s, resnet18(), images(SMALL), 1e-2);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void onlyTheStrategysParametersTrain(Strategy s) {
        StrategyChecks.onlyTheStrategysParametersTrain(s, resnet18(), new StrategyChecks.Names("fc."),
                () -> torch.randn(8, 3, 16, 16), 10);
    }

    /**
     * LoRA leaves the logits bit-identical at injection; then random B (a trained-looking branch), and merged vs
     * unmerged; covers stride-2 and 1×1/3×3 convs.
     */
    private static void checkMerge(Supplier<ResNet> create, InputSpec spec, int expectedBranches, long head) {
        ResNet m = create.get();
        Tensor x = images(spec);
        Tensor plain = StrategyChecks.logits(create.get(), x);
        Strategy.LORA.apply(m);
        assertTrue(torch.equal(plain, StrategyChecks.logits(m, x)), "LoRA with B = 0 changed the logits");
        try (NoGradGuard g = new NoGradGuard()) {
            for (LoraModule b : Lora.branches(m)) {
                torch.normal_(b.loraB(), 0.0, 0.02);
            }
        }
        Tensor unmerged = StrategyChecks.logits(m, x);
        assertTrue(StrategyChecks.maxAbsDiff(unmerged, plain) > 1e-3, "the branches should change the outputs");
        assertEquals(expectedBranches, Lora.merge(m));
        Tensor merged = StrategyChecks.logits(m, x);
        double d = StrategyChecks.maxAbsDiff(unmerged, merged);
        double scale = Math.max(1, unmerged.abs().max().item_double());
        // 1e-5 relative to the logits' size: ResNet-50's reach ~9, where float32 rounding alone is ~1e-6.
        assertTrue(d < 1e-5 * scale, m.architecture() + ": merged vs unmerged differ by " + d + " (logits up to "
                + scale + ")");
        assertThrows(RobustifyException.class, () -> Lora.branches(m).get(0).merge());
        assertEquals(head, Parameters.count(m, true), "merged LoRA parameters stop training");
    }

    @Test
    void mergedLoraEqualsUnmergedOnBasicBlocks() {
        checkMerge(ResNetStrategyTest::resnet18, SMALL, 2 * 8, HEAD18);
    }

    @Test
    void mergedLoraEqualsUnmergedOnBottlenecks() {
        checkMerge(ResNetStrategyTest::resnet50, IMAGENET_STEM, 3 * 16, HEAD50);
    }

    @Test
    void loraOnOneConvFollowsPeftsShapes() {
        ResNet m = resnet18();
        Strategy.LORA.apply(m);
        BasicBlock first = (BasicBlock) m.residualBlocks().get(2); // layer2.0: conv1 64 -> 128, 3x3, stride 2
        LoraModule lora = (LoraModule) first.convHook(0).module();
        assertArrayEquals(new long[] {8, 64, 3, 3}, shape(lora.loraA()));
        assertArrayEquals(new long[] {128, 8, 1, 1}, shape(lora.loraB()));
        assertEquals(1.0, lora.scale()); // α / r = 8 / 8
        assertTrue(torch.equal(lora.loraB(), torch.zeros_like(lora.loraB())));
        double bound = 1 / Math.sqrt(64 * 9); // Kaiming-uniform, a = √5
        assertTrue(lora.loraA().abs().max().item_double() <= bound);
        assertTrue(lora.loraA().abs().max().item_double() > 0.9 * bound);
        assertEquals(8 * 64 * 9 + 128 * 8, Parameters.count(lora, false));
        assertEquals(Parameters.count(lora, false), Lora.parametersPerConv(64, 128, 3, 8));
    }

    @Test
    void loraRefusesConvsItCannotMirrorByName() {
        Conv2dOptions same = new Conv2dOptions(4, 8, new LongPointer(3, 3));
        same.padding().put(new kSame());
        Conv2dOptions reflect = new Conv2dOptions(4, 8, new LongPointer(3, 3));
        reflect.padding_mode().put(new kReflect());
        Conv2dOptions grouped = new Conv2dOptions(4, 8, new LongPointer(3, 3));
        grouped.groups().put(2);
        for (Conv2dOptions o : new Conv2dOptions[] {same, reflect, grouped}) {
            Conv2dImpl conv = new Conv2dImpl(o);
            RobustifyException e = assertThrows(RobustifyException.class, () -> new LoraConvBranch(conv, 2, 2));
            assertTrue(e.getMessage().startsWith("LoRA on Conv2d: only"), e.getMessage());
        }
    }

    private static long[] shape(Tensor t) {
        long[] out = new long[(int) t.dim()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.size(i);
        }
        return out;
    }

    @Test
    void trainableCountsFollowTheFormulas() {
        long total = Parameters.count(resnet18(), false);
        long lora = 0;
        long adapter = 0;
        long compacter = 2 * 4 * 4 * 4; // the shared rules: down and up, n x n x n each
        long ia3 = 0;
        for (long[] b : RESNET18_BLOCKS) {
            long in = b[0];
            long c = b[1];
            lora += 8 * in * 9 + c * 8 + 8 * c * 9 + c * 8; // conv1 in -> c, conv2 c -> c, both 3x3
            long a = c / 8;
            adapter += c * a + a + a * c + c;
            long h = Math.max(4, c / 32); // c / 32 rounded up to a multiple of n = 4
            compacter += (h + c + h) + (c + h + c); // down: s, t, bias; up: s, t, bias
            ia3 += 2 * c;
        }
        // Every bias of a ResNet is a BatchNorm's (the convs have none) or the head's.
        long bnBiases = 64 + 2 * (2 * 64 + 2 * 128 + 2 * 256 + 2 * 512) + (128 + 256 + 512);
        assertEquals(total, Strategy.FULL.apply(resnet18()).trainable());
        assertEquals(HEAD18, Strategy.LINEAR.apply(resnet18()).trainable());
        assertEquals(bnBiases + HEAD18, Strategy.BITFIT.apply(resnet18()).trainable());
        PeftReport r = Strategy.LORA.apply(resnet18());
        assertEquals(lora + HEAD18, r.trainable());
        assertEquals(total + lora, r.total());
        assertEquals(lora, r.injected());
        assertEquals(adapter + HEAD18, Strategy.ADAPTER.apply(resnet18()).trainable());
        assertEquals(compacter + HEAD18, Strategy.COMPACTER.apply(resnet18()).trainable());
        assertEquals(ia3 + HEAD18, Strategy.IA3.apply(resnet18()).trainable());
    }

    @Test
    void ia3OnBottlenecksScalesEachBranchNorm() {
        ResNet m = resnet50();
        Tensor x = images(IMAGENET_STEM);
        Tensor before = StrategyChecks.logits(m, x);
        PeftReport r = Strategy.IA3.apply(m);
        assertTrue(torch.equal(before, StrategyChecks.logits(m, x)));
        int[] blocks = {3, 4, 6, 3};
        long[] planes = {64, 128, 256, 512};
        long expected = 0;
        for (int s = 0; s < 4; s++) {
            expected += blocks[s] * (planes[s] + planes[s] + 4 * planes[s]);
        }
        assertEquals(expected + HEAD50, r.trainable());
        assertTrue(Parameters.named(m).containsKey("layer3.5.bn3_ia3.ia3_l"));
    }
}
