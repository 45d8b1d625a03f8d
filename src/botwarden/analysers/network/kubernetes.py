"""The ``kubernetes`` check of ``botwarden audit``: workloads' security settings, and whether a
NetworkPolicy restricts their egress.

Every workload in the bot's folder is taken to be the bot's (Pods, Deployments, StatefulSets,
DaemonSets, ReplicaSets, Jobs, CronJobs). NetworkPolicies are gathered from every manifest of the
folder first, so a policy in its own file counts. A policy restricts a workload's egress when it is
in the same namespace (an object without a namespace matches any: it goes wherever it is applied),
its ``podSelector`` selects the pod template's labels, its ``policyTypes`` include ``Egress``
(or, without ``policyTypes``, it has an ``egress`` section), and none of its egress rules allows
everything (``{}``, or a rule to ``0.0.0.0/0`` on every port).

Container settings follow Kubernetes' precedence: a container's ``securityContext`` overrides the
pod's for ``runAsUser`` and ``runAsNonRoot``; ``privileged``, ``allowPrivilegeEscalation`` and
``readOnlyRootFilesystem`` exist per container only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botwarden.analysers.network import rules
from botwarden.analysers.network.k8s_yaml import (
    Document,
    ManifestError,
    looks_like_kubernetes,
    read_documents,
)
from botwarden.analysers.network.openings import is_world
from botwarden.analysers.network.secretish import sighting
from botwarden.audit.target import Target
from botwarden.findings import Finding, Location, Rule, Severity
from botwarden.iam.jsonlines import Key

# kind -> key path of the pod template (metadata + spec) inside the object
TEMPLATES: dict[str, Key] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")


@dataclass(frozen=True, slots=True)
class Workload:
    document: Document
    path: str  # as shown in findings
    at: Key  # the pod template
    labels: dict[str, str]
    pod: dict[str, Any]  # the pod spec

    @property
    def label(self) -> str:
        return f"{self.document.kind} {self.document.name or '(unnamed)'}"

    def where(self, *path: str | int) -> Location:
        return Location(self.path, self.document.line_of(*self.at, *path))


class KubernetesAnalyser:
    """Reports bot workloads without an egress NetworkPolicy, privileged or root containers,
    host namespaces, writable root filesystems and secrets in plain env values."""

    name = rules.KUBERNETES
    rules: tuple[Rule, ...] = rules.K8S_RULES

    def analyse(self, target: Target) -> Iterator[Finding]:
        loaded: list[tuple[str, Document]] = []
        for path in target.files():
            text = target.read_text(path)
            if text is None or not looks_like_kubernetes(path.name, text):
                continue
            shown = target.relative(path)
            try:
                documents = read_documents(text)
            except ManifestError as exc:
                yield Finding.of(rules.K8S_INVALID, exc.reason, Location(shown, exc.line),
                                 key=f"{shown}:parse")  # fmt: skip
                continue
            loaded.extend((shown, document) for document in documents)
        policies = [doc for _, doc in loaded if doc.kind == "NetworkPolicy"]
        for shown, document in loaded:
            workload = as_workload(document, shown)
            if workload is not None:
                yield from _check(workload, policies, target)


def as_workload(document: Document, path: str) -> Workload | None:
    at = TEMPLATES.get(document.kind)
    if at is None:
        return None
    template: Any = document.data
    for key in at:
        template = template.get(key) if isinstance(template, dict) else None
    if not isinstance(template, dict) or not isinstance(template.get("spec"), dict):
        return None
    metadata = template.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    clean = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
    return Workload(document, path, at, clean, template["spec"])


def _check(workload: Workload, policies: list[Document], target: Target) -> Iterator[Finding]:
    if not any(restricts_egress(policy, workload) for policy in policies):
        yield Finding.of(
            rules.K8S_NO_EGRESS_POLICY,
            f"{workload.label}: no NetworkPolicy with policyTypes Egress selects its pods "
            f"({_labels(workload.labels)}), so it may connect anywhere",
            Location(workload.path, workload.document.line_of("kind")),
            key=workload.label,
        )
    for field in HOST_NAMESPACES:
        if workload.pod.get(field) is True:
            yield Finding.of(rules.K8S_HOST_NAMESPACE, f"{workload.label}: {field}: true",
                             workload.where("spec", field), key=f"{workload.label}:{field}",
                             evidence=f"{field}: true")  # fmt: skip
    pod_context = workload.pod.get("securityContext")
    pod_security = pod_context if isinstance(pod_context, dict) else {}
    for group in CONTAINER_LISTS:
        containers = workload.pod.get(group)
        for index, container in enumerate(containers if isinstance(containers, list) else []):
            if isinstance(container, dict):
                at = ("spec", group, index)
                yield from _container(workload, container, at, pod_security, target)


def _labels(labels: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"


def _container(
    workload: Workload, container: dict[str, Any], at: Key, pod: dict[str, Any], target: Target
) -> Iterator[Finding]:
    raw = container.get("securityContext")
    own = raw if isinstance(raw, dict) else {}
    name = str(container.get("name", at[-1]))
    label = f"{workload.label}, container {name}"
    key = f"{workload.label}:{name}"
    context_at = (*at, "securityContext")

    if own.get("privileged") is True:
        yield Finding.of(rules.K8S_PRIVILEGED, f"{label}: privileged: true",
                         workload.where(*context_at, "privileged"), key=key,
                         evidence="privileged: true")  # fmt: skip
    escalation = own.get("allowPrivilegeEscalation")
    if escalation is not False:
        said = "is true" if escalation is True else "is not set (it defaults to true)"
        where = (workload.where(*context_at, "allowPrivilegeEscalation")
                 if escalation is not None else workload.where(*at))  # fmt: skip
        message = f"{label}: allowPrivilegeEscalation {said}"
        yield Finding.of(rules.K8S_PRIVILEGE_ESCALATION, message, where, key=key)
    yield from _root(workload, own, pod, at=at, label=label, key=key)
    if own.get("readOnlyRootFilesystem") is not True:
        where = (workload.where(*context_at, "readOnlyRootFilesystem")
                 if "readOnlyRootFilesystem" in own else workload.where(*at))  # fmt: skip
        message = f"{label}: readOnlyRootFilesystem is not true"
        yield Finding.of(rules.K8S_WRITABLE_ROOT, message, where, key=key)
    yield from _env(workload, container, at, label, target)


def _root(
    workload: Workload, own: dict[str, Any], pod: dict[str, Any], *, at: Key, label: str, key: str
) -> Iterator[Finding]:
    """Container settings override the pod's; runAsUser 0 is worse than nothing said."""
    if "runAsUser" in own:
        user, user_at = own["runAsUser"], (*at, "securityContext", "runAsUser")
    else:
        user, user_at = pod.get("runAsUser"), ("spec", "securityContext", "runAsUser")
    non_root = own.get("runAsNonRoot", pod.get("runAsNonRoot"))
    if user == 0 and not isinstance(user, bool):
        yield Finding.of(rules.K8S_ROOT_USER, f"{label}: runAsUser: 0 runs it as root",
                         workload.where(*user_at), key=key, evidence="runAsUser: 0",
                         severity=Severity.HIGH)  # fmt: skip
    elif non_root is not True and not (isinstance(user, int) and not isinstance(user, bool)
                                       and user > 0):  # fmt: skip
        yield Finding.of(rules.K8S_ROOT_USER,
                         f"{label}: neither runAsNonRoot: true nor a non-zero runAsUser, so "
                         "the image decides, and most images run as root",
                         workload.where(*at), key=key)  # fmt: skip


def _env(
    workload: Workload, container: dict[str, Any], at: Key, label: str, target: Target
) -> Iterator[Finding]:
    entries = container.get("env")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str | int | float):
            continue
        name, value = str(entry.get("name", "")), str(entry["value"])
        seen = sighting(name, value, root=target.root, path=workload.path)
        if seen is not None:
            where = workload.where(*at, "env", index, "value")
            yield Finding.of(rules.K8S_SECRET_IN_ENV, f"{label}: env {name}: {seen.reason}",
                             where, key=f"{workload.label}:{seen.key}", evidence=seen.evidence,
                             severity=seen.severity)  # fmt: skip


# -- NetworkPolicy -----------------------------------------------------------------------------


def restricts_egress(policy: Document, workload: Workload) -> bool:
    """Does ``policy`` select the workload's pods and limit where they may connect?"""
    mine, theirs = workload.document.namespace, policy.namespace
    if mine is not None and theirs is not None and mine != theirs:
        return False
    spec = policy.data.get("spec")
    if not isinstance(spec, dict) or not selects(spec.get("podSelector"), workload.labels):
        return False
    types = spec.get("policyTypes")
    if isinstance(types, list):
        if "Egress" not in types:
            return False
    elif "egress" not in spec:
        return False
    egress = spec.get("egress")
    return not any(
        _allows_everything(rule) for rule in (egress if isinstance(egress, list) else [])
    )


def _allows_everything(rule: Any) -> bool:
    if not isinstance(rule, dict):
        return False
    if rule.get("ports"):
        return False
    peers = rule.get("to")
    if not peers:
        return True  # no 'to': every destination
    for peer in peers if isinstance(peers, list) else []:
        block = peer.get("ipBlock") if isinstance(peer, dict) else None
        if (
            isinstance(block, dict)
            and is_world(str(block.get("cidr", "")))
            and not block.get("except")
        ):
            return True
    return False


def selects(selector: Any, labels: dict[str, str]) -> bool:
    """A label selector (matchLabels and matchExpressions) against a pod's labels; ``{}`` or an
    absent selector selects every pod."""
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    match = selector.get("matchLabels")
    if isinstance(match, dict) and any(labels.get(str(k)) != str(v) for k, v in match.items()):
        return False
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else []:
        if not isinstance(expression, dict) or not _expression(expression, labels):
            return False
    return True


def _expression(expression: dict[str, Any], labels: dict[str, str]) -> bool:
    key, operator = str(expression.get("key", "")), expression.get("operator")
    raw = expression.get("values")
    values = {str(v) for v in raw} if isinstance(raw, list) else set()
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False
