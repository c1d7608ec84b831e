package org.robustify.model.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}, then the
 * byte buffer the offsets point into. No code runs on load (unlike pickle), so files from anywhere are safe to read.
 *
 * <p>Reads memory-map the file and copy each tensor's bytes into a libtorch-allocated tensor, so the returned
 * tensors own their memory and the file can be replaced or deleted afterwards. Every header field is validated
 * first (the rules of the reference implementation: header within the file and at most 100 MB, JSON object, known
 * dtypes, byte sizes matching shapes, offsets inside the buffer, tensors tiling the buffer with no overlap and no
 * hole); errors name the file and the tensor.
 */
public final class SafeTensors {
    /** The reference implementation refuses larger headers; so do we (a corrupt length must not allocate GBs). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    public static final String METADATA_KEY = "__metadata__";

    /** Mapped windows are at most this large (a MappedByteBuffer is int-indexed). */
    private static final long WINDOW = 1L << 30;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    static {
        // The format is little-endian; copying raw bytes into tensors is only right on a little-endian host.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("safetensors support needs a little-endian host");
        }
    }

    private SafeTensors() {}

    /** One tensor's header entry; {@code begin}/{@code end} are relative to the start of the byte buffer. */
    public record Entry(String name, SafeDtype dtype, long[] shape, long begin, long end) {
        public long byteSize() {
            return end - begin;
        }

        /** e.g. {@code F32 [64, 3, 7, 7]}. */
        public String describe() {
            return dtype + " " + Arrays.toString(shape);
        }
    }

    /**
     * A validated header: the tensors in the order their bytes lie in the file (for files the reference library
     * writes, also the header's order), the free-form metadata, and where the byte buffer starts.
     */
    public record Header(Path file, long dataStart, long dataLength, List<Entry> tensors,
            Map<String, String> metadata) {
        public Map<String, Entry> byName() {
            Map<String, Entry> m = new LinkedHashMap<>();
            for (Entry e : tensors) {
                m.put(e.name(), e);
            }
            return m;
        }

        public List<String> names() {
            return tensors.stream().map(Entry::name).toList();
        }
    }

    /** Reads and validates the header only (names, dtypes, shapes, metadata); no tensor data is touched. */
    public static Header readHeader(Path file) {
        try (FileChannel ch = open(file)) {
            return readHeader(file, ch);
        } catch (IOException e) {
            throw new RobustifyException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    /** All tensors, keyed by name in file order, each keeping its stored dtype. */
    public static Map<String, Tensor> read(Path file) {
        return read(file, name -> true);
    }

    /** The tensors whose names pass {@code select} (the others' bytes are never read), in file order. */
    public static Map<String, Tensor> read(Path file, Predicate<String> select) {
        try (FileChannel ch = open(file)) {
            Header header = readHeader(file, ch);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : header.tensors()) {
                if (select.test(e.name())) {
                    out.put(e.name(), load(ch, header, e));
                }
            }
            return out;
        } catch (IOException e) {
            throw new RobustifyException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the tensors atomically with no metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes the tensors atomically (a reader never sees a partial file). The layout is the reference
     * implementation's: tensors sorted by descending dtype (see {@link SafeDtype}) then name, so each starts at a
     * multiple of its item size; compact JSON with {@code __metadata__} first; header padded with spaces to a
     * multiple of 8. For the dtypes NumPy has, the bytes equal those Python's {@code safetensors.numpy.save} writes.
     * Tensors may be on any device, strided, or require gradients: their values are what is stored.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>();
        List<SafeDtype> dtypes = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.equals(METADATA_KEY)) {
                throw new RobustifyException("cannot write " + file + ": '" + name + "' is not a valid tensor name");
            }
            if (e.getValue() == null || !e.getValue().defined()) {
                throw new RobustifyException("cannot write " + file + ": tensor '" + name + "' is undefined");
            }
            if (SafeDtype.of(e.getValue().scalar_type()) == null) {
                throw new RobustifyException("cannot write " + file + ": tensor '" + name + "' has dtype "
                        + e.getValue().scalar_type() + ", which safetensors cannot store (it stores "
                        + SafeDtype.known() + ")");
            }
            order.add(e);
        }
        order.sort(Comparator.<Map.Entry<String, Tensor>, SafeDtype>comparing(
                e -> SafeDtype.of(e.getValue().scalar_type()), Comparator.reverseOrder())
                .thenComparing(Map.Entry::getKey));

        // Detached, on the CPU and contiguous: the exact bytes to store.
        List<Tensor> data = new ArrayList<>();
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : order) {
            Tensor t = e.getValue().detach().cpu().contiguous();
            data.add(t);
            SafeDtype dtype = SafeDtype.of(t.scalar_type());
            long bytes = t.nbytes();
            ObjectNode info = root.putObject(e.getKey());
            info.put("dtype", dtype.name());
            ArrayNode shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException ex) {
            throw new RobustifyException("cannot encode the header of " + file + ": " + ex.getMessage(), ex);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (Tensor t : data) {
                    long n = t.nbytes();
                    for (long done = 0; done < n; done += WINDOW) {
                        writeFully(ch, memory(t, done, Math.min(WINDOW, n - done)));
                    }
                }
            }
        });
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new RobustifyException("safetensors file not found: " + file, e);
        }
    }

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw bad(file, "truncated: " + size + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0); // unsigned in the spec: a huge value reads as negative here
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw bad(file, "header length " + Long.toUnsignedString(n) + " exceeds the " + MAX_HEADER_BYTES
                    + "-byte limit (corrupt or not a safetensors file)");
        }
        if (n > size - 8) {
            throw bad(file, "header length " + n + " runs past the end of the file (" + size
                    + " bytes; truncated?)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(ch, headerBytes, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "header is not valid UTF-8");
        }
        if (!text.startsWith("{")) {
            throw bad(file, "header does not start with '{' (not a safetensors file?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                entries.add(parseEntry(file, field.getKey(), field.getValue()));
            }
        }
        checkLayout(file, entries, dataLength);
        return new Header(file, dataStart, dataLength, Collections.unmodifiableList(entries),
                Collections.unmodifiableMap(metadata));
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw bad(file, METADATA_KEY + " must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isTextual()) {
                throw bad(file, METADATA_KEY + " value '" + f.getKey() + "' is not a string");
            }
            out.put(f.getKey(), f.getValue().textValue());
        }
        return out;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        String where = "tensor '" + name + "': ";
        if (!node.isObject()) {
            throw bad(file, where + "entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw bad(file, where + "missing or non-string \"dtype\"");
        }
        SafeDtype dtype = SafeDtype.parse(dtypeNode.textValue());
        if (dtype == null) {
            throw bad(file, where + "unknown dtype \"" + dtypeNode.textValue() + "\" (known: " + SafeDtype.known()
                    + ")");
        }
        long[] shape = longs(file, where, node.get("shape"), "shape", -1);
        long[] offsets = longs(file, where, node.get("data_offsets"), "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw bad(file, where + "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long expected;
        try {
            expected = dtype.itemSize();
            for (long d : shape) {
                expected = Math.multiplyExact(expected, d);
            }
        } catch (ArithmeticException e) {
            throw bad(file, where + "shape " + Arrays.toString(shape) + " is too large");
        }
        if (expected != end - begin) {
            throw bad(file, where + dtype + " " + Arrays.toString(shape) + " needs " + expected
                    + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers that fit a long; {@code length} -1 means any length. */
    private static long[] longs(Path file, String where, JsonNode node, String field, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw bad(file, where + "\"" + field + "\" must be an array of " + (length >= 0 ? length + " " : "")
                    + "non-negative integers");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw bad(file, where + "\"" + field + "\" holds " + v + ", not a non-negative integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /**
     * The tensors must tile the buffer exactly: inside it, no two overlapping, no unused bytes between or after
     * them (the spec forbids holes: they could hide data, and a reader could not tell a truncated file apart).
     */
    private static void checkLayout(Path file, List<Entry> entries, long dataLength) {
        for (Entry e : entries) {
            if (e.end() > dataLength) {
                throw bad(file, "tensor '" + e.name() + "': data_offsets [" + e.begin() + ", " + e.end()
                        + "] run past the end of the " + dataLength + "-byte data buffer (truncated file?)");
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : entries) {
            if (e.begin() < expected) {
                throw bad(file, "tensor '" + e.name() + "': data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap tensor '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (e.begin() > expected) {
                throw bad(file, "tensor '" + e.name() + "': data_offsets start at " + e.begin() + " but the "
                        + (previous == null ? "buffer starts at 0" : "previous tensor '" + previous.name()
                                + "' ends at " + expected)
                        + ": a hole of " + (e.begin() - expected) + " bytes");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataLength) {
            throw bad(file, "the tensors cover " + expected + " bytes of the " + dataLength
                    + "-byte data buffer: " + (dataLength - expected) + " trailing bytes belong to no tensor");
        }
    }

    /** A fresh libtorch tensor holding a copy of the entry's bytes. */
    private static Tensor load(FileChannel ch, Header header, Entry e) throws IOException {
        Tensor t = torch.empty(e.shape(), new TensorOptions(e.dtype().scalarType()),
                new MemoryFormatOptional());
        long n = e.byteSize();
        for (long done = 0; done < n; done += WINDOW) {
            long len = Math.min(WINDOW, n - done);
            MappedByteBuffer src = ch.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + e.begin() + done, len);
            memory(t, done, len).put(src);
        }
        return t;
    }

    /** A ByteBuffer view of {@code length} bytes of a contiguous CPU tensor's memory, from byte {@code from}. */
    private static ByteBuffer memory(Tensor t, long from, long length) {
        Pointer base = t.data_ptr();
        return new BytePointer(base).position(from).limit(from + length).asByteBuffer();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static RobustifyException bad(Path file, String problem) {
        return new RobustifyException("invalid safetensors file " + file + ": " + problem);
    }
}
