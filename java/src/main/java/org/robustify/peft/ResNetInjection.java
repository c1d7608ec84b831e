package org.robustify.peft;

import java.util.List;

import org.bytedeco.pytorch.Conv2dImpl;
import org.robustify.model.resnet.ResNet;
import org.robustify.model.resnet.ResidualBlock;

/**
 * Attaches each injecting strategy's modules to a ResNet's residual blocks (slots of {@link ResidualBlock}; new
 * names, timm names untouched). Placements, per residual block (BasicBlock: conv1, conv2; Bottleneck: conv1, conv2,
 * conv3; the stem conv and the shortcut projections are left alone, as LoRA on a ViT leaves the patch embedding
 * alone and every block gets the same set):
 * <ul>
 * <li>LoRA: on every branch conv's output ({@code convN_lora}), a conv A with the conv's kernel, stride and padding
 * to r channels and a 1×1 conv B back;
 * <li>Adapter / Compacter: on the residual branch's output, before the shortcut is added ({@code branch_adapter},
 * {@code branch_compacter}), as after a ViT sub-layer; 1×1 convs over the block's output channels;
 * <li>(IA)³: a per-channel vector on every branch BatchNorm's output ({@code bnN_ia3}), the conv's output after
 * its norm: before it, training-mode BatchNorm would divide the scale back out.
 * </ul>
 */
final class ResNetInjection {
    private ResNetInjection() {}

    static void lora(ResNet net, PeftSettings s) {
        for (ResidualBlock b : net.residualBlocks()) {
            List<Conv2dImpl> convs = b.branchConvs();
            for (int i = 0; i < convs.size(); i++) {
                b.convHook(i).attach("conv" + (i + 1) + "_lora",
                        new LoraConvBranch(convs.get(i), s.loraRank(), s.loraAlpha()));
            }
        }
    }

    static void adapters(ResNet net, PeftSettings s) {
        for (ResidualBlock b : net.residualBlocks()) {
            long c = b.outChannels();
            b.branchHook().attach("branch_adapter", new BottleneckAdapter(c, Injection.adapterHidden(c, s),
                    Channels.NCHW));
        }
    }

    static void compacter(ResNet net, PeftSettings s) {
        PhmRules rules = Injection.sharedRules(net, s);
        for (ResidualBlock b : net.residualBlocks()) {
            long c = b.outChannels();
            b.branchHook().attach("branch_compacter", new CompacterAdapter(rules, c, Injection.compacterHidden(c, s),
                    Channels.NCHW));
        }
    }

    static void ia3(ResNet net) {
        for (ResidualBlock b : net.residualBlocks()) {
            List<Conv2dImpl> convs = b.branchConvs();
            for (int i = 0; i < convs.size(); i++) {
                b.normHook(i).attach("bn" + (i + 1) + "_ia3", Ia3Scaling.featureMaps(convs.get(i).weight().size(0)));
            }
        }
    }
}
