"""Package registries and artifact stores: a leaked publish token is a supply-chain attack."""

from __future__ import annotations

from botwarden.findings import Severity
from botwarden.secrets.rules._build import HEX, contextual, prefixed
from botwarden.secrets.rules.validators import crc32_base62

_T = ("registry",)
_PYPI = "https://pypi.org/help/#apitoken"

RULES = (
    prefixed(
        "npm-access-token",
        "npm access token",
        "npm_[A-Za-z0-9]{36}",
        keywords=("npm_",),
        tags=_T,
        severity=Severity.CRITICAL,
        validate=crc32_base62,
        reference="https://github.blog/2021-09-23-announcing-npms-new-access-token-format/",
    ),
    prefixed(
        "pypi-upload-token",
        "PyPI API token",
        "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}",
        keywords=("pypi-ageichlwas5vcmc",),
        tags=_T,
        severity=Severity.CRITICAL,
        reference=_PYPI,
    ),
    prefixed(
        "testpypi-upload-token",
        "TestPyPI API token",
        "pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,1000}",
        keywords=("pypi-agendgvzdc5wexbplm9yzw",),
        tags=_T,
        severity=Severity.MEDIUM,
        reference=_PYPI,
    ),
    prefixed(
        "rubygems-api-key",
        "RubyGems API key",
        "rubygems_[a-f0-9]{48}",
        keywords=("rubygems_",),
        tags=_T,
        severity=Severity.CRITICAL,
        entropy=HEX,
        reference="https://guides.rubygems.org/api-key-scopes/",
    ),
    prefixed(
        "nuget-api-key",
        "NuGet API key",
        "oy2[a-z0-9]{43}",
        keywords=("oy2",),
        tags=_T,
        severity=Severity.CRITICAL,
        reference="https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys",
    ),
    prefixed(
        "dockerhub-pat",
        "Docker Hub personal access token",
        "dckr_pat_[A-Za-z0-9_-]{27}",
        keywords=("dckr_pat_",),
        tags=_T,
        reference="https://docs.docker.com/security/for-developers/access-tokens/",
    ),
    prefixed(
        "dockerhub-org-token",
        "Docker Hub organization access token",
        "dckr_oat_[A-Za-z0-9_-]{32}",
        keywords=("dckr_oat_",),
        tags=_T,
        reference="https://docs.docker.com/security/for-admins/access-tokens/",
    ),
    prefixed(
        "crates-io-token",
        "crates.io API token",
        "cio[A-Za-z0-9]{32}",
        keywords=("cio",),
        tags=_T,
        reference="https://doc.rust-lang.org/cargo/reference/registry-authentication.html",
    ),
    prefixed(
        "packagist-token",
        "Packagist API token",
        "packagist_[ou][ru]t_[a-f0-9]{68}",
        keywords=("packagist_",),
        tags=_T,
        entropy=HEX,
        reference="https://packagist.com/docs/authentication",
    ),
    prefixed(
        "artifactory-api-key",
        "JFrog Artifactory API key",
        "AKCp[A-Za-z0-9]{69}",
        keywords=("akcp",),
        tags=_T,
        reference="https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key",
    ),
    prefixed(
        "artifactory-reference-token",
        "JFrog Artifactory reference token",
        "cmVmdGtu[A-Za-z0-9]{56}",
        keywords=("cmvmdgtu",),
        tags=_T,
        reference="https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens",
    ),
    prefixed(
        "clojars-token",
        "Clojars deploy token",
        "CLOJARS_[a-z0-9]{60}",
        keywords=("clojars_",),
        tags=_T,
        reference="https://github.com/clojars/clojars-web/wiki/Deploy-Tokens",
    ),
    contextual(
        "snyk-api-token",
        "Snyk API token",
        "snyk",
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        keywords=("snyk",),
        tags=_T,
        entropy=HEX,
        reference="https://docs.snyk.io/snyk-api/authentication-for-api",
    ),
    contextual(
        "cloudsmith-api-key",
        "Cloudsmith API key",
        "cloudsmith",
        "[a-f0-9]{40}",
        keywords=("cloudsmith",),
        tags=_T,
        entropy=HEX,
        reference="https://help.cloudsmith.io/docs/api-keys",
    ),
)
