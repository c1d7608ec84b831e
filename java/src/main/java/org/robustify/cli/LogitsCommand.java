package org.robustify.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.data.FashionMnist;
import org.robustify.data.Npy;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.weights.LoadReport;
import org.robustify.model.weights.SafeTensors;
import org.robustify.model.weights.WeightLoader;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.Preprocess;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "logits", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Run a zoo model with weights from a .safetensors file on images and write the logits "
                + "(float32, N x K .npy, written atomically).",
            "Weight names are the model's parameter and buffer names (timm's state_dict keys for resnet*/vit_*), "
                + "so timm checkpoints saved with safetensors load directly."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failure (message on stderr)",
            "2:bad arguments, input or weights (shape, dtype, range, names): nothing was written"})
final class LogitsCommand implements Callable<Integer> {
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    private static final List<String> UINT8 = List.of("|u1", "<u1", ">u1", "u1", "B");
    private static final List<String> FLOAT32 = List.of("<f4", "f4");
    /** Classifier weights by architecture family, to read the class count from the weights file. */
    private static final List<String> HEAD_KEYS = List.of("fc.weight", "head.weight", "fc2.weight");

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", required = true, paramLabel = "NAME", description = "Zoo architecture, e.g. "
            + "resnet18, resnet50, vit_tiny, cnn-small.")
    String arch;

    @Option(names = "--weights", required = true, paramLabel = "FILE.safetensors", description = "Model weights.")
    Path weights;

    @Option(names = "--strict", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Require the weights to match the model exactly (--no-strict: load what matches and "
                    + "report the rest on stderr).")
    boolean strict;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Images: float32 N x C x H x W "
            + "in [0, 1] (or already normalised, with --normalized), or uint8 N x H x W x C / N x H x W.")
    Path input;

    @Option(names = "--normalized", description = "The float32 input is already normalised: feed it as is.")
    boolean normalized;

    @Option(names = "--classes", paramLabel = "K", description = "Number of classes (default: read from the "
            + "classifier weights in --weights).")
    Integer classes;

    @Option(names = "--mean", split = ",", paramLabel = "m1,m2,m3", description = "Per-channel mean (default: "
            + "ImageNet's for 3 channels, Fashion-MNIST's for 1).")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "s1,s2,s3", description = "Per-channel std (default: "
            + "ImageNet's for 3 channels, Fashion-MNIST's for 1).")
    float[] std;

    @Mixin
    ArchitectureOptions architecture;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per forward pass.")
    int batchSize;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--out", required = true, paramLabel = "Y.npy", description = "Output logits, float32 N x K.")
    Path out;

    /** The input array as read: float32 NCHW or uint8 NHWC (N x H x W gets C = 1). */
    private record Images(long n, long c, long h, long w, float[] floats, byte[] bytes) {
        boolean isUint8() {
            return bytes != null;
        }
    }

    @Override
    public Integer call() {
        // 1. Arguments and input, before any native work: every problem here is exit 2 and writes nothing.
        try {
            ModelZoo.requireKnown(arch);
        } catch (RobustifyException e) {
            throw usage("--arch: " + e.getMessage());
        }
        if (batchSize < 1) {
            throw usage("--batch-size must be >= 1; got " + batchSize);
        }
        threads.resolve();  // a bad count fails before any work
        if (classes != null && classes < 2) {
            throw usage("--classes must be >= 2; got " + classes);
        }
        ModelOptions options;
        try {
            options = architecture.toModelOptions();
        } catch (RobustifyException e) {
            throw usage(e.getMessage());
        }
        Images images = readImages();
        if (images.isUint8() && normalized) {
            throw usage("--normalized applies to float32 input; " + input + " holds uint8 pixels (0..255), which "
                    + "are always normalised with --mean/--std");
        }
        float[][] norm = normalisation(images.c());
        if (!Files.isRegularFile(weights)) {
            throw usage("--weights " + weights + ": no such file");
        }
        Map<String, Tensor> tensors;
        try {
            tensors = SafeTensors.read(weights);
        } catch (RobustifyException e) {
            throw usage("--weights: " + e.getMessage());
        }
        int k = classes != null ? classes : classesFromWeights(tensors);

        // 2. Model and weights (a mismatch is a bad input too: exit 2).
        NativeRuntime.init(threads.resolve());
        ImageClassifier model;
        try {
            model = ModelZoo.create(arch, new InputSpec((int) images.c(), (int) images.h(), (int) images.w(), k),
                    options);
        } catch (RobustifyException e) {
            throw usage("--arch " + arch + " for " + images.c() + "x" + images.h() + "x" + images.w()
                    + " images: " + e.getMessage());
        }
        NativeRuntime.useBlasThreadsFor(arch);
        LoadReport report;
        try {
            report = WeightLoader.load(model.module(), tensors, strict);
        } catch (RobustifyException e) {
            throw usage("--weights " + weights + " does not fit " + arch + ": " + e.getMessage()
                    + (strict ? " (--no-strict loads the matching tensors only)" : ""));
        }
        if (!report.complete()) {
            spec.commandLine().getErr().println("robustify: warning: --no-strict: " + report.summary());
            spec.commandLine().getErr().flush();
        }
        model.module().eval();

        // 3. Forward in batches.
        float[] logits = new float[Math.toIntExact(Math.multiplyExact(images.n(), (long) k))];
        long imageSize = images.c() * images.h() * images.w();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (long start = 0; start < images.n(); start += batchSize) {
                int b = (int) Math.min(batchSize, images.n() - start);
                try (PointerScope scope = new PointerScope()) {
                    Tensor x = batch(images, start, b, imageSize, norm);
                    Tensor y = model.forward(x).contiguous();
                    if (y.dim() != 2 || y.size(0) != b || y.size(1) != k) {
                        throw new RobustifyException(arch + " returned logits of shape "
                                + Arrays.toString(y.sizes().vec().get()) + "; expected [" + b + ", " + k + "]");
                    }
                    Tensor f = y.to(ScalarType.Float).contiguous();
                    new FloatPointer(f.data_ptr()).capacity((long) b * k).get(logits, (int) (start * k), b * k);
                }
            }
        }
        Npy.writeFloat32(out, new long[] {images.n(), k}, logits);
        System.out.println("wrote " + out + ": logits " + images.n() + " x " + k + " (" + arch + ", "
                + report.loaded().size() + " weight tensors loaded)");
        return 0;
    }

    /** One normalised float32 NCHW batch. */
    private Tensor batch(Images images, long start, int b, long imageSize, float[][] norm) {
        int from = (int) (start * imageSize);
        int count = (int) (b * imageSize);
        if (images.isUint8()) {
            BytePointer p = new BytePointer(count);
            p.put(images.bytes(), from, count);
            Tensor x = torch.from_blob(p, new long[] {b, images.h(), images.w(), images.c()},
                    new TensorOptions(ScalarType.Byte));
            return Preprocess.normalize(x, ImageLayout.NHWC, norm[0], norm[1]);
        }
        FloatPointer p = new FloatPointer(count);
        p.put(images.floats(), from, count);
        Tensor x = torch.from_blob(p, new long[] {b, images.c(), images.h(), images.w()},
                new TensorOptions(ScalarType.Float));
        return normalized ? x.clone() : Preprocess.normalize(x, ImageLayout.NCHW, norm[0], norm[1]);
    }

    private Images readImages() {
        if (!Files.isRegularFile(input)) {
            throw usage("--input " + input + ": no such file");
        }
        Npy.Header h;
        try {
            h = Npy.readHeader(input);
        } catch (RobustifyException e) {
            throw usage("--input: " + e.getMessage());
        }
        long[] s = h.shape();
        String expected = "; expected float32 N x C x H x W or uint8 N x H x W x C / N x H x W";
        if (h.fortranOrder() && s.length > 1) {
            throw usage("--input " + input + " is in Fortran order; save it in C order "
                    + "(np.save(f, np.ascontiguousarray(a)))");
        }
        try {
            long have = Files.size(input) - h.dataOffset();
            long itemSize = FLOAT32.contains(h.descr()) ? 4 : 1;
            if ((FLOAT32.contains(h.descr()) || UINT8.contains(h.descr())) && have != h.count() * itemSize) {
                throw usage("--input " + input + " holds " + have + " data bytes; " + h.describe() + " needs "
                        + h.count() * itemSize + (have < h.count() * itemSize ? " (truncated)" : ""));
            }
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + input + ": " + e.getMessage(), e);
        }
        if (FLOAT32.contains(h.descr())) {
            if (s.length != 4) {
                throw usage("--input " + input + " holds " + h.describe() + expected);
            }
            requireNonEmpty(h, s[0], s[1], s[2], s[3]);
            float[] v = Npy.readFloat32(input).data();
            if (!normalized) {
                for (int i = 0; i < v.length; i++) {
                    if (!(v[i] >= 0f && v[i] <= 1f)) {
                        throw usage("--input " + input + ": value " + v[i] + " at flat index " + i + " is outside "
                                + "[0, 1]; float32 images are expected in [0, 1] (pass --normalized if they are "
                                + "already normalised)");
                    }
                }
            }
            return new Images(s[0], s[1], s[2], s[3], v, null);
        }
        if (UINT8.contains(h.descr())) {
            if (s.length != 3 && s.length != 4) {
                throw usage("--input " + input + " holds " + h.describe() + expected);
            }
            long c = s.length == 4 ? s[3] : 1;
            requireNonEmpty(h, s[0], c, s[1], s[2]);
            return new Images(s[0], c, s[1], s[2], null, Npy.readUint8(input).data());
        }
        throw usage("--input " + input + " holds " + h.describe() + expected);
    }

    private void requireNonEmpty(Npy.Header h, long n, long c, long height, long width) {
        if (n < 1 || c < 1 || height < 1 || width < 1) {
            throw usage("--input " + input + " holds " + h.describe() + ": no images (every dimension must be >= 1)");
        }
        if (Math.multiplyExact(n, c * height * width) > Integer.MAX_VALUE - 16) {
            throw usage("--input " + input + " holds " + h.describe() + ": too large for one pass; split it");
        }
    }

    private float[][] normalisation(long channels) {
        if ((mean == null) != (std == null)) {
            throw usage("give both --mean and --std, or neither");
        }
        if (mean == null) {
            if (normalized) {
                return new float[][] {null, null};
            }
            if (channels == 3) {
                return new float[][] {IMAGENET_MEAN, IMAGENET_STD};
            }
            if (channels == 1) {
                return new float[][] {FashionMnist.MEAN, FashionMnist.STD};
            }
            throw usage("no default normalisation for " + channels + "-channel images; give --mean and --std with "
                    + channels + " values each");
        }
        if (normalized) {
            throw usage("--mean/--std and --normalized contradict each other: normalised input is used as is");
        }
        if (mean.length != channels || std.length != channels) {
            throw usage("--mean and --std need " + channels + " values each (one per input channel); got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0f) || Float.isInfinite(s)) {
                throw usage("--std values must be positive and finite; got " + Arrays.toString(std));
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw usage("--mean values must be finite; got " + Arrays.toString(mean));
            }
        }
        return new float[][] {mean, std};
    }

    private int classesFromWeights(Map<String, Tensor> tensors) {
        for (String key : HEAD_KEYS) {
            Tensor t = tensors.get(key);
            if (t != null && t.dim() == 2) {
                return Math.toIntExact(t.size(0));
            }
        }
        throw usage("cannot tell the number of classes: --weights has none of " + String.join(", ", HEAD_KEYS)
                + " (a classifier weight of shape [K, features]); give --classes K");
    }

    /** A usage error: exit code 2, message first, before anything is written. */
    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
