package org.robustify.peft;

import org.bytedeco.pytorch.Module;
import org.robustify.model.ImageClassifier;
import org.robustify.model.resnet.ResNet;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.runtime.RobustifyException;

/**
 * Injects an injecting strategy's modules into a model, by family ({@link VitInjection}, {@link ResNetInjection}),
 * and the sizes both families share.
 */
final class Injection {
    /** Name under which Compacter's shared rules are registered on the model root. */
    static final String COMPACTER_SHARED = "compacter_shared";

    private Injection() {}

    /** Whether {@code model} is of a family the injecting strategies have placements for. */
    static boolean supports(ImageClassifier model) {
        return model instanceof VisionTransformer || model instanceof ResNet;
    }

    static void inject(Strategy strategy, ImageClassifier model, PeftSettings s) {
        if (model instanceof VisionTransformer vit) {
            switch (strategy) {
                case LORA -> VitInjection.lora(vit, s);
                case ADAPTER -> VitInjection.adapters(vit, s);
                case COMPACTER -> VitInjection.compacter(vit, s);
                case IA3 -> VitInjection.ia3(vit);
                default -> throw new IllegalArgumentException(strategy + " injects nothing");
            }
        } else if (model instanceof ResNet net) {
            switch (strategy) {
                case LORA -> ResNetInjection.lora(net, s);
                case ADAPTER -> ResNetInjection.adapters(net, s);
                case COMPACTER -> ResNetInjection.compacter(net, s);
                case IA3 -> ResNetInjection.ia3(net);
                default -> throw new IllegalArgumentException(strategy + " injects nothing");
            }
        } else {
            throw new RobustifyException(strategy.label() + ": no placements for " + model.architecture());
        }
    }

    /** Bottleneck adapter's hidden size: width / reduction, at least 1. */
    static long adapterHidden(long dim, PeftSettings s) {
        return Math.max(1, dim / s.adapterReduction());
    }

    /**
     * Hidden size dim / reduction rounded up to a multiple of n (PHM layers need both sizes divisible by n; for
     * vit_tiny, 192 / 32 = 6 becomes 8; for ResNet-18's 64-channel blocks, 2 becomes 4).
     */
    static long compacterHidden(long dim, PeftSettings s) {
        int n = s.phmN();
        if (dim % n != 0) {
            throw new RobustifyException("compacter: the model width " + dim + " is not a multiple of phmN " + n);
        }
        long h = Math.max(1, dim / s.compacterReduction());
        return (h + n - 1) / n * n;
    }

    /**
     * Compacter's rules, registered once on the model root so the optimiser sees each shared tensor once; the
     * adapters hold them in fields, which the model's hook slots keep alive as long as the model.
     */
    static PhmRules sharedRules(Module root, PeftSettings s) {
        PhmRules rules = new PhmRules(s.phmN());
        root.register_module(COMPACTER_SHARED, rules);
        return rules;
    }
}
