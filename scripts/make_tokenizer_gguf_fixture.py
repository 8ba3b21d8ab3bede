#!/usr/bin/env python3
"""Writes Tests/Fixtures/tokenizer/tiny-tokenizer.gguf: a GGUF file holding only tokenizer metadata
(no tensors), written with llama.cpp's gguf-py (`GGUFWriter`), for BPETokenizerGGUFTests.

The vocabulary: the 256 byte-level spellings (id = byte), then the results of the merges
"Ġ t", "h e", "Ġt he", "l l", "he ll" (ids 256...260), then three tokens typed as llama.cpp's
convert_hf_to_gguf.py types them: <|endoftext|> (261, CONTROL), <|im_start|> (262, CONTROL),
<think> (263, USER_DEFINED). tokenizer.ggml.pre = smollm, BOS 262, EOS 261, padding 261,
add_bos_token true, add_eos_token false; llama.context_length 64.

Run with a Python that has gguf (e.g. ~/.cache/rewarm/pyref/bin/python):
  python scripts/make_tokenizer_gguf_fixture.py [OUT.gguf]
"""

import os
import sys

import gguf


def bytes_to_unicode():
    """GPT-2's byte alphabet (openai/gpt-2 encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "Tests/Fixtures/tokenizer/tiny-tokenizer.gguf")
    alphabet = bytes_to_unicode()
    tokens = [alphabet[b] for b in range(256)]
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("l", "l"), ("he", "ll")]
    tokens += [a + b for a, b in merges]
    types = [gguf.TokenType.NORMAL] * len(tokens)
    for text, kind in [("<|endoftext|>", gguf.TokenType.CONTROL), ("<|im_start|>", gguf.TokenType.CONTROL),
                       ("<think>", gguf.TokenType.USER_DEFINED)]:
        tokens.append(text)
        types.append(kind)

    writer = gguf.GGUFWriter(out, "llama")
    writer.add_context_length(64)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("smollm")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges([f"{a} {b}" for a, b in merges])
    writer.add_bos_token_id(262)
    writer.add_eos_token_id(261)
    writer.add_pad_token_id(261)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(f"wrote {out}: {len(tokens)} tokens, {len(merges)} merges")


if __name__ == "__main__":
    main()
