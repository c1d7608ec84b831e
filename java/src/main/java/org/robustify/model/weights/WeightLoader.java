package org.robustify.model.weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.Parameters;
import org.robustify.runtime.RobustifyException;

/**
 * Loads named weights (a safetensors file, or any name-to-tensor map) into a module, like PyTorch's
 * {@code load_state_dict}. Keys are the module's {@code named_parameters()} and {@code named_buffers()} names
 * (recursive, e.g. "layer1.0.bn1.running_mean"). Values are converted to each target's dtype and device and copied
 * into the existing tensors under no-grad, so parameters stay the same objects (an optimiser built before the load
 * keeps working) and keep their {@code requires_grad} (frozen stays frozen).
 *
 * <p>Strict mode fails before changing anything when a key is missing, unexpected or has another shape, listing all
 * of them with shapes in one message; non-strict mode loads what fits and reports the rest in the {@link LoadReport}.
 *
 * <p><b>Fine-tuning with another class count:</b> {@link #loadExceptHead} leaves the classifier head out on both
 * sides (e.g. prefix "fc" for ResNet, "head" for ViT): everything else must match strictly, and the head keeps the
 * fresh initialisation the model was built with. The report lists the skipped keys.
 */
public final class WeightLoader {
    private WeightLoader() {}

    /** Loads a safetensors file; see {@link #load(Module, Map, boolean)}. */
    public static LoadReport load(Module module, Path file, boolean strict) {
        return load(module, file, strict, List.of());
    }

    /** Loads a safetensors file, all but the head; see {@link #loadExceptHead(Module, Map, String...)}. */
    public static LoadReport loadExceptHead(Module module, Path file, String... headPrefixes) {
        return load(module, file, true, Arrays.asList(headPrefixes));
    }

    /** Copies every weight whose name and shape match a parameter or buffer of the module. */
    public static LoadReport load(Module module, Map<String, Tensor> weights, boolean strict) {
        return load(module, weights, strict, List.of());
    }

    /**
     * Loads everything except the keys under the head prefixes ("fc" covers "fc.weight" and "fc.bias" but not
     * "fc1.weight"), strictly: use it to start from a checkpoint trained with another number of classes. The
     * model's head keeps its current (freshly initialised) values; the weights' head is ignored.
     */
    public static LoadReport loadExceptHead(Module module, Map<String, Tensor> weights, String... headPrefixes) {
        if (headPrefixes.length == 0) {
            throw new RobustifyException("loadExceptHead needs at least one head prefix (e.g. \"fc\" or \"head\")");
        }
        return load(module, weights, true, Arrays.asList(headPrefixes));
    }

    /**
     * The general form: keys under any of {@code skipPrefixes} are left out on both sides (reported as skipped);
     * the rest are matched, strictly or not.
     */
    public static LoadReport load(Module module, Map<String, Tensor> weights, boolean strict,
            Collection<String> skipPrefixes) {
        Map<String, Tensor> targets = targets(module);
        List<String> loaded = new ArrayList<>();
        Map<String, long[]> missing = new TreeMap<>();
        Map<String, long[]> unexpected = new TreeMap<>();
        List<LoadReport.Mismatch> mismatched = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            String name = e.getKey();
            if (skip(name, skipPrefixes)) {
                skipped.add(name);
                continue;
            }
            Tensor value = weights.get(name);
            if (value == null) {
                missing.put(name, e.getValue().shape());
            } else if (!Arrays.equals(value.shape(), e.getValue().shape())) {
                mismatched.add(new LoadReport.Mismatch(name, e.getValue().shape(), value.shape()));
            } else {
                loaded.add(name);
            }
        }
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            String name = e.getKey();
            if (targets.containsKey(name)) {
                continue;
            }
            if (skip(name, skipPrefixes)) {
                if (!skipped.contains(name)) {
                    skipped.add(name);
                }
            } else {
                unexpected.put(name, e.getValue().shape());
            }
        }
        Collections.sort(loaded);
        Collections.sort(skipped);
        mismatched.sort((a, b) -> a.name().compareTo(b.name()));
        LoadReport report = new LoadReport(List.copyOf(loaded), Collections.unmodifiableMap(missing),
                Collections.unmodifiableMap(unexpected), List.copyOf(mismatched), List.copyOf(skipped));
        if (strict && !report.complete()) {
            // Nothing has been copied yet: a failed strict load leaves the model as it was.
            throw new RobustifyException("weights do not fit " + module.getClass().getSimpleName() + " (nothing "
                    + "was loaded):\n" + report.problems()
                    + (report.mismatched().isEmpty() && report.missing().isEmpty() ? ""
                            : "\n(a checkpoint with another class count loads with the head excluded)"));
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (String name : loaded) {
                // A detached alias shares the parameter's storage: the parameter object itself is updated (an
                // optimiser holding it sees the new values) and no autograd history is recorded.
                targets.get(name).detach().copy_(weights.get(name));
            }
        }
        return report;
    }

    /** The module's parameters and buffers by recursive dotted name, in registration order. */
    public static Map<String, Tensor> targets(Module module) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.putAll(Parameters.named(module));
        out.putAll(Parameters.namedBuffers(module));
        return out;
    }

    private static LoadReport load(Module module, Path file, boolean strict, Collection<String> skipPrefixes) {
        // The file's tensors are temporaries: free them when the copy is done rather than waiting for the GC.
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> weights = SafeTensors.read(file);
            try {
                return load(module, weights, strict, skipPrefixes);
            } catch (RobustifyException e) {
                throw new RobustifyException("cannot load " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean skip(String name, Collection<String> prefixes) {
        for (String p : prefixes) {
            String dotted = p.endsWith(".") ? p : p + ".";
            if (name.equals(p) || name.startsWith(dotted)) {
                return true;
            }
        }
        return false;
    }
}
