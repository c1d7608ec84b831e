package org.robustify.model;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A classifier cut into a stem, a chain of blocks, a pooling step and a head, so that callers (robustify's partial
 * tuning, feature distillation, freezing by block) can run or train any slice of it.
 *
 * <p>The contract: {@code features(x) = pool(block(n-1, ... block(0, stem(x))))} and
 * {@code forward(x) = head(features(x))}. ResNet blocks are the residual blocks in order (layer1.0, layer1.1, ...,
 * layer4.last), ViT blocks are the transformer blocks.
 */
public interface BlockModel extends ImageClassifier {
    int numBlocks();

    /** Image to the first block's input (ResNet: conv1-bn1-relu[-maxpool]; ViT: patch tokens + class token + pos). */
    Tensor stem(Tensor x);

    /** Runs block {@code i} (0-based) on the previous block's output. */
    Tensor block(int i, Tensor h);

    /** Last block's output to the feature vector [N, featureDim] (ResNet: global average; ViT: final norm + class token). */
    Tensor pool(Tensor h);

    /** [N, featureDim] features of images. */
    default Tensor features(Tensor x) {
        Tensor h = stem(x);
        for (int i = 0; i < numBlocks(); i++) {
            h = block(i, h);
        }
        return pool(h);
    }

    /** Features to class logits [N, classes]. */
    Tensor head(Tensor features);

    long featureDim();

    /** The module holding block {@code i}'s parameters (for freezing or a per-block optimiser). */
    Module blockModule(int i);

    /** Parameter-name prefix of block {@code i}, e.g. "layer2.1" or "blocks.3" (for freeze globs and reports). */
    String blockName(int i);

    /** The classifier module ("fc" for ResNet, "head" for ViT). */
    Module headModule();

    @Override
    default Tensor forward(Tensor images) {
        return head(features(images));
    }
}
