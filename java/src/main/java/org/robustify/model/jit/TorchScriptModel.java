package org.robustify.model.jit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Method;
import org.bytedeco.pytorch.MethodOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.RobustifyException;

/**
 * A user's scripted model (TorchScript archive) as an {@link ImageClassifier}: forward runs the JIT module, and
 * {@link #module()} exposes its parameters for training, freezing and checkpoints. When the archive also has
 * {@code forward_features} and a head ({@code forward_head} or a {@code head} submodule), {@link #features} and
 * {@link #head} make it usable as a teacher or student. The contract is in this package's documentation.
 */
public final class TorchScriptModel implements ImageClassifier {
    public static final String FEATURES_METHOD = "forward_features";
    public static final String HEAD_METHOD = "forward_head";
    public static final String HEAD_MODULE = "head";

    private final Path file;
    private final JitModule jit;
    private final ParameterMirror mirror;
    /** Null when the archive lacks them; kept as fields since a Method points into the JIT module. */
    private final Method featuresMethod;
    private final Method headMethod;
    private final JitModule headModule;

    private TorchScriptModel(Path file, JitModule jit) {
        this.file = file;
        this.jit = jit;
        if (!jit.find_method("forward").has_value()) {
            throw new RobustifyException("TorchScript model " + file + " has no forward method; the contract is "
                    + "forward(x) -> logits [N, classes]");
        }
        Map<String, Tensor> params = JitTensors.parameters(jit);
        // Archives load with requires_grad false; everything is trainable until the caller freezes it.
        params.values().forEach(t -> t.requires_grad_(true));
        this.mirror = ParameterMirror.of(params, JitTensors.buffers(jit));
        this.featuresMethod = method(jit, FEATURES_METHOD);
        this.headMethod = method(jit, HEAD_METHOD);
        this.headModule = headMethod == null ? JitTensors.children(jit).get(HEAD_MODULE) : null;
    }

    /** Loads a TorchScript archive (torch.jit.script(m).save / torch.jit.save) onto the CPU, in eval mode. */
    public static TorchScriptModel load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RobustifyException("TorchScript model not found: " + file.toAbsolutePath());
        }
        JitModule jit;
        try {
            jit = torch.load(file.toString());
        } catch (RuntimeException e) {
            throw new RobustifyException("cannot load " + file + " as a TorchScript model (save it in Python with "
                    + "torch.jit.script(model).save(path); a torch.save state_dict is not one): "
                    + firstLine(e.getMessage()), e);
        }
        jit.eval();
        return new TorchScriptModel(file, jit);
    }

    @Override
    public Tensor forward(Tensor images) {
        return tensorResult(jit.forward(args(images)), "forward");
    }

    /** True when the archive has forward_features and a head, so it can serve as a teacher or student. */
    public boolean hasFeatures() {
        return featuresMethod != null && (headMethod != null || headModule != null);
    }

    /** [N, D] pooled features: the archive's forward_features. */
    public Tensor features(Tensor images) {
        requireFeatures();
        Tensor f = tensorResult(featuresMethod.apply(args(images)), FEATURES_METHOD);
        if (f.dim() != 2) {
            throw new RobustifyException(FEATURES_METHOD + " of " + file + " must return [N, D] pooled features; got "
                    + f.dim() + " dimensions " + java.util.Arrays.toString(f.sizes().vec().get()));
        }
        return f;
    }

    /** Features to logits: forward_head, else the head submodule's forward. */
    public Tensor head(Tensor features) {
        requireFeatures();
        IValue out = headMethod != null ? headMethod.apply(args(features)) : headModule.forward(args(features));
        return tensorResult(out, headMethod != null ? HEAD_METHOD : HEAD_MODULE + ".forward");
    }

    /** Throws, naming what is missing, unless the archive can serve as a teacher or student. */
    public void requireFeatures() {
        if (featuresMethod == null) {
            throw new RobustifyException("TorchScript model " + file + " has no " + FEATURES_METHOD + " method, "
                    + "so it cannot be a teacher or student; add forward_features(x) -> [N, D] (and "
                    + HEAD_METHOD + "(features) -> logits) decorated with @torch.jit.export before scripting");
        }
        if (headMethod == null && headModule == null) {
            throw new RobustifyException("TorchScript model " + file + " has " + FEATURES_METHOD + " but no head: "
                    + "add a method " + HEAD_METHOD + "(features) -> logits (@torch.jit.export) or a submodule "
                    + "named '" + HEAD_MODULE + "'");
        }
    }

    /** Train or eval mode of the JIT module (BatchNorm, dropout). */
    public void train(boolean on) {
        jit.train(on);
    }

    /** Writes the module, with its current (possibly trained) weights, as a TorchScript archive. */
    public void save(Path target) {
        jit.save(target.toString());
    }

    /** An nn::Module view of the JIT module's own parameters and buffers, under the same dotted names. */
    @Override
    public Module module() {
        return mirror;
    }

    public JitModule jitModule() {
        return jit;
    }

    @Override
    public String architecture() {
        return "torchscript:" + file.getFileName();
    }

    private static Method method(JitModule jit, String name) {
        MethodOptional m = jit.find_method(name);
        return m.has_value() ? m.get() : null;
    }

    private static IValueVector args(Tensor x) {
        return new IValueVector(new IValue(x));
    }

    private Tensor tensorResult(IValue v, String what) {
        if (!v.isTensor()) {
            throw new RobustifyException(what + " of TorchScript model " + file + " returned a "
                    + v.tagKind().getString() + "; the contract is a single Tensor");
        }
        return v.toTensor();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
