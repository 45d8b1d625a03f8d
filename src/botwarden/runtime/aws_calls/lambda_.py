"""Lambda calls as IAM authorisations (``lambda_``, because ``lambda`` is a keyword).

``Invoke`` is ``lambda:InvokeFunction`` on a possibly qualified function ARN: a call on a version
or alias is authorised on the qualified ARN, which a grant on the unqualified ARN does not cover.
Creating or reconfiguring a function also passes its role (``iam:PassRole``) and reads its layers.
"""

from __future__ import annotations

import re

from botwarden.runtime.aws_calls._common import (
    _REGION,
    AwsRequest,
    Resolve,
    Rule,
    _Call,
    _one,
    _renamed,
    _req,
    _same,
    _star,
)

_NAME = r"[A-Za-z0-9_-]+"
_QUALIFIER = r"(?::(?P<q>[A-Za-z0-9$_-]+))?"
_FUNCTION_FORMS = (
    re.compile(
        rf"arn:(?P<p>[a-z-]+):lambda:(?P<r>{_REGION}):(?P<a>\d{{12}}):function:"
        rf"(?P<n>{_NAME}){_QUALIFIER}"
    ),
    re.compile(rf"(?P<a>\d{{12}}):function:(?P<n>{_NAME}){_QUALIFIER}"),
    re.compile(rf"(?P<n>{_NAME}){_QUALIFIER}"),
)
_LAYER_ARN = re.compile(rf"arn:[a-z-]+:lambda:{_REGION}:\d{{12}}:layer:{_NAME}")


def _function_arn(call: _Call, *, qualified: bool) -> str:
    """From a name, ``NAME:QUALIFIER``, a partial ARN (``ACCOUNT:function:NAME``) or an ARN.

    A qualified call (a version or alias, inline or in ``Qualifier``) is authorised on the
    qualified ARN, which a grant on the unqualified ARN does not cover.
    """
    ref = call.text("FunctionName")
    found = next((m for form in _FUNCTION_FORMS if (m := form.fullmatch(ref))), None)
    if found is None:
        raise call.fail(f"FunctionName {ref!r} is not a function name or ARN")
    parts = found.groupdict()
    if parts.get("p"):
        base = f"arn:{parts['p']}:lambda:{parts['r']}:{parts['a']}:function:{parts['n']}"
    else:
        base = call.arn("lambda", f"function:{parts['n']}", account=parts.get("a"))
    inline, given = parts.get("q"), call.optional("Qualifier")
    if inline and given and inline != given:
        raise call.fail(f"FunctionName qualifier {inline!r} and Qualifier {given!r} disagree")
    qualifier = given or inline
    return f"{base}:{qualifier}" if qualified and qualifier else base


def _function(call: _Call) -> str:
    return _function_arn(call, qualified=True)


def _function_only(call: _Call) -> str:
    return _function_arn(call, qualified=False)


def _layer_arn(call: _Call, name: str = "LayerName") -> str:
    value = call.text(name)
    if value.startswith("arn:"):
        if not _LAYER_ARN.fullmatch(value):
            raise call.fail(f"{name} {value!r} is not a layer ARN")
        return value
    return call.arn("lambda", f"layer:{value}")


def _layer_version(call: _Call) -> str:
    return f"{_layer_arn(call)}:{call.number('VersionNumber')}"


def _lambda_config(action: str) -> Rule:
    """Creating or reconfiguring a function also passes its role and reads its layers."""

    def rule(call: _Call) -> list[AwsRequest]:
        requests = [_req(action, _function_only(call))]
        if call.optional("Role"):
            requests.append(_req("iam:PassRole", call.arn_param("Role", "iam")))
        if call.params.get("Layers"):
            layers = [
                call.arn_param("Layers", "lambda", {"Layers": layer})
                for layer in call.texts("Layers")
            ]
            requests.append(_req("lambda:GetLayerVersion", *layers))
        return requests

    return rule


def _lambda_arn(name: str) -> Resolve:
    return lambda call: call.arn_param(name, "lambda")


def _event_source_mapping(call: _Call) -> str:
    return call.arn("lambda", f"event-source-mapping:{call.text('UUID')}")


LAMBDA: dict[str, Rule] = {
    **_renamed(
        "lambda",
        _function,
        {
            "Invoke": "InvokeFunction",
            "InvokeWithResponseStream": "InvokeFunction",
            "InvokeAsync": "InvokeAsync",
        },
    ),
    **_same(
        "lambda",
        _function,
        "GetFunction GetFunctionConfiguration DeleteFunction "
        "AddPermission RemovePermission GetPolicy GetFunctionEventInvokeConfig "
        "PutFunctionEventInvokeConfig UpdateFunctionEventInvokeConfig "
        "DeleteFunctionEventInvokeConfig GetProvisionedConcurrencyConfig "
        "PutProvisionedConcurrencyConfig DeleteProvisionedConcurrencyConfig "
        "CreateFunctionUrlConfig GetFunctionUrlConfig UpdateFunctionUrlConfig "
        "DeleteFunctionUrlConfig GetRuntimeManagementConfig PutRuntimeManagementConfig",
    ),
    **_same(
        "lambda",
        _function_only,
        "ListVersionsByFunction PublishVersion UpdateFunctionCode "
        "GetFunctionConcurrency PutFunctionConcurrency DeleteFunctionConcurrency "
        "ListFunctionEventInvokeConfigs ListFunctionUrlConfigs ListProvisionedConcurrencyConfigs "
        "GetFunctionRecursionConfig PutFunctionRecursionConfig GetFunctionCodeSigningConfig "
        "DeleteFunctionCodeSigningConfig CreateAlias GetAlias UpdateAlias DeleteAlias "
        "ListAliases",
    ),
    "CreateFunction": _lambda_config("lambda:CreateFunction"),
    "UpdateFunctionConfiguration": _lambda_config("lambda:UpdateFunctionConfiguration"),
    **_same(
        "lambda",
        _layer_version,
        "GetLayerVersion DeleteLayerVersion GetLayerVersionPolicy "
        "AddLayerVersionPermission RemoveLayerVersionPermission",
    ),
    "PublishLayerVersion": _one("lambda:PublishLayerVersion", _layer_arn),
    "GetLayerVersionByArn": _one("lambda:GetLayerVersion", _lambda_arn("Arn")),
    **_same(
        "lambda",
        _event_source_mapping,
        "GetEventSourceMapping UpdateEventSourceMapping DeleteEventSourceMapping",
    ),
    **_same("lambda", _lambda_arn("Resource"), "TagResource UntagResource ListTags"),
    **_same(
        "lambda",
        _lambda_arn("CodeSigningConfigArn"),
        "GetCodeSigningConfig "
        "UpdateCodeSigningConfig DeleteCodeSigningConfig ListFunctionsByCodeSigningConfig",
    ),
    "PutFunctionCodeSigningConfig": lambda call: [
        _req(
            "lambda:PutFunctionCodeSigningConfig",
            call.arn_param("CodeSigningConfigArn", "lambda"),
            _function_only(call),
        )
    ],
    **_star(
        "lambda",
        "ListFunctions GetAccountSettings ListEventSourceMappings "
        "CreateEventSourceMapping ListLayers ListLayerVersions ListCodeSigningConfigs "
        "CreateCodeSigningConfig",
    ),
}
