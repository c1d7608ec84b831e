package org.robustify.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

/** The native normalisation against the same computation composed from libtorch ops. */
class PreprocessTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
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

    private static Tensor channelVector(float[] v) {
        org.bytedeco.javacpp.FloatPointer p = new org.bytedeco.javacpp.FloatPointer(v);
        return torch.from_blob(p, new long[] {1, v.length, 1, 1}, new TensorOptions(ScalarType.Float)).clone();
    }

    /** libtorch composition: permute to NCHW, to float, /255, -mean, /std. */
    private static Tensor composed(Tensor nchw, boolean fromBytes) {
        Tensor x = nchw.to(ScalarType.Float);
        if (fromBytes) {
            x = x.div(new org.bytedeco.pytorch.Scalar(255.0));
        }
        return x.sub(channelVector(MEAN)).div(channelVector(STD));
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_float();
    }

    @Test
    void uint8NhwcMatchesLibtorchComposition() {
        Tensor nhwc = torch.randint(256L, new long[] {4, 9, 11, 3}, new TensorOptions(ScalarType.Byte));
        Tensor ours = Preprocess.normalize(nhwc, ImageLayout.NHWC, MEAN, STD);
        Tensor expected = composed(nhwc.permute(0, 3, 1, 2), true);
        assertEquals(4, ours.size(0));
        assertEquals(3, ours.size(1));
        assertEquals(9, ours.size(2));
        assertTrue(ours.is_contiguous());
        assertTrue(maxAbsDiff(ours, expected) < 1e-5, "max diff " + maxAbsDiff(ours, expected));
    }

    @Test
    void floatNchwAndNonContiguousInputsMatch() {
        Tensor x = torch.randn(3, 3, 8, 5);
        assertTrue(maxAbsDiff(Preprocess.normalize(x, ImageLayout.NCHW, MEAN, STD), composed(x, false)) < 1e-5);
        Tensor transposed = x.transpose(2, 3); // strides no longer row-major
        assertTrue(!transposed.is_contiguous());
        assertTrue(maxAbsDiff(Preprocess.normalize(transposed, ImageLayout.NCHW, MEAN, STD),
                composed(transposed, false)) < 1e-5);
    }

    @Test
    void wrongDtypeIsNamed() {
        Tensor x = torch.zeros(new long[] {1, 3, 2, 2}, new TensorOptions(ScalarType.Long));
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> Preprocess.normalize(x, ImageLayout.NCHW, MEAN, STD));
        assertTrue(e.getMessage().contains("images must be Byte or Float; got Long[1, 3, 2, 2]"), e.getMessage());
    }

    @Test
    void wrongRankAndStatisticsAreNamed() {
        Tensor x = torch.zeros(3, 2, 2);
        assertTrue(assertThrows(RobustifyException.class, () -> Preprocess.normalize(x, ImageLayout.NCHW, MEAN, STD))
                .getMessage().contains("must be 4-D"));
        Tensor y = torch.zeros(1, 3, 2, 2);
        assertTrue(assertThrows(RobustifyException.class,
                () -> Preprocess.normalize(y, ImageLayout.NCHW, new float[] {0f}, new float[] {1f})).getMessage()
                .contains("mean and std need 3 values"));
        RobustifyException zeroStd = assertThrows(RobustifyException.class,
                () -> Preprocess.normalize(y, ImageLayout.NCHW, MEAN, new float[] {1f, 0f, 1f}));
        assertTrue(zeroStd.getMessage().contains("std[1] must be finite and > 0"), zeroStd.getMessage());
    }

    @Test
    void undefinedTensorIsNamed() {
        assertThrows(RobustifyException.class, () -> Preprocess.normalize(new Tensor(), ImageLayout.NCHW, MEAN, STD));
    }

    @Test
    void emptyBatchGivesEmptyOutput() {
        Tensor x = torch.zeros(new long[] {0, 5, 5, 3}, new TensorOptions(ScalarType.Byte));
        assertEquals(0, Preprocess.normalize(x, ImageLayout.NHWC, MEAN, STD).numel());
    }
}
