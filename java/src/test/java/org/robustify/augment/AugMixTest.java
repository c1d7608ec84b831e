package org.robustify.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.robustify.bindings.RobustifyNative;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;

/** The Java API over rfy_augmix_images: shapes, layouts, determinism, views, options, and libtorch compositions. */
class AugMixTest {
    private PointerScope scope;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
        torch.manual_seed(5);
    }

    @BeforeEach
    void open() {
        scope = new PointerScope();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** Random uint8 NHWC images. */
    private static Tensor images(long n, long h, long w, long c) {
        return torch.randint(256L, new long[] {n, h, w, c}, new TensorOptions(ScalarType.Byte));
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(ScalarType.Float).sub(b.to(ScalarType.Float)).abs().max().item_float();
    }

    private static long[] sizes(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.size(i);
        }
        return s;
    }

    private static long[] range(long from, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = from + i;
        }
        return ids;
    }

    @Test
    void opsMatchTheNativeEnum() {
        assertEquals(RobustifyNative.RFY_AUGMENT_OP_COUNT, AugmentOp.values().length);
        for (AugmentOp op : AugmentOp.values()) {
            assertEquals(op.name().toLowerCase(java.util.Locale.ROOT), RobustifyNative.rfy_augment_op_name(op.code()));
        }
        assertEquals(RobustifyNative.RFY_AUGMENT_OPS_ALL, AugmentOp.mask(EnumSet.allOf(AugmentOp.class)));
    }

    @Test
    void resultIsFloatInUnitRangeWithTheInputsShapeAndLayout() {
        Tensor x = images(6, 28, 28, 1);
        Tensor y = AugMix.apply(x, ImageLayout.NHWC, null, 1, AugMixOptions.defaults().withAllOps(true));
        assertEquals(ScalarType.Float, y.scalar_type().intern());
        assertArrayEquals(sizes(x), sizes(y));
        assertTrue(y.min().item_float() >= 0f && y.max().item_float() <= 1f);
        Tensor nchw = AugMix.apply(x.permute(0, 3, 1, 2).contiguous(), ImageLayout.NCHW, null, 1,
                AugMixOptions.defaults().withAllOps(true));
        assertEquals(0.0, maxAbsDiff(nchw.permute(0, 2, 3, 1), y), "NCHW and NHWC give the same images");
        Tensor fromFloat = AugMix.apply(x.to(ScalarType.Float).div(new Scalar(255.0)), ImageLayout.NHWC, null, 1,
                AugMixOptions.defaults().withAllOps(true));
        assertEquals(0.0, maxAbsDiff(fromFloat, y), "float32 k/255 input equals uint8 k input");
    }

    @Test
    void deterministicAndIndependentOfBatchSplit() {
        Tensor x = images(8, 32, 32, 3);
        AugMixOptions o = AugMixOptions.defaults().withSeed(42);
        Tensor all = AugMix.apply(x, ImageLayout.NHWC, range(100, 8), 1, o);
        assertTrue(all.equal(AugMix.apply(x, ImageLayout.NHWC, range(100, 8), 1, o)), "same seed, same bits");
        Tensor split = torch.cat(new TensorVector(
                AugMix.apply(x.narrow(0, 0, 3), ImageLayout.NHWC, range(100, 3), 1, o),
                AugMix.apply(x.narrow(0, 3, 5), ImageLayout.NHWC, range(103, 5), 1, o)), 0);
        assertTrue(all.equal(split), "a sample's result does not depend on its batch");
        NativeRuntime.init(1);
        try {
            assertTrue(all.equal(AugMix.apply(x, ImageLayout.NHWC, range(100, 8), 1, o)), "thread count");
        } finally {
            NativeRuntime.init(2);
        }
        Tensor reference = AugMix.apply(x, ImageLayout.NHWC, range(100, 8), 1,
                o.withPath(AugMixOptions.ExecutionPath.REFERENCE));
        assertEquals(0.0, maxAbsDiff(reference, all), "fast path equals the reference path");
    }

    @Test
    void viewsAndSeedsGiveDifferentImages() {
        Tensor x = images(4, 28, 28, 1);
        AugMixOptions o = AugMixOptions.defaults();
        Tensor v1 = AugMix.apply(x, ImageLayout.NHWC, null, 1, o);
        Tensor v2 = AugMix.apply(x, ImageLayout.NHWC, null, 2, o);
        Tensor s2 = AugMix.apply(x, ImageLayout.NHWC, null, 1, o.withSeed(1));
        for (int i = 0; i < 4; i++) {
            assertFalse(v1.narrow(0, i, 1).equal(v2.narrow(0, i, 1)), "view 1 and 2 of sample " + i);
            assertFalse(v1.narrow(0, i, 1).equal(s2.narrow(0, i, 1)), "seed 0 and 1 of sample " + i);
        }
    }

    /** Solarize and translate against the same maps written in libtorch. */
    @Test
    void singleOpsMatchLibtorch() {
        Tensor x = images(3, 20, 24, 3);
        Tensor xf = x.to(ScalarType.Float);
        Tensor solarized = torch.where(xf.lt(new Scalar(128.0)), xf, xf.neg().add(new Scalar(255.0)));
        // k / 255 * 255 comes back within float rounding of k.
        assertEquals(0.0, maxAbsDiff(AugMix.applyOp(x, ImageLayout.NHWC, AugmentOp.SOLARIZE, 128).mul(new Scalar(255.0)),
                solarized), 1e-4);
        // translate_x by 5: output column j reads input column j + 5; the last 5 columns are fill (0).
        Tensor shifted = torch.cat(new TensorVector(xf.narrow(2, 5, 19), torch.zeros_like(xf.narrow(2, 0, 5))), 2);
        assertEquals(0.0, maxAbsDiff(AugMix.applyOp(x, ImageLayout.NHWC, AugmentOp.TRANSLATE_X, 5)
                .mul(new Scalar(255.0)), shifted), 1e-4);
        Tensor posterized = xf.div(new Scalar(16.0)).floor().mul(new Scalar(16.0));
        assertEquals(0.0, maxAbsDiff(AugMix.applyOp(x, ImageLayout.NHWC, AugmentOp.POSTERIZE, 4)
                .mul(new Scalar(255.0)), posterized), 1e-4);
    }

    /**
     * Width 1, depth 1, only posterize at severity 1 (always 4 bits): out = (1 - m) x + m post(x) with one m in [0, 1]
     * per image, recovered by least squares in libtorch.
     */
    @Test
    void oneOpChainIsTheDocumentedBlend() {
        Tensor x = images(5, 28, 28, 1);
        AugMixOptions o = new AugMixOptions(3, 1, 1, 1, 1f, false, Set.of(AugmentOp.POSTERIZE),
                AugMixOptions.ExecutionPath.FAST);
        Tensor out = AugMix.apply(x, ImageLayout.NHWC, null, 1, o);
        Tensor xf = x.to(ScalarType.Float).div(new Scalar(255.0));
        Tensor post = x.to(ScalarType.Float).div(new Scalar(16.0)).floor().mul(new Scalar(16.0)).div(new Scalar(255.0));
        for (int i = 0; i < 5; i++) {
            Tensor d = xf.narrow(0, i, 1).sub(post.narrow(0, i, 1));
            Tensor r = xf.narrow(0, i, 1).sub(out.narrow(0, i, 1));
            double m = r.mul(d).sum().item_float() / d.mul(d).sum().item_float();
            assertTrue(m >= 0 && m <= 1, "m in [0, 1]: " + m);
            Tensor model = xf.narrow(0, i, 1).sub(d.mul(new Scalar(m)));
            assertEquals(0.0, maxAbsDiff(model, out.narrow(0, i, 1)), 1e-5, "image " + i);
        }
    }

    @Test
    void optionsAndArgumentsAreValidated() {
        AugMixOptions d = AugMixOptions.defaults();
        assertEquals(3, d.width());
        assertEquals(-1, d.depth());
        assertEquals(0, d.opsMask());
        assertTrue(assertThrows(RobustifyException.class, () -> d.withWidth(0)).getMessage().contains("width"));
        assertTrue(assertThrows(RobustifyException.class, () -> d.withWidth(9)).getMessage().contains("width"));
        assertTrue(assertThrows(RobustifyException.class, () -> d.withDepth(0)).getMessage().contains("depth"));
        assertTrue(assertThrows(RobustifyException.class, () -> d.withSeverity(11)).getMessage().contains("severity"));
        assertTrue(assertThrows(RobustifyException.class, () -> d.withAlpha(0f)).getMessage().contains("alpha"));
        assertTrue(assertThrows(RobustifyException.class, () -> d.withAlpha(Float.NaN)).getMessage().contains("alpha"));
        assertEquals(AugmentOp.ROTATE.bit() | AugmentOp.SHARPNESS.bit(),
                d.withOps(EnumSet.of(AugmentOp.ROTATE, AugmentOp.SHARPNESS)).opsMask());
        Tensor x = images(2, 28, 28, 1);
        assertTrue(assertThrows(RobustifyException.class, () -> AugMix.apply(x, ImageLayout.NHWC, null, -1, d))
                .getMessage().contains("view"));
        assertTrue(assertThrows(RobustifyException.class,
                () -> AugMix.apply(x, ImageLayout.NHWC, new long[] {1}, 0, d)).getMessage().contains("sample id"));
        assertTrue(assertThrows(RobustifyException.class, () -> AugMix.apply(images(2, 8, 8, 2), ImageLayout.NHWC,
                null, 0, d)).getMessage().contains("1 or 3 channels"));
        assertTrue(assertThrows(RobustifyException.class, () -> AugMix.apply(x.to(ScalarType.Double),
                ImageLayout.NHWC, null, 0, d)).getMessage().contains("uint8"));
        assertTrue(assertThrows(RobustifyException.class, () -> AugMix.applyOp(x, ImageLayout.NHWC,
                AugmentOp.POSTERIZE, 9)).getMessage().contains("posterize"));
        Tensor empty = AugMix.apply(images(0, 8, 8, 3), ImageLayout.NHWC, null, 0, d);
        assertEquals(0, empty.size(0));
    }

    @Test
    void enhanceOpsStayInRangeAndClampLikePillow() {
        Tensor x = images(2, 16, 16, 3);
        Tensor bright = AugMix.applyOp(x, ImageLayout.NHWC, AugmentOp.BRIGHTNESS, 1.5);
        Tensor expected = x.to(ScalarType.Float).mul(new Scalar(1.5)).floor()
                .clamp(new ScalarOptional(new Scalar(0.0)), new ScalarOptional(new Scalar(255.0)));
        assertEquals(0.0, maxAbsDiff(bright.mul(new Scalar(255.0)), expected), 1e-3);
    }
}
