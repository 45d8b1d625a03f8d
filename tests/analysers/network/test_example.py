"""bibliobot's deployment mistakes are reported by the network, kubernetes and container checks."""

from __future__ import annotations

from pathlib import Path

from botwarden.audit.runner import audit

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "bibliobot"
TOKEN_HEAD = "OQPWpxTuyoLa2ER9"  # the start of the example's baked-in token


def test_example_deploy_mistakes_are_reported() -> None:
    result = audit(EXAMPLE, only=["network", "kubernetes", "container"])
    found = {(f.rule, f.location.path, f.location.line) for f in result.findings}
    assert found == {
        ("network.sg-open-ingress", "deploy/terraform/main.tf", 33),
        ("network.sg-open-egress", "deploy/terraform/main.tf", 40),
        ("k8s.no-egress-policy", "deploy/k8s/deployment.yaml", 4),
        ("k8s.host-namespace", "deploy/k8s/deployment.yaml", 20),
        ("k8s.secret-in-env", "deploy/k8s/deployment.yaml", 28),
        ("k8s.privileged", "deploy/k8s/deployment.yaml", 35),
        ("k8s.root-user", "deploy/k8s/deployment.yaml", 36),
        ("k8s.privilege-escalation", "deploy/k8s/deployment.yaml", 37),
        ("k8s.writable-root-fs", "deploy/k8s/deployment.yaml", 22),
        ("docker.latest-tag", "deploy/Dockerfile", 5),
        ("docker.secret-in-env", "deploy/Dockerfile", 10),
        ("docker.curl-pipe-shell", "deploy/Dockerfile", 13),
        ("docker.root-user", "deploy/Dockerfile", 5),
        ("docker.no-healthcheck", "deploy/Dockerfile", 5),
    }
    for finding in result.findings:
        assert TOKEN_HEAD not in finding.message + finding.evidence
    categories = {f.rule.split(".")[0]: f.category for f in result.findings}
    assert categories == {"network": "network", "k8s": "kubernetes", "docker": "container"}
