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
        Map<String, Tensor> out = new LinkedHashMap<>();
        StringTensorDict dict = m.named_parameters(true);
        for (long i = 0; i < dict.size(); i++) {
            StringTensorDictItem item = dict.get(i);
            out.put(item.key().getString(), item.value());
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
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            boolean any = false;
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                if (matcher.matches(Path.of(e.getKey()))) {
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
