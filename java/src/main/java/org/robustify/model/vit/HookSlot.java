package org.robustify.model.vit;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.runtime.RobustifyException;

/**
 * An optional place in a layer (ViT block, ResNet residual block) where one injected module rewrites a sub-layer's
 * output (see {@link OutputHook}).
 * Empty by default, so a plain model computes exactly what it did before. The attached module is registered on the
 * host under a new name (the timm names of existing parameters do not change) and kept in a field here, because
 * libtorch's registry does not keep the Java object alive.
 */
public final class HookSlot {
    private final Module host;
    private final String where;
    private Module module;
    private OutputHook hook;

    public HookSlot(Module host, String where) {
        this.host = host;
        this.where = where;
    }

    /** Registers {@code m} on the host as {@code name} and routes this slot through it; a slot holds at most one. */
    public <M extends Module & OutputHook> M attach(String name, M m) {
        if (module != null) {
            throw new RobustifyException("the " + where + " slot already holds a module; inject one strategy per "
                    + "model");
        }
        host.register_module(name, m);
        module = m;
        hook = m;
        return m;
    }

    public boolean attached() {
        return module != null;
    }

    /** The attached module, or null. */
    public Module module() {
        return module;
    }

    public Tensor apply(Tensor input, Tensor output) {
        return hook == null ? output : hook.apply(input, output);
    }
}
