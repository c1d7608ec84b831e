package org.robustify.model.jit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * An nn::Module tree whose parameters and buffers are the JIT module's own tensors (same TensorImpl, not copies),
 * under the same dotted names. It lets everything written for {@link Module} (optimisers, {@code Parameters.freeze},
 * parameter counts, checkpoints) work on a scripted model: an optimiser step on the mirror updates the JIT module.
 *
 * <p>A tree rather than one flat module because libtorch rejects dots in parameter names.
 */
final class ParameterMirror extends Module {
    /** Every registered child as a Java field, so the GC never frees a module libtorch still uses. */
    private final Map<String, ParameterMirror> children = new LinkedHashMap<>();
    /** Our own handles: register_parameter's returned reference can be invalidated by later registrations. */
    private final List<Tensor> tensors = new ArrayList<>();

    static ParameterMirror of(Map<String, Tensor> parameters, Map<String, Tensor> buffers) {
        ParameterMirror root = new ParameterMirror();
        parameters.forEach((name, t) -> root.node(name).addParameter(leaf(name), t));
        buffers.forEach((name, t) -> root.node(name).addBuffer(leaf(name), t));
        return root;
    }

    private ParameterMirror node(String dottedName) {
        String[] parts = dottedName.split("\\.");
        ParameterMirror n = this;
        for (int i = 0; i < parts.length - 1; i++) {
            n = n.child(parts[i]);
        }
        return n;
    }

    private ParameterMirror child(String name) {
        ParameterMirror c = children.get(name);
        if (c == null) {
            c = new ParameterMirror();
            register_module(name, c);
            children.put(name, c);
        }
        return c;
    }

    private void addParameter(String name, Tensor t) {
        tensors.add(t);
        register_parameter(name, t, t.requires_grad());
    }

    private void addBuffer(String name, Tensor t) {
        tensors.add(t);
        register_buffer(name, t);
    }

    private static String leaf(String dottedName) {
        return dottedName.substring(dottedName.lastIndexOf('.') + 1);
    }
}
