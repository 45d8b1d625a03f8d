"""The network and container settings rules: ids, severities and remediation, registered once.

Three checks own them: ``network`` (Terraform security groups and NACLs, ``network.*``),
``kubernetes`` (workload manifests and NetworkPolicies, ``k8s.*``) and ``container``
(Dockerfiles, ``docker.*``). Several rules rate single findings above or below their default
severity (an ingress rule open on every port is worse than one open on 443); docs/rules.md says
which.
"""

from __future__ import annotations

from botwarden.findings import Rule, Severity

NETWORK, KUBERNETES, CONTAINER = "network", "kubernetes", "container"


def _r(rule_id: str, severity: Severity, title: str, remediation: str, description: str) -> Rule:
    category = {"network": NETWORK, "k8s": KUBERNETES, "docker": CONTAINER}[
        rule_id.split(".", 1)[0]
    ]
    return Rule(rule_id, severity, title, remediation, description, category=category)


# -- network: Terraform ----------------------------------------------------------------------

SG_OPEN_INGRESS = _r("network.sg-open-ingress", Severity.HIGH,
    "Security group open to the internet",
    "Allow only the addresses that must connect (a load balancer's security group, a VPN "
    "range); a bot rarely needs inbound traffic at all.",
    "A security group admits traffic from 0.0.0.0/0 or ::/0: critical on every port, high on "
    "administration and database ports, medium on other ports, low on 80 and 443.")  # fmt: skip
SG_OPEN_EGRESS = _r("network.sg-open-egress", Severity.HIGH,
    "Security group egress wider than the manifest's allow-list",
    "Limit egress to the ports the manifest allows (usually 443) and send the bot's traffic "
    "through the botwarden egress proxy, which enforces the host names.",
    "A security group lets the bot reach 0.0.0.0/0 or ::/0 on every port or on ports the "
    "manifest never allows; on the allowed ports only, it is reported low, since host names "
    "cannot be written as CIDR ranges.")  # fmt: skip
NACL_OPEN_INGRESS = _r("network.nacl-open-ingress", Severity.MEDIUM,
    "Network ACL allows inbound traffic from the internet",
    "Allow inbound traffic only on the ports and from the ranges that need it; keep the "
    "ephemeral ports for return traffic.",
    "A network ACL allow rule admits 0.0.0.0/0 or ::/0 inbound; rated like security group "
    "ingress, one step lower since a security group still filters.")  # fmt: skip
NACL_OPEN_EGRESS = _r("network.nacl-open-egress", Severity.MEDIUM,
    "Network ACL egress wider than the manifest's allow-list",
    "Allow outbound traffic on the manifest's ports (and ephemeral ports for return "
    "traffic) only.",
    "A network ACL allow rule lets traffic out to 0.0.0.0/0 or ::/0 on every port or on "
    "ports the manifest never allows.")  # fmt: skip
NETWORK_INVALID = _r("network.invalid-file", Severity.MEDIUM, "A Terraform file cannot be read",
    "Fix the syntax error: 'terraform validate' reports the same problem.",
    "A .tf, .tf.json or plan file is not valid HCL or JSON, so its network settings were not "
    "checked.")  # fmt: skip

NETWORK_RULES = (SG_OPEN_INGRESS, SG_OPEN_EGRESS, NACL_OPEN_INGRESS, NACL_OPEN_EGRESS,
                 NETWORK_INVALID)  # fmt: skip

# -- kubernetes --------------------------------------------------------------------------------

K8S_NO_EGRESS_POLICY = _r("k8s.no-egress-policy", Severity.HIGH,
    "No NetworkPolicy restricts the workload's egress",
    "Add a NetworkPolicy that selects the workload's pod labels, lists Egress in policyTypes "
    "and allows only DNS and the egress proxy (or the hosts' addresses).",
    "Without an Egress NetworkPolicy selecting its pods, a workload may connect anywhere; the "
    "manifest's allow-list is then only as strong as the bot's own code.")  # fmt: skip
K8S_PRIVILEGED = _r("k8s.privileged", Severity.CRITICAL, "Privileged container",
    "Remove 'privileged: true'; add only the capabilities the container needs, if any.",
    "A privileged container has every capability and the host's devices: whoever controls "
    "the bot controls the node.")  # fmt: skip
K8S_PRIVILEGE_ESCALATION = _r("k8s.privilege-escalation", Severity.MEDIUM,
    "allowPrivilegeEscalation is not false",
    "Set securityContext.allowPrivilegeEscalation: false on every container.",
    "Unless it is false, a process in the container can gain more privileges than its parent "
    "(setuid binaries, file capabilities).")  # fmt: skip
K8S_ROOT_USER = _r("k8s.root-user", Severity.MEDIUM, "Container may run as root",
    "Set runAsNonRoot: true and a non-zero runAsUser in the pod or container securityContext.",
    "Neither runAsNonRoot: true nor a non-zero runAsUser applies to the container, so it runs "
    "as whatever user the image says, often root; runAsUser: 0 is reported high.")  # fmt: skip
K8S_HOST_NAMESPACE = _r("k8s.host-namespace", Severity.HIGH,
    "Pod shares the host's network, process or IPC namespace",
    "Remove hostNetwork, hostPID and hostIPC (or set them to false).",
    "hostNetwork puts the pod on the node's network, outside every NetworkPolicy and able to "
    "reach the node's services and metadata; hostPID and hostIPC expose the node's processes "
    "and shared memory.")  # fmt: skip
K8S_WRITABLE_ROOT = _r("k8s.writable-root-fs", Severity.LOW,
    "Container root filesystem is writable",
    "Set readOnlyRootFilesystem: true and mount an emptyDir where the bot must write.",
    "A writable root filesystem lets an attacker who runs code in the container change its "
    "programs and keep tools there.")  # fmt: skip
K8S_SECRET_IN_ENV = _r("k8s.secret-in-env", Severity.HIGH,
    "Secret written as a plain env value",
    "Move the value into a Secret and reference it with valueFrom.secretKeyRef; rotate it.",
    "An env entry whose name looks like a secret, or whose value has a credential's format, is "
    "written in the pod spec: everyone who can read the manifest, its repository or the "
    "workload object has it.")  # fmt: skip
K8S_INVALID = _r("k8s.invalid-manifest", Severity.MEDIUM, "A Kubernetes manifest cannot be read",
    "Fix the YAML syntax error; 'kubectl apply --dry-run=client' reports the same problem.",
    "A YAML file that looks like a Kubernetes manifest is not valid YAML, so its workloads were "
    "not checked.")  # fmt: skip

K8S_RULES = (K8S_NO_EGRESS_POLICY, K8S_PRIVILEGED, K8S_PRIVILEGE_ESCALATION, K8S_ROOT_USER,
             K8S_HOST_NAMESPACE, K8S_WRITABLE_ROOT, K8S_SECRET_IN_ENV, K8S_INVALID)  # fmt: skip

# -- container: Dockerfiles --------------------------------------------------------------------

DOCKER_LATEST = _r("docker.latest-tag", Severity.MEDIUM, "Base image not pinned",
    "Pin the base image to a version tag and, better, a digest: 'python:3.12-slim@sha256:...'.",
    "FROM names an image with the 'latest' tag or no tag and no digest: every build may get a "
    "different image, including one an attacker pushed.")  # fmt: skip
DOCKER_ROOT = _r("docker.root-user", Severity.MEDIUM, "Image runs as root",
    "Create an unprivileged user and end the final stage with 'USER name' (or a UID).",
    "The final stage has no USER instruction, or its last USER is root or 0, so the container "
    "runs as root unless the platform overrides it.")  # fmt: skip
DOCKER_SECRET = _r("docker.secret-in-env", Severity.HIGH, "Secret in ENV or ARG",
    "Pass secrets at build time with 'RUN --mount=type=secret' and at run time from a secret "
    "store; rotate any value that was written here.",
    "An ENV or ARG whose name looks like a secret, or whose value has a credential's format: ENV "
    "values are stored in the image, ARG values in its history.")  # fmt: skip
DOCKER_ADD_URL = _r("docker.add-url", Severity.MEDIUM, "ADD downloads from a URL",
    "Download with a pinned checksum ('ADD --checksum=sha256:... URL') or COPY a file verified "
    "beforehand.",
    "ADD with a URL fetches whatever the server returns at build time, unverified.")  # fmt: skip
DOCKER_NO_HEALTHCHECK = _r("docker.no-healthcheck", Severity.LOW, "No HEALTHCHECK",
    "Add a HEALTHCHECK that exercises the bot (or rely on the orchestrator's probes and "
    "suppress this).",
    "Without a HEALTHCHECK a hung bot is reported healthy and is never restarted.")  # fmt: skip
DOCKER_CURL_PIPE = _r("docker.curl-pipe-shell", Severity.HIGH,
    "Remote script piped into a shell",
    "Download the script, verify its checksum or signature, then run it; or install a "
    "packaged, pinned version.",
    "RUN pipes curl or wget output straight into a shell: whoever controls the server (or the "
    "path to it) runs code in the build, as root.")  # fmt: skip

DOCKER_RULES = (DOCKER_LATEST, DOCKER_ROOT, DOCKER_SECRET, DOCKER_ADD_URL, DOCKER_NO_HEALTHCHECK,
                DOCKER_CURL_PIPE)  # fmt: skip
