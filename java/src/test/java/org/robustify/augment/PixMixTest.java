package org.robustify.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;

/** The Java API over rfy_pixmix_images: shapes, determinism, views, mixing pictures and option checks. */
class PixMixTest {
    private PointerScope scope;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
        torch.manual_seed(7);
    }

    @BeforeEach
    void open() {
        scope = new PointerScope();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Tensor images(long n, long h, long w, long c) {
        return torch.randint(256L, new long[] {n, h, w, c}, new TensorOptions(ScalarType.Byte));
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(ScalarType.Float).sub(b.to(ScalarType.Float)).abs().max().item_float();
    }

    private static long[] range(long from, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = from + i;
        }
        return ids;
    }

    @Test
    void resultIsFloatInUnitRangeDeterministicAndBatchIndependent() {
        Tensor x = images(8, 28, 28, 1);
        PixMixOptions o = PixMixOptions.defaults().withSeed(9);
        Tensor all = PixMix.apply(x, ImageLayout.NHWC, range(50, 8), 1, o);
        assertEquals(ScalarType.Float, all.scalar_type().intern());
        assertArrayEquals(new long[] {8, 28, 28, 1}, new long[] {all.size(0), all.size(1), all.size(2), all.size(3)});
        assertTrue(all.min().item_float() >= 0f && all.max().item_float() <= 1f);
        assertTrue(all.equal(PixMix.apply(x, ImageLayout.NHWC, range(50, 8), 1, o)), "same seed, same bits");
        Tensor split = torch.cat(new TensorVector(
                PixMix.apply(x.narrow(0, 0, 5), ImageLayout.NHWC, range(50, 5), 1, o),
                PixMix.apply(x.narrow(0, 5, 3), ImageLayout.NHWC, range(55, 3), 1, o)), 0);
        assertTrue(all.equal(split), "a sample's result does not depend on its batch");
        Tensor reference = PixMix.apply(x, ImageLayout.NHWC, range(50, 8), 1,
                o.withPath(AugMixOptions.ExecutionPath.REFERENCE));
        assertTrue(maxAbsDiff(reference, all) <= 1.0 / 255, "fast path within 1/255 of the reference");
    }

    @Test
    void viewsDifferAndPicturesAreUsed() {
        Tensor x = images(6, 32, 32, 3);
        PixMixOptions o = PixMixOptions.defaults().withK(8);
        Tensor v1 = PixMix.apply(x, ImageLayout.NHWC, null, 1, o);
        Tensor v2 = PixMix.apply(x, ImageLayout.NHWC, null, 2, o);
        assertFalse(v1.equal(v2), "two views differ");
        Tensor black = torch.zeros(new long[] {2, 32, 32, 3}, new TensorOptions(ScalarType.Byte));
        Tensor withPictures = PixMix.apply(x, ImageLayout.NHWC, null, 1, o.withMixingPictures(black));
        assertFalse(withPictures.equal(v1), "caller pictures replace the procedural ones");
        Tensor nchw = PixMix.apply(x.permute(0, 3, 1, 2), ImageLayout.NCHW, null, 1, o.withMixingPictures(black));
        assertEquals(0.0, maxAbsDiff(nchw.permute(0, 2, 3, 1), withPictures), "layouts agree");
    }

    /** k = 0 and only posterize at severity 1: the result is the image or posterize(image) (4 bits). */
    @Test
    void noRoundsGiveTheImageOrItsAugmentation() {
        Tensor x = images(16, 12, 12, 1);
        PixMixOptions o = new PixMixOptions(1, 0, 3f, 1, false, java.util.Set.of(AugmentOp.POSTERIZE), null, null);
        Tensor out = PixMix.apply(x, ImageLayout.NHWC, null, 1, o).mul(new Scalar(255.0));
        Tensor xf = x.to(ScalarType.Float);
        Tensor post = xf.div(new Scalar(16.0)).floor().mul(new Scalar(16.0));
        int augmented = 0;
        for (int i = 0; i < 16; i++) {
            boolean same = maxAbsDiff(out.narrow(0, i, 1), xf.narrow(0, i, 1)) < 1e-3;
            boolean posterized = maxAbsDiff(out.narrow(0, i, 1), post.narrow(0, i, 1)) < 1e-3;
            assertTrue(same || posterized, "image " + i + " is the image or its posterization");
            augmented += posterized && !same ? 1 : 0;
        }
        assertTrue(augmented > 2 && augmented < 14, "about half are augmented: " + augmented);
    }

    @Test
    void optionsAndPicturesAreValidated() {
        PixMixOptions d = PixMixOptions.defaults();
        assertEquals(4, d.k());
        assertTrue(assertThrows(RobustifyException.class, () -> d.withK(9)).getMessage().contains("k"));
        assertTrue(assertThrows(RobustifyException.class, () -> d.withBeta(0f)).getMessage().contains("beta"));
        assertTrue(assertThrows(RobustifyException.class, () -> d.withSeverity(0)).getMessage().contains("severity"));
        Tensor x = images(2, 16, 16, 3);
        Tensor wrong = torch.zeros(new long[] {1, 8, 16, 3}, new TensorOptions(ScalarType.Byte));
        assertTrue(assertThrows(RobustifyException.class,
                () -> PixMix.apply(x, ImageLayout.NHWC, null, 1, d.withMixingPictures(wrong))).getMessage()
                .contains("mixing pictures"));
        assertTrue(assertThrows(RobustifyException.class, () -> PixMix.apply(x, ImageLayout.NHWC, null, -2, d))
                .getMessage().contains("view"));
    }
}
