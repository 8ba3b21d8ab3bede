"""Writes the pinned-losses fixture: a tiny Llama, a fixed batch and PyTorch's numbers for it.

The engine's `PinnedLossesTests` (Tests/RewarmEngineTests/Training/PinnedLossesTests.swift) loads
this fixture through Rewarm's normal Hugging Face folder path, trains the same steps with the
engine and compares: llm.c's `test_gpt2.c` idea (a PyTorch script writes a small model, a batch
and the reference outputs; the engine's test must reproduce them), so the engine cannot drift
from the reference unnoticed.

Usage (from the repository root, with the reference venv of `scripts/check-hf-interop`):

    ~/.cache/rewarm/torch-ref/bin/python scripts/make_pinned_reference.py [OUT]

OUT defaults to Tests/Fixtures/pinned (outside the test target's folder, so SwiftPM neither
warns about unhandled files nor needs an `exclude:` in Package.swift). It receives:

- config.json, generation_config.json, model.safetensors: `LlamaForCausalLM.save_pretrained`
  of the initial weights (float32);
- reference.safetensors: `logits` (B, T, V) float32 of the initial weights on the batch;
- reference.json: the batch (inputs, targets), the optimizer and schedule settings, and per
  optimizer step the learning rate, the loss and the gradient norm before clipping; the loss
  after the last update; the per-tensor gradient norms of step 0; and, as the measured size of
  float32 rounding, how far these numbers move when PyTorch itself computes in float64.

Pinned versions (the fixture in the repository was made with them): torch 2.15.0 (CPU),
transformers 5.23.0, safetensors 0.8.0. The output is deterministic on one machine; another
CPU or library version may change the last bits, far below the test's tolerances. After
regenerating, run `swift test --filter Pinned` and commit the folder.

Training conventions replicated from Rewarm (Sources/RewarmEngine/Training/Trainer.swift,
AdamW.swift, OptimizerState.swift, LearningRateSchedule.swift):
- loss: the mean next-byte cross-entropy over the B*T positions (targets are the inputs
  shifted by one byte, given explicitly: no HF label shifting, no ignore index);
- per step s (0-based): lr = schedule(s); zero the gradients; forward + backward; clip by the
  global L2 norm of all gradients (`clip_grad_norm_`, coefficient max / (norm + 1e-6)); AdamW
  step t = s + 1 (`torch.optim.AdamW`, the single-tensor path PyTorch takes on the CPU);
- weight decay on the 2-D tensors only: every linear weight, `embed_tokens` and `lm_head`
  decay; the RMSNorm gains do not (`TensorSpec.isMatrix`). This is also the set HF `Trainer`
  decays for Llama (`get_decay_parameter_names`), which the script asserts;
- schedule: Rewarm's `cosine`, which is HF's `cosine_with_min_lr` with `min_lr_rate` = Rewarm's
  `min_lr_ratio` (0.1 by default), linear warmup from 0 at step 0.
"""
import json
import math
import os
import sys
import warnings

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore")

import torch
import torch.nn.functional as F
import transformers
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM
from transformers.optimization import get_cosine_with_min_lr_schedule_with_warmup

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "Tests", "Fixtures", "pinned")

SEED = 20
# Rewarm's `tiny` preset (ModelConfig.preset("tiny")): hidden 32, 2 layers, 2 heads (head_dim 16,
# so the rotary and attention loops take the 8-lane paths real models take), MLP 64; its
# rms_norm_eps 1e-5 and rope_theta 10 000.
MODEL = dict(vocab_size=256, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
             num_key_value_heads=2, max_position_embeddings=32, rms_norm_eps=1e-5, rope_theta=10000.0,
             tie_word_embeddings=False, hidden_act="silu", attention_bias=False, mlp_bias=False,
             initializer_range=0.2, bos_token_id=None, eos_token_id=None, pad_token_id=None)
B, T = 2, 16
TEXT = "The quick brown fox jumps over the lazy dog."
# Rewarm's defaults (RunConfig) except the learning rate (larger, so the losses move) and the
# schedule's length; max_grad_norm is 1.0 as in Rewarm, low enough here that some steps clip.
OPTIM = dict(learning_rate=1e-2, adam_beta1=0.9, adam_beta2=0.95, adam_epsilon=1e-8, weight_decay=0.1,
             max_grad_norm=1.0, lr_scheduler_type="cosine", warmup_steps=2, min_lr_ratio=0.1, max_steps=8)


def batch():
    """B rows of T+1 consecutive bytes of TEXT (rows overlap by one byte, as llm.c's loader)."""
    data = list(TEXT.encode("utf-8"))
    assert len(data) >= B * T + 1
    rows = [data[b * T: b * T + T + 1] for b in range(B)]
    return torch.tensor([r[:-1] for r in rows]), torch.tensor([r[1:] for r in rows])


def initial_model():
    torch.manual_seed(SEED)
    model = LlamaForCausalLM(LlamaConfig(**MODEL, attn_implementation="eager")).float()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:  # gains away from 1, so a mistake in their use or gradient shows
                p.add_(0.1 * torch.randn_like(p))
    return model


def train(model, inputs, targets, dtype):
    """Rewarm's training loop (see the module docstring) in `dtype`; returns the numbers to pin."""
    model = model.to(dtype).train()
    decay = [p for p in model.parameters() if p.ndim == 2]
    no_decay = [p for p in model.parameters() if p.ndim != 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": OPTIM["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=OPTIM["learning_rate"], betas=(OPTIM["adam_beta1"], OPTIM["adam_beta2"]), eps=OPTIM["adam_epsilon"],
        foreach=False, fused=False)
    scheduler = get_cosine_with_min_lr_schedule_with_warmup(
        optimizer, num_warmup_steps=OPTIM["warmup_steps"], num_training_steps=OPTIM["max_steps"],
        min_lr_rate=OPTIM["min_lr_ratio"])

    def loss_of(logits):
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    with torch.no_grad():
        logits0 = model(input_ids=inputs).logits.detach().clone()
    steps, gradient_norms = [], {}
    for s in range(OPTIM["max_steps"]):
        lr = optimizer.param_groups[0]["lr"]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of(model(input_ids=inputs).logits)
        loss.backward()
        if s == 0:
            gradient_norms = {n: p.grad.double().norm().item() for n, p in model.named_parameters()}
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), OPTIM["max_grad_norm"], foreach=False).item()
        optimizer.step()
        scheduler.step()
        steps.append({"step": s, "learning_rate": lr, "loss": loss.item(), "grad_norm": norm})
    with torch.no_grad():
        final_loss = loss_of(model(input_ids=inputs).logits).item()
    return logits0, steps, final_loss, gradient_norms


def readable_json(obj):
    """One key per line, a list of objects one object per line: diffs of a regenerated fixture
    show which numbers moved."""
    def value(v):
        if isinstance(v, list) and v and isinstance(v[0], dict):
            return "[\n" + ",\n".join("  " + json.dumps(x) for x in v) + "\n ]"
        return json.dumps(v)
    return "{\n" + ",\n".join(f" {json.dumps(k)}: {value(v)}" for k, v in obj.items()) + "\n}\n"


PINNED = {"torch": "2.15.0", "transformers": "5.23.0"}


def main():
    found = {"torch": torch.__version__.split("+")[0], "transformers": transformers.__version__}
    if found != PINNED:
        print(f"warning: the fixture is pinned to {PINNED}, this is {found}: expect the last bits to move", file=sys.stderr)
    torch.set_num_threads(1)
    inputs, targets = batch()
    model = initial_model()
    names = [n for n, _ in model.named_parameters()]
    hf_decay = set(transformers.Trainer.get_decay_parameter_names(None, model))
    assert hf_decay == {n for n, p in model.named_parameters() if p.ndim == 2}, "decay sets differ"

    os.makedirs(OUT, exist_ok=True)
    model.save_pretrained(OUT)  # config.json, generation_config.json, model.safetensors (float32)
    initial = {n: p.detach().clone() for n, p in model.state_dict().items()}

    logits, steps, final_loss, gradient_norms = train(model, inputs, targets, torch.float32)
    # The same run in float64 from the same float32 weights: how far float32 rounding alone
    # moves each number (the scale the test's tolerances are set against).
    model64 = initial_model()
    model64.load_state_dict(initial)
    logits64, steps64, final64, _ = train(model64, inputs, targets, torch.float64)

    save_file({"logits": logits.contiguous()}, os.path.join(OUT, "reference.safetensors"), metadata={"format": "pt"})
    reference = {
        "generator": "scripts/make_pinned_reference.py",
        "torch": torch.__version__, "transformers": transformers.__version__,
        "text": TEXT, "batch_size": B, "sequence_length": T,
        "inputs": inputs.flatten().tolist(), "targets": targets.flatten().tolist(),
        "optimizer": OPTIM,
        "steps": steps,
        "final_loss": final_loss,
        "step0_gradient_norms": [{"name": n, "norm": gradient_norms[n]} for n in names],
        "float64_differences": {
            "logits_max_abs": (logits.double() - logits64).abs().max().item(),
            "loss_max_abs": max([abs(a["loss"] - b["loss"]) for a, b in zip(steps, steps64)] + [abs(final_loss - final64)]),
            "grad_norm_max_rel": max(abs(a["grad_norm"] - b["grad_norm"]) / b["grad_norm"] for a, b in zip(steps, steps64)),
        },
    }
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        f.write(readable_json(reference))
    print(f"wrote {OUT}: torch {torch.__version__}, transformers {transformers.__version__}")
    for s in steps:
        print(f"step {s['step']}: lr {s['learning_rate']:.6f} loss {s['loss']:.6f} grad_norm {s['grad_norm']:.6f}")
    print(f"after the last update: loss {final_loss:.6f}")
    print("float32 vs float64:", json.dumps(reference["float64_differences"]))


if __name__ == "__main__":
    main()
