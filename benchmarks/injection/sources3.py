"""BLIND3: the fourth round's fresh blind set, from packages used in no other set.

Only scored, once, by someone other than whoever changes the detector: nothing here was ever run
through it while the set was built. Each source's rows follow its own labels or its own
construction (README: BLIND3); nothing is labelled by looking at how any detector scores it.

- aicu-scanner: business documents (meeting notes, CSV reports, resumes, source files, policy
  letters) with an instruction to the AI that reads them (1), the same documents with it hidden
  as zero-width binary (1) and without it (0); its jailbreak and encoding attack sets (1); its
  hallucination probes, false premises without an injection (0).
- rag-redteam: its injection and tool-call grammars, seeded, placed among its benign retrieved
  documents the way its probes place them (1), those documents alone (0); its system-prompt
  extraction and context-leak queries (1); its ungrounded and utility questions (0).
- fas-judgement: its single-shot attack pattern library (1).
- rogue-live-redteam: its bundled attack packs rendered with their own slot values, the user-turn,
  RAG-document and tool-output vectors (1); its JailbreakBench and AdvBench goals, harmful
  requests without an injection (0).
- weiseer-prompt-redteam: its attack corpus (1).
- vexscan: its built-in attacks' probes (1); the indirect ones as the planted e-mail, web page
  and policy document (documents).

Modules that hold data as Python objects are loaded from the pinned, digest-checked wheels:
aicu-scanner's generators and rag-redteam's grammar import only the standard library; vexscan's
attacks need pydantic, which the benchmark venv has.
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml
from sources2 import _fill, _load, _row

X = Path(__file__).resolve().parent / ".data" / "x"
Row = dict[str, object]
SEED = 7  # rag-redteam's samplers take a seed: the same rows on every run

# Packages whose data this module reads: never README/docstring sources for benign documents.
DATA_PACKAGES = {
    "aicu_scanner",
    "rag_redteam",
    "fas_judgement",
    "rogue_live_redteam",
    "weiseer_prompt_redteam",
    "vexscan",
}


def _literals(path: Path, names: set[str]) -> dict[str, object]:
    """Module-level literals assigned to ``names`` (plain or annotated assignment)."""
    out: dict[str, object] = {}
    for n in ast.parse(path.read_text()).body:
        target, value = None, None
        if isinstance(n, ast.Assign) and len(n.targets) == 1:
            target, value = n.targets[0], n.value
        elif isinstance(n, ast.AnnAssign):
            target, value = n.target, n.value
        if isinstance(target, ast.Name) and target.id in names and value is not None:
            out[target.id] = ast.literal_eval(value)
    return out


# --- aicu-scanner -----------------------------------------------------------------------------


def aicu() -> Iterator[Row]:
    """aicu-scanner: its documents with an embedded instruction to the AI reading them (the
    file payloads, the indirect-injection, markdown-exfiltration and phantom generators), its
    jailbreak and encoding attack sets (1); the phantom documents' visible text alone (0: the
    package's clean counterpart of each) and its hallucination probes (0: false premises and
    fake authorities, but no instruction to the model to drop its own). Its extraction-by-task
    sets (legitimate tasks, behavioural and creative probing, the intruder lists), DoS probes and
    toxicity prompts are left out: not injections, or not distinguishable from plain requests."""
    base = X / "aicu_scanner" / "aicu"
    src = "aicu_scanner"
    for item in yaml.safe_load((base / "payloads" / "file_payloads.yaml").read_text())[
        "file_payloads"
    ]:
        yield _row(str(item["content"]), 1, "document", f"{src}/file_payloads")
    gen = base / "generators"
    ipi = _load(gen / "indirect_injection_gen.py", "_aicu_ipi")
    for item in ipi.INJECTION_PAYLOADS:
        yield _row(str(item["text"]), 1, "document", f"{src}/indirect_injection")
    exfil = _load(gen / "markdown_exfil_gen.py", "_aicu_exfil")
    for item in exfil.EXFIL_PAYLOADS:
        yield _row(str(item["text"]), 1, "document", f"{src}/markdown_exfil")
    phantom = _load(gen / "phantom_gen.py", "_aicu_phantom")
    for item in phantom.PHANTOM_PAYLOADS:
        visible, hidden = str(item["visible_text"]), str(item["hidden_instruction"])
        # The generator's own rendering (its .txt file): the instruction as zero-width binary.
        if item.get("injection_method", "distributed") == "between_words":
            text = phantom.inject_zero_width_between_words(visible, hidden)
        else:
            text = phantom.inject_zero_width_at_positions(visible, hidden)
        yield _row(text, 1, "document", f"{src}/phantom", hidden)
        yield _row(visible, 0, "document", f"{src}/phantom")
    for name, label in (("jailbreaks", 1), ("encoding_attacks", 1), ("hallucination", 0)):
        sets = yaml.safe_load((base / "payloads" / f"{name}.yaml").read_text())["payload_sets"]
        for items in sets.values():
            for item in items:
                yield _row(str(item["content"]), label, "prompt", f"{src}/{name}")


# --- rag-redteam ------------------------------------------------------------------------------


def rag_redteam() -> Iterator[Row]:
    """rag-redteam: payloads drawn (seeded) from its injection grammar (framing x override x
    obfuscation x instruction x delivery) and its tool-call grammar, each placed among the benign
    documents of the probe that uses it, at the grammar's own position (prepend/append/
    interleave), as one retrieved context (1); those benign contexts and its utility knowledge
    base alone (0); its system-prompt extraction and context-leak queries (1); its ungrounded
    questions (nothing in the corpus answers them, with pressure to answer anyway) and the
    utility and probe questions (0). The embedding-dump queries are left out (a request for
    data, not an injection)."""
    base = X / "rag_redteam" / "rag_redteam"
    src = "rag_redteam"
    fuzz = _load(base / "fuzz.py", "_rag_redteam_fuzz")
    inj = _literals(base / "probes" / "prompt_injection.py", {"BENIGN_DOCS", "PROBE_QUERY"})
    tool = _literals(base / "probes" / "tool_use_injection.py", {"BENIGN_DOCS"})
    utility = _literals(base / "utility.py", {"CORPUS"})
    inj_docs = [str(d) for d in inj["BENIGN_DOCS"]]  # type: ignore[union-attr]
    tool_docs = [str(d) for d in tool["BENIGN_DOCS"]]  # type: ignore[union-attr]
    for payload in fuzz.sample_injection_payloads(40, seed=SEED):
        text = "\n\n".join(payload.place(list(inj_docs)))
        yield _row(text, 1, "document", f"{src}/injection_grammar", payload.text)
    for payload in fuzz.sample_tool_payloads(20, seed=SEED):
        text = "\n\n".join(payload.place(list(tool_docs)))
        yield _row(text, 1, "document", f"{src}/tool_grammar", payload.text)
    for docs in (inj_docs, tool_docs, [str(d) for d in utility["CORPUS"]]):  # type: ignore[union-attr]
        yield _row("\n\n".join(docs), 0, "document", f"{src}/benign_docs")
    for query in fuzz.sample_extraction_queries(15, seed=SEED):
        yield _row(query.text, 1, "prompt", f"{src}/extraction_queries")
    for query in fuzz.sample_leakage_queries(15, seed=SEED):
        yield _row(query.text, 1, "prompt", f"{src}/leakage_queries")
    for query in fuzz.sample_ungrounded_queries(30, seed=SEED):
        yield _row(query.text, 0, "prompt", f"{src}/ungrounded_queries")
    questions = [str(inj["PROBE_QUERY"])]
    for n in ast.walk(ast.parse((base / "utility.py").read_text())):
        if (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name)
            and n.func.id == "UtilityCase"
            and n.args
            and isinstance(n.args[0], ast.Constant)
        ):
            questions.append(str(n.args[0].value))
    for q in questions:
        yield _row(q, 0, "prompt", f"{src}/questions")


# --- fas-judgement ----------------------------------------------------------------------------


def fas_judgement() -> Iterator[Row]:
    """fas-judgement's single-shot pattern library: 100 attacks in 8 categories (jailbreak,
    social engineering, indirect injection, encoding, multilingual, system-prompt extraction,
    data exfiltration, privilege escalation), each sent as the user's message (1). Labels are
    the library's: a few of its patterns (from a public collection of labelled injections) are
    role-play requests or bare tasks."""
    f = (
        X
        / "fas_judgement"
        / "fas_judgement"
        / "modules"
        / "ai_security"
        / "patterns"
        / "data"
        / "single-shot"
        / "patterns.json"
    )
    for item in json.loads(f.read_text()):
        yield _row(str(item["text"]), 1, "prompt", "fas_judgement")


# --- rogue-live-redteam -----------------------------------------------------------------------


def rogue() -> Iterator[Row]:
    """rogue-live-redteam: the attack primitives of its three bundled packs (each once), the
    template filled with the primitive's own slot values, else the package's slot defaults (1);
    rag_document and tool_output vectors are documents, user_turn prompts. Primitives meant for
    the system-prompt position (the operator's channel, not untrusted input), multi-turn
    sequences and multimodal ones are left out. Its JailbreakBench and AdvBench goals are
    harmful requests without an injection (0, as aegisrt's AdvBench/HarmBench in BLIND2)."""
    base = X / "rogue_live_redteam" / "rogue"
    defaults = json.loads((base / "data" / "slot_defaults.json").read_text())
    seen: set[str] = set()
    for pack in ("default", "compliance", "aggressive"):
        for prim in json.loads((base / "packs" / f"{pack}.json").read_text()):
            if prim["primitive_id"] in seen:
                continue
            seen.add(prim["primitive_id"])
            vector = str(prim["vector"])
            if (
                vector not in {"user_turn", "rag_document", "tool_output"}
                or prim.get("multi_turn_sequence")
                or prim.get("requires_multimodal")
                or prim["family"] == "multimodal_injection"
            ):
                continue
            values = {
                k: str(v) for k, v in {**defaults, **(prim.get("payload_slots") or {})}.items()
            }
            text = _fill(str(prim["payload_template"]), values)
            kind = "prompt" if vector == "user_turn" else "document"
            yield _row(text, 1, kind, f"rogue_live_redteam/{vector}")
    for name in ("jbb_100", "advbench_100"):
        for line in (base / "data" / "benchmark" / f"{name}.jsonl").read_text().splitlines():
            if line.strip():
                yield _row(str(json.loads(line)["goal"]), 0, "prompt", f"rogue_live_redteam/{name}")


# --- weiseer-prompt-redteam -------------------------------------------------------------------


def weiseer() -> Iterator[Row]:
    """weiseer-prompt-redteam's attack corpus (28 payloads in 16 categories), as user messages
    (1); its indirect ones quote a retrieved web page or README inside the message."""
    f = X / "weiseer_prompt_redteam" / "weiseer_prompt_redteam" / "attacks.yaml"
    for attack in yaml.safe_load(f.read_text())["attacks"]:
        yield _row(str(attack["payload"]), 1, "prompt", "weiseer_prompt_redteam")


# --- vexscan ----------------------------------------------------------------------------------


def vexscan() -> Iterator[Row]:
    """vexscan's built-in attacks: the user messages of their probes (1); for the indirect tool
    injection, the planted content itself (an e-mail, a web page, a policy document: 1,
    documents) instead of the probe that wraps it in a task."""
    root = X / "vexscan"
    modules = (
        "vex.attacks.agent_attacks.system_prompt_leak",
        "vex.attacks.jailbreaks.encoding",
        "vex.attacks.jailbreaks.role_play",
        "vex.attacks.prompt_injection.unicode_smuggling",
    )
    sys.path.insert(0, str(root))
    try:
        indirect = importlib.import_module("vex.attacks.agent_attacks.indirect_tool_injection")
        loaded = [importlib.import_module(m) for m in modules]
    finally:
        sys.path.remove(str(root))
    for _scenario, planted, _criteria in indirect.PAYLOADS:
        yield _row(str(planted), 1, "document", "vexscan/indirect_tool_injection")
    for mod in loaded:
        for obj in vars(mod).values():
            if (
                isinstance(obj, type)
                and obj.__module__ == mod.__name__
                and hasattr(obj, "generate")
            ):
                for probe in obj().generate():
                    for msg in probe.conversation.messages:
                        if str(getattr(msg.role, "value", msg.role)) == "user":
                            yield _row(str(msg.content), 1, "prompt", "vexscan")


def blind3() -> Iterator[Row]:
    """The injection-data part of BLIND3 (README and docstring documents come from corpus.py)."""
    for gen in (aicu(), rag_redteam(), fas_judgement(), rogue(), weiseer(), vexscan()):
        yield from gen


__all__ = ["DATA_PACKAGES", "blind3"]
