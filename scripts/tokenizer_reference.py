#!/usr/bin/env python3
"""Reference token ids from Hugging Face `tokenizers`, for checking Rewarm's BPE tokenizer.

Writes a JSON file that the gated Swift test `TokenizerReferenceCheck` reads
(REWARM_TOKENIZER_CHECK=path): the tokenizer.json to load, and for every document of every
corpus its text and the ids `tokenizers` gives (`encode(text, add_special_tokens=True)`).

The tokenizer comes from a `tokenizer.json`, or is rebuilt from a GGUF file's metadata
(`tokenizer.ggml.*`, read with the `gguf` package) the way Rewarm's GGUF adapter is meant to:
tokens and merges as they are, CONTROL tokens as special added tokens, USER_DEFINED ones as
plain added tokens, `tokenizer.ggml.pre` mapped to the pre-tokenizer of the model's own
tokenizer.json (`smollm` -> Sequence[Digits(individual_digits), ByteLevel]), BOS/EOS from the
add_bos_token / add_eos_token flags. `--pre-tokenizer` swaps the pre-tokenizer, to exercise
Rewarm's other scanners with the same vocabulary.

Corpora: `--corpus NAME=PATH[,PATH...]`; a PATH is a fortune file (entries between lines
holding `%`) or a folder of them (every file directly inside, its `.u8` UTF-8 variant when there
is one, no `.dat` index, no Chinese collection, each file once). Entries are kept raw: ANSI escape
sequences, tabs and trailing newlines included, which makes the check stricter than the
cleaned documents Rewarm trains on. `--text NAME=STRING` adds one document.

`--tokenizer-json FILE` without `--save-tokenizer` loads FILE itself (e.g. the tokenizer.json that
`rewarm tokenizer export` wrote); `--rewarm-gguf MODEL.gguf` records that the Swift check should
build Rewarm's side from that GGUF's metadata (`BPETokenizer(gguf:)`) and compare it with these ids.

Needs: tokenizers (0.22.1 for the pinned results), gguf (for --gguf). Example:
  python scripts/tokenizer_reference.py --gguf model.gguf --save-tokenizer /tmp/tok \\
      --corpus fortunes-zh=/usr/share/games/fortunes/chinese --out /tmp/ref.json
"""

import argparse
import json
import os
import sys

from tokenizers import Regex, Tokenizer, pre_tokenizers

GPT2_REGEX = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
               r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
CHINESE = {"chinese", "tang300", "song100"}


def byte_level(use_regex):
    return {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": use_regex}


def split(regex):
    return {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Isolated", "invert": False},
        byte_level(False)]}


PRE_TOKENIZERS = {
    "gpt2": byte_level(True),
    "smollm": {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True}, byte_level(True)]},
    "llama3": split(LLAMA3_REGEX),
    "qwen2": split(QWEN2_REGEX),
}

# tokenizer.ggml.pre -> PRE_TOKENIZERS key (Rewarm's PreTokenizer.gguf(pre:)).
GGUF_PRE = {"gpt-2": "gpt2", "phi-2": "gpt2", "smollm": "smollm", "starcoder": "smollm",
            "llama3": "llama3", "llama-v3": "llama3", "llama-bpe": "llama3",
            "qwen2": "qwen2", "deepseek-r1-qwen": "qwen2"}


def gguf_tokenizer(path):
    """(tokenizer.json dict, tokenizer_config.json dict) from a GGUF file's metadata."""
    from gguf import GGUFReader
    fields = GGUFReader(path).fields

    def get(key, default=None):
        return fields[key].contents() if key in fields else default

    if get("tokenizer.ggml.model") != "gpt2":
        sys.exit(f"{path}: tokenizer.ggml.model = {get('tokenizer.ggml.model')!r}: not byte-level BPE")
    pre = get("tokenizer.ggml.pre")
    if pre not in GGUF_PRE:
        sys.exit(f"{path}: tokenizer.ggml.pre = {pre!r}: no known pre-tokenizer")
    tokens = get("tokenizer.ggml.tokens")
    types = get("tokenizer.ggml.token_type", [1] * len(tokens))
    merges = [m.split(" ") for m in get("tokenizer.ggml.merges")]
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": ty == 3}
             for i, (t, ty) in enumerate(zip(tokens, types)) if ty in (3, 4)]
    role = {name: get(f"tokenizer.ggml.{key}") for name, key in
            [("bos", "bos_token_id"), ("eos", "eos_token_id"), ("pad", "padding_token_id")]}
    add_bos, add_eos = get("tokenizer.ggml.add_bos_token", False), get("tokenizer.ggml.add_eos_token", False)
    single, specials = [], {}
    for flag, name in [(add_bos, "bos"), (None, None), (add_eos, "eos")]:
        if name is None:
            single.append({"Sequence": {"id": "A", "type_id": 0}})
        elif flag and role[name] is not None:
            text = tokens[role[name]]
            single.append({"SpecialToken": {"id": text, "type_id": 0}})
            specials[text] = {"id": text, "ids": [role[name]], "tokens": [text]}
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": None, "pre_tokenizer": PRE_TOKENIZERS[GGUF_PRE[pre]],
        "post_processor": {"type": "TemplateProcessing", "single": single, "pair": single,
                           "special_tokens": specials},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": GGUF_PRE[pre] == "llama3",
                  "vocab": {t: i for i, t in enumerate(tokens)}, "merges": merges},
    }
    config = {f"{name}_token": tokens[i] for name, i in role.items() if i is not None}
    return tokenizer, config


def fortune_files(path):
    if os.path.isfile(path):
        return [path]
    chosen, seen = [], set()
    names = sorted(os.listdir(path))
    for name in names:
        full = os.path.join(path, name)
        base = name[:-3] if name.endswith(".u8") else name
        if name.startswith(".") or name.endswith(".dat") or base in CHINESE or os.path.isdir(full):
            continue
        utf8 = os.path.join(path, base + ".u8")
        pick = utf8 if os.path.isfile(utf8) else os.path.join(path, base)
        real = os.path.realpath(pick)
        if real not in seen:
            seen.add(real)
            chosen.append(pick)
    return chosen


def fortune_documents(paths):
    documents, skipped = [], []
    for path in paths:
        for file in fortune_files(path):
            try:
                text = open(file, encoding="utf-8").read()
            except UnicodeDecodeError:
                skipped.append(file)
                continue
            entry = []
            for line in text.splitlines(keepends=True):
                if line.rstrip("\r\n") == "%":
                    documents.append("".join(entry))
                    entry = []
                else:
                    entry.append(line)
            documents.append("".join(entry))
    return [d for d in documents if d], skipped


def onig_classes():
    """Which scalars Oniguruma (in tokenizers) matches with \\s, \\p{L}, \\p{N}, as ranges."""
    scalars = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(map(chr, scalars))
    out = {}
    for name, pattern in [("whitespace", r"\s"), ("letter", r"\p{L}"), ("number", r"\p{N}")]:
        covered = bytearray(len(text))
        for _, (a, b) in pre_tokenizers.Split(Regex(pattern), behavior="removed").pre_tokenize_str(text):
            covered[a:b] = b"\x01" * (b - a)
        ranges = []
        for i, c in enumerate(scalars):
            if not covered[i]:
                if ranges and ranges[-1][1] == c - 1:
                    ranges[-1][1] = c
                else:
                    ranges.append([c, c])
        out[name] = ranges
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--tokenizer-json")
    source.add_argument("--gguf")
    parser.add_argument("--pre-tokenizer", choices=sorted(PRE_TOKENIZERS), help="replace the pre-tokenizer")
    parser.add_argument("--ignore-merges", choices=["true", "false"], help="set model.ignore_merges")
    parser.add_argument("--save-tokenizer", help="folder for the tokenizer.json used (needed unless "
                        "--tokenizer-json is used as it is: then that file is loaded itself)")
    parser.add_argument("--rewarm-gguf", help="have the Swift check build Rewarm's tokenizer from this GGUF "
                        "(BPETokenizer(gguf:)) instead of from the tokenizer.json")
    parser.add_argument("--corpus", action="append", default=[], metavar="NAME=PATH[,PATH...]")
    parser.add_argument("--text", action="append", default=[], metavar="NAME=STRING")
    parser.add_argument("--classes", action="store_true", help="also dump Oniguruma's \\s \\p{L} \\p{N}")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    config = None
    if args.gguf:
        spec, config = gguf_tokenizer(args.gguf)
    else:
        spec = json.load(open(args.tokenizer_json, encoding="utf-8"))
        config_path = os.path.join(os.path.dirname(args.tokenizer_json), "tokenizer_config.json")
        if os.path.exists(config_path):
            config = json.load(open(config_path, encoding="utf-8"))
    if args.pre_tokenizer:
        spec["pre_tokenizer"] = PRE_TOKENIZERS[args.pre_tokenizer]
    if args.ignore_merges:
        spec["model"]["ignore_merges"] = args.ignore_merges == "true"
    if args.save_tokenizer:
        os.makedirs(args.save_tokenizer, exist_ok=True)
        tokenizer_path = os.path.join(args.save_tokenizer, "tokenizer.json")
        with open(tokenizer_path, "w", encoding="utf-8") as f:
            json.dump(spec, f, ensure_ascii=False)
        if config is not None:
            with open(os.path.join(args.save_tokenizer, "tokenizer_config.json"), "w", encoding="utf-8") as f:
                json.dump(config, f, ensure_ascii=False)
    elif args.tokenizer_json and not args.pre_tokenizer and not args.ignore_merges:
        tokenizer_path = args.tokenizer_json
    else:
        parser.error("--save-tokenizer is needed with --gguf, --pre-tokenizer or --ignore-merges")
    tokenizer = Tokenizer.from_file(tokenizer_path)

    corpora = []
    for item in args.corpus:
        name, paths = item.split("=", 1)
        documents, skipped = fortune_documents(paths.split(","))
        for file in skipped:
            print(f"{name}: skipped {file}: not UTF-8", file=sys.stderr)
        corpora.append((name, documents))
    for item in args.text:
        name, text = item.split("=", 1)
        corpora.append((name, [text]))
    result = {"tokenizer_json": os.path.abspath(tokenizer_path), "tokenizers_version": __import__("tokenizers").__version__,
              "add_special_tokens": True, "corpora": []}
    if args.rewarm_gguf:
        result["rewarm_gguf"] = os.path.abspath(args.rewarm_gguf)
    for name, documents in corpora:
        encodings = tokenizer.encode_batch(documents, add_special_tokens=True)
        result["corpora"].append({"name": name, "documents": [
            {"text": d, "ids": e.ids} for d, e in zip(documents, encodings)]})
        print(f"{name}: {len(documents)} documents, {sum(len(e.ids) for e in encodings)} tokens, "
              f"{sum(len(d.encode()) for d in documents)} bytes", file=sys.stderr)
    if args.classes:
        result["classes"] = onig_classes()
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
