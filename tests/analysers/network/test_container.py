"""The container check on Dockerfiles: each rule on a sound image changed one way at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.analysers.network.helpers import run, triples, write

from botwarden.analysers.network.container import ContainerAnalyser, is_dockerfile

KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"  # a Stripe key shape, built, not written
SOUND = """\
FROM python:3.12-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RUN useradd --uid 10001 bot
COPY bot/ /app/bot/
USER 10001
HEALTHCHECK CMD python -m bot --health
CMD ["python", "-m", "bot"]
"""

CASES = [
    ("sound", SOUND, set()),
    ("latest", SOUND.replace(SOUND.splitlines()[0], "FROM python:latest"),
     {("docker.latest-tag", "medium", 1)}),
    ("no-tag", SOUND.replace(SOUND.splitlines()[0], "FROM --platform=linux/amd64 python AS app"),
     {("docker.latest-tag", "medium", 1)}),
    ("registry-port-no-tag", SOUND.replace(SOUND.splitlines()[0], "FROM reg.example:5000/team/py"),
     {("docker.latest-tag", "medium", 1)}),
    ("version-tag", SOUND.replace(SOUND.splitlines()[0], "FROM reg.example:5000/py:3.12"), set()),
    ("digest-without-tag", SOUND.replace(SOUND.splitlines()[0], "FROM python@sha256:" + "a" * 64),
     set()),
    ("arg-resolved", "ARG BASE=python\n" + SOUND.replace(SOUND.splitlines()[0], "FROM ${BASE}"),
     {("docker.latest-tag", "medium", 2)}),
    ("arg-unresolved", SOUND.replace(SOUND.splitlines()[0], "FROM $BASE"), set()),
    ("scratch", "FROM scratch\nCOPY app /app\nUSER 1000\nHEALTHCHECK CMD [\"/app\", \"-h\"]\n",
     set()),
    ("stage-names", "FROM golang:1.22 AS build\nRUN go build\nFROM build AS test\n"
     "FROM gcr.io/distroless/static:nonroot\nUSER nonroot\nHEALTHCHECK CMD [\"/app\"]\n", set()),
    ("no-user", SOUND.replace("USER 10001\n", ""), {("docker.root-user", "medium", 1)}),
    ("user-root", SOUND.replace("USER 10001", "USER root:root"), {("docker.root-user", "high", 4)}),
    ("user-zero-last", SOUND.replace("USER 10001", "USER 10001\nUSER 0"),
     {("docker.root-user", "high", 5)}),
    ("user-in-earlier-stage-only", "FROM python:3.12 AS build\nUSER 1000\n"
     "FROM python:3.12\nHEALTHCHECK CMD true\n", {("docker.root-user", "medium", 3)}),
    ("user-inherited-from-stage", "FROM python:3.12 AS base\nUSER 1000\nHEALTHCHECK CMD true\n"
     "FROM base\nCMD run\n", set()),
    ("no-healthcheck", SOUND.replace("HEALTHCHECK CMD python -m bot --health\n", ""),
     {("docker.no-healthcheck", "low", 1)}),
    ("healthcheck-none", SOUND.replace("CMD python -m bot --health", "NONE"),
     {("docker.no-healthcheck", "low", 5)}),
    ("env-secret-format", SOUND + f"ENV STRIPE={KEY}\n", {("docker.secret-in-env", "critical", 7)}),
    ("env-secret-name", SOUND + "ENV DB_PASSWORD=hunter2hunter2 LOG=info\n",
     {("docker.secret-in-env", "medium", 7)}),
    ("env-legacy-form", SOUND + "ENV DB_PASSWORD hunter2hunter2\n",
     {("docker.secret-in-env", "medium", 7)}),
    ("env-reference", SOUND + "ENV API_TOKEN=${API_TOKEN} TOKEN_FILE=/run/secrets/t\n", set()),
    ("arg-secret-name", SOUND + "ARG NPM_TOKEN\n", {("docker.secret-in-env", "low", 7)}),
    ("arg-secret-default", SOUND + "ARG NPM_TOKEN=npm_live_value_1234\n",
     {("docker.secret-in-env", "high", 7)}),  # the scanner's generic token rule
    ("arg-harmless", SOUND + "ARG VERSION=1.2.3\n", set()),
    ("add-url", SOUND + "ADD https://example.com/tool.tgz /opt/\n",
     {("docker.add-url", "medium", 7)}),
    ("add-url-checksum", SOUND + "ADD --checksum=sha256:" + "b" * 64
     + " https://example.com/tool.tgz /opt/\n", set()),
    ("add-local", SOUND + "ADD app.tgz /opt/\n", set()),
    ("curl-pipe", SOUND + "RUN curl -fsSL https://get.example.com | sh\n",
     {("docker.curl-pipe-shell", "high", 7)}),
    ("wget-pipe-sudo-bash", SOUND + "RUN wget -qO- https://x.example | sudo -E bash -s --\n",
     {("docker.curl-pipe-shell", "high", 7)}),
    ("curl-continued", SOUND + "RUN apt-get update && \\\n    curl -sL https://x.example/i \\\n"
     "    | bash\n", {("docker.curl-pipe-shell", "high", 7)}),
    ("sh-c-curl", SOUND + 'RUN sh -c "$(curl -fsSL https://x.example/i.sh)"\n',
     {("docker.curl-pipe-shell", "high", 7)}),
    ("curl-heredoc", SOUND + "RUN <<EOF\nset -e\ncurl -sL https://x.example/i | sh\nEOF\n",
     {("docker.curl-pipe-shell", "high", 9)}),
    ("curl-to-file", SOUND + "RUN curl -fsSLo /tmp/i.sh https://x.example/i.sh && "
     "sha256sum -c sums && sh /tmp/i.sh\n", set()),
    ("curl-grep", SOUND + "RUN curl -s https://x.example | grep -q ok\n", set()),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rules(tmp_path: Path, text: str, expected: set[tuple[str, str, int]]) -> None:
    write(tmp_path, {"Dockerfile": text})
    assert triples(run(ContainerAnalyser(), tmp_path)) == expected


@pytest.mark.parametrize(
    ("name", "is_one"),
    [("Dockerfile", True), ("dockerfile", True), ("Containerfile", True), ("api.Dockerfile", True),
     ("Dockerfile.prod", True), ("Dockerfile.dockerignore", False), ("Dockerfile.md", False),
     ("docker-compose.yml", False), ("Dockerfiles", False)],
)  # fmt: skip
def test_which_files(name: str, is_one: bool) -> None:
    assert is_dockerfile(name) is is_one


def test_secret_is_redacted(tmp_path: Path) -> None:
    write(tmp_path, {"deploy/Dockerfile": SOUND + f"ENV STRIPE={KEY}\n"})
    (finding,) = run(ContainerAnalyser(), tmp_path)
    assert finding.location.path == "deploy/Dockerfile"
    for text in (finding.message, finding.evidence, finding.fingerprint):
        assert KEY not in text and KEY[4:20] not in text


def test_escape_directive(tmp_path: Path) -> None:
    text = ("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            "RUN curl.exe -s https://x.example/i `\n  | sh\nUSER ContainerUser\n"
            "HEALTHCHECK CMD ping\n")  # fmt: skip
    write(tmp_path, {"win.Dockerfile": text})
    assert triples(run(ContainerAnalyser(), tmp_path)) == {("docker.curl-pipe-shell", "high", 3)}
