package org.robustify.model.freeze;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import org.robustify.runtime.RobustifyException;

/**
 * One term of a {@link FreezeSpec}: what it selects as trainable. Block terms ({@code last}, {@code first},
 * {@code fraction}, {@code blocks}) need a block model; {@code glob} and {@code kind} work on any model.
 *
 * @param type   the term's keyword
 * @param count  k of {@code last:k} / {@code first:k}
 * @param frac   f of {@code fraction:f}
 * @param blocks indices of {@code blocks:...}, sorted, distinct
 * @param text   the glob of {@code glob:} or the part of {@code kind:}
 */
public record FreezeTerm(Type type, int count, double frac, List<Integer> blocks, String text) {
    public enum Type { LAST, FIRST, FRACTION, BLOCKS, GLOB, KIND }

    /** Model parts {@code kind:} can name. */
    public static final List<String> KINDS = List.of("bias", "norm", "head", "stem", "pos");

    static final String SYNTAX = "terms are last:K, first:K, fraction:F (0<F<=1), blocks:I+J+M-N (0-based, '+' "
            + "separates items, M-N is an inclusive range), glob:PATTERN, kind:" + String.join("|", KINDS);

    public boolean isBlockTerm() {
        return type == Type.LAST || type == Type.FIRST || type == Type.FRACTION || type == Type.BLOCKS;
    }

    static FreezeTerm parse(String raw) {
        String term = raw.strip();
        int colon = term.indexOf(':');
        if (colon <= 0 || colon == term.length() - 1) {
            throw new RobustifyException("freeze term '" + term + "' is not KEY:VALUE; " + SYNTAX);
        }
        String key = term.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = term.substring(colon + 1).strip();
        return switch (key) {
            case "last" -> new FreezeTerm(Type.LAST, positiveInt(term, value), 0, List.of(), null);
            case "first" -> new FreezeTerm(Type.FIRST, positiveInt(term, value), 0, List.of(), null);
            case "fraction" -> new FreezeTerm(Type.FRACTION, 0, fraction(term, value), List.of(), null);
            case "blocks" -> new FreezeTerm(Type.BLOCKS, 0, 0, blockList(term, value), null);
            case "glob" -> new FreezeTerm(Type.GLOB, 0, 0, List.of(), value);
            case "kind" -> {
                String kind = value.toLowerCase(Locale.ROOT);
                if (!KINDS.contains(kind)) {
                    throw new RobustifyException("freeze term '" + term + "': unknown kind '" + value
                            + "'; kinds are " + String.join(", ", KINDS));
                }
                yield new FreezeTerm(Type.KIND, 0, 0, List.of(), kind);
            }
            default -> throw new RobustifyException("unknown freeze term '" + term + "'; " + SYNTAX);
        };
    }

    /**
     * The block indices this term selects in a model of {@code numBlocks} blocks. Fails when the term asks for
     * more blocks than there are, or names a block that does not exist.
     */
    public List<Integer> blockIndices(int numBlocks) {
        List<Integer> out = new ArrayList<>();
        switch (type) {
            case LAST, FIRST -> {
                if (count > numBlocks) {
                    throw new RobustifyException("freeze term " + this + ": k = " + count + " is out of range; "
                            + "the model has " + numBlocks + " blocks (k must be 1.." + numBlocks + ")");
                }
                int from = type == Type.LAST ? numBlocks - count : 0;
                for (int i = from; i < from + count; i++) {
                    out.add(i);
                }
            }
            case FRACTION -> {
                int k = fractionToCount(frac, numBlocks);
                for (int i = numBlocks - k; i < numBlocks; i++) {
                    out.add(i);
                }
            }
            case BLOCKS -> {
                for (int i : blocks) {
                    if (i >= numBlocks) {
                        throw new RobustifyException("freeze term " + this + ": block " + i + " is out of range; "
                                + "the model has blocks 0.." + (numBlocks - 1));
                    }
                    out.add(i);
                }
            }
            default -> throw new IllegalStateException(type + " is not a block term");
        }
        return out;
    }

    /** k = ceil(f * L), at least 1: the method's tunable-fraction rule. */
    public static int fractionToCount(double f, int numBlocks) {
        // The epsilon keeps 0.25 * 12 = 3.0000000000000004 from becoming 4.
        return Math.max(1, Math.min(numBlocks, (int) Math.ceil(f * numBlocks - 1e-9)));
    }

    @Override
    public String toString() {
        return switch (type) {
            case LAST -> "last:" + count;
            case FIRST -> "first:" + count;
            case FRACTION -> "fraction:" + frac;
            case BLOCKS -> "blocks:" + String.join("+", blocks.stream().map(String::valueOf).toList());
            case GLOB -> "glob:" + text;
            case KIND -> "kind:" + text;
        };
    }

    private static int positiveInt(String term, String value) {
        int k;
        try {
            k = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new RobustifyException("freeze term '" + term + "': '" + value + "' is not an integer");
        }
        if (k < 1) {
            throw new RobustifyException("freeze term '" + term + "': k must be >= 1; got " + k);
        }
        return k;
    }

    private static double fraction(String term, String value) {
        double f;
        try {
            f = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new RobustifyException("freeze term '" + term + "': '" + value + "' is not a number");
        }
        if (!(f > 0 && f <= 1)) {
            throw new RobustifyException("freeze term '" + term + "': the fraction must be in (0, 1]; got " + f);
        }
        return f;
    }

    private static List<Integer> blockList(String term, String value) {
        TreeSet<Integer> set = new TreeSet<>();
        for (String item : value.split("\\+", -1)) {
            String s = item.strip();
            try {
                int dash = s.indexOf('-');
                if (dash < 0) {
                    set.add(nonNegative(term, Integer.parseInt(s)));
                } else {
                    int a = nonNegative(term, Integer.parseInt(s.substring(0, dash).strip()));
                    int b = nonNegative(term, Integer.parseInt(s.substring(dash + 1).strip()));
                    if (b < a) {
                        throw new RobustifyException("freeze term '" + term + "': range " + s + " is empty");
                    }
                    for (int i = a; i <= b; i++) {
                        set.add(i);
                    }
                }
            } catch (NumberFormatException e) {
                throw new RobustifyException("freeze term '" + term + "': '" + s + "' is not a block index or "
                        + "range; write blocks:0+3+8-11 (0-based, '+' between items, inclusive ranges)");
            }
        }
        return List.copyOf(set);
    }

    private static int nonNegative(String term, int i) {
        if (i < 0) {
            throw new RobustifyException("freeze term '" + term + "': block indices are >= 0; got " + i);
        }
        return i;
    }
}
