"""docs/rules.md: each network, kubernetes and container rule's "Triggers it" example produces the
rule and its "Fixed" example does not (tests/test_docs.py runs only TOML and JSON examples)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.analysers.network.helpers import MANIFEST, run, write

from botwarden.analysers.network import rules
from botwarden.analysers.network.analyser import NetworkAnalyser
from botwarden.analysers.network.container import ContainerAnalyser
from botwarden.analysers.network.kubernetes import KubernetesAnalyser
from botwarden.audit.interface import Analyser

DOC = (Path(__file__).resolve().parents[3] / "docs" / "rules.md").read_text(encoding="utf-8")
FILES: dict[str, tuple[str, type[Analyser]]] = {
    "hcl": ("main.tf", NetworkAnalyser), "yaml": ("app.yaml", KubernetesAnalyser),
    "dockerfile": ("Dockerfile", ContainerAnalyser),
}  # fmt: skip
RULES = rules.NETWORK_RULES + rules.K8S_RULES + rules.DOCKER_RULES


def example(rule_id: str, label: str) -> tuple[str, str]:
    section = DOC.split(f"\n### {rule_id}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    match = re.search(rf"\*\*{label}:\*\*\n\n```(\w+)\n(.*?)```", section, re.DOTALL)
    assert match is not None, f"{rule_id}: no {label} example"
    return match.group(1), match.group(2)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
@pytest.mark.parametrize(("label", "reported"), [("Triggers it", True), ("Fixed", False)])
def test_example(tmp_path: Path, rule: rules.Rule, label: str, reported: bool) -> None:
    lang, text = example(rule.id, label)
    name, analyser = FILES[lang]
    write(tmp_path, {name: text, "botwarden.toml": MANIFEST.format(allow='"api.example.com"')})
    found = {f.rule for f in run(analyser(), tmp_path)}
    assert (rule.id in found) is reported, found
