package org.robustify.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.model.BlockModel;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.Parameters;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class WiseFtTest {
    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void endpointsAreBitIdenticalAndTheMiddleIsTheMean() {
        try (PointerScope scope = new PointerScope()) {
            BlockModel pre = MethodFixtures.resnet18(41);
            BlockModel ft = MethodFixtures.resnet18(42);
            // Distinct BN statistics and step counters, as after fine-tuning.
            ft.module().train(true);
            try (NoGradGuard g = new NoGradGuard()) {
                ft.forward(torch.randn(4, 1, 28, 28).mul(new Scalar(3)));
            }
            ft.module().eval();
            Map<String, Tensor> p = state(pre);
            Map<String, Tensor> f = state(ft);
            assertFalse(p.get("bn1.running_mean").equal(f.get("bn1.running_mean")));

            BlockModel into = MethodFixtures.resnet18(43);
            WiseFt.interpolate(pre.module(), ft.module(), 0, into.module());
            assertSame(p, state(into), "a = 0");
            WiseFt.interpolate(pre.module(), ft.module(), 1, into.module());
            assertSame(f, state(into), "a = 1");
            Map<String, Tensor> mid = WiseFt.interpolatedState(pre.module(), ft.module(), 0.5);
            for (Map.Entry<String, Tensor> e : mid.entrySet()) {
                Tensor a = p.get(e.getKey());
                Tensor b = f.get(e.getKey());
                if (a.is_floating_point()) {
                    assertTrue(e.getValue().allclose(a.add(b).div(new Scalar(2)), 1e-6, 1e-7, false), e.getKey());
                } else {
                    assertTrue(e.getValue().equal(b), e.getKey() + " (integer) comes from the fine-tuned model");
                }
            }
            assertFalse(mid.get("bn1.running_var").equal(p.get("bn1.running_var")), "BN statistics interpolated");
            assertSame(p, state(pre), "pre untouched");
            assertSame(f, state(ft), "ft untouched");

            // In place: into may be the pre-trained model itself.
            WiseFt.interpolate(pre.module(), ft.module(), 1, pre.module());
            assertSame(f, state(pre), "in place");
        }
    }

    @Test
    void mismatchesAndBadCoefficientsAreErrors() {
        try (PointerScope scope = new PointerScope()) {
            BlockModel a = MethodFixtures.resnet18(1);
            BlockModel fourClasses = (BlockModel) ModelZoo.create("resnet18", new InputSpec(1, 28, 28, 4),
                    new ModelOptions("imagenet", 0, 0));
            RobustifyException e = assertThrows(RobustifyException.class,
                    () -> WiseFt.interpolatedState(a.module(), fourClasses.module(), 0.5));
            assertTrue(e.getMessage().contains("'fc.weight' has shape [10, 512]")
                    && e.getMessage().contains("[4, 512]"), e.getMessage());
            org.robustify.model.ImageClassifier other = ModelZoo.create("cnn-small", MethodFixtures.FASHION);
            RobustifyException e2 = assertThrows(RobustifyException.class,
                    () -> WiseFt.interpolatedState(a.module(), other.module(), 0.5));
            assertTrue(e2.getMessage().contains("'layer1.0.conv1.weight' missing from the fine-tuned model"),
                    e2.getMessage());
            assertTrue(e2.getMessage().contains("; ..."), "long lists are cut: " + e2.getMessage());
            assertThrows(RobustifyException.class, () -> WiseFt.interpolatedState(a.module(), a.module(), 1.5));
            assertThrows(RobustifyException.class, () -> WiseFt.interpolatedState(a.module(), a.module(), Double.NaN));
        }
        assertEquals(List.of(0.0, 0.25, 0.5, 0.75, 1.0), WiseFt.sweep(4));
        assertThrows(RobustifyException.class, () -> WiseFt.sweep(0));
    }

    private static Map<String, Tensor> state(BlockModel m) {
        Map<String, Tensor> s = new java.util.LinkedHashMap<>();
        Parameters.named(m.module()).forEach((k, v) -> s.put(k, v.clone()));
        Parameters.namedBuffers(m.module()).forEach((k, v) -> s.put(k, v.clone()));
        return s;
    }

    private static void assertSame(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            assertTrue(actual.get(e.getKey()).equal(e.getValue()), what + ": " + e.getKey());
        }
    }
}
