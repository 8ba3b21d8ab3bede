"""Rewarm <-> Hugging Face transformers / PEFT: the same logits both ways (see check-hf-interop).

Run by scripts/check-hf-interop with the reference venv's Python:
    check_hf_interop.py REWARM_BIN WORKDIR
Exit status 0 when every check passes, 1 otherwise; one line per check.
"""
import json
import os
import subprocess
import sys
import warnings

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore")

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import load_file
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

TOLERANCE = 1e-4
PROMPT = "Le café, 世界 and bytes: \x01\x7f!"
rewarm, work = sys.argv[1], os.path.abspath(sys.argv[2])
failures = []


def sh(*args, check=True):
    result = subprocess.run([rewarm, *args], cwd=work, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"rewarm {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def report(name, ok, detail):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not ok:
        failures.append(name)


def rewarm_logits(folder, ids=None):
    """Rewarm's logits on PROMPT (a byte model), or on the token ids `ids` (any vocabulary)."""
    out = os.path.join(work, "logits-" + os.path.basename(folder.rstrip("/")) + ".safetensors")
    prompt = ["--prompt", PROMPT] if ids is None else ["--prompt-ids", ",".join(map(str, ids))]
    sh("generate", folder, *prompt, "--max-new-tokens", "0", "--dump-logits", out)
    return load_file(out)["logits"]


def torch_logits(model, ids=None):
    ids = torch.tensor([list(PROMPT.encode("utf-8")) if ids is None else ids])
    with torch.no_grad():
        return model(input_ids=ids).logits[0].float()


def compare(name, ours, theirs):
    diff = (ours - theirs).abs().max().item()
    report(name, ours.shape == theirs.shape and diff <= TOLERANCE, f"max abs diff {diff:.2e} over {tuple(ours.shape)} logits")


def load_llama(folder):
    return LlamaForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()


def write_config(name, text):
    with open(os.path.join(work, name), "w") as f:
        f.write(text)


print(f"torch {torch.__version__}; work folder {work}")
common = "model: tiny\nper_device_train_batch_size: 4\ncutoff_len: 32\neval_steps: 10\neval_tokens: 512\nmax_steps: 20\n"
write_config("full.yaml", common + "dataset: synthetic:a\noutput_dir: run-full\nseed: 3\n")
write_config("lora.yaml", common + "dataset: synthetic:b\noutput_dir: run-lora\ninit_from: run-full\n"
             "finetuning_type: lora\nlora_rank: 4\nlora_alpha: 8\nlearning_rate: 0.01\nseed: 4\n")
sh("train", "--config", "full.yaml", "--quiet")
sh("train", "--config", "lora.yaml", "--quiet")

# Rewarm -> transformers: a full model
sh("export", "run-full", "--format", "hf", "--out", "hf-full")
tokenizer = AutoTokenizer.from_pretrained(os.path.join(work, "hf-full"))
ids = tokenizer(PROMPT)["input_ids"]
report("tokenizer: AutoTokenizer maps byte b to id b", ids == list(PROMPT.encode("utf-8")) and tokenizer.decode(ids) == PROMPT,
       f"{len(ids)} ids, decode round trip {tokenizer.decode(ids) == PROMPT}")
compare("export full -> LlamaForCausalLM", rewarm_logits("run-full"), torch_logits(load_llama(os.path.join(work, "hf-full"))))

# Rewarm -> PEFT: a LoRA run's base and adapter
sh("export", "run-lora", "--format", "hf", "--out", "hf-lora")
peft_model = PeftModel.from_pretrained(load_llama(os.path.join(work, "hf-lora")), os.path.join(work, "hf-lora", "adapter")).eval()
peft_logits = torch_logits(peft_model)
compare("export lora -> PeftModel", rewarm_logits("run-lora"), peft_logits)
base_logits = torch_logits(load_llama(os.path.join(work, "hf-lora")))
report("the adapter changes the logits", (peft_logits - base_logits).abs().max().item() > 1e-3,
       f"max abs diff with / without adapter {(peft_logits - base_logits).abs().max().item():.2e}")
sh("merge", "run-lora", "--out", "merged")
compare("rewarm merge -> LlamaForCausalLM = PeftModel", torch_logits(load_llama(os.path.join(work, "merged"))), peft_logits)

# Rewarm QLoRA -> PEFT: the base is exported dequantized, so PEFT reproduces the run's model
write_config("qlora.yaml", common + "dataset: synthetic:b\noutput_dir: run-qlora\ninit_from: run-full\n"
             "finetuning_type: qlora\nquantization_type: nf4\nlora_rank: 4\nlearning_rate: 0.01\nseed: 4\n")
sh("train", "--config", "qlora.yaml", "--quiet")
sh("export", "run-qlora", "--format", "hf", "--out", "hf-qlora")
qlora_peft = PeftModel.from_pretrained(load_llama(os.path.join(work, "hf-qlora")), os.path.join(work, "hf-qlora", "adapter")).eval()
compare("export qlora (dequantized base) -> PeftModel", rewarm_logits("run-qlora"), torch_logits(qlora_peft))
base_diff = (load_llama(os.path.join(work, "hf-qlora")).model.layers[0].self_attn.q_proj.weight
             - load_llama(os.path.join(work, "hf-full")).model.layers[0].self_attn.q_proj.weight).abs().max().item()
report("the qlora base is the 4-bit version of the full run's", 0 < base_diff < 0.05, f"max abs weight change {base_diff:.2e}")

# transformers / PEFT -> Rewarm
torch.manual_seed(0)
config = LlamaConfig(vocab_size=256, hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                     num_key_value_heads=4, max_position_embeddings=64, rms_norm_eps=1e-6, rope_theta=5000.0,
                     tie_word_embeddings=False, initializer_range=0.2)
hf_model = LlamaForCausalLM(config).eval()
with torch.no_grad():
    for name, p in hf_model.named_parameters():
        if "norm" in name:
            p.add_(0.1 * torch.randn_like(p))
hf_model.save_pretrained(os.path.join(work, "from-hf"))
compare("LlamaForCausalLM.save_pretrained -> rewarm", rewarm_logits(os.path.join(work, "from-hf")), torch_logits(hf_model))

peft_config = LoraConfig(r=4, lora_alpha=12, target_modules=["q_proj", "v_proj", "down_proj"], lora_dropout=0.0)
adapted = get_peft_model(hf_model, peft_config)
with torch.no_grad():
    for name, p in adapted.named_parameters():
        if "lora_B" in name:
            p.copy_(0.1 * torch.randn_like(p))
adapted.eval()
adapted.save_pretrained(os.path.join(work, "from-hf", "adapter"))
compare("PeftModel.save_pretrained (adapter/) -> rewarm", rewarm_logits(os.path.join(work, "from-hf")), torch_logits(adapted))

# Grouped-query attention, tied embeddings, a vocabulary of 300 (ids past the bytes): transformers -> Rewarm
IDS = [1, 299, 256, 42, 7, 280, 0, 133, 298, 64, 5]
torch.manual_seed(1)
gqa_config = LlamaConfig(vocab_size=300, hidden_size=48, intermediate_size=96, num_hidden_layers=2,
                         num_attention_heads=6, num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-5,
                         rope_theta=100000.0, tie_word_embeddings=True, initializer_range=0.2)
gqa_model = LlamaForCausalLM(gqa_config).eval()
with torch.no_grad():
    for name, p in gqa_model.named_parameters():
        if "norm" in name:
            p.add_(0.1 * torch.randn_like(p))
gqa_model.save_pretrained(os.path.join(work, "from-hf-gqa"))
saved = load_file(os.path.join(work, "from-hf-gqa", "model.safetensors"))
report("transformers saves the tied model without lm_head.weight", "lm_head.weight" not in saved
       and tuple(saved["model.layers.0.self_attn.k_proj.weight"].shape) == (16, 48), f"{len(saved)} tensors")
compare("GQA + tied + 300 tokens: save_pretrained -> rewarm", rewarm_logits(os.path.join(work, "from-hf-gqa"), IDS),
        torch_logits(gqa_model, IDS))
gqa_peft = get_peft_model(gqa_model, LoraConfig(r=4, lora_alpha=8, target_modules=["k_proj", "v_proj", "o_proj"],
                                                lora_dropout=0.0))
with torch.no_grad():
    for name, p in gqa_peft.named_parameters():
        if "lora_B" in name:
            p.copy_(0.1 * torch.randn_like(p))
gqa_peft.eval()
gqa_peft.save_pretrained(os.path.join(work, "from-hf-gqa", "adapter"))
compare("GQA PEFT adapter on k_proj, v_proj, o_proj -> rewarm", rewarm_logits(os.path.join(work, "from-hf-gqa"), IDS),
        torch_logits(gqa_peft, IDS))

# Rewarm -> transformers / PEFT: a GQA, tied run with 300 tokens, and a LoRA run on every module continuing it
gqa_shape = "num_attention_heads: 4\nnum_key_value_heads: 2\ntie_word_embeddings: true\nvocab_size: 300\n"
write_config("gqa.yaml", common + gqa_shape + "dataset: synthetic:a\noutput_dir: run-gqa\nseed: 5\n")
write_config("gqa-lora.yaml", common + "dataset: synthetic:b\noutput_dir: run-gqa-lora\ninit_from: run-gqa\n"
             "finetuning_type: lora\nlora_rank: 4\nlora_alpha: 8\nlearning_rate: 0.01\nseed: 6\n")
sh("train", "--config", "gqa.yaml", "--quiet")
sh("train", "--config", "gqa-lora.yaml", "--quiet")
sh("export", "run-gqa", "--format", "hf", "--out", "hf-gqa")
with open(os.path.join(work, "hf-gqa", "config.json")) as f:
    exported = json.load(f)
report("the exported config.json says tie_word_embeddings and num_key_value_heads",
       exported.get("tie_word_embeddings") is True and exported.get("num_key_value_heads") == 2
       and "lm_head.weight" not in load_file(os.path.join(work, "hf-gqa", "model.safetensors")),
       f"tie_word_embeddings {exported.get('tie_word_embeddings')}, num_key_value_heads {exported.get('num_key_value_heads')}")
hf_gqa = load_llama(os.path.join(work, "hf-gqa"))
report("transformers ties the loaded head to the embeddings",
       hf_gqa.lm_head.weight.data_ptr() == hf_gqa.model.embed_tokens.weight.data_ptr(), "shared storage")
compare("export GQA + tied + 300 tokens -> LlamaForCausalLM", rewarm_logits("run-gqa", IDS), torch_logits(hf_gqa, IDS))
sh("export", "run-gqa-lora", "--format", "hf", "--out", "hf-gqa-lora")
gqa_lora_peft = PeftModel.from_pretrained(load_llama(os.path.join(work, "hf-gqa-lora")),
                                          os.path.join(work, "hf-gqa-lora", "adapter")).eval()
compare("export GQA + tied LoRA (all modules) -> PeftModel", rewarm_logits("run-gqa-lora", IDS),
        torch_logits(gqa_lora_peft, IDS))

# modules_to_save (PEFT; LLaMA-Factory's additional_target): LoRA runs that also train the embeddings and head
# whole. The adapter must give the run's logits on the exported folder and on the original base (PEFT replaces
# the base's tensors with the adapter's copies); the tied run trains its one table, saved under both keys.
for name, base_run, ids in [("untied", "run-full", None), ("GQA + tied", "run-gqa", IDS)]:
    run = "run-mts-" + base_run.removeprefix("run-")
    write_config(run + ".yaml", common + f"dataset: synthetic:b\noutput_dir: {run}\ninit_from: {base_run}\n"
                 "finetuning_type: lora\nlora_rank: 4\nlora_alpha: 8\nlearning_rate: 0.01\nseed: 7\n"
                 "additional_target: [embed_tokens, lm_head]\n")
    sh("train", "--config", run + ".yaml", "--quiet")
    out = run.replace("run-", "hf-")
    sh("export", run, "--format", "hf", "--out", out)
    adapter = os.path.join(work, out, "adapter")
    with open(os.path.join(adapter, "adapter_config.json")) as f:
        saved_modules = json.load(f).get("modules_to_save")
    keys = load_file(os.path.join(adapter, "adapter_model.safetensors")).keys()
    report(f"modules_to_save ({name}): adapter_config.json lists them, the adapter file holds them",
           saved_modules == ["embed_tokens", "lm_head"] and "base_model.model.model.embed_tokens.weight" in keys
           and "base_model.model.lm_head.weight" in keys, f"modules_to_save {saved_modules}")
    ours = rewarm_logits(run, ids)
    on_export = PeftModel.from_pretrained(load_llama(os.path.join(work, out)), adapter).eval()
    compare(f"modules_to_save ({name}): export -> PeftModel on the exported base", ours, torch_logits(on_export, ids))
    original = base_run.replace("run-", "hf-")
    on_original = PeftModel.from_pretrained(load_llama(os.path.join(work, original)), adapter).eval()
    compare(f"modules_to_save ({name}): the adapter -> PeftModel on the original base", ours,
            torch_logits(on_original, ids))
    plain = torch_logits(load_llama(os.path.join(work, original)), ids)
    report(f"modules_to_save ({name}): the run moved the embeddings and head",
           (ours - plain).abs().max().item() > 1e-3, f"max abs logit change {(ours - plain).abs().max().item():.2e}")

# PEFT -> Rewarm: an adapter saved by PEFT with modules_to_save, its copies perturbed
torch.manual_seed(2)
mts_model = LlamaForCausalLM(config).eval()
mts_model.save_pretrained(os.path.join(work, "from-hf-mts"))  # the base, before PEFT wraps its modules
mts_peft = get_peft_model(mts_model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], lora_dropout=0.0,
                                                modules_to_save=["embed_tokens", "lm_head"]))
with torch.no_grad():
    for pname, p in mts_peft.named_parameters():
        if "lora_B" in pname or "modules_to_save" in pname:
            p.add_(0.1 * torch.randn_like(p))
mts_peft.eval()
mts_peft.save_pretrained(os.path.join(work, "from-hf-mts", "adapter"))
compare("PEFT adapter with modules_to_save -> rewarm", rewarm_logits(os.path.join(work, "from-hf-mts")),
        torch_logits(mts_peft))

# A model Rewarm cannot use: one line naming the field
bad = os.path.join(work, "rope-scaled")
LlamaForCausalLM(LlamaConfig(vocab_size=256, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                             num_attention_heads=4, num_key_value_heads=2,
                             rope_scaling={"rope_type": "linear", "factor": 2.0})).save_pretrained(bad)
result = sh("generate", bad, "--prompt", "x", check=False)
line = result.stderr.strip()
report("rope scaling refused naming the field", result.returncode == 2 and "rope" in line
       and len(line.splitlines()) == 1, line)

# A GGUF file -> Rewarm and transformers: SmolLM2-135M-Instruct Q4_1 (models/, scripts/fetch-model), loaded by
# transformers' GGUF loader (dequantized to float32, q/k rows un-permuted) and by `rewarm generate FILE.gguf`
GGUF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models",
                    "SmolLM2-135M-Instruct.Q4_1.gguf")
GGUF_TOLERANCE = 1e-3
GGUF_PROMPTS = [("English", "The best way to learn a new language is"),
                ("Chinese", "今天天气很好，我们一起去公园散步，然后")]
if not os.path.exists(GGUF):
    print(f"skip GGUF checks: no {GGUF} (run scripts/fetch-model)")
else:
    from transformers import AutoModelForCausalLM
    gguf_dir, gguf_name = os.path.split(GGUF)
    gguf_tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
    gguf_model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32).eval()
    # greedy choices do not depend on it; without it transformers would stop at <|im_end|> before 32 tokens
    gguf_model.generation_config.eos_token_id = None
    for label, text in GGUF_PROMPTS:
        ids = gguf_tokenizer(text)["input_ids"]
        ours, theirs = rewarm_logits(GGUF, ids), torch_logits(gguf_model, ids)
        diff = (ours - theirs).abs().max().item()
        report(f"GGUF {label} ({len(ids)} tokens): rewarm generate FILE.gguf -> transformers gguf_file",
               tuple(ours.shape) == (len(ids), 49152) and diff <= GGUF_TOLERANCE,
               f"max abs diff {diff:.2e} over {tuple(ours.shape)} logits (tolerance {GGUF_TOLERANCE:g})")
        greedy = sh("generate", GGUF, "--prompt-ids", ",".join(map(str, ids)), "--temperature", "0",
                    "--max-new-tokens", "32").stdout.split()
        with torch.no_grad():
            out = gguf_model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                                      do_sample=False, max_new_tokens=32, pad_token_id=0)
        expected = out[0, len(ids):].tolist()
        report(f"GGUF {label}: 32 greedy tokens equal transformers' generate(do_sample=False)",
               list(map(int, greedy)) == expected,
               f"{sum(int(a) == b for a, b in zip(greedy, expected))}/32 equal; "
               f"{gguf_tokenizer.decode(expected)!r}")

    # A run from the GGUF, trained on text with the model's own tokenizer, exported: transformers (and PEFT)
    # load the folder with the same logits, and AutoTokenizer on the exported tokenizer.json gives Rewarm's ids
    real = ("init_from: " + GGUF + "\ndataset: fortunes-zh\nupstream: fortunes-en\ncutoff_len: 32\n"
            "per_device_train_batch_size: 2\nmax_steps: 2\neval_tokens: 64\nlearning_rate: 1.0e-4\n")
    write_config("real-lora.yaml", real + "finetuning_type: lora\nlora_rank: 4\nlora_alpha: 8\n"
                 "lora_target: [q_proj, v_proj, down_proj]\noutput_dir: run-real-lora\n")
    write_config("real-full.yaml", real + "output_dir: run-real-full\n")
    sh("train", "--config", "real-lora.yaml", "--quiet")
    sh("train", "--config", "real-full.yaml", "--quiet")
    text = GGUF_PROMPTS[1][1]
    for run in ["run-real-lora", "run-real-full"]:
        out = run.replace("run-", "hf-")
        sh("export", run, "--format", "hf", "--out", out)
        folder = os.path.join(work, out)
        exported_tokenizer = AutoTokenizer.from_pretrained(folder)
        ids = exported_tokenizer(text)["input_ids"]
        ours_ids = [int(i) for i in sh("tokenizer", "encode", folder, "--text", text).stdout.split("\n")[0].split()]
        report(f"{out}: AutoTokenizer on the exported tokenizer.json gives Rewarm's ids", ids == ours_ids,
               f"{len(ids)} ids; rewarm {ours_ids[:6]}..., transformers {ids[:6]}...")
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
        if os.path.isdir(os.path.join(folder, "adapter")):
            model = PeftModel.from_pretrained(model, os.path.join(folder, "adapter")).eval()
        ours, theirs = rewarm_logits(run, ids), torch_logits(model, ids)
        diff = (ours - theirs).abs().max().item()
        report(f"{out}: a run from the GGUF exported -> {type(model).__name__}",
               tuple(ours.shape) == (len(ids), 49152) and diff <= GGUF_TOLERANCE,
               f"max abs diff {diff:.2e} over {tuple(ours.shape)} logits (tolerance {GGUF_TOLERANCE:g})")

print(f"{'all checks passed' if not failures else 'FAILED: ' + ', '.join(failures)}")
sys.exit(1 if failures else 0)
