package org.robustify.corrupt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
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

/** The Java API over rfy_corrupt_images: shapes, layouts, dtypes, determinism, errors, and one libtorch reference. */
class CorruptionsTest {
    private PointerScope scope;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
        torch.manual_seed(11);
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
    void enumMatchesTheNativeNamesGroupsAndPresets() {
        assertEquals(19, Corruption.all().size());
        assertEquals(15, Corruption.benchmark().size());
        assertEquals(List.of(Corruption.SPECKLE_NOISE, Corruption.GAUSSIAN_BLUR, Corruption.SPATTER,
                Corruption.SATURATE), Corruption.validation());
        assertEquals(List.of(Corruption.GAUSSIAN_NOISE, Corruption.SHOT_NOISE, Corruption.IMPULSE_NOISE,
                Corruption.SPECKLE_NOISE), Corruption.inGroup(Corruption.Group.NOISE));
        assertEquals(4, Corruption.inGroup(Corruption.Group.WEATHER).stream().filter(Corruption::isBenchmark).count());
        for (Corruption c : Corruption.values()) {
            assertEquals(c.nativeName(), RobustifyNative.rfy_corruption_name(c.code()));
            try (IntPointer code = new IntPointer(1)) {
                assertEquals(RobustifyNative.RFY_OK, RobustifyNative.rfy_corruption_from_name(c.nativeName(), code));
                assertEquals(c.code(), code.get());
            }
            assertEquals(c, Corruption.fromName(c.nativeName().toUpperCase().replace('_', '-')));
        }
        assertEquals(null, RobustifyNative.rfy_corruption_name(RobustifyNative.RFY_CORRUPTION_COUNT));
        assertEquals(Corruption.all().size(), RobustifyNative.RFY_CORRUPTION_COUNT);
        assertEquals(Corruption.benchmark().size(), RobustifyNative.RFY_CORRUPTION_BENCHMARK_COUNT);
        for (CorruptionPreset p : CorruptionPreset.values()) {
            assertEquals(p.nativeName(), RobustifyNative.rfy_corrupt_preset_name(p.code()));
        }
        assertEquals(CorruptionPreset.CIFAR, CorruptionPreset.AUTO.resolve(32, 32));
        assertEquals(CorruptionPreset.TINYIMAGENET, CorruptionPreset.AUTO.resolve(64, 64));
        assertEquals(CorruptionPreset.IMAGENET, CorruptionPreset.AUTO.resolve(224, 300));
        assertEquals(CorruptionPreset.IMAGENET, CorruptionPreset.IMAGENET.resolve(28, 28));
        RobustifyException e = assertThrows(RobustifyException.class, () -> Corruption.fromName("gausian_noise"));
        assertTrue(e.getMessage().contains("unknown corruption 'gausian_noise'; valid names: gaussian_noise, "),
                e.getMessage());
    }

    @Test
    void keepsShapeDtypeLayoutAndDoesNotTouchTheInput() {
        for (ScalarType dtype : new ScalarType[] {ScalarType.Byte, ScalarType.Float}) {
            Tensor nhwc = images(3, 20, 24, 3);
            if (dtype == ScalarType.Float) {
                nhwc = nhwc.to(ScalarType.Float).div(new Scalar(255.0));
            }
            Tensor before = nhwc.clone();
            Tensor y = Corruptions.apply(nhwc, ImageLayout.NHWC, Corruption.GAUSSIAN_NOISE, 3, 5L);
            assertArrayEquals(new long[] {3, 20, 24, 3}, sizes(y));
            assertEquals(dtype, y.scalar_type().intern());
            assertTrue(y.is_contiguous(), "NHWC in, NHWC (row-major) out");
            assertTrue(nhwc.equal(before), "input untouched");

            Tensor nchw = nhwc.permute(0, 3, 1, 2).contiguous();
            Tensor z = Corruptions.apply(nchw, Corruption.CONTRAST, 2, 5L);
            assertArrayEquals(new long[] {3, 3, 20, 24}, sizes(z));
            assertEquals(dtype, z.scalar_type().intern());
        }
        Tensor gray = images(2, 9, 7, 1);
        assertArrayEquals(new long[] {2, 9, 7, 1}, sizes(Corruptions.apply(gray, ImageLayout.NHWC,
                Corruption.MOTION_BLUR, 1, 0L)));
    }

    @Test
    void nhwcAndNchwInputsGiveTheSameResultForEveryCorruption() {
        Tensor nhwc = images(2, 32, 32, 3);
        Tensor nchw = nhwc.permute(0, 3, 1, 2).contiguous();
        for (Corruption c : Corruption.all()) {
            Tensor a = Corruptions.apply(nhwc, ImageLayout.NHWC, c, 3, 42L);
            Tensor b = Corruptions.apply(nchw, ImageLayout.NCHW, c, 3, 42L);
            assertTrue(a.permute(0, 3, 1, 2).equal(b), c + ": NHWC and NCHW results differ");
        }
    }

    @Test
    void uint8AndFloat32InputsAgreeWithinOneLevel() {
        Tensor x = images(2, 32, 32, 3);
        Tensor xf = x.to(ScalarType.Float).div(new Scalar(255.0));
        for (Corruption c : List.of(Corruption.GAUSSIAN_NOISE, Corruption.CONTRAST, Corruption.BRIGHTNESS,
                Corruption.DEFOCUS_BLUR, Corruption.PIXELATE, Corruption.SATURATE, Corruption.FOG)) {
            Tensor y8 = Corruptions.apply(x, ImageLayout.NHWC, c, 4, 9L);
            Tensor yf = Corruptions.apply(xf, ImageLayout.NHWC, c, 4, 9L);
            assertTrue(yf.min().item_float() >= 0f && yf.max().item_float() <= 1f, c + ": float output in [0, 1]");
            double diff = maxAbsDiff(yf.mul(new Scalar(255.0)), y8);
            assertTrue(diff <= 1.0 + 1e-3, c + ": uint8 and float32 paths differ by " + diff + " levels");
        }
    }

    @Test
    void deterministicBySeedAndIndependentOfBatching() {
        Tensor x = images(6, 32, 32, 3);
        for (Corruption c : Corruption.all()) {
            CorruptOptions o = CorruptOptions.seed(77);
            Tensor whole = Corruptions.apply(x, ImageLayout.NHWC, c, 2, range(100, 6), o);
            Tensor again = Corruptions.apply(x, ImageLayout.NHWC, c, 2, range(100, 6), o);
            assertTrue(whole.equal(again), c + ": same seed, different result");
            TensorVector parts = new TensorVector();
            parts.push_back(Corruptions.apply(x.narrow(0, 0, 1), ImageLayout.NHWC, c, 2, range(100, 1), o));
            parts.push_back(Corruptions.apply(x.narrow(0, 1, 5), ImageLayout.NHWC, c, 2, range(101, 5), o));
            assertTrue(whole.equal(torch.cat(parts, 0)), c + ": result depends on the batch split");
        }
    }

    @Test
    void differentSeedsAndSampleIdsDifferForNoise() {
        Tensor x = images(4, 32, 32, 3);
        Tensor a = Corruptions.apply(x, ImageLayout.NHWC, Corruption.GAUSSIAN_NOISE, 3, 1L);
        Tensor b = Corruptions.apply(x, ImageLayout.NHWC, Corruption.GAUSSIAN_NOISE, 3, 2L);
        assertFalse(a.equal(x), "gaussian_noise changed the images");
        assertFalse(a.equal(b), "seeds 1 and 2 gave the same noise");
        // Two copies of one image with different sample ids get different noise.
        Tensor twice = torch.cat(new TensorVector(x.narrow(0, 0, 1), x.narrow(0, 0, 1)), 0);
        Tensor y = Corruptions.apply(twice, ImageLayout.NHWC, Corruption.GAUSSIAN_NOISE, 3, new long[] {0, 1},
                CorruptOptions.seed(1));
        assertFalse(y.select(0, 0).equal(y.select(0, 1)));
        // A noise at severity 5 moves pixels further than at severity 1.
        Tensor flat = torch.full(new long[] {2, 32, 32, 3}, new Scalar(128), new TensorOptions(ScalarType.Byte));
        double s1 = maxAbsDiff(Corruptions.apply(flat, ImageLayout.NHWC, Corruption.GAUSSIAN_NOISE, 1, 3L), flat);
        double s5 = maxAbsDiff(Corruptions.apply(flat, ImageLayout.NHWC, Corruption.GAUSSIAN_NOISE, 5, 3L), flat);
        assertTrue(s5 > s1 && s1 > 0, "severity 1: " + s1 + ", severity 5: " + s5);
    }

    @Test
    void identityLeavesImagesUnchangedAlsoInsideAMixedBatch() {
        Tensor x = images(3, 16, 16, 3);
        assertTrue(Corruptions.apply(x, ImageLayout.NHWC, Corruption.IDENTITY, 0, 5L).equal(x));
        Tensor xf = x.to(ScalarType.Float).div(new Scalar(255.0)).permute(0, 3, 1, 2);
        assertTrue(Corruptions.apply(xf, Corruption.IDENTITY, 1, 5L).equal(xf));

        int[] codes = {Corruption.IDENTITY.code(), Corruption.GAUSSIAN_NOISE.code(), Corruption.IDENTITY.code()};
        Tensor mixed = Corruptions.apply(x, ImageLayout.NHWC, codes, new int[] {0, 5, 0}, null,
                CorruptOptions.seed(5));
        assertTrue(mixed.select(0, 0).equal(x.select(0, 0)));
        assertTrue(mixed.select(0, 2).equal(x.select(0, 2)));
        Tensor alone = Corruptions.apply(x.narrow(0, 1, 1), ImageLayout.NHWC, Corruption.GAUSSIAN_NOISE, 5,
                new long[] {1}, CorruptOptions.seed(5));
        assertTrue(mixed.narrow(0, 1, 1).equal(alone), "a mixed batch equals per-corruption calls");
    }

    /**
     * Independent reference: ImageNet-C's contrast, {@code clip((x - mean) * c + mean, 0, 1)} with the mean per image
     * and channel, composed from libtorch ops (uint8: x / 255 first, * 255 and truncation after).
     */
    @Test
    void contrastMatchesTheLibtorchComposition() {
        Tensor x = images(3, 32, 40, 3);
        Tensor xf = x.to(ScalarType.Float).div(new Scalar(255.0));
        for (int s = 1; s <= 5; s++) {
            float c = Corruptions.parameters(Corruption.CONTRAST, s, CorruptionPreset.CIFAR)[0];
            assertTrue(c > 0 && c < 1, "contrast factor " + c);
            Tensor mean = xf.mean(new long[] {1, 2}, true, new ScalarTypeOptional());
            Tensor ref = xf.sub(mean).mul(new Scalar(c)).add(mean)
                    .clamp(new ScalarOptional(new Scalar(0.0)), new ScalarOptional(new Scalar(1.0)));
            Tensor ours = Corruptions.apply(xf, ImageLayout.NHWC, Corruption.CONTRAST, s, null,
                    CorruptOptions.seed(0).withPreset(CorruptionPreset.CIFAR));
            assertTrue(maxAbsDiff(ours, ref) < 1e-5, "float32 severity " + s + ": " + maxAbsDiff(ours, ref));
            Tensor ours8 = Corruptions.apply(x, ImageLayout.NHWC, Corruption.CONTRAST, s, null,
                    CorruptOptions.seed(0).withPreset(CorruptionPreset.CIFAR));
            Tensor ref8 = ref.mul(new Scalar(255.0)).floor();
            assertTrue(maxAbsDiff(ours8, ref8) <= 1.0, "uint8 severity " + s + ": " + maxAbsDiff(ours8, ref8));
        }
    }

    @Test
    void referenceAndFastPathsAgree() {
        Tensor x = images(2, 32, 32, 3);
        for (Corruption c : List.of(Corruption.GAUSSIAN_NOISE, Corruption.CONTRAST, Corruption.JPEG_COMPRESSION)) {
            CorruptOptions o = CorruptOptions.seed(3);
            Tensor fast = Corruptions.apply(x, ImageLayout.NHWC, c, 3, null, o);
            Tensor ref = Corruptions.apply(x, ImageLayout.NHWC, c, 3, null,
                    o.withPath(CorruptOptions.ExecutionPath.REFERENCE));
            assertTrue(maxAbsDiff(fast, ref) <= 1.0, c + ": fast and reference differ by " + maxAbsDiff(fast, ref));
        }
    }

    /** CUDA against the fast CPU path for all 19; skipped without a GPU (check_corrupt covers the GPU machine). */
    @Test
    void cudaAgreesWithTheCpuPathWhenAGpuIsPresent() {
        assumeTrue(NativeRuntime.cudaBackendLoaded() && torch.cuda_is_available(), "no CUDA device");
        org.bytedeco.pytorch.Device cuda = new org.bytedeco.pytorch.Device("cuda");
        Tensor x = images(4, 32, 32, 3);
        for (Corruption c : Corruption.all()) {
            CorruptOptions o = CorruptOptions.seed(5);
            Tensor cpu = Corruptions.apply(x, ImageLayout.NHWC, c, 3, null, o);
            Tensor gpu = Corruptions.apply(x.to(cuda, ScalarType.Byte), ImageLayout.NHWC, c, 3, null, o).cpu();
            Tensor diff = cpu.to(ScalarType.Float).sub(gpu.to(ScalarType.Float));
            double mse = diff.mul(diff).mean().item_double();
            double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
            assertTrue(psnr >= 45.0, c + ": CUDA vs CPU PSNR " + psnr + " dB");
        }
    }

    @Test
    void frostTexturesAreValidatedAndUsed() {
        Tensor x = images(2, 32, 32, 3);
        Tensor small = torch.zeros(new long[] {1, 16, 64, 3}, new TensorOptions(ScalarType.Byte));
        RobustifyException e = assertThrows(RobustifyException.class, () -> Corruptions.apply(x, ImageLayout.NHWC,
                Corruption.FROST, 3, null, CorruptOptions.seed(1).withFrostTextures(small)));
        assertTrue(e.getMessage().contains("at least as large as the images (32x32); got 16x64"), e.getMessage());
        Tensor wrong = torch.zeros(new long[] {1, 64, 64}, new TensorOptions(ScalarType.Byte));
        e = assertThrows(RobustifyException.class, () -> Corruptions.apply(x, ImageLayout.NHWC, Corruption.FROST, 3,
                null, CorruptOptions.seed(1).withFrostTextures(wrong)));
        assertTrue(e.getMessage().contains("uint8 [K, H, W, 3]"), e.getMessage());

        Tensor photos = torch.randint(256L, new long[] {2, 48, 40, 3}, new TensorOptions(ScalarType.Byte));
        Tensor y = Corruptions.apply(x, ImageLayout.NHWC, Corruption.FROST, 3, null,
                CorruptOptions.seed(1).withFrostTextures(photos));
        assertArrayEquals(new long[] {2, 32, 32, 3}, sizes(y));
        assertTrue(y.equal(Corruptions.apply(x, ImageLayout.NHWC, Corruption.FROST, 3, null,
                CorruptOptions.seed(1).withFrostTextures(photos))), "frost with textures is deterministic");
    }

    @Test
    void badArgumentsAreNamedBeforeAnyWork() {
        Tensor x = images(2, 8, 8, 3);
        String m = assertThrows(RobustifyException.class,
                () -> Corruptions.apply(x, ImageLayout.NHWC, Corruption.SNOW, 6, 0L)).getMessage();
        assertTrue(m.contains("severity must be 1..5; got 6"), m);
        m = assertThrows(RobustifyException.class,
                () -> Corruptions.apply(x, ImageLayout.NHWC, Corruption.SNOW, 0, 0L)).getMessage();
        assertTrue(m.contains("severity must be 1..5; got 0"), m);
        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(x, ImageLayout.NHWC,
                new int[] {0, 3}, new int[] {1, 9}, null, null)).getMessage();
        assertTrue(m.contains("sample 1 (defocus_blur): severity must be 1..5; got 9"), m);
        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(x, ImageLayout.NHWC,
                new int[] {0, 19}, new int[] {1, 1}, null, null)).getMessage();
        assertTrue(m.contains("sample 1: unknown corruption code 19"), m);
        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(x, ImageLayout.NHWC,
                new int[] {0}, new int[] {1}, null, null)).getMessage();
        assertTrue(m.contains("2 images, 1 corruptions, 1 severities"), m);
        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(x, ImageLayout.NHWC,
                new int[] {0, 0}, new int[] {1, 1}, new long[] {1}, null)).getMessage();
        assertTrue(m.contains("1 sample ids"), m);

        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(x.select(0, 0), ImageLayout.NHWC,
                Corruption.FOG, 1, 0L)).getMessage();
        assertTrue(m.contains("must be 4-D") && m.contains("[8, 8, 3]"), m);
        Tensor twoChannels = images(1, 8, 8, 2);
        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(twoChannels, ImageLayout.NHWC,
                Corruption.FOG, 1, 0L)).getMessage();
        assertTrue(m.contains("1 or 3 channels") && m.contains("got 2"), m);
        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(x, ImageLayout.NCHW,
                Corruption.FOG, 1, 0L)).getMessage();
        assertTrue(m.contains("1 or 3 channels (layout NCHW") && m.contains("got 8"), m);
        Tensor doubles = x.to(ScalarType.Double);
        m = assertThrows(RobustifyException.class, () -> Corruptions.apply(doubles, ImageLayout.NHWC,
                Corruption.FOG, 1, 0L)).getMessage();
        assertTrue(m.contains("uint8 (0..255) or float32 ([0, 1]); got Double"), m);
        assertThrows(RobustifyException.class, () -> Corruptions.apply(new Tensor(), Corruption.FOG, 1, 0L));
        m = assertThrows(RobustifyException.class,
                () -> Corruptions.parameters(Corruption.FOG, 1, CorruptionPreset.AUTO)).getMessage();
        assertTrue(m.contains("resolve AUTO"), m);
    }

    @Test
    void emptyBatchGivesAnEmptyResult() {
        Tensor x = torch.zeros(new long[] {0, 8, 8, 3}, new TensorOptions(ScalarType.Byte));
        assertEquals(0, Corruptions.apply(x, ImageLayout.NHWC, Corruption.GLASS_BLUR, 2, 0L).numel());
        assertTrue(Arrays.equals(new long[] {0, 8, 8, 3}, sizes(Corruptions.apply(x, ImageLayout.NHWC,
                Corruption.GLASS_BLUR, 2, 0L))));
    }
}
