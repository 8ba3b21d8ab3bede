#!/usr/bin/env python3
"""Reference values of a GGUF file from the Python `gguf` package (gguf.GGUFReader and
gguf.quants.dequantize), written as the JSON fixture the Swift GGUF tests compare against.

Usage (from the repo root, with a venv holding gguf 0.19.0 and numpy):
    ~/.cache/rewarm/pyref/bin/python scripts/gguf_reference.py \
        [models/SmolLM2-135M-Instruct.Q4_1.gguf] [Tests/Fixtures/gguf/smollm2-135m-q4_1-reference.json]

For the header: version, alignment, data offset, tensor count per type, a few metadata values,
and the tokenizer's first tokens and merges. For each chosen tensor: its type, ne (innermost
first, as in the file), byte offset, the first 64 dequantized values (two 32-element blocks:
low and high nibbles), the first 32 values of row `row`, the last 16 values, and the float64
sum and sum of absolute values of all its elements.
"""
import hashlib
import importlib.metadata
import json
import sys
from collections import Counter

import gguf
import numpy as np

DEFAULT_MODEL = "models/SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_OUTPUT = "Tests/Fixtures/gguf/smollm2-135m-q4_1-reference.json"
# (name, row): at least one tensor of each type in the file, and rows deep inside each.
TENSORS = [
    ("token_embd.weight", 504),       # Q8_0, ne [576, 49152]; row 504 is the token "The"
    ("blk.0.ffn_down.weight", 300),   # Q4_1, ne [1536, 576]
    ("blk.29.attn_v.weight", 191),    # Q4_1, ne [576, 192], the last row of the last layer
    ("blk.0.attn_norm.weight", 0),    # F32, ne [576]
    ("output_norm.weight", 0),        # F32, ne [576]
]
SCALAR_KEYS = [
    "general.architecture", "llama.block_count", "llama.context_length", "llama.embedding_length",
    "llama.feed_forward_length", "llama.attention.head_count", "llama.attention.head_count_kv",
    "llama.rope.freq_base", "llama.attention.layer_norm_rms_epsilon", "llama.vocab_size",
    "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.bos_token_id",
    "tokenizer.ggml.eos_token_id", "tokenizer.ggml.add_bos_token",
]


def floats(values):
    """float32 values as Python floats: exact, and exact again when Swift reads them as Float."""
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def main():
    model = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODEL
    output = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUTPUT
    reader = gguf.GGUFReader(model)
    with open(model, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()

    metadata = {}
    for key in SCALAR_KEYS:
        field = reader.get_field(key)
        value = field.contents()
        metadata[key] = float(value) if isinstance(value, (float, np.floating)) else value
    tokens = reader.get_field("tokenizer.ggml.tokens").contents()
    merges = reader.get_field("tokenizer.ggml.merges").contents()

    by_name = {t.name: t for t in reader.tensors}
    tensors = []
    for name, row in TENSORS:
        t = by_name[name]
        values = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        row_length = int(t.shape[0])
        flat = values.ravel()
        tensors.append({
            "name": name,
            "type": t.tensor_type.name,
            "ne": [int(n) for n in t.shape],
            "offset": int(t.data_offset - reader.data_offset),
            "byte_count": int(t.n_bytes),
            "first": floats(flat[:64]),
            "row": row,
            "row_first": floats(flat[row * row_length: row * row_length + 32]),
            "last": floats(flat[-16:]),
            "sum": float(flat.astype(np.float64).sum()),
            "sum_abs": float(np.abs(flat.astype(np.float64)).sum()),
        })

    reference = {
        "generator": f"scripts/gguf_reference.py, gguf {importlib.metadata.version('gguf')}, "
        f"numpy {np.__version__}",
        "file": model.split("/")[-1],
        "sha256": sha256,
        "version": int(reader.fields["GGUF.version"].contents()),
        "alignment": int(reader.alignment),
        "data_offset": int(reader.data_offset),
        "tensor_count": len(reader.tensors),
        "type_counts": dict(sorted(Counter(t.tensor_type.name for t in reader.tensors).items())),
        "metadata_key_count": len(reader.fields) - 3,  # less GGUF.version, tensor_count, kv_count
        "metadata": metadata,
        "token_count": len(tokens),
        "first_tokens": tokens[:8],
        "last_token": tokens[-1],
        "merge_count": len(merges),
        "first_merges": merges[:4],
        "tensors": tensors,
    }
    with open(output, "w", encoding="utf-8") as f:
        json.dump(reference, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"gguf_reference: wrote {output} ({len(tensors)} tensors of {model})")


if __name__ == "__main__":
    main()
