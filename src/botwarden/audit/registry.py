"""The analysers ``botwarden audit`` runs, by name."""

from __future__ import annotations

from collections.abc import Iterable

from botwarden.audit.interface import Analyser
from botwarden.errors import UsageError


def default_analysers() -> list[Analyser]:
    from botwarden.analysers.manifest_hygiene import ManifestAnalyser
    from botwarden.analysers.network.analyser import NetworkAnalyser
    from botwarden.analysers.network.container import ContainerAnalyser
    from botwarden.analysers.network.kubernetes import KubernetesAnalyser
    from botwarden.deps.analyser import DependenciesAnalyser
    from botwarden.drift.analyser import DriftAnalyser
    from botwarden.iam.analyser import PermissionsAnalyser
    from botwarden.secrets.scan.analyser import SecretsAnalyser

    return [ManifestAnalyser(), PermissionsAnalyser(), SecretsAnalyser(), DriftAnalyser(),
            NetworkAnalyser(), KubernetesAnalyser(), ContainerAnalyser(),
            DependenciesAnalyser()]  # fmt: skip


def select_analysers(analysers: list[Analyser], only: Iterable[str] | None) -> list[Analyser]:
    """Keep the analysers named in ``only`` (all when None); unknown names are a usage error."""
    if only is None:
        return analysers
    wanted = [name.strip() for name in only if name.strip()]
    known = {analyser.name for analyser in analysers}
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        raise UsageError(
            f"unknown check {', '.join(map(repr, unknown)) or '(none given)'}: "
            f"choose from {', '.join(sorted(known))}"
        )
    return [analyser for analyser in analysers if analyser.name in wanted]
