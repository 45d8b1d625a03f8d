"""The kubernetes check: each setting it reports, on a hardened workload changed one way at a
time, and the NetworkPolicy matching that decides whether egress is restricted."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.analysers.network.helpers import run, triples, write

from botwarden.analysers.network.kubernetes import KubernetesAnalyser

KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"  # a Stripe key shape, built, not written


def deployment(**changes: object) -> dict[str, object]:
    container: dict[str, object] = {
        "name": "bot", "image": "registry.example.com/bot:1.2.3",
        "env": [{"name": "LOG_LEVEL", "value": "info"},
                {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "runAsNonRoot": True, "runAsUser": 10001},
    }  # fmt: skip
    pod: dict[str, object] = {"containers": [container]}
    for key, value in changes.items():
        if key.startswith("c_"):
            context = container["securityContext"]
            assert isinstance(context, dict)
            if value is None:
                context.pop(key[2:], None)
            else:
                context[key[2:]] = value
        elif key == "env":
            container["env"] = value
        else:
            pod[key] = value
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "bot", "namespace": "bots"},
            "spec": {"selector": {"matchLabels": {"app": "bot"}},
                     "template": {"metadata": {"labels": {"app": "bot", "tier": "worker"}},
                                  "spec": pod}}}  # fmt: skip


def policy(namespace: str | None = "bots", **spec: object) -> dict[str, object]:
    body: dict[str, object] = {"podSelector": {"matchLabels": {"app": "bot"}},
                               "policyTypes": ["Egress"],
                               "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}],
                                           "ports": [{"port": 3128}]}]}  # fmt: skip
    body.update(spec)
    metadata: dict[str, object] = {"name": "egress"}
    if namespace is not None:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata,
        "spec": body,
    }


def stream(*documents: dict[str, object]) -> str:
    return yaml.safe_dump_all(documents, sort_keys=False)


def rules_of(tmp_path: Path, *documents: dict[str, object]) -> set[str]:
    write(tmp_path, {"k8s/app.yaml": stream(*documents)})
    return {f.rule for f in run(KubernetesAnalyser(), tmp_path)}


SETTINGS = [
    ("hardened", {}, set()),
    ("privileged", {"c_privileged": True}, {"k8s.privileged"}),
    ("escalation-unset", {"c_allowPrivilegeEscalation": None}, {"k8s.privilege-escalation"}),
    ("escalation-true", {"c_allowPrivilegeEscalation": True}, {"k8s.privilege-escalation"}),
    ("root-uid", {"c_runAsUser": 0}, {"k8s.root-user"}),
    ("nothing-says-non-root", {"c_runAsNonRoot": None, "c_runAsUser": None}, {"k8s.root-user"}),
    ("uid-alone-is-enough", {"c_runAsNonRoot": None}, set()),
    ("pod-level-non-root", {"c_runAsNonRoot": None, "c_runAsUser": None,
                            "securityContext": {"runAsNonRoot": True}}, set()),
    ("container-overrides-pod", {"c_runAsNonRoot": False, "c_runAsUser": None,
                                 "securityContext": {"runAsNonRoot": True}}, {"k8s.root-user"}),
    ("pod-root-uid", {"c_runAsUser": None, "c_runAsNonRoot": None,
                      "securityContext": {"runAsUser": 0}}, {"k8s.root-user"}),
    ("host-network", {"hostNetwork": True}, {"k8s.host-namespace"}),
    ("host-pid", {"hostPID": True}, {"k8s.host-namespace"}),
    ("host-ipc-false", {"hostIPC": False}, set()),
    ("writable-root", {"c_readOnlyRootFilesystem": None}, {"k8s.writable-root-fs"}),
    ("secret-by-format", {"env": [{"name": "GH", "value": KEY}]}, {"k8s.secret-in-env"}),
    ("secret-by-name", {"env": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]},
     {"k8s.secret-in-env"}),
    ("placeholder-value", {"env": [{"name": "DB_PASSWORD", "value": "$(PASSWORD)"}]}, set()),
    ("reference-name", {"env": [{"name": "TOKEN_FILE", "value": "/run/secrets/token"}]}, set()),
    ("harmless-env", {"env": [{"name": "MONKEY_COUNT", "value": "12345678"}]}, set()),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in SETTINGS],
                         ids=[c[0] for c in SETTINGS])  # fmt: skip
def test_settings(tmp_path: Path, changes: dict[str, object], expected: set[str]) -> None:
    assert rules_of(tmp_path, deployment(**changes), policy()) == expected


POLICIES = [
    ("same-namespace", policy(), False),
    ("policy-without-namespace", policy(None), False),
    ("other-namespace", policy("elsewhere"), True),
    ("ingress-only", policy(policyTypes=["Ingress"]), True),
    ("no-policy-types-but-egress", {**policy(), "spec": {
        "podSelector": {}, "egress": [{"to": [{"podSelector": {}}]}]}}, False),
    ("no-policy-types-no-egress", {**policy(), "spec": {"podSelector": {}}}, True),
    ("allow-all-rule", policy(egress=[{}]), True),
    ("allow-world-any-port", policy(egress=[{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]), True),
    ("world-with-except", policy(egress=[{"to": [{"ipBlock": {
        "cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}]}]), False),
    ("deny-all-egress", policy(egress=[]), False),
    ("other-labels", policy(podSelector={"matchLabels": {"app": "web"}}), True),
    ("empty-selector", policy(podSelector={}), False),
    ("expression-in", policy(podSelector={"matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["worker", "batch"]}]}), False),
    ("expression-notin", policy(podSelector={"matchExpressions": [
        {"key": "tier", "operator": "NotIn", "values": ["worker"]}]}), True),
    ("expression-exists", policy(podSelector={"matchExpressions": [
        {"key": "app", "operator": "Exists"}]}), False),
    ("expression-does-not-exist", policy(podSelector={"matchExpressions": [
        {"key": "app", "operator": "DoesNotExist"}]}), True),
]  # fmt: skip


@pytest.mark.parametrize(("network_policy", "reported"), [c[1:] for c in POLICIES],
                         ids=[c[0] for c in POLICIES])  # fmt: skip
def test_egress_policy(tmp_path: Path, network_policy: dict[str, object], reported: bool) -> None:
    found = rules_of(tmp_path, deployment(), network_policy)
    assert ("k8s.no-egress-policy" in found) is reported


def test_policy_in_another_file_counts(tmp_path: Path) -> None:
    write(tmp_path, {"app.yaml": stream(deployment()), "net/policy.yml": stream(policy())})
    assert run(KubernetesAnalyser(), tmp_path) == []


CRON_JOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: bot:1
              securityContext:
                privileged: true
"""
POD_LIST = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: one
    spec:
      hostPID: true
      containers:
        - name: c
          image: bot:1
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CRON_JOB, {("k8s.no-egress-policy", "high", 2), ("k8s.privileged", "critical", 15),
                    ("k8s.privilege-escalation", "medium", 12), ("k8s.root-user", "medium", 12),
                    ("k8s.writable-root-fs", "low", 12)}),
        (POD_LIST, {("k8s.no-egress-policy", "high", 5), ("k8s.host-namespace", "high", 9),
                    ("k8s.privilege-escalation", "medium", 11), ("k8s.root-user", "medium", 11),
                    ("k8s.writable-root-fs", "low", 11)}),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n", set()),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: [\n",
         {("k8s.invalid-manifest", "medium", 7)}),
        ("apiVersion: v1\nkind: Pod\nspec:\n  hostPID: {{ .Values.pid }}\n", set()),  # Helm
        ("name: not kubernetes\nitems: [\n", set()),
        ("apiVersion: v1\nkind: Pod\nspec:\n  a: \x0e\n",  # a control character: no line
         {("k8s.invalid-manifest", "medium", None)}),
    ],
    ids=["cronjob", "list", "configmap", "invalid", "helm-template", "other-yaml", "control"],
)  # fmt: skip
def test_kinds_and_lines(tmp_path: Path, text: str, expected: set[tuple[str, str, int]]) -> None:
    write(tmp_path, {"deploy.yaml": text})
    assert triples(run(KubernetesAnalyser(), tmp_path)) == expected


def test_secret_is_redacted(tmp_path: Path) -> None:
    write(tmp_path, {"pod.yaml": stream(deployment(env=[{"name": "GH", "value": KEY}]))})
    (finding,) = [f for f in run(KubernetesAnalyser(), tmp_path) if f.rule == "k8s.secret-in-env"]
    assert finding.severity.value in ("high", "critical")
    for text in (finding.message, finding.evidence, finding.fingerprint, finding.remediation):
        assert KEY not in text and KEY[4:20] not in text
    assert finding.evidence == f"GH={KEY[:4]}…{KEY[-2:]}"


def test_bad_file_does_not_stop_the_scan(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": "apiVersion: v1\nkind: Pod\nspec: [\n",
                     "b.yaml": stream(deployment(hostNetwork=True), policy())})  # fmt: skip
    found = {(f.rule, f.location.path) for f in run(KubernetesAnalyser(), tmp_path)}
    assert found == {("k8s.invalid-manifest", "a.yaml"), ("k8s.host-namespace", "b.yaml")}
