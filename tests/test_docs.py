"""Keep docs/manifest.md and docs/rules.md honest.

- every registered rule has a ``### rule.id`` section in rules.md, and every such section is a
  registered rule, with the right severity under the right category;
- each rule's "Triggers it" example produces the rule, and its "Fixed" example does not: a TOML
  example is audited as the manifest; a JSON example is an IAM policy, audited as ``policy.json``
  next to the section's "Manifest" (or a minimal one), or, when the section has "Evidence"
  (CloudTrail records), checked for unused grants against it;
- the inline suppression examples suppress what they name, in ``audit`` and in ``iam check``;
- a rule section that says its example "is reported as `SEVERITY`" is right;
- every field of the manifest model has a row in the right table of manifest.md, with the model's
  default, and no table documents a field the model does not have;
- every TOML example in manifest.md parses, and every full manifest there validates;
- iam.md lists the companion grants of ``botwarden iam generate`` with generate.py's reasons, and
  documents every option of every ``botwarden iam`` command in that command's section.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent
from typing import Any, get_args

import pytest
import typer
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from botwarden import cli
from botwarden.audit.registry import default_analysers
from botwarden.audit.result import AuditResult
from botwarden.audit.runner import build_target, run_audit
from botwarden.drift import write_lock
from botwarden.findings import Finding, Rule
from botwarden.iam.analysis import PrincipalView
from botwarden.iam.cloudtrail import read_cloudtrail
from botwarden.iam.compare import unused
from botwarden.iam.database import default_database
from botwarden.iam.generate import COMPANIONS
from botwarden.iam.parse import documents_from_file
from botwarden.manifest import Manifest, parse_manifest
from botwarden.manifest.model import (
    AwsCapability,
    Bot,
    Breaker,
    Budget,
    Deploy,
    Egress,
    Guards,
    HttpCapability,
    InputGuard,
    OutputGuard,
    Secret,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"


# -- a small Markdown reader: headings, tables and fenced blocks, never inside code -------------


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    label: str  # the last line of prose before the block, e.g. "**Triggers it:**"
    where: str  # the title of the section holding the block


@dataclass
class Section:
    level: int
    title: str
    parent: str  # the title of the enclosing level-2 section
    lines: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def rows(self) -> dict[str, list[str]]:
        """Table rows keyed by their first cell when it is a `code` name."""
        found = {}
        for line in self.lines:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            name = re.fullmatch(r"`([a-z_]+)`", cells[0])
            if line.lstrip().startswith("|") and name:
                found[name.group(1)] = cells
        return found


_HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$")


def read_markdown(path: Path) -> list[Section]:
    sections = [Section(0, "", "")]
    fence: str | None = None
    block: list[str] = []
    label = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if fence is not None:
            if stripped == "```":
                text = dedent("\n".join(block)) + "\n"
                sections[-1].blocks.append(Block(fence, text, label, sections[-1].title))
                fence = None
            else:
                block.append(line)
        elif stripped.startswith("```"):
            fence, block = stripped[3:].strip(), []
        elif heading := _HEADING.match(line):
            level, title = len(heading.group(1)), heading.group(2)
            parent = title if level <= 2 else sections[-1].parent
            sections.append(Section(level, title, parent))
        else:
            sections[-1].lines.append(line)
            if stripped:
                label = stripped
    assert fence is None, f"{path.name}: unclosed code fence"
    return sections


MANIFEST_DOC = read_markdown(DOCS / "manifest.md")
RULES_DOC = read_markdown(DOCS / "rules.md")
IAM_DOC = read_markdown(DOCS / "iam.md")


def section(doc: list[Section], title: str) -> Section:
    matches = [s for s in doc if s.title == title]
    assert len(matches) == 1, f"expected one section titled {title!r}, found {len(matches)}"
    return matches[0]


# -- rules.md ---------------------------------------------------------------------------------

RULES: dict[str, Rule] = {
    rule.id: rule for analyser in default_analysers() for rule in analyser.rules
}
RULE_ID = re.compile(r"[a-z0-9-]+\.[a-z0-9.-]+")
RULE_SECTIONS = {s.title: s for s in RULES_DOC if s.level == 3 and RULE_ID.fullmatch(s.title)}
MINIMAL_BOT = 'schema_version = 1\n\n[bot]\nname = "docbot"\nowner = "docs-team"\n\n'


def as_manifest(fragment: str) -> str:
    """A documented fragment as a whole manifest: add what it leaves out, keep what it says."""
    if "schema_version" in fragment:
        return fragment
    if re.search(r"^\[bot\]", fragment, re.MULTILINE):
        return "schema_version = 1\n\n" + fragment
    return MINIMAL_BOT + fragment


def audit_text(text: str, folder: Path) -> AuditResult:
    (folder / "botwarden.toml").write_text(text, encoding="utf-8")
    return run_audit(build_target(folder), default_analysers())


def examples(rule_id: str, label: str) -> list[Block]:
    return [b for b in RULE_SECTIONS[rule_id].blocks if b.label.startswith(f"**{label}")]


def runnable(rule_id: str, label: str) -> list[Block]:
    """The examples that can be run: manifests (TOML) and IAM policies (JSON), not console logs."""
    return [b for b in examples(rule_id, label) if b.lang in ("toml", "json")]


def context(rule_id: str, label: str) -> Block | None:
    """The section's "Manifest" or "Evidence" block, used with both of its examples."""
    blocks = examples(rule_id, label)
    assert len(blocks) <= 1, f"{rule_id}: more than one '**{label}:**' block"
    return blocks[0] if blocks else None


def findings_of(rule_id: str, example: Block, folder: Path) -> tuple[Finding, ...]:
    """What an example of ``rule_id``'s section produces, run the way the section says."""
    if example.lang == "toml":
        return audit_text(as_manifest(example.text), folder).findings
    policy = folder / "policy.json"
    policy.write_text(example.text, encoding="utf-8")
    if (evidence := context(rule_id, "Evidence")) is not None:
        trail = folder / "cloudtrail.json"
        trail.write_text(evidence.text, encoding="utf-8")
        view = PrincipalView(default_database(), documents_from_file(policy, "policy.json"))
        return tuple(unused(view, read_cloudtrail([trail])))
    manifest = context(rule_id, "Manifest")
    return audit_text(as_manifest(manifest.text if manifest else ""), folder).findings


def examples_in(doc: list[Section], label: str) -> list[Block]:
    return [b for s in doc for b in s.blocks if b.label == label]


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_is_documented(rule_id: str) -> None:
    assert rule_id in RULE_SECTIONS, f"docs/rules.md has no '### {rule_id}' section"


def test_no_documented_rule_is_unregistered() -> None:
    stale = sorted(set(RULE_SECTIONS) - set(RULES))
    assert not stale, f"docs/rules.md documents rules nobody registers: {stale}"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_severity_and_category(rule_id: str) -> None:
    rule, doc = RULES[rule_id], RULE_SECTIONS[rule_id]
    text = "\n".join(doc.lines)
    severity = re.search(r"^\*\*Severity:\*\* (\w+)", text, re.MULTILINE)
    assert severity, f"{rule_id}: no '**Severity:** ...' line"
    assert severity.group(1) == rule.severity.value
    assert doc.parent.startswith(f"`{rule.category}`"), f"{rule_id} is under {doc.parent!r}"
    for part in ("What it means.", "Why it matters.", "Remediation.", "Suppress."):
        assert f"**{part}**" in text, f"{rule_id}: no '**{part}**' paragraph"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_both_examples(rule_id: str) -> None:
    assert examples(rule_id, "Triggers it"), f"{rule_id}: no 'Triggers it' example"
    assert examples(rule_id, "Fixed"), f"{rule_id}: no 'Fixed' example"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_trigger_example_produces_the_rule(rule_id: str, tmp_path: Path) -> None:
    for block in runnable(rule_id, "Triggers it"):
        found = {f.rule for f in findings_of(rule_id, block, tmp_path)}
        assert rule_id in found, block.text


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_fixed_example_does_not(rule_id: str, tmp_path: Path) -> None:
    for block in runnable(rule_id, "Fixed"):
        found = {f.rule for f in findings_of(rule_id, block, tmp_path)}
        assert rule_id not in found, block.text


IAM_RULES = sorted(rule_id for rule_id, rule in RULES.items() if rule.category == "permissions")
MANIFEST_RULES = {"iam.over-privileged", "iam.under-privileged"}  # compare with the manifest
EVIDENCE_RULES = {"iam.unused"}  # compare with CloudTrail


@pytest.mark.parametrize("rule_id", IAM_RULES)
def test_iam_examples_are_policies(rule_id: str) -> None:
    for label in ("Triggers it", "Fixed"):
        blocks = examples(rule_id, label)
        assert blocks and all(b.lang == "json" for b in blocks), f"{rule_id}: {label} is not JSON"
        for block in blocks:
            assert "Statement" in json.loads(block.text), f"{rule_id}: {label} is not a policy"
    manifest, evidence = context(rule_id, "Manifest"), context(rule_id, "Evidence")
    assert (manifest is not None) == (rule_id in MANIFEST_RULES), f"{rule_id}: **Manifest:**"
    assert (evidence is not None) == (rule_id in EVIDENCE_RULES), f"{rule_id}: **Evidence:**"
    if manifest is not None:
        assert manifest.lang == "toml"
        parse_manifest(as_manifest(manifest.text), "docs/rules.md")
    if evidence is not None:
        assert evidence.lang == "json"
        assert json.loads(evidence.text)["Records"], f"{rule_id}: evidence has no records"


def test_suppression_example_suppresses(tmp_path: Path) -> None:
    (block,) = examples_in(RULES_DOC, "**Suppressed:**")
    marker = re.compile(r"botwarden:ignore(\[[^\]]*\])?")
    named = {
        name.strip()
        for match in marker.finditer(block.text)
        for name in (match.group(1) or "[]")[1:-1].split(",")
        if name.strip()
    }
    suppressed = audit_text(as_manifest(block.text), tmp_path)
    plain = audit_text(as_manifest(marker.sub("", block.text)), tmp_path)
    assert suppressed.suppressed.inline == len(plain.findings) - len(suppressed.findings) > 0
    assert named & {f.rule for f in plain.findings} == named
    assert not named & {f.rule for f in suppressed.findings}


def test_policy_suppression_example_suppresses(tmp_path: Path) -> None:
    (block,) = examples_in(RULES_DOC, "**Suppressed in a CloudFormation template:**")
    (named,) = re.findall(r"botwarden:ignore\[([a-z0-9.-]+)\]", block.text)
    template = tmp_path / "template.yaml"

    def audit(text: str) -> AuditResult:
        template.write_text(text, encoding="utf-8")
        return audit_text(MINIMAL_BOT, tmp_path)

    suppressed = audit(block.text)
    plain = audit(re.sub(r"botwarden:ignore\[[^\]]*\]", "", block.text))
    assert named in {f.rule for f in plain.findings}
    assert named not in {f.rule for f in suppressed.findings}
    assert suppressed.suppressed.inline == 1


def test_policy_suppression_example_suppresses_in_iam_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """rules.md: inline markers apply to ``botwarden iam check`` as they do to the audit."""
    (block,) = examples_in(RULES_DOC, "**Suppressed in a CloudFormation template:**")
    (named,) = re.findall(r"botwarden:ignore\[([a-z0-9.-]+)\]", block.text)
    monkeypatch.chdir(tmp_path)

    def check(text: str) -> dict[str, Any]:
        Path("template.yaml").write_text(text, encoding="utf-8")
        cli.run(["iam", "check", "template.yaml", "--format", "json"])
        report: dict[str, Any] = json.loads(capsys.readouterr().out)
        return report

    plain = check(re.sub(r"botwarden:ignore\[[^\]]*\]", "", block.text))
    suppressed = check(block.text)
    assert named in {f["rule"] for f in plain["findings"]}
    assert named not in {f["rule"] for f in suppressed["findings"]}
    assert suppressed["suppressed"]["inline"] == 1


_REPORTED_AS = re.compile(r"this is reported as `(critical|high|medium|low|info)`")


@pytest.mark.parametrize(
    "rule_id",
    sorted(r for r, s in RULE_SECTIONS.items() if _REPORTED_AS.search(" ".join(s.lines))),
)
def test_documented_example_severity(rule_id: str, tmp_path: Path) -> None:
    """'... so this is reported as `medium`' after a "Triggers it" example is what it produces."""
    match = _REPORTED_AS.search(" ".join(RULE_SECTIONS[rule_id].lines))
    assert match is not None
    for block in runnable(rule_id, "Triggers it"):
        severities = {f.severity.value for f in findings_of(rule_id, block, tmp_path)
                      if f.rule == rule_id}  # fmt: skip
        assert severities == {match.group(1)}, block.text


def test_rules_json_examples_parse() -> None:
    for block in (b for s in RULES_DOC for b in s.blocks if b.lang == "json"):
        json.loads(block.text)


# -- manifest.md: every field of the model, in the right table, with the right default --------

SECTION_OF: dict[type[BaseModel], str] = {
    Manifest: "Top level: `schema_version` and the tables",
    Bot: "`[bot]`",
    Egress: "`[egress]`",
    AwsCapability: '`[[capability]]` with `provider = "aws"`',
    HttpCapability: '`[[capability]]` with `provider = "http"`',
    Secret: "`[secret.NAME]`",
    Budget: "`[budget.KEY]`",
    Breaker: "`[breaker]`",
    Guards: "`[guard]`",
    InputGuard: "`[guard.input]`",
    OutputGuard: "`[guard.output]`",
    Deploy: "`[deploy]`",
}


def models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """Models in a field's type: directly, in unions, lists, dict values and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from models_in(arg)


def all_models(root: type[BaseModel] = Manifest) -> list[type[BaseModel]]:
    found = [root]
    for model in found:  # grows while iterating: a breadth-first walk
        for info in model.model_fields.values():
            found.extend(m for m in models_in(info.annotation) if m not in found)
    return found


FIELDS = [(model, name) for model in all_models() for name in model.model_fields]


def toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_literal, value)) + "]"
    if isinstance(value, BaseModel) or value == {}:
        return "{}"  # a table of defaults
    return json.dumps(str(value))  # strings, enums, and values written as text (durations)


def documented_default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    return "unset" if value is None else f"`{toml_literal(value)}`"


def test_every_model_has_a_section() -> None:
    assert set(all_models()) == set(SECTION_OF)


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
def test_field_is_documented(model: type[BaseModel], name: str) -> None:
    rows = section(MANIFEST_DOC, SECTION_OF[model]).rows()
    assert name in rows, f"no '| `{name}` |' row under '{SECTION_OF[model]}'"
    cells = rows[name]
    assert len(cells) == 4, f"{name}: expected field | type | default | meaning, got {cells}"
    expected, default = documented_default(model.model_fields[name]), cells[2]
    assert default == expected or default.startswith(expected + " "), (name, default, expected)


@pytest.mark.parametrize("model", list(SECTION_OF), ids=lambda m: m.__name__)
def test_no_documented_field_is_unknown(model: type[BaseModel]) -> None:
    rows = section(MANIFEST_DOC, SECTION_OF[model]).rows()
    assert set(rows) <= set(model.model_fields), set(rows) - set(model.model_fields)


# -- manifest.md: examples --------------------------------------------------------------------

TOML_BLOCKS = [b for s in MANIFEST_DOC for b in s.blocks if b.lang == "toml"]
FULL_MANIFESTS = [b for b in TOML_BLOCKS if "schema_version" in b.text]


@pytest.mark.parametrize("block", TOML_BLOCKS, ids=lambda b: b.where)
def test_toml_example_parses(block: Block) -> None:
    tomllib.loads(block.text)


@pytest.mark.parametrize("block", FULL_MANIFESTS, ids=lambda b: b.where)
def test_full_manifest_example_validates(block: Block) -> None:
    parse_manifest(block.text, "docs/manifest.md")


def test_json_examples_parse() -> None:
    for block in (b for s in MANIFEST_DOC for b in s.blocks if b.lang == "json"):
        json.loads(block.text)


def test_complete_example_uses_every_field_and_audits_clean(tmp_path: Path) -> None:
    (block,) = (b for b in section(MANIFEST_DOC, "Complete example").blocks if b.lang == "toml")
    data = tomllib.loads(block.text)
    unset = {name for _, name in FIELDS} - set(keys_in(data))
    assert not unset, f"the complete example never sets {sorted(unset)}"
    assert {c["provider"] for c in data["capability"]} == {"aws", "http"}
    for schema in data["guard"]["input"]["tools"].values():  # the files it says sit beside it
        (tmp_path / schema).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / schema).write_text('{"type": "object"}', encoding="utf-8")
    manifest = tmp_path / "botwarden.toml"  # locked, as a bot with [deploy] should be
    manifest.write_text(block.text, encoding="utf-8")
    write_lock(parse_manifest(block.text, "botwarden.toml"), manifest, None)
    result = audit_text(block.text, tmp_path)
    assert result.findings == (), [f.rule for f in result.findings]


def keys_in(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from keys_in(value)
    elif isinstance(data, list):
        for item in data:
            yield from keys_in(item)


# -- iam.md -------------------------------------------------------------------------------------


def test_iam_companion_table_matches_generate() -> None:
    lines = section(IAM_DOC, "From a manifest").lines
    rows = [line.strip().strip("|").split("|") for line in lines if line.startswith("| `")]
    assert [row[-1].strip() for row in rows] == [companion.reason for companion in COMPANIONS]


IAM_COMMANDS = typer.main.get_command(cli.app).commands["iam"].commands  # type: ignore[attr-defined]
IAM_OPTIONS = [
    (name, param.opts + param.secondary_opts)
    for name, command in IAM_COMMANDS.items()
    for param in command.params
    if param.opts[0].startswith("-") and param.name != "help"
]


@pytest.mark.parametrize(
    ("command", "opts"), IAM_OPTIONS, ids=lambda v: v if isinstance(v, str) else v[0]
)
def test_iam_option_is_documented(command: str, opts: list[str]) -> None:
    """Every option of ``botwarden iam COMMAND`` is named (`--option`) in its section."""
    title = f"`botwarden iam {command}`"
    text = "\n".join(line for s in IAM_DOC if s.parent == title for line in s.lines)
    assert any(re.search(rf"`{re.escape(opt)}[ `]", text) for opt in opts), (
        f"iam.md: '## {title}' does not mention {' or '.join(opts)}"
    )


def test_iam_json_examples_parse() -> None:
    for block in (b for s in IAM_DOC for b in s.blocks if b.lang == "json"):
        json.loads(block.text)
