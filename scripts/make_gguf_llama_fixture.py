#!/usr/bin/env python3
"""Tiny Llama GGUF files from known weights, for the Swift tests of GGUF models (GGUFModelTests).

Usage (from the repo root, with the PyTorch reference venv: torch, transformers, gguf, numpy):
    ~/.cache/rewarm/torch-ref/bin/python scripts/make_gguf_llama_fixture.py [Tests/Fixtures/gguf/tiny-llama]

Two models of one shape (C 32, 2 layers, 4 heads on 2 key/value heads: hs 8, F 64, V 260,
context 64), random weights from transformers' `LlamaForCausalLM` (seeded), written as llama.cpp's
`convert_hf_to_gguf.py` writes a Llama: tensor names `token_embd`, `blk.N.attn_q`, ..., the
query and key rows permuted by its `LlamaModel.permute` (n_head = NH for q, NKV for k):

    w.reshape(n_head, 2, hs // 2, C).swapaxes(1, 2).reshape(w.shape)

- `untied-f32.gguf`: untied (`output.weight`), every tensor F32, rope_theta 5000, eps 1e-5;
- `tied-q8_0.gguf`: tied (no `output.weight`), token_embd and the linear weights Q8_0 (norms
  F32), eps 1e-6, and no `llama.rope.freq_base`: readers must take llama.cpp's default 10000
  (its transformers model is built with rope_theta 10000).

Beside each GGUF file, `<name>-hf/` holds the weights Rewarm must read, as a Hugging Face folder
saved by transformers (`save_pretrained`, float32): the original ones for F32, the values the
Q8_0 blocks decode to (gguf-py `quants.dequantize`) for Q8_0. `reference.json` holds each
model's transformers logits on IDS. Before writing anything final, the script checks that
transformers' own GGUF loader (`from_pretrained(dir, gguf_file=...)`) reads the same weights.
"""
import json
import os
import shutil
import sys
import tempfile
import warnings

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore")

import gguf
import numpy as np
import torch
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/gguf/tiny-llama"
IDS = [1, 259, 256, 42, 7, 200, 0, 133, 258, 64, 5]
NH, NKV = 4, 2


def permute(w, n_head):
    """llama.cpp convert_hf_to_gguf.py, LlamaModel.permute (n_head already NKV for keys)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def hf_model(seed, tied, theta, eps):
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=260, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=NH, num_key_value_heads=NKV, max_position_embeddings=64,
                         rms_norm_eps=eps, rope_theta=theta, tie_word_embeddings=tied, initializer_range=0.2)
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.add_(0.1 * torch.randn_like(p))
    return model


GGUF_NAMES = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
              "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
              "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
              "mlp.down_proj": "ffn_down"}


def gguf_name(hf):
    if hf == "model.embed_tokens.weight":
        return "token_embd.weight"
    if hf == "model.norm.weight":
        return "output_norm.weight"
    if hf == "lm_head.weight":
        return "output.weight"
    layer, module = hf[len("model.layers."):-len(".weight")].split(".", 1)
    return f"blk.{layer}.{GGUF_NAMES[module]}.weight"


def write_gguf(path, model, quant, write_theta):
    c = model.config
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("rewarm tiny llama")
    writer.add_context_length(c.max_position_embeddings)
    writer.add_embedding_length(c.hidden_size)
    writer.add_block_count(c.num_hidden_layers)
    writer.add_feed_forward_length(c.intermediate_size)
    writer.add_head_count(c.num_attention_heads)
    writer.add_head_count_kv(c.num_key_value_heads)
    writer.add_layer_norm_rms_eps(c.rms_norm_eps)
    if write_theta:
        writer.add_rope_freq_base(c.rope_parameters["rope_theta"])
    writer.add_rope_dimension_count(c.hidden_size // c.num_attention_heads)
    writer.add_vocab_size(c.vocab_size)
    decoded = {}
    state = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    if c.tie_word_embeddings:
        state.pop("lm_head.weight", None)
    for name, w in state.items():
        if name.endswith("q_proj.weight"):
            w = permute(w, NH)
        elif name.endswith("k_proj.weight"):
            w = permute(w, NKV)
        if quant is not None and w.ndim == 2:
            blocks = gguf.quants.quantize(w, quant)
            writer.add_tensor(gguf_name(name), blocks, raw_dtype=quant)
            w = gguf.quants.dequantize(blocks, quant).reshape(w.shape).astype(np.float32)
        else:
            writer.add_tensor(gguf_name(name), w)
        # back to Hugging Face row order: what a reader must produce
        if name.endswith("q_proj.weight") or name.endswith("k_proj.weight"):
            n = NH if name.endswith("q_proj.weight") else NKV
            w = w.reshape(n, w.shape[0] // n // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)
        decoded[name] = w
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return decoded


def make(name, seed, tied, theta, eps, quant, write_theta, work, reference):
    model = hf_model(seed, tied, theta, eps)
    path = os.path.join(work, name + ".gguf")
    decoded = write_gguf(path, model, quant, write_theta)
    with torch.no_grad():
        for n, p in model.named_parameters():
            p.copy_(torch.from_numpy(decoded[n] if n in decoded else decoded["model.embed_tokens.weight"]))
    # transformers' own GGUF loader must read the same weights back
    loaded = AutoModelForCausalLM.from_pretrained(work, gguf_file=name + ".gguf", dtype=torch.float32).eval()
    theirs = loaded.state_dict()
    for n, w in decoded.items():
        diff = (theirs[n].float() - torch.from_numpy(w)).abs().max().item()
        assert diff == 0, f"{name}: transformers reads {n} differently (max abs diff {diff})"
    model.save_pretrained(os.path.join(work, name + "-hf"))
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([IDS])).logits[0].float()
        again = loaded(input_ids=torch.tensor([IDS])).logits[0].float()
    assert (logits - again).abs().max().item() < 1e-5, f"{name}: transformers' GGUF model differs"
    reference[name] = {"ids": IDS, "logits": [[float(x) for x in row] for row in logits.numpy()],
                       "rope_theta": theta, "rms_norm_eps": eps, "tied": tied,
                       "quantization": "F32" if quant is None else quant.name}


def main():
    work = tempfile.mkdtemp()
    reference = {}
    make("untied-f32", 11, False, 5000.0, 1e-5, None, True, work, reference)
    make("tied-q8_0", 12, True, 10000.0, 1e-6, gguf.GGMLQuantizationType.Q8_0, False, work, reference)
    os.makedirs(OUT, exist_ok=True)
    for entry in sorted(os.listdir(work)):
        target = os.path.join(OUT, entry)
        if os.path.isdir(target):
            shutil.rmtree(target)
        if os.path.isdir(os.path.join(work, entry)):
            shutil.copytree(os.path.join(work, entry), target)
        else:
            shutil.copy(os.path.join(work, entry), target)
    reference["generator"] = (f"scripts/make_gguf_llama_fixture.py, torch {torch.__version__}, "
                              f"transformers {__import__('transformers').__version__}, gguf "
                              f"{__import__('importlib.metadata').metadata.version('gguf')}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=0)
        f.write("\n")
    shutil.rmtree(work)
    print(f"make_gguf_llama_fixture: wrote {OUT}: {', '.join(sorted(os.listdir(OUT)))}")


if __name__ == "__main__":
    main()
