package org.robustify.model.freeze;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.bytedeco.pytorch.Tensor;
import org.robustify.model.BlockModel;
import org.robustify.model.ImageClassifier;
import org.robustify.model.Parameters;
import org.robustify.runtime.RobustifyException;

/**
 * What to TRAIN; everything else is frozen (requires_grad false). A spec is comma-separated terms whose selections
 * are united:
 * <ul>
 *   <li>{@code last:K}, {@code first:K}: the last / first K blocks (1 <= K <= number of blocks);</li>
 *   <li>{@code fraction:F}: the last ceil(F * L) blocks, 0 < F <= 1 (the method's tunable fraction);</li>
 *   <li>{@code blocks:I+J+M-N}: the listed 0-based blocks; '+' separates items (a comma would end the term) and
 *       {@code M-N} is an inclusive range, e.g. {@code blocks:0+5-7};</li>
 *   <li>{@code glob:PATTERN}: parameters whose dotted name matches ("layer4.*", "*.bias", "{fc,head}.*"); commas
 *       inside braces belong to the glob;</li>
 *   <li>{@code kind:bias|norm|head|stem|pos}: every bias; every normalisation layer's parameters; the head; the
 *       stem (all before the first block); ViT's cls_token and pos_embed.</li>
 * </ul>
 * Block terms, {@code kind:head} and {@code kind:stem} need a {@link BlockModel} (ResNet: residual blocks; ViT:
 * transformer blocks). Each term must select at least one parameter, so a typo cannot silently freeze everything.
 * Example: {@code fraction:0.25,kind:norm} trains the last quarter of the blocks plus every norm layer.
 */
public final class FreezeSpec {
    private final List<FreezeTerm> terms;

    private FreezeSpec(List<FreezeTerm> terms) {
        this.terms = List.copyOf(terms);
    }

    public static FreezeSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new RobustifyException("empty freeze spec; " + FreezeTerm.SYNTAX);
        }
        List<FreezeTerm> terms = new ArrayList<>();
        for (String raw : splitTopLevel(spec)) {
            if (raw.isBlank()) {
                throw new RobustifyException("freeze spec '" + spec + "' has an empty term (stray comma?)");
            }
            terms.add(FreezeTerm.parse(raw));
        }
        return new FreezeSpec(terms);
    }

    public List<FreezeTerm> terms() {
        return terms;
    }

    /** Blocks selected by the block terms (sorted); empty when the spec has none. */
    public Set<Integer> blockIndices(int numBlocks) {
        TreeSet<Integer> out = new TreeSet<>();
        for (FreezeTerm t : terms) {
            if (t.isBlockTerm()) {
                out.addAll(t.blockIndices(numBlocks));
            }
        }
        return out;
    }

    /** Parameter names this spec makes trainable in {@code model}, in model order. */
    public Set<String> select(ImageClassifier model) {
        return select(new ModelLayout(model));
    }

    private Set<String> select(ModelLayout layout) {
        Set<String> chosen = new LinkedHashSet<>();
        for (FreezeTerm t : terms) {
            List<String> names = termNames(t, layout);
            if (names.isEmpty()) {
                throw new RobustifyException("freeze term " + t + " matches no parameter of this model; names "
                        + "are: " + String.join(", ", layout.params().keySet()));
            }
            chosen.addAll(names);
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (String n : layout.params().keySet()) {
            if (chosen.contains(n)) {
                ordered.add(n);
            }
        }
        return ordered;
    }

    /**
     * Sets requires_grad: true for the selected parameters, false for all others. Fails (changing nothing) on a term
     * the model cannot satisfy.
     */
    public FreezeReport apply(ImageClassifier model) {
        ModelLayout layout = new ModelLayout(model);
        Set<String> chosen = select(layout);
        for (Map.Entry<String, Tensor> e : layout.params().entrySet()) {
            e.getValue().requires_grad_(chosen.contains(e.getKey()));
        }
        return FreezeReport.of(layout);
    }

    private static List<String> termNames(FreezeTerm t, ModelLayout layout) {
        List<String> out = new ArrayList<>();
        if (t.isBlockTerm() || (t.type() == FreezeTerm.Type.KIND
                && (t.text().equals("head") || t.text().equals("stem")))) {
            if (!layout.isBlockModel()) {
                throw new RobustifyException("freeze term " + t + " needs a model with blocks, stem and head "
                        + "(resnet*, vit_*); for this model use glob:PATTERN or kind:bias|norm|pos");
            }
        }
        switch (t.type()) {
            case LAST, FIRST, FRACTION, BLOCKS -> {
                BlockModel m = layout.blockModel();
                for (int i : t.blockIndices(m.numBlocks())) {
                    out.addAll(layout.namesIn(m.blockName(i)));
                }
            }
            case GLOB -> {
                var matcher = Parameters.globMatcher(t.text());
                for (String n : layout.params().keySet()) {
                    if (Parameters.matches(matcher, n)) {
                        out.add(n);
                    }
                }
            }
            case KIND -> {
                for (String n : layout.params().keySet()) {
                    boolean hit = switch (t.text()) {
                        case "bias" -> n.equals("bias") || n.endsWith(".bias");
                        case "norm" -> layout.normParams().contains(n);
                        case "head" -> ModelLayout.HEAD.equals(layout.groupOf(n));
                        case "stem" -> ModelLayout.STEM.equals(layout.groupOf(n));
                        case "pos" -> n.equals("cls_token") || n.equals("pos_embed") || n.endsWith(".cls_token")
                                || n.endsWith(".pos_embed");
                        default -> throw new IllegalStateException(t.text());
                    };
                    if (hit) {
                        out.add(n);
                    }
                }
            }
        }
        return out;
    }

    /** Splits on commas outside braces, so "glob:{fc,head}.*" stays one term. */
    static List<String> splitTopLevel(String spec) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : spec.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            }
            if (c == ',' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    @Override
    public String toString() {
        return String.join(",", terms.stream().map(FreezeTerm::toString).toList());
    }
}
