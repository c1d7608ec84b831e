package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.Npy;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.weights.DeterministicWeights;
import org.robustify.model.weights.SafeTensors;
import org.robustify.model.weights.WeightLoader;
import org.robustify.runtime.NativeRuntime;

class LogitsCliTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int N = 3;
    private static final int C = 3;
    private static final int H = 32;
    private static final int W = 32;
    private static final int K = 7;

    @TempDir
    Path dir;

    Path weights;
    Path images;
    /** The same images as uint8 N x H x W x C (pixel = round(255 x)). */
    Path pixels;
    float[] x;
    byte[] u8;

    @BeforeEach
    void writeWeightsAndImages() {
        NativeRuntime.init();
        try (PointerScope scope = new PointerScope()) {
            ImageClassifier model = ModelZoo.create("resnet18", new InputSpec(C, H, W, K));
            DeterministicWeights.fill(model.module());
            weights = dir.resolve("r18.safetensors");
            SafeTensors.write(weights, WeightLoader.targets(model.module()));
        }
        u8 = new byte[N * H * W * C];
        x = new float[N * C * H * W];
        long h = DeterministicWeights.fnv1a32("cli-input");
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                for (int y = 0; y < H; y++) {
                    for (int xx = 0; xx < W; xx++) {
                        int v = (int) (DeterministicWeights.unit(h, ((n * H + y) * W + xx) * C + c) * 256);
                        u8[((n * H + y) * W + xx) * C + c] = (byte) v;
                        x[((n * C + c) * H + y) * W + xx] = v / 255f;
                    }
                }
            }
        }
        images = dir.resolve("x.npy");
        Npy.writeFloat32(images, new long[] {N, C, H, W}, x);
        pixels = dir.resolve("x_u8.npy");
        Npy.writeUint8(pixels, new long[] {N, H, W, C}, u8);
    }

    /** The Java forward on (x - mean) / std, for comparison. */
    private float[] javaLogits() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            ImageClassifier model = ModelZoo.create("resnet18", new InputSpec(C, H, W, K));
            WeightLoader.load(model.module(), weights, true);
            model.module().eval();
            float[] norm = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                int c = (i / (H * W)) % C;
                norm[i] = (x[i] - MEAN[c]) / STD[c];
            }
            Tensor t;
            try (FloatPointer p = new FloatPointer(norm)) {
                t = torch.from_blob(p, new long[] {N, C, H, W}, new TensorOptions(ScalarType.Float)).clone();
            }
            Tensor y = model.forward(t).contiguous();
            float[] out = new float[N * K];
            new FloatPointer(y.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    private static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, what + " [" + i + "]");
        }
    }

    @Test
    void float32AndUint8InputsGiveTheJavaForwardsLogits() {
        float[] want = javaLogits();
        Path out = dir.resolve("y.npy");
        CliTest.Run r = CliTest.run("logits", "--arch", "resnet18", "--weights", weights.toString(), "--input",
                images.toString(), "--out", out.toString(), "--batch-size", "2");
        assertEquals(0, r.code(), r.err());
        Npy.Float32Array y = Npy.readFloat32(out);
        assertArrayEquals(new long[] {N, K}, y.shape());
        // The CLI normalises with the native kernel in float32; the reference above in Java float32: tiny differences.
        assertClose(want, y.data(), 1e-5, "float32 input");

        Path outU8 = dir.resolve("y_u8.npy");
        r = CliTest.run("logits", "--arch", "resnet18", "--weights", weights.toString(), "--input",
                pixels.toString(), "--out", outU8.toString(), "--classes", String.valueOf(K));
        assertEquals(0, r.code(), r.err());
        assertClose(want, Npy.readFloat32(outU8).data(), 1e-5, "uint8 input");

        // Already normalised input with --normalized: same logits again.
        float[] norm = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = (i / (H * W)) % C;
            norm[i] = (x[i] - MEAN[c]) / STD[c];
        }
        Path normalised = dir.resolve("xn.npy");
        Npy.writeFloat32(normalised, new long[] {N, C, H, W}, norm);
        Path outN = dir.resolve("y_n.npy");
        r = CliTest.run("logits", "--arch", "resnet18", "--weights", weights.toString(), "--input",
                normalised.toString(), "--normalized", "--out", outN.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(want, Npy.readFloat32(outN).data(), "--normalized feeds the array as is");
    }

    @Test
    void badInputsExit2WithAClearMessageAndWriteNothing() throws Exception {
        Path out = dir.resolve("never.npy");
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("unknown model 'resnet19'", new String[] {"--arch", "resnet19"});
        cases.put("no such file", new String[] {"--input", dir.resolve("missing.npy").toString()});
        cases.put("outside [0, 1]", new String[] {"--input", write("big.npy", 2f)});
        cases.put("expected float32 N x C x H x W", new String[] {"--input", writeRank3()});
        cases.put("need 3 values each", new String[] {"--mean", "0.5", "--std", "0.5"});
        cases.put("give both --mean and --std", new String[] {"--mean", "0.5,0.5,0.5"});
        cases.put("--normalized applies to float32 input", new String[] {"--input", pixels.toString(),
            "--normalized"});
        cases.put("--classes must be >= 2", new String[] {"--classes", "1"});
        cases.put("does not fit resnet18", new String[] {"--classes", "5"});
        cases.put("--weights", new String[] {"--weights", write("notweights.safetensors", 0f)});
        for (var e : cases.entrySet()) {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("--arch", "resnet18");
            args.put("--weights", weights.toString());
            args.put("--input", images.toString());
            args.put("--out", out.toString());
            String[] extra = e.getValue();
            java.util.List<String> flags = new java.util.ArrayList<>();
            for (int i = 0; i < extra.length; i++) {
                if (i + 1 < extra.length && !extra[i + 1].startsWith("--")) {
                    args.put(extra[i], extra[i + 1]);
                    i++;
                } else {
                    flags.add(extra[i]);
                }
            }
            java.util.List<String> argv = new java.util.ArrayList<>();
            argv.add("logits");
            args.forEach((k, v) -> {
                argv.add(k);
                argv.add(v);
            });
            argv.addAll(flags);
            CliTest.Run r = CliTest.run(argv.toArray(String[]::new));
            assertEquals(2, r.code(), e.getKey() + ": " + r.err());
            assertTrue(r.err().contains(e.getKey()), "message should contain '" + e.getKey() + "': " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertFalse(Files.exists(out), e.getKey() + ": nothing written");
        }
    }

    @Test
    void noStrictLoadsWhatMatchesAndSaysWhatDidNot() {
        // Weights of a 10-class model into a 7-class one: the head does not fit; --no-strict loads the rest.
        Path other = dir.resolve("r18_10.safetensors");
        try (PointerScope scope = new PointerScope()) {
            ImageClassifier m10 = ModelZoo.create("resnet18", new InputSpec(C, H, W, 10), ModelOptions.DEFAULT);
            DeterministicWeights.fill(m10.module());
            SafeTensors.write(other, WeightLoader.targets(m10.module()));
        }
        Path out = dir.resolve("y.npy");
        CliTest.Run strict = CliTest.run("logits", "--arch", "resnet18", "--weights", other.toString(), "--input",
                images.toString(), "--classes", "7", "--out", out.toString());
        assertEquals(2, strict.code(), strict.err());
        assertTrue(strict.err().contains("fc.weight"), strict.err());
        CliTest.Run loose = CliTest.run("logits", "--arch", "resnet18", "--weights", other.toString(), "--input",
                images.toString(), "--classes", "7", "--no-strict", "--out", out.toString());
        assertEquals(0, loose.code(), loose.err());
        assertTrue(loose.err().contains("warning") && loose.err().contains("fc.weight"), loose.err());
        assertArrayEquals(new long[] {N, 7}, Npy.readFloat32(out).shape());
    }

    private String write(String name, float value) {
        Path p = dir.resolve(name);
        float[] v = new float[N * C * H * W];
        java.util.Arrays.fill(v, value);
        Npy.writeFloat32(p, new long[] {N, C, H, W}, v);
        return p.toString();
    }

    private String writeRank3() {
        Path p = dir.resolve("rank3.npy");
        Npy.writeFloat32(p, new long[] {C, H, W}, new float[C * H * W]);
        return p.toString();
    }
}
