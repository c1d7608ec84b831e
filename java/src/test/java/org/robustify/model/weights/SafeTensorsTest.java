package org.robustify.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class SafeTensorsTest {
    /**
     * Written by Python's reference library (safetensors 0.8.0, numpy 2.x):
     * <pre>
     * save({"weight": np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1,
     *       "half": np.array([1.5, -2.0, 65504.0, 6.1035156e-05], np.float16),
     *       "count": np.array(7, np.int64), "mask": np.array([True, False, True]),
     *       "pix": np.array([0, 255], np.uint8), "idx": np.array([-1, 2**31 - 1], np.int32),
     *       "dbl": np.array([np.pi], np.float64), "empty": np.zeros((0, 4), np.float32)},
     *      metadata={"format": "pt", "source": "python"})
     * </pre>
     */
    private static final String PYTHON_FILE = "CAIAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCIsInNvdXJjZSI6InB5dGhvbiJ9"
            + "LCJjb3VudCI6eyJkdHlwZSI6Ikk2NCIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbMCw4XX0sImRibCI6eyJkdHlwZSI6IkY2NCIs"
            + "InNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzgsMTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsNF0sImRhdGFf"
            + "b2Zmc2V0cyI6WzE2LDE2XX0sIndlaWdodCI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMTYsNDBd"
            + "fSwiaWR4Ijp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNDAsNDhdfSwiaGFsZiI6eyJkdHlwZSI6IkYx"
            + "NiIsInNoYXBlIjpbNF0sImRhdGFfb2Zmc2V0cyI6WzQ4LDU2XX0sInBpeCI6eyJkdHlwZSI6IlU4Iiwic2hhcGUiOlsyXSwiZGF0YV9v"
            + "ZmZzZXRzIjpbNTYsNThdfSwibWFzayI6eyJkdHlwZSI6IkJPT0wiLCJzaGFwZSI6WzNdLCJkYXRhX29mZnNldHMiOls1OCw2MV19fSAg"
            + "ICAgBwAAAAAAAAAYLURU+yEJQAAAgL8AAAC/AAAAAAAAAD8AAIA/AADAP/////////9/AD4AwP97AAQA/wEAAQ==";

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void everyDtypeRoundTripsBitIdentically() {
        // Random bytes, not random values: NaN payloads, -0.0, subnormals and infinities must survive too.
        Random rnd = new Random(7);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (SafeDtype d : SafeDtype.values()) {
            in.put("t_" + d.name().toLowerCase(), randomBytes(d, new long[] {3, 5}, rnd));
            in.put("scalar_" + d.name().toLowerCase(), randomBytes(d, new long[] {}, rnd));
            in.put("empty_" + d.name().toLowerCase(), randomBytes(d, new long[] {0, 2}, rnd));
        }
        Path f = dir.resolve("all.safetensors");
        SafeTensors.write(f, in);
        Map<String, Tensor> out = SafeTensors.read(f);
        assertEquals(in.keySet(), out.keySet());
        for (var e : in.entrySet()) {
            Tensor got = out.get(e.getKey());
            assertEquals(e.getValue().scalar_type().intern(), got.scalar_type().intern(), e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(bytes(e.getValue()), bytes(got), e.getKey() + " bytes differ");
        }
    }

    @Test
    void halfAndBFloat16KeepTheirExactBits() {
        // 1.5 is 0x3E00 in IEEE half and 0x3FC0 in bfloat16; the file holds them little-endian.
        byte[] file = build("{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[2,4]}}", new byte[] {0, 0x3E, (byte) 0xC0,
                        0x3F});
        Map<String, Tensor> t = SafeTensors.read(write("hb.safetensors", file));
        assertEquals(ScalarType.Half, t.get("h").scalar_type().intern());
        assertEquals(ScalarType.BFloat16, t.get("b").scalar_type().intern());
        assertEquals(1.5, t.get("h").to(ScalarType.Double).item_double());
        assertEquals(1.5, t.get("b").to(ScalarType.Double).item_double());
    }

    @Test
    void readsAFileWrittenByThePythonLibraryAndWritesTheSameBytes() {
        byte[] python = Base64.getDecoder().decode(PYTHON_FILE);
        Path f = write("python.safetensors", python);
        SafeTensors.Header h = SafeTensors.readHeader(f);
        assertEquals(Map.of("format", "pt", "source", "python"), h.metadata());
        assertEquals(List.of("count", "dbl", "empty", "weight", "idx", "half", "pix", "mask"), h.names());

        Map<String, Tensor> t = SafeTensors.read(f);
        assertEquals(h.names(), List.copyOf(t.keySet()));
        assertEquals(ScalarType.Float, t.get("weight").scalar_type().intern());
        assertArrayEquals(new long[] {2, 3}, t.get("weight").shape());
        assertTrue(t.get("weight").equal(torch.arange(new org.bytedeco.pytorch.Scalar(6)).to(ScalarType.Float)
                .reshape(2, 3).mul(new org.bytedeco.pytorch.Scalar(0.5)).sub(new org.bytedeco.pytorch.Scalar(1))));
        assertArrayEquals(new double[] {1.5, -2.0, 65504.0, 6.103515625e-05}, doubles(t.get("half")));
        assertEquals(ScalarType.Half, t.get("half").scalar_type().intern());
        assertEquals(7L, t.get("count").item_long());
        assertArrayEquals(new long[] {}, t.get("count").shape());
        assertEquals(ScalarType.Bool, t.get("mask").scalar_type().intern());
        assertArrayEquals(new double[] {1, 0, 1}, doubles(t.get("mask")));
        assertArrayEquals(new double[] {0, 255}, doubles(t.get("pix")));
        assertArrayEquals(new double[] {-1, Integer.MAX_VALUE}, doubles(t.get("idx")));
        assertEquals(Math.PI, t.get("dbl").item_double());
        assertArrayEquals(new long[] {0, 4}, t.get("empty").shape());

        // Same tensors, same metadata: our writer lays the file out exactly as the reference library does.
        Path ours = dir.resolve("java.safetensors");
        SafeTensors.write(ours, t, Map.of("source", "python", "format", "pt"));
        assertArrayEquals(python, readAll(ours));
    }

    @Test
    void writtenFilesPadTheHeaderAndAlignEveryTensor() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a_byte", torch.ones(3).to(ScalarType.Byte));
        in.put("b_double", torch.ones(3).to(ScalarType.Double));
        in.put("c_half", torch.ones(5).to(ScalarType.Half));
        in.put("d_float", torch.ones(2));
        Path f = dir.resolve("aligned.safetensors");
        SafeTensors.write(f, in, Map.of("k", "v"));
        SafeTensors.Header h = SafeTensors.readHeader(f);
        assertEquals(0, h.dataStart() % 8, "header not padded to 8 bytes");
        for (SafeTensors.Entry e : h.tensors()) {
            assertEquals(0, e.begin() % e.dtype().itemSize(), e.name() + " is misaligned");
        }
        assertEquals(List.of("b_double", "d_float", "c_half", "a_byte"), h.names());
        String header = new String(readAll(f), 8, (int) (h.dataStart() - 8), StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"k\":\"v\"},"), header);
    }

    @Test
    void stridedAndGradTensorsAreWrittenByValue() {
        Tensor base = torch.arange(new org.bytedeco.pytorch.Scalar(6)).to(ScalarType.Float).reshape(2, 3);
        Tensor transposed = base.t();
        Tensor param = torch.randn(4).requires_grad_(true);
        Path f = dir.resolve("strided.safetensors");
        SafeTensors.write(f, Map.of("t", transposed, "p", param));
        Map<String, Tensor> out = SafeTensors.read(f);
        assertTrue(out.get("t").equal(transposed.contiguous()));
        assertTrue(out.get("p").equal(param.detach()));
        assertFalse(out.get("p").requires_grad());
    }

    @Test
    void readsOnlyTheSelectedTensors() {
        Path f = dir.resolve("subset.safetensors");
        SafeTensors.write(f, Map.of("fc.weight", torch.ones(2, 2), "fc.bias", torch.zeros(2), "conv.weight",
                torch.ones(1)));
        Map<String, Tensor> fc = SafeTensors.read(f, name -> name.startsWith("fc."));
        assertEquals(java.util.Set.of("fc.weight", "fc.bias"), fc.keySet());
    }

    @Test
    void headerOnlyReadGivesNamesDtypesShapes() {
        Path f = dir.resolve("header.safetensors");
        SafeTensors.write(f, Map.of("w", torch.ones(4, 3).to(ScalarType.BFloat16), "n", torch.zeros(1)
                .to(ScalarType.Long)));
        Map<String, SafeTensors.Entry> h = SafeTensors.readHeader(f).byName();
        assertEquals(SafeDtype.BF16, h.get("w").dtype());
        assertArrayEquals(new long[] {4, 3}, h.get("w").shape());
        assertEquals(24, h.get("w").byteSize());
        assertEquals(SafeDtype.I64, h.get("n").dtype());
        assertTrue(SafeTensors.readHeader(f).metadata().isEmpty());
    }

    // ---- every validation error names the file and (where there is one) the tensor ----

    @Test
    void truncatedLengthPrefix() {
        assertInvalid(new byte[] {1, 2, 3}, "truncated: 3 bytes");
    }

    @Test
    void headerLengthBeyondEndOfFile() {
        byte[] good = build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putLong(0, good.length);
        assertInvalid(good, "runs past the end of the file");
    }

    @Test
    void absurdHeaderLength() {
        byte[] b = new byte[16];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -5L);
        assertInvalid(b, "exceeds the 100000000-byte limit");
    }

    @Test
    void badJson() {
        assertInvalid(build("{\"a\": {\"dtype\": \"F32\",", new byte[0]), "not valid JSON");
        assertInvalid(build("{} trailing", new byte[0]), "not valid JSON");
        assertInvalid(build("[1, 2]", new byte[0]), "does not start with '{'");
    }

    @Test
    void unknownDtype() {
        String e = assertInvalid(build("{\"w\":{\"dtype\":\"F12\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[4]), "unknown dtype \"F12\"");
        assertTrue(e.contains("tensor 'w'"), e);
    }

    @Test
    void byteSizeNotMatchingShape() {
        assertInvalid(build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20]),
                "tensor 'w': F32 [2, 3] needs 24 bytes but data_offsets [0, 20] hold 20");
    }

    @Test
    void overlappingOffsets() {
        assertInvalid(build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
                "tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]");
    }

    @Test
    void holeBetweenTensors() {
        assertInvalid(build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]),
                "a hole of 4 bytes");
    }

    @Test
    void trailingBytesAfterTheLastTensor() {
        assertInvalid(build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[6]),
                "2 trailing bytes belong to no tensor");
    }

    @Test
    void truncatedData() {
        assertInvalid(build("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[10]),
                "tensor 'a': data_offsets [0, 16] run past the end of the 10-byte data buffer");
    }

    @Test
    void duplicateNames() {
        assertInvalid(build("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", new byte[2]), "Duplicate field 'a'");
    }

    @Test
    void malformedFields() {
        assertInvalid(build("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", new byte[1]),
                "tensor 'a': \"shape\" holds -1");
        assertInvalid(build("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[1]),
                "\"data_offsets\" must be an array of 2");
        assertInvalid(build("{\"__metadata__\":{\"n\":3}}", new byte[0]), "value 'n' is not a string");
    }

    @Test
    void missingFile() {
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> SafeTensors.read(dir.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("nope.safetensors"),
                e.getMessage());
    }

    @Test
    void writerRefusesWhatTheFormatCannotHold() {
        Path f = dir.resolve("w.safetensors");
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> SafeTensors.write(f, Map.of("c", torch.ones(2).to(ScalarType.ComplexFloat))));
        assertTrue(e.getMessage().contains("tensor 'c'"), e.getMessage());
        assertThrows(RobustifyException.class, () -> SafeTensors.write(f, Map.of("__metadata__", torch.ones(1))));
        assertFalse(Files.exists(f));
    }

    // ---- helpers ----

    /** The spec's layout by hand: length, header padded to 8 with spaces, data. */
    static byte[] build(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    private String assertInvalid(byte[] content, String expected) {
        Path f = write("bad.safetensors", content);
        RobustifyException e = assertThrows(RobustifyException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "message does not name the file: " + e.getMessage());
        RobustifyException h = assertThrows(RobustifyException.class, () -> SafeTensors.readHeader(f));
        assertEquals(e.getMessage(), h.getMessage());
        return e.getMessage();
    }

    private Path write(String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] readAll(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Tensor randomBytes(SafeDtype d, long[] shape, Random rnd) {
        Tensor t = torch.empty(shape, new TensorOptions(d.scalarType()), new MemoryFormatOptional());
        byte[] b = new byte[(int) t.nbytes()];
        rnd.nextBytes(b);
        if (d == SafeDtype.BOOL) {
            for (int i = 0; i < b.length; i++) {
                b[i] &= 1; // anything else is not a valid bool
            }
        }
        if (b.length > 0) {
            new BytePointer(t.data_ptr()).put(b);
        }
        return t;
    }

    static byte[] bytes(Tensor t) {
        Tensor c = t.contiguous();
        byte[] b = new byte[(int) c.nbytes()];
        if (b.length > 0) {
            new BytePointer(c.data_ptr()).get(b);
        }
        return b;
    }

    private static double[] doubles(Tensor t) {
        Tensor d = t.to(ScalarType.Double).contiguous();
        double[] out = new double[(int) d.numel()];
        new org.bytedeco.javacpp.DoublePointer(d.data_ptr()).get(out);
        return out;
    }
}
