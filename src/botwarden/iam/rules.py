"""The permissions rules: ids, severities and remediation, registered once for reports and docs."""

from __future__ import annotations

from botwarden.findings import Rule, Severity

C = "permissions"


def _r(rule_id: str, severity: Severity, title: str, remediation: str, description: str) -> Rule:
    return Rule(rule_id, severity, title, remediation, description, category=C)


ADMIN = _r("iam.admin", Severity.CRITICAL, "Effective administrator access",
    "Replace the statement with the actions and resources the bot needs "
    "('botwarden iam generate --manifest botwarden.toml').",
    "The policies allow (nearly) every action on every resource, directly with '*' or through "
    "NotAction, and no Deny takes it back.")  # fmt: skip
SERVICE_WILDCARD = _r("iam.service-wildcard", Severity.HIGH, "Every action of a service",
    "List the service's actions the bot calls instead of 'service:*'.",
    "'service:*' grants every current and future action of the service, including destructive "
    "and permissions-changing ones.")  # fmt: skip
WRITE_ALL = _r("iam.write-on-all-resources", Severity.HIGH, "Write actions on every resource",
    "Scope the Resource element to the ARNs the bot writes to.",
    "Write actions that support resource-level permissions are allowed on '*', so the bot can "
    "change or delete any resource of that kind in the account.")  # fmt: skip
PERMISSIONS_MGMT = _r("iam.permissions-management", Severity.HIGH,
    "Permissions management on every resource",
    "Remove permissions-management actions, or scope them to named resources with conditions.",
    "Actions that change who may do what (identities, their policies, resource policies, ACLs) "
    "are allowed without resource constraints; a bot rarely needs any.")  # fmt: skip
ESCALATION = _r("iam.privilege-escalation", Severity.CRITICAL, "Privilege escalation path",
    "Remove one action of the path. If the bot must pass a role, scope iam:PassRole to that role "
    "with an iam:PassedToService condition: the finding then drops to medium, for a review of "
    "what that role can do.",
    "The policies, taken together, allow a published privilege-escalation path: the bot can "
    "give itself, or a resource it controls, more permissions than it was granted.")  # fmt: skip
EXFILTRATION = _r("iam.data-exfiltration", Severity.HIGH, "Data exfiltration on every resource",
    "Scope data-reading actions to the buckets, tables, queues, streams, log groups, parameters "
    "and secrets the bot reads.",
    "Actions that read stored data (objects, items, messages, records, logs, parameters, "
    "secrets) are allowed on '*'.")  # fmt: skip
CREDENTIALS = _r("iam.credentials-exposure", Severity.HIGH, "Credentials exposure",
    "Remove actions that return credentials, or scope them to named resources.",
    "Actions that return credentials or tokens (access keys, passwords, session tokens) are "
    "allowed without resource constraints.")  # fmt: skip
RESOURCE_EXPOSURE = _r("iam.resource-exposure", Severity.HIGH, "Resource policies can be changed",
    "Remove actions that change resource policies and ACLs, or scope them to named resources.",
    "Actions that rewrite resource-based policies or ACLs (bucket policies, key policies, queue "
    "permissions) are allowed on '*': the bot could make resources public or share "
    "them.")  # fmt: skip
PASS_ROLE = _r("iam.pass-role-unrestricted", Severity.HIGH, "iam:PassRole without limits",
    "Scope iam:PassRole to the role ARNs the bot passes, with an iam:PassedToService condition.",
    "iam:PassRole on every role, or without iam:PassedToService, lets the bot hand any role to "
    "a service it can drive.")  # fmt: skip
UNKNOWN_ACTION = _r("iam.unknown-action", Severity.MEDIUM, "Unknown action",
    "Fix the action name (see the suggestion), or remove it.",
    "The action matches no known IAM action: a typo grants nothing, and hides what the author "
    "meant to allow.")  # fmt: skip
RESOURCE_MISMATCH = _r("iam.resource-mismatch", Severity.MEDIUM, "Resource can never match",
    "Use an ARN of the resource type the action applies to (e.g. 'bucket/*' for object actions).",
    "A resource in the statement matches none of the resource types its actions accept, so "
    "that part of the grant has no effect.")  # fmt: skip
PREFIX_LEAK = _r("iam.prefix-leak", Severity.MEDIUM, "Prefix wildcard leaks into neighbours",
    "End the prefix with its separator before the wildcard: 'folder/*', not 'folder*'.",
    "A wildcard right after a name ('folder*') also matches every name that starts the same "
    "way ('folder-other/...').")  # fmt: skip
CONDITION_MISTAKE = _r("iam.condition-mistake", Severity.MEDIUM,
    "Condition does not do what it says",
    "Use the operator the intent needs (StringLike for wildcards, a Null guard with "
    "ForAllValues, BoolIfExists for MFA checks in Deny).",
    "A condition whose operator makes it always or never match in a common case.")  # fmt: skip
INVALID = _r("iam.invalid-policy", Severity.HIGH, "Invalid policy",
    "Fix the policy document so that AWS accepts it and it means what it says.",
    "The policy document is malformed or ambiguous.")  # fmt: skip
OVER_PRIVILEGED = _r("iam.over-privileged", Severity.HIGH, "Granted beyond the manifest",
    "Replace the policy with the one 'botwarden iam generate' writes from the manifest.",
    "The policy grants actions or resources the manifest does not declare.")  # fmt: skip
UNDER_PRIVILEGED = _r("iam.under-privileged", Severity.MEDIUM, "Declared but not granted",
    "Grant the declared capability, or remove it from the manifest if the bot no longer needs it.",
    "A capability the manifest declares is not allowed by the policies: the bot will fail, or "
    "the manifest is out of date.")  # fmt: skip
UNUSED = _r("iam.unused", Severity.MEDIUM, "Granted but not used",
    "Remove the grant, or record why it is kept.",
    "A grant that the evidence (CloudTrail or the ledger) shows was not used in the "
    "window.")  # fmt: skip

PUBLIC_PRINCIPAL = _r("iam.public-principal", Severity.CRITICAL, "Anyone may use this grant",
    "Name the principals (account, role or service ARNs), or add a condition that limits the "
    "caller: aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, "
    "aws:SourceVpce or aws:SourceIp.",
    "A resource or trust policy allows Principal '*' (or {\"AWS\": \"*\"}) with no condition on "
    "who calls: any AWS account, and anonymous callers where the service allows them, get the "
    "grant.")  # fmt: skip
WEB_IDENTITY_UNSCOPED = _r("iam.web-identity-unscoped", Severity.CRITICAL,
    "Any workload of a shared identity provider may assume the role",
    "Add a StringEquals (or StringLike) condition on the provider's subject claim naming your "
    "repository, project or workspace, e.g. 'token.actions.githubusercontent.com:sub': "
    "'repo:ORG/REPO:ref:refs/heads/main'.",
    "A trust policy lets a shared OpenID Connect provider (GitHub Actions, GitLab, Terraform "
    "Cloud, Google, Cognito) assume the role without limiting the subject (or with a subject "
    "that is only a wildcard): every user of that provider can.")  # fmt: skip

RULES = (ADMIN, SERVICE_WILDCARD, WRITE_ALL, PERMISSIONS_MGMT, ESCALATION, EXFILTRATION,
         CREDENTIALS, RESOURCE_EXPOSURE, PASS_ROLE, UNKNOWN_ACTION, RESOURCE_MISMATCH, PREFIX_LEAK,
         CONDITION_MISTAKE, INVALID, OVER_PRIVILEGED, UNDER_PRIVILEGED, UNUSED, PUBLIC_PRINCIPAL,
         WEB_IDENTITY_UNSCOPED)  # fmt: skip
