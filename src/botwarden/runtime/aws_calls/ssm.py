"""SSM calls as IAM authorisations.

Parameters are authorised on ``parameter/NAME`` without a ``:version`` or ``:label`` selector,
and ``GetParametersByPath`` on the path itself. Documents AWS publishes have ARNs without an
account. ``SendCommand`` and ``StartSession`` are authorised on the document and on each EC2 or
managed instance (or ECS task) they reach; instances picked by tag could be any instance.
"""

from __future__ import annotations

from botwarden.runtime.aws_calls._common import (
    AwsRequest,
    Resolve,
    Rule,
    _Call,
    _one,
    _req,
    _same,
    _star,
    _UnmappedError,
)

_AWS_OWNED_DOCUMENT = ("aws", "amazon", "amzn")  # reserved prefixes: documents AWS publishes
_SSM_TAGGABLE = {
    "MaintenanceWindow": "maintenancewindow",
    "PatchBaseline": "patchbaseline",
    "OpsItem": "opsitem",
    "ManagedInstance": "managed-instance",
    "Automation": "automation-execution",
    "Association": "association",
}


def _parameter_arn(call: _Call, value: str, label: str = "Name") -> str:
    """``/a/b`` is ``parameter/a/b``; a ``:version`` or ``:label`` selector is not the name."""
    if value.startswith("arn:"):
        parts = call.arn_param(label, "ssm", {label: value}).split(":", 5)
        if not parts[5].startswith("parameter/"):
            raise call.fail(f"{label} {value!r} is not a parameter ARN")
        return ":".join([*parts[:5], parts[5].split(":", 1)[0]])
    name = value.split(":", 1)[0]
    if not name or name == "/":
        raise call.fail(f"{value!r} is not a parameter name")
    return call.arn("ssm", "parameter/" + name.removeprefix("/"))


def _parameter(call: _Call) -> str:
    return _parameter_arn(call, call.text("Name"))


def _parameters(action: str) -> Rule:
    return lambda call: [
        _req(action, *(_parameter_arn(call, n, "Names") for n in call.texts("Names")))
    ]


def _parameter_path(call: _Call) -> str:
    """AWS authorises GetParametersByPath on the path itself: access to ``/a`` reaches ``/a/b``."""
    path = call.text("Path")
    if not path.startswith("/"):
        raise call.fail(f"Path {path!r} does not start with '/'")
    return call.arn("ssm", "parameter" + path)


def _document_arn(call: _Call, value: str) -> str:
    if value.startswith("arn:"):
        return call.arn_param("DocumentName", "ssm", {"DocumentName": value})
    owned = value.lower().startswith(_AWS_OWNED_DOCUMENT)
    return call.arn("ssm", f"document/{value}", account="" if owned else None)


def _document(name: str) -> Resolve:
    return lambda call: _document_arn(call, call.text(name))


def _instance_arn(call: _Call, instance: str) -> str:
    if instance.startswith("mi-"):
        return call.arn("ssm", f"managed-instance/{instance}")
    if instance.startswith("i-"):
        return call.arn("ec2", f"instance/{instance}")
    raise call.fail(f"{instance!r} is not an instance id (i-...) or managed instance (mi-...)")


def _ssm_send_command(call: _Call) -> list[AwsRequest]:
    """The document and each instance; instances picked by tag are unknown: every instance."""
    resources = [_document_arn(call, call.text("DocumentName"))]
    if call.params.get("InstanceIds") is not None:
        resources += [_instance_arn(call, i) for i in call.texts("InstanceIds")]
    if call.params.get("Targets") or call.params.get("InstanceIds") is None:
        resources.append(call.arn("ec2", "instance/*"))
    return [_req("ssm:SendCommand", *resources)]


def _ssm_session_target(call: _Call) -> str:
    target = call.text("Target")
    if target.startswith("ecs:"):
        cluster, _, rest = target.removeprefix("ecs:").partition("_")
        task = rest.partition("_")[0]
        if not cluster or not task:
            raise call.fail(f"Target {target!r} is not ecs:CLUSTER_TASK_CONTAINER")
        return call.arn("ecs", f"task/{cluster}/{task}")
    return _instance_arn(call, target)


def _ssm_start_session(call: _Call) -> list[AwsRequest]:
    resources = [_ssm_session_target(call)]
    if call.optional("DocumentName"):
        resources.append(_document_arn(call, call.text("DocumentName")))
    return [_req("ssm:StartSession", *resources)]


def _ssm_calendars(call: _Call) -> list[AwsRequest]:
    return [
        _req(
            "ssm:GetCalendarState",
            *(_document_arn(call, name) for name in call.texts("CalendarNames")),
        )
    ]


def _ssm_tagged(call: _Call) -> str:
    kind, ident = call.text("ResourceType"), call.text("ResourceId")
    if kind == "Parameter":
        return _parameter_arn(call, ident)
    if kind == "Document":
        return _document_arn(call, ident)
    if kind in _SSM_TAGGABLE:
        return call.arn("ssm", f"{_SSM_TAGGABLE[kind]}/{ident}")
    raise _UnmappedError


def _ssm_id(kind: str, name: str) -> Resolve:
    return lambda call: call.arn("ssm", f"{kind}/{call.text(name)}")


SSM: dict[str, Rule] = {
    **_same(
        "ssm",
        _parameter,
        "GetParameter PutParameter DeleteParameter GetParameterHistory "
        "LabelParameterVersion UnlabelParameterVersion",
    ),
    "GetParameters": _parameters("ssm:GetParameters"),
    "DeleteParameters": _parameters("ssm:DeleteParameters"),
    "GetParametersByPath": _one("ssm:GetParametersByPath", _parameter_path),
    **_same(
        "ssm",
        _document("Name"),
        "CreateDocument GetDocument DescribeDocument UpdateDocument "
        "DeleteDocument UpdateDocumentDefaultVersion UpdateDocumentMetadata "
        "DescribeDocumentPermission ModifyDocumentPermission ListDocumentVersions "
        "ListDocumentMetadataHistory",
    ),
    "GetCalendarState": _ssm_calendars,
    "SendCommand": _ssm_send_command,
    "StartSession": _ssm_start_session,
    **_same("ssm", _ssm_id("session", "SessionId"), "TerminateSession ResumeSession"),
    **_same(
        "ssm",
        _ssm_id("maintenancewindow", "WindowId"),
        "GetMaintenanceWindow "
        "UpdateMaintenanceWindow DeleteMaintenanceWindow DescribeMaintenanceWindowTargets "
        "DescribeMaintenanceWindowTasks DescribeMaintenanceWindowExecutions "
        "RegisterTargetWithMaintenanceWindow RegisterTaskWithMaintenanceWindow "
        "GetMaintenanceWindowTask",
    ),
    **_same(
        "ssm",
        _ssm_id("patchbaseline", "BaselineId"),
        "GetPatchBaseline UpdatePatchBaseline "
        "DeletePatchBaseline DescribeEffectivePatchesForPatchBaseline "
        "RegisterDefaultPatchBaseline RegisterPatchBaselineForPatchGroup "
        "DeregisterPatchBaselineForPatchGroup",
    ),
    **_same("ssm", _ssm_id("opsitem", "OpsItemId"), "GetOpsItem UpdateOpsItem DeleteOpsItem"),
    **_same(
        "ssm",
        _ssm_id("automation-execution", "AutomationExecutionId"),
        "GetAutomationExecution StopAutomationExecution SendAutomationSignal "
        "DescribeAutomationStepExecutions",
    ),
    **_same("ssm", _ssm_tagged, "AddTagsToResource RemoveTagsFromResource ListTagsForResource"),
    **_star(
        "ssm",
        "DescribeParameters CancelCommand CreateActivation CreateMaintenanceWindow "
        "CreateOpsItem CreateOpsMetadata CreatePatchBaseline DeleteActivation DeleteInventory "
        "DescribeActivations DescribeAutomationExecutions DescribeAvailablePatches "
        "DescribeInstanceInformation DescribeInstancePatchStatesForPatchGroup "
        "DescribeInstanceProperties DescribeInventoryDeletions "
        "DescribeMaintenanceWindowExecutionTaskInvocations "
        "DescribeMaintenanceWindowExecutionTasks DescribeMaintenanceWindowSchedule "
        "DescribeMaintenanceWindows DescribeMaintenanceWindowsForTarget DescribeOpsItems "
        "DescribePatchBaselines DescribePatchGroupState DescribePatchGroups "
        "DescribePatchProperties DescribeSessions GetCommandInvocation "
        "GetDeployablePatchSnapshotForInstance GetInventory GetInventorySchema "
        "GetMaintenanceWindowExecution GetMaintenanceWindowExecutionTask "
        "GetMaintenanceWindowExecutionTaskInvocation GetPatchBaselineForPatchGroup "
        "ListAssociations ListCommandInvocations ListCommands ListComplianceItems "
        "ListComplianceSummaries ListDocuments ListInventoryEntries ListOpsItemEvents "
        "ListOpsItemRelatedItems ListOpsMetadata ListResourceComplianceSummaries "
        "ListResourceDataSync PutInventory",
    ),
}
