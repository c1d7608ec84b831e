package org.robustify.model;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.StringTensorDictItem;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.robustify.runtime.RobustifyException;

/** Named-parameter utilities: listing, freezing by glob, counting. */
public final class Parameters {
    private Parameters() {}

    /** Parameters in registration order, keyed by their dotted names (e.g. "conv1.weight"). */
    public static Map<String, Tensor> named(Module m) {
        return ownHandles(m.named_parameters(true));
    }

    /**
     * The dict's tensors under their names, each as a handle of our own (sharing the storage and holding a
     * reference): a dict item's value points into the dict, which the GC may free as soon as the caller drops it.
     * Undefined tensors (absent optional buffers) are skipped.
     */
    public static Map<String, Tensor> ownHandles(StringTensorDict dict) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (long i = 0; i < dict.size(); i++) {
            StringTensorDictItem item = dict.get(i);
            Tensor t = item.value();
            if (t.defined()) {
                out.put(item.key().getString(), new Tensor(t));
            }
        }
        return out;
    }

    /**
     * Freezes (requires_grad = false) every parameter whose name matches one of the globs ("conv1.*", "*.bias").
     * Each glob must match something, so a typo is an error rather than a silently unfrozen model.
     * Returns the frozen names.
     */
    public static List<String> freeze(Module m, List<String> globs) {
        Map<String, Tensor> params = named(m);
        List<String> frozen = new ArrayList<>();
        for (String glob : globs) {
            PathMatcher matcher = globMatcher(glob);
            boolean any = false;
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                if (matches(matcher, e.getKey())) {
                    e.getValue().requires_grad_(false);
                    any = true;
                    if (!frozen.contains(e.getKey())) {
                        frozen.add(e.getKey());
                    }
                }
            }
            if (!any) {
                throw new RobustifyException("--freeze '" + glob + "' matches no parameter; names are: "
                        + String.join(", ", params.keySet()));
            }
        }
        return frozen;
    }

    /**
     * A matcher for dotted parameter names. Names hold no '/', so '*' spans dots: "layer4.*" matches
     * "layer4.1.conv2.weight" and "*.bias" every bias. Braces ("{fc,head}.*") and '?' work as in java.nio globs.
     */
    public static PathMatcher globMatcher(String glob) {
        if (glob == null || glob.isBlank()) {
            throw new RobustifyException("empty parameter-name glob");
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new RobustifyException("bad parameter-name glob '" + glob + "': " + e.getMessage(), e);
        }
    }

    public static boolean matches(PathMatcher matcher, String name) {
        return matcher.matches(Path.of(name));
    }

    /** Names (registration order) of the parameters a glob matches; empty when none. */
    public static List<String> matching(Module m, String glob) {
        PathMatcher matcher = globMatcher(glob);
        List<String> out = new ArrayList<>();
        for (String name : named(m).keySet()) {
            if (matches(matcher, name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Buffers (BatchNorm running statistics, ...) in registration order, keyed by their dotted names. */
    public static Map<String, Tensor> namedBuffers(Module m) {
        return ownHandles(m.named_buffers(true));
    }

    /** Sets requires_grad on every parameter of {@code m} (e.g. freezing a whole model before unfreezing a part). */
    public static void setRequiresGrad(Module m, boolean on) {
        for (Tensor t : named(m).values()) {
            t.requires_grad_(on);
        }
    }

    /** Parameters that still require gradients (what the optimiser should see). */
    public static TensorVector trainable(Module m) {
        TensorVector out = new TensorVector();
        for (Tensor t : named(m).values()) {
            if (t.requires_grad()) {
                out.push_back(t);
            }
        }
        return out;
    }

    public static long count(Module m, boolean trainableOnly) {
        long n = 0;
        for (Tensor t : named(m).values()) {
            if (!trainableOnly || t.requires_grad()) {
                n += t.numel();
            }
        }
        return n;
    }
}
