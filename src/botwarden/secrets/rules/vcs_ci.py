"""Source hosting and CI: GitHub, GitLab, Bitbucket, and the build services."""

from __future__ import annotations

from botwarden.findings import Severity
from botwarden.secrets.rules._build import HEX, contextual, prefixed
from botwarden.secrets.rules.validators import crc32_base62

_T = ("vcs",)
_CI = ("ci",)
_GH = "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/"
_GH_EXAMPLES = (
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "gho_16C7e42F292c6912E7710c838347Ae178B4a",
)
_GL = "https://docs.gitlab.com/security/tokens/#token-prefixes"

_GITHUB = (
    ("ghp", "github-pat", "GitHub personal access token (classic)", Severity.CRITICAL),
    ("gho", "github-oauth-token", "GitHub OAuth access token", Severity.HIGH),
    ("ghu", "github-user-to-server-token", "GitHub App user-to-server token", Severity.HIGH),
    ("ghs", "github-server-to-server-token", "GitHub App installation token", Severity.HIGH),
    ("ghr", "github-refresh-token", "GitHub App refresh token", Severity.HIGH),
)

# GitLab token prefixes; the body after each is 20 characters of [A-Za-z0-9_-] (or a longer
# routable form with a ".01." version and a base36 CRC): both are taken.
_GITLAB = (
    ("glpat-", "gitlab-pat", "GitLab personal, project or group access token"),
    ("gldt-", "gitlab-deploy-token", "GitLab deploy token"),
    ("glrt-", "gitlab-runner-token", "GitLab runner authentication token"),
    ("glcbt-", "gitlab-ci-build-token", "GitLab CI/CD job token"),
    ("glft-", "gitlab-feed-token", "GitLab feed token"),
    ("glimt-", "gitlab-incoming-mail-token", "GitLab incoming mail token"),
    ("glagent-", "gitlab-agent-token", "GitLab agent for Kubernetes token"),
    ("glsoat-", "gitlab-scim-token", "GitLab SCIM OAuth token"),
    ("glffct-", "gitlab-feature-flag-token", "GitLab feature flags client token"),
)
_GL_BODY = r"[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?"

RULES = (
    *(
        prefixed(
            rid,
            name,
            f"{prefix}_[A-Za-z0-9]{{36}}",
            keywords=(f"{prefix}_",),
            tags=_T,
            severity=severity,
            validate=crc32_base62,
            examples=_GH_EXAMPLES,
            reference=_GH,
        )
        for prefix, rid, name, severity in _GITHUB
    ),
    prefixed(
        "github-fine-grained-pat",
        "GitHub fine-grained personal access token",
        "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        keywords=("github_pat_",),
        tags=_T,
        severity=Severity.CRITICAL,
        reference="https://docs.github.com/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens",
    ),
    *(
        prefixed(rid, name, f"{prefix}{_GL_BODY}", keywords=(prefix,), tags=_T, reference=_GL)
        for prefix, rid, name in _GITLAB
    ),
    prefixed(
        "gitlab-pipeline-trigger-token",
        "GitLab pipeline trigger token",
        "glptt-[a-f0-9]{40}",
        keywords=("glptt-",),
        tags=_T,
        entropy=HEX,
        reference=_GL,
    ),
    prefixed(
        "gitlab-oauth-app-secret",
        "GitLab OAuth application secret",
        "gloas-[a-f0-9]{64}",
        keywords=("gloas-",),
        tags=_T,
        entropy=HEX,
        reference=_GL,
    ),
    prefixed(
        "gitlab-runner-registration-token",
        "GitLab runner registration token",
        "GR1348941[A-Za-z0-9_-]{20}",
        keywords=("gr1348941",),
        tags=_T,
        reference=_GL,
    ),
    prefixed(
        "bitbucket-app-password",
        "Bitbucket app password",
        "ATBB[A-Za-z0-9_=.-]{32}",
        keywords=("atbb",),
        tags=_T,
        reference="https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",
    ),
    prefixed(
        "bitbucket-access-token",
        "Bitbucket repository/workspace access token",
        "ATCTT3xFfGN0[A-Za-z0-9_=-]{180,260}",
        keywords=("atctt3xffgn0",),
        tags=_T,
        reference="https://support.atlassian.com/bitbucket-cloud/docs/access-tokens/",
    ),
    contextual(
        "bitbucket-client-secret",
        "Bitbucket OAuth consumer secret",
        "bitbucket",
        "[A-Za-z0-9]{32}",
        keywords=("bitbucket",),
        tags=_T,
        reference="https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/",
    ),
    prefixed(
        "circleci-personal-token",
        "CircleCI personal API token",
        "CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}",
        keywords=("ccipat_",),
        tags=_CI,
        reference="https://circleci.com/docs/managing-api-tokens/",
    ),
    prefixed(
        "circleci-project-token",
        "CircleCI project API token",
        "CCIPRJ_[A-Za-z0-9]{22}_[a-f0-9]{40}",
        keywords=("cciprj_",),
        tags=_CI,
        reference="https://circleci.com/docs/managing-api-tokens/",
    ),
    contextual(
        "circleci-token-legacy",
        "CircleCI API token (40 hex)",
        "circle_?ci|circle_token",
        "[a-f0-9]{40}",
        keywords=("circleci", "circle_ci", "circle_token"),
        tags=_CI,
        entropy=HEX,
        reference="https://circleci.com/docs/managing-api-tokens/",
    ),
    contextual(
        "travis-ci-token",
        "Travis CI API token",
        "travis",
        "[A-Za-z0-9_-]{22}",
        keywords=("travis",),
        tags=_CI,
        reference="https://docs.travis-ci.com/user/triggering-builds/",
    ),
    contextual(
        "jenkins-api-token",
        "Jenkins API token",
        "jenkins",
        "[a-f0-9]{34}",
        keywords=("jenkins",),
        tags=_CI,
        entropy=HEX,
        reference="https://www.jenkins.io/doc/book/system-administration/authenticating-scripted-clients/",
    ),
    prefixed(
        "buildkite-agent-token",
        "Buildkite API access token",
        "bkua_[a-f0-9]{40}",
        keywords=("bkua_",),
        tags=_CI,
        entropy=HEX,
        reference="https://buildkite.com/docs/apis/managing-api-tokens",
    ),
    contextual(
        "drone-ci-token",
        "Drone CI access token",
        "drone",
        "[A-Za-z0-9]{32}",
        keywords=("drone",),
        tags=_CI,
        reference="https://docs.drone.io/cli/setup/",
    ),
    prefixed(
        "sourcegraph-access-token",
        "Sourcegraph access token",
        "sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}",
        keywords=("sgp_",),
        tags=_T,
        entropy=HEX,
        reference="https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token",
    ),
    prefixed(
        "harness-pat",
        "Harness personal access token",
        r"pat\.[A-Za-z0-9_-]{22}\.[a-f0-9]{24}\.[A-Za-z0-9]{20}",
        keywords=("pat.",),
        tags=_CI,
        reference="https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/",
    ),
    prefixed(
        "octopus-deploy-api-key",
        "Octopus Deploy API key",
        "API-[A-Z0-9]{26,32}",
        keywords=("api-",),
        tags=_CI,
        entropy=3.0,
        reference="https://octopus.com/docs/octopus-rest-api/how-to-create-an-api-key",
    ),
)
