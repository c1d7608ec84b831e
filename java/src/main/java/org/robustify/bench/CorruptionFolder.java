package org.robustify.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.corrupt.Corruption;
import org.robustify.data.ImageDataset;
import org.robustify.data.Npy;
import org.robustify.eval.CorruptionSuite;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.Json;

/**
 * The corruption suite read from a folder written by {@code robustify corrupt}: {@code DIR/<corruption>/s<k>.npy}
 * (uint8, N × H × W or N × H × W × C, image i corrupted with sample id i), optional {@code labels.npy} (int64 [N])
 * and {@code manifest.json}. Everything is checked when the folder is opened and matched against the evaluated data,
 * before any model runs; batches are then read from the files at their images' offsets, so the folder never needs
 * to fit in memory. Because {@code corrupt} keys each image by its index, this gives exactly the on-the-fly suite's
 * images when the folder was written from the same images with the same seed, preset and frost.
 */
public final class CorruptionFolder implements CorruptionSuite.CellSource, AutoCloseable {
    public static final String MANIFEST = "manifest.json";
    public static final String LABELS = "labels.npy";

    private final Path dir;
    private final JsonNode manifest;
    private final List<Corruption> corruptions;
    private final int[] severities;
    private final long images;
    private final long height;
    private final long width;
    private final long channels;
    private final long[] labels;
    private final Map<String, FileChannel> files = new LinkedHashMap<>();
    private final Map<String, Long> offsets = new LinkedHashMap<>();

    private CorruptionFolder(Path dir, JsonNode manifest, List<Corruption> corruptions, int[] severities,
            long[] shape, long[] labels) {
        this.dir = dir;
        this.manifest = manifest;
        this.corruptions = List.copyOf(corruptions);
        this.severities = severities.clone();
        this.images = shape[0];
        this.height = shape[1];
        this.width = shape[2];
        this.channels = shape.length == 4 ? shape[3] : 1;
        this.labels = labels;
    }

    /**
     * Opens and checks a folder. {@code corruptions} / {@code severities}: the cells to evaluate, null for those the
     * folder's manifest lists. Fails naming every missing or malformed file.
     */
    public static CorruptionFolder open(Path dir, List<Corruption> corruptions, int[] severities) {
        String where = "--corruptions-from " + dir;
        if (!Files.isDirectory(dir)) {
            throw new RobustifyException(where + ": not a folder");
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new RobustifyException(where + ": no " + MANIFEST + " (not a folder written by robustify corrupt)");
        }
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new RobustifyException(where + ": " + MANIFEST + " is not readable JSON: " + e.getMessage(), e);
        }
        if (!"corrupt".equals(m.path("command").asText())) {
            throw new RobustifyException(where + ": " + MANIFEST + " was written by '" + m.path("command").asText()
                    + "', not by robustify corrupt");
        }
        List<Corruption> cs = corruptions != null ? corruptions : listed(m, where);
        int[] ss = severities != null ? severities : listedSeverities(m, where);
        if (cs.isEmpty() || ss.length == 0) {
            throw new RobustifyException(where + ": no corruption or severity to evaluate");
        }
        List<String> missing = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        long[] shape = null;
        String shapeFrom = null;
        for (Corruption c : cs) {
            for (int s : ss) {
                String rel = relative(c, s);
                Path f = dir.resolve(rel);
                if (!Files.isRegularFile(f)) {
                    missing.add(rel);
                    continue;
                }
                String problem = checkImages(f);
                if (problem != null) {
                    bad.add(rel + ": " + problem);
                    continue;
                }
                long[] sh = Npy.readHeader(f).shape();
                if (shape == null) {
                    shape = sh;
                    shapeFrom = rel;
                } else if (!Arrays.equals(shape, sh)) {
                    bad.add(rel + ": shape " + Npy.shapeString(sh) + " differs from " + shapeFrom + "'s "
                            + Npy.shapeString(shape));
                }
            }
        }
        if (!missing.isEmpty() || !bad.isEmpty()) {
            StringBuilder msg = new StringBuilder(where + ": ");
            if (!missing.isEmpty()) {
                msg.append(missing.size()).append(" requested file(s) missing: ").append(first(missing));
            }
            if (!bad.isEmpty()) {
                msg.append(missing.isEmpty() ? "" : "; ").append(bad.size()).append(" unusable: ").append(first(bad));
            }
            msg.append(" (the folder was written for corruptions ").append(m.path("config").path("corruptions"))
                    .append(", severities ").append(m.path("config").path("severities")).append(", status ")
                    .append(m.path("status").asText("unknown")).append("; choose others with --corruptions and "
                            + "--severities, or rerun robustify corrupt into it to finish it)");
            throw new RobustifyException(msg.toString());
        }
        long[] labels = readLabels(dir.resolve(LABELS), shape[0], where);
        CorruptionFolder folder = new CorruptionFolder(dir, m, cs, ss, shape, labels);
        folder.openFiles();
        return folder;
    }

    /**
     * Checks the folder against the evaluated data and returns how many images the suite evaluates: {@code limit}
     * (which must not exceed the folder's count), or all the folder's images when 0. The images must have the data's
     * size, the data must hold at least that many, and the folder's labels (when present) must be the data's.
     */
    public int evaluatedImages(ImageDataset data, int limit) {
        String where = "--corruptions-from " + dir;
        if (height != data.height() || width != data.width() || channels != data.channels()) {
            throw new RobustifyException(where + " holds " + height + "x" + width + "x" + channels + " images; the "
                    + "evaluated data (" + data.name() + ") has " + data.height() + "x" + data.width() + "x"
                    + data.channels());
        }
        if (limit > images) {
            throw new RobustifyException(where + " holds " + images + " images per file; --corruption-limit "
                    + limit + " asks for more");
        }
        int n = limit > 0 ? limit : Math.toIntExact(images);
        if (n > data.size()) {
            throw new RobustifyException(where + " holds " + images + " images per file but the evaluated data ("
                    + data.name() + ") only " + data.size() + "; pass --corruption-limit " + data.size()
                    + " or the data the folder was written from");
        }
        if (labels != null) {
            for (int i = 0; i < n; i++) {
                if (labels[i] != data.labels()[i]) {
                    throw new RobustifyException(String.format(Locale.ROOT, "%s: %s differs from the evaluated "
                            + "data's labels at image %d (folder %d, data %d): the folder was written from other "
                            + "images than --data", where, LABELS, i, labels[i], data.labels()[i]));
                }
            }
        }
        return n;
    }

    public List<Corruption> corruptions() {
        return corruptions;
    }

    /** Images in each file. */
    public long images() {
        return images;
    }

    public int[] severities() {
        return severities.clone();
    }

    /** The seed the folder was written with (recorded as the suite's corruption seed). */
    public long seed() {
        return manifest.path("config").path("seed").asLong(manifest.path("seed").asLong());
    }

    /** Where the images came from, for bench.json's provenance. */
    public Map<String, Object> describe() {
        JsonNode config = manifest.path("config");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", "folder");
        d.put("dir", dir.toAbsolutePath().toString());
        d.put("seed", seed());
        d.put("preset", config.path("preset").asText(null));
        d.put("preset_resolved", config.path("preset_resolved").asText(null));
        d.put("frost", config.path("frost"));
        d.put("path", config.path("path").asText(null));
        d.put("images_per_file", images);
        d.put("labels", labels != null ? "checked against the evaluated data" : "no " + LABELS + " in the folder: "
                + "not checked");
        d.put("input", manifest.path("data"));
        d.put("manifest_created", manifest.path("created").asText(null));
        d.put("manifest_status", manifest.path("status").asText(null));
        d.put("git_commit", manifest.path("git_commit").asText(null));
        return d;
    }

    @Override
    public Tensor images(Tensor raw, Corruption corruption, int severity, long[] ids) {
        String rel = relative(corruption, severity);
        FileChannel ch = files.get(rel);
        if (ch == null) {
            throw new RobustifyException(dir + ": " + rel + " was not opened (not among the requested cells)");
        }
        long imageBytes = height * width * channels;
        byte[] out = new byte[Math.toIntExact(ids.length * imageBytes)];
        // The suite walks the data in order, so a batch is usually one run of consecutive images: one read.
        int i = 0;
        while (i < ids.length) {
            int j = i + 1;
            while (j < ids.length && ids[j] == ids[j - 1] + 1) {
                j++;
            }
            if (ids[i] < 0 || ids[j - 1] >= images) {
                throw new RobustifyException(dir + ": image " + ids[j - 1] + " requested of " + images);
            }
            read(ch, rel, ByteBuffer.wrap(out, Math.toIntExact(i * imageBytes), Math.toIntExact((j - i) * imageBytes)),
                    offsets.get(rel) + ids[i] * imageBytes);
            i = j;
        }
        try (BytePointer bytes = new BytePointer(out)) {
            return torch.from_blob(bytes, new long[] {ids.length, height, width, channels},
                    new TensorOptions(ScalarType.Byte)).clone();
        }
    }

    @Override
    public void close() {
        for (FileChannel ch : files.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
        files.clear();
    }

    private void openFiles() {
        try {
            for (Corruption c : corruptions) {
                for (int s : severities) {
                    String rel = relative(c, s);
                    Path f = dir.resolve(rel);
                    offsets.put(rel, Npy.readHeader(f).dataOffset());
                    files.put(rel, FileChannel.open(f, StandardOpenOption.READ));
                }
            }
        } catch (IOException e) {
            close();
            throw new RobustifyException("cannot open " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void read(FileChannel ch, String rel, ByteBuffer into, long position) {
        try {
            long at = position;
            while (into.hasRemaining()) {
                int n = ch.read(into, at);
                if (n < 0) {
                    throw new RobustifyException(rel + " ended early (changed since it was checked?)");
                }
                at += n;
            }
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + rel + ": " + e.getMessage(), e);
        }
    }

    static String relative(Corruption c, int severity) {
        return c.nativeName() + "/s" + severity + ".npy";
    }

    /** Null when {@code f} is a complete uint8 image array, else what is wrong with it. */
    private static String checkImages(Path f) {
        Npy.Header h;
        try {
            h = Npy.readHeader(f);
        } catch (RobustifyException e) {
            return e.getMessage();
        }
        if (!List.of("|u1", "<u1", ">u1", "u1", "B").contains(h.descr())) {
            return "holds " + h.describe() + "; expected uint8 images";
        }
        if (h.fortranOrder() && h.shape().length > 1) {
            return "is in Fortran order";
        }
        long[] s = h.shape();
        if ((s.length != 3 && s.length != 4) || s[0] < 1 || s[1] < 1 || s[2] < 1
                || (s.length == 4 && s[3] != 1 && s[3] != 3)) {
            return "holds " + h.describe() + "; expected N x H x W or N x H x W x C (C = 1 or 3) images";
        }
        try {
            long have = Files.size(f) - h.dataOffset();
            if (have != h.count()) {
                return "holds " + have + " data bytes; " + h.describe() + " needs " + h.count()
                        + (have < h.count() ? " (truncated)" : "");
            }
        } catch (IOException e) {
            return "cannot read: " + e.getMessage();
        }
        return null;
    }

    private static long[] readLabels(Path f, long n, String where) {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Npy.Int64Array l;
        try {
            l = Npy.readInt64(f);
        } catch (RobustifyException e) {
            throw new RobustifyException(where + ": " + LABELS + ": " + e.getMessage(), e);
        }
        if (l.shape().length != 1 || l.shape()[0] != n) {
            throw new RobustifyException(where + ": " + LABELS + " has shape " + Npy.shapeString(l.shape())
                    + "; the image files hold " + n + " images");
        }
        return l.data();
    }

    private static List<Corruption> listed(JsonNode m, String where) {
        JsonNode list = m.path("config").path("corruptions");
        if (!list.isArray() || list.isEmpty()) {
            throw new RobustifyException(where + ": " + MANIFEST + " lists no corruptions; pass --corruptions");
        }
        List<Corruption> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(Corruption.fromName(n.asText()));
        }
        return out;
    }

    private static int[] listedSeverities(JsonNode m, String where) {
        JsonNode list = m.path("config").path("severities");
        if (!list.isArray() || list.isEmpty()) {
            throw new RobustifyException(where + ": " + MANIFEST + " lists no severities; pass --severities");
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).asInt();
            Corruption.checkSeverity(out[i]);
        }
        return out;
    }

    private static String first(List<String> items) {
        int shown = Math.min(8, items.size());
        String s = String.join(", ", items.subList(0, shown));
        return items.size() > shown ? s + ", ... (" + (items.size() - shown) + " more)" : s;
    }
}
