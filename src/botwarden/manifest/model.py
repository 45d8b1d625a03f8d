"""The bot manifest (``botwarden.toml``) as a strict pydantic model.

Strict on purpose: a typo in a security manifest silently ignored is a permission silently granted,
so unknown keys, wrong types and impossible values are refused, never coerced.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)

from botwarden.findings import Location
from botwarden.manifest.egress import EgressEntry, parse_egress_entry
from botwarden.manifest.locate import Key, line_of
from botwarden.manifest.patterns import (
    SecretSource,
    check_action,
    check_arn,
    check_method,
    check_url_pattern,
    parse_secret_source,
)
from botwarden.manifest.units import (
    Duration,
    PerWindow,
    parse_byte_rate,
    parse_cost_rate,
    parse_request_rate,
)

SCHEMA_VERSION = 1


def _schema(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description})


# Values written as strings in TOML and parsed once into typed objects; serialised back as text.
_AS_TEXT = PlainSerializer(str, return_type=str)
DurationText = Annotated[
    Duration,
    PlainValidator(Duration.parse),
    _AS_TEXT,
    _schema(r"^(\s*\d+\s*[A-Za-z]+)+\s*$", "A duration such as '90s', '15m', '30d'."),
]
RequestRate = Annotated[
    PerWindow,
    PlainValidator(parse_request_rate),
    _AS_TEXT,
    _schema(r"^\d+\s*/\s*\S+$", "Requests per window, e.g. '100/minute'."),
]
ByteRate = Annotated[
    PerWindow,
    PlainValidator(parse_byte_rate),
    _AS_TEXT,
    _schema(r"^[\d.]+\s*[A-Za-z]+\s*/\s*\S+$", "Bytes per window, e.g. '50MB/day'."),
]
CostRate = Annotated[
    PerWindow,
    PlainValidator(parse_cost_rate),
    _AS_TEXT,
    _schema(r"^\s*\S+\s*/\s*\S+\s*$", "Cost per window, e.g. '5.00/day'."),
]
EgressText = Annotated[
    EgressEntry,
    PlainValidator(parse_egress_entry),
    _AS_TEXT,
    _schema(r"^\s*\S+\s*$", "'host', 'host:port', '*.suffix', an IP address or a CIDR range."),
]
SourceText = Annotated[
    SecretSource,
    PlainValidator(parse_secret_source),
    _AS_TEXT,
    _schema(r"^(local|env|file|vault|aws-sm):.+$", "Where the secret comes from: scheme:locator."),
]
Action = Annotated[str, AfterValidator(check_action)]
Arn = Annotated[str, AfterValidator(check_arn)]
Method = Annotated[str, BeforeValidator(lambda v: check_method(v) if isinstance(v, str) else v)]
UrlPattern = Annotated[str, AfterValidator(check_url_pattern)]
Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


class LocatedValueError(ValueError):
    """A cross-field error that knows which field it is about, so the loader can point at it."""

    def __init__(self, key: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.key = key


class Mode(StrEnum):
    """``report`` lets a rule allow what it would deny, and say so: for rolling out safely."""

    ENFORCE = "enforce"
    REPORT = "report"


# TOML gives strings; strict mode would demand Mode instances, so enums validate by value.
ModeValue = Annotated[Mode, Field(strict=False)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Ruled(_Section):
    mode: ModeValue | None = Field(
        default=None, description="enforce or report; unset means the bot's mode."
    )


class Bot(_Section):
    name: Name = Field(description="Identity of the bot: lowercase letters, digits, - and _.")
    owner: str = Field(min_length=1, description="Team or person answerable for the bot.")
    description: str = ""
    environment: Literal["production", "staging", "development"] = "production"
    llm: bool = Field(default=False, description="The bot passes text to a language model.")
    mode: ModeValue = Mode.ENFORCE
    on_store_error: Literal["deny", "allow"] = Field(
        default="deny",
        description="When the state store cannot be reached: refuse requests, or allow them.",
    )


class Egress(_Ruled):
    allow: list[EgressText] = Field(default_factory=list)


class AwsCapability(_Ruled):
    provider: Literal["aws"]
    name: Name | None = None
    actions: list[Action] = Field(min_length=1)
    resources: list[Arn] = Field(min_length=1)
    conditions: dict[str, dict[str, str | int | bool | list[str]]] = Field(default_factory=dict)


class HttpCapability(_Ruled):
    provider: Literal["http"]
    name: Name | None = None
    methods: list[Method] = Field(min_length=1)
    urls: list[UrlPattern] = Field(min_length=1)


Capability = Annotated[AwsCapability | HttpCapability, Field(discriminator="provider")]


class Secret(_Section):
    source: SourceText
    max_age: DurationText | None = None
    created: dt.date | None = Field(default=None, description="When the current value was issued.")


class Budget(_Ruled):
    requests: RequestRate | None = None
    bytes: ByteRate | None = None
    cost: CostRate | None = None
    cost_per_request: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    cost_per_mb: float = Field(default=0.0, ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _needs_a_limit(self) -> Budget:
        if self.requests is None and self.bytes is None and self.cost is None:
            raise ValueError("a budget needs at least one of 'requests', 'bytes' or 'cost'")
        if self.cost is not None and not (self.cost_per_request or self.cost_per_mb):
            raise ValueError("'cost' needs 'cost_per_request' or 'cost_per_mb' to count against")
        return self


class Breaker(_Ruled):
    trip_after_status: list[Annotated[int, Field(ge=100, le=599)]] = Field(
        default_factory=lambda: [429, 401, 403], min_length=1
    )
    threshold: int = Field(default=5, ge=1)
    cool_down: DurationText = Field(default_factory=lambda: Duration.parse("15m"))
    scope: Literal["host", "bot"] = "host"
    count_connection_errors: bool = True


def _check_tool_name(key: str) -> str:
    if not _TOOL_NAME.match(key):
        raise ValueError(
            f"{key!r} is not a tool name: use ASCII letters, digits, '_', '-' and '.', "
            "up to 64 characters"
        )
    return key


_TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_SCRIPT_NAME = re.compile(r"^[A-Za-z][A-Za-z_]{1,40}$")


def _check_scripts(names: list[str]) -> list[str]:
    import regex  # only for manifests that limit scripts

    for name in names:
        try:
            known = bool(_SCRIPT_NAME.match(name)) and bool(regex.compile(f"\\p{{sc={name}}}"))
        except regex.error:
            known = False
        if not known:
            raise ValueError(f"{name!r} is not a Unicode script name (Latin, Cyrillic, Han...)")
    return names


class InputGuard(_Ruled):
    max_chars: int = Field(default=20000, ge=1, description="Longest text accepted, in characters.")
    prompt_injection: Literal["block", "flag", "off"] = "block"
    threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Injection score at or above which text is an injection; unset: the "
        "detector's own threshold for each kind of text.",
    )
    scripts: Annotated[list[str], AfterValidator(_check_scripts)] | None = Field(
        default=None,
        description="Unicode scripts allowed (e.g. ['Latin', 'Greek']); unset: any. Common "
        "and inherited characters (digits, punctuation, accents) are always allowed.",
    )
    tools: dict[Annotated[str, AfterValidator(_check_tool_name)], str] = Field(
        default_factory=dict,
        description="Tool name -> JSON Schema file for its arguments, relative to the manifest.",
    )


Redaction = Literal["secrets", "pii"]
_ALL_REDACTIONS: tuple[Redaction, ...] = ("secrets", "pii")


class OutputGuard(_Ruled):
    html: Literal["sanitize", "escape", "off"] = "sanitize"
    links: Literal["egress-only", "any", "none"] = "egress-only"
    redact: list[Redaction] = Field(default_factory=lambda: list(_ALL_REDACTIONS))


class Guards(_Section):
    input: InputGuard | None = None
    output: OutputGuard | None = None


def _check_deploy_pattern(pattern: str) -> str:
    """A glob relative to the manifest's folder that cannot reach outside it."""
    parts = pattern.split("/")
    if not pattern.strip():
        raise ValueError("must not be an empty string")
    if "\\" in pattern:
        raise ValueError(f"{pattern!r} is not a path pattern: use '/' between folders")
    if pattern.startswith("/") or re.match(r"^[A-Za-z]:", pattern):
        raise ValueError(f"{pattern!r} is absolute: write it relative to the manifest's folder")
    if ".." in parts or "" in parts[:-1]:
        raise ValueError(f"{pattern!r} must stay inside the manifest's folder (no '..' or '//')")
    return pattern


DeployPattern = Annotated[str, AfterValidator(_check_deploy_pattern)]


class Deploy(_Section):
    files: list[DeployPattern] = Field(
        default_factory=list,
        description="Deployed configuration (policies, settings, Dockerfile, lock files, "
        "Terraform, Kubernetes manifests): globs relative to the manifest, '**' for any depth. "
        "'botwarden lock' records them; 'botwarden drift' reports what changed since.",
    )


def _check_budget_key(key: str) -> str:
    if key == "total" or key.startswith("capability:"):
        return key
    entry: EgressEntry = parse_egress_entry(key)
    return entry.text


_SECRET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _check_secret_name(key: str) -> str:
    if not _SECRET_NAME.match(key):
        raise ValueError(
            f"{key!r} is not a secret name: use ASCII letters, digits, '_' and '-', "
            "starting with a letter or '_'"
        )
    return key


class Manifest(_Section):
    """A parsed, validated ``botwarden.toml``. Build it with :func:`botwarden.load_manifest`."""

    schema_version: Literal[1] = Field(description="Version of this schema; currently 1.")
    bot: Bot
    egress: Egress = Field(default_factory=Egress)
    capability: list[Capability] = Field(default_factory=list)
    secret: dict[Annotated[str, AfterValidator(_check_secret_name)], Secret] = Field(
        default_factory=dict
    )
    budget: dict[Annotated[str, AfterValidator(_check_budget_key)], Budget] = Field(
        default_factory=dict
    )
    breaker: Breaker | None = None
    guard: Guards = Field(default_factory=Guards)
    deploy: Deploy = Field(default_factory=Deploy)

    _path: str = PrivateAttr(default="botwarden.toml")
    _lines: dict[Key, int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_references(self) -> Manifest:
        first_use: dict[str, int] = {}
        for index, cap in enumerate(self.capability):
            if cap.name is None:
                continue
            if cap.name in first_use:
                raise LocatedValueError(
                    ("capability", index, "name"),
                    f"{cap.name!r} is already the name of capability[{first_use[cap.name]}]",
                )
            first_use[cap.name] = index
        for key in self.budget:
            if key.startswith("capability:") and key.split(":", 1)[1] not in first_use:
                known = ", ".join(first_use) or "none has a name"
                raise LocatedValueError(("budget", key), f"names no capability (known: {known})")
        return self

    # -- where things are ------------------------------------------------------------------
    def attach_source(self, path: str, lines: dict[Key, int]) -> None:
        self._path, self._lines = path, lines

    @property
    def path(self) -> str:
        return self._path

    def locate(self, *key: str | int, path: str | None = None) -> Location:
        """The file and line of a field, e.g. ``locate("egress", "allow", 2)``."""
        return Location(path or self._path, line_of(self._lines, key))

    @property
    def egress_entries(self) -> list[EgressEntry]:
        return self.egress.allow


__all__ = [
    "SCHEMA_VERSION",
    "AwsCapability",
    "Bot",
    "Breaker",
    "Budget",
    "Capability",
    "Deploy",
    "Egress",
    "Guards",
    "HttpCapability",
    "InputGuard",
    "Manifest",
    "Mode",
    "OutputGuard",
    "Secret",
]
