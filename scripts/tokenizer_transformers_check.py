#!/usr/bin/env python3
"""Checks a tokenizer folder written by `rewarm tokenizer export` in `transformers`, and compares
`transformers`' own GGUF conversion of the same model with it (run by scripts/check-tokenizer,
with the Python of the torch-ref venv: transformers, tokenizers, gguf).

--reference: a file of scripts/tokenizer_reference.py made from the exported tokenizer.json (every
document's text and the ids Hugging Face `tokenizers` gives; Rewarm's GGUF tokenizer gives the same
ids, which the gated Swift test TokenizerReferenceCheck checks). Here:
1. `AutoTokenizer.from_pretrained(FOLDER)` must give those ids for every document
   (`tokenizer(text)["input_ids"]`, special tokens as the folder's config says) and decode them
   back to the text (`decode(ids)`, special tokens kept). Mismatches make the exit status 1.
2. `AutoTokenizer.from_pretrained(dir, gguf_file=name)` (transformers' GGUF conversion) is
   compared with the same ids, and with --gpt2-reference (the same vocabulary with the GPT-2
   pre-tokenizer only, no Digits step): the number of documents whose ids differ is reported, not
   failed on. transformers 5.23 maps `tokenizer.ggml.pre = smollm` to ByteLevel alone, without
   the Digits step of SmolLM2's own tokenizer.json (which llama.cpp and Rewarm follow). SmolLM2's
   vocabulary has no token joining a space and a digit, so " 42" gives the same ids either way;
   what differs is a run of two or more whitespace characters before a digit: with Digits first
   the run is a piece of its own and stays one token ("ĠĠĠ", "ĊĊ"), while the GPT-2 regex alone
   gives its last character to the digit's word (`\s+(?!\S)`), so "ĠĠ" "Ġ" or "Ċ" "Ċ". Against
   --gpt2-reference (the same vocabulary with ByteLevel alone) it should differ nowhere.
"""

import argparse
import json
import os
import re
import sys
import time


def documents(path):
    data = json.load(open(path, encoding="utf-8"))
    return [(c["name"], [(d["text"], d["ids"]) for d in c["documents"]]) for c in data["corpora"]]


def encode_all(tokenizer, texts):
    return tokenizer(texts)["input_ids"] if texts else []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--gpt2-reference")
    parser.add_argument("--folder", required=True, help="the folder rewarm tokenizer export wrote")
    parser.add_argument("--gguf", required=True)
    args = parser.parse_args()

    import tokenizers
    import transformers
    from transformers import AutoTokenizer
    transformers.logging.set_verbosity_error()
    print(f"transformers {transformers.__version__}, tokenizers {tokenizers.__version__}")
    corpora = documents(args.reference)
    gpt2 = dict(documents(args.gpt2_reference)) if args.gpt2_reference else {}

    failed = False
    exported = AutoTokenizer.from_pretrained(args.folder)
    print(f"AutoTokenizer.from_pretrained(export): {type(exported).__name__}, bos {exported.bos_token!r}, "
          f"eos {exported.eos_token!r}, pad {exported.pad_token!r}, model_max_length {exported.model_max_length}")
    for name, docs in corpora:
        texts = [t for t, _ in docs]
        ids = encode_all(exported, texts)
        mismatches = sum(a != b for a, (_, b) in zip(ids, docs))
        undecodable = sum(exported.decode(a) != t for a, t in zip(ids, texts))
        failed |= mismatches > 0 or undecodable > 0
        print(f"transformers on the export: {name}: {len(docs)} documents, {mismatches} mismatches, "
              f"{undecodable} not decoding to their text")

    directory, name = os.path.split(os.path.abspath(args.gguf))
    start = time.time()
    converted = AutoTokenizer.from_pretrained(directory, gguf_file=name)
    print(f"transformers' GGUF conversion ({time.time() - start:.1f} s): {type(converted).__name__}, "
          f"pre_tokenizer {json.loads(converted.backend_tokenizer.to_str())['pre_tokenizer']}")
    for name, docs in corpora:
        texts = [t for t, _ in docs]
        ids = encode_all(converted, texts)
        differing = [i for i, (a, (_, b)) in enumerate(zip(ids, docs)) if a != b]
        with_digit = sum(bool(re.search(r"\d", texts[i])) for i in differing)
        line = (f"transformers' GGUF conversion vs Rewarm: {name}: {len(differing)} of {len(docs)} documents differ, "
                f"{with_digit} of them hold a digit")
        if name in gpt2:
            other = sum(a != b for a, (_, b) in zip(ids, gpt2[name]))
            line += f"; vs the GPT-2-pre-tokenizer variant: {other} differ"
        print(line)
        if differing:
            i = differing[0]
            a, b = ids[i], docs[i][1]
            k = next((j for j, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            show = lambda s: " ".join(f"{x}{converted.convert_ids_to_tokens(x)!r}" for x in s[max(0, k - 2):k + 3])
            print(f"  first: document {i} {texts[i][:60]!r}: token {k}: transformers {show(a)} / rewarm {show(b)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
