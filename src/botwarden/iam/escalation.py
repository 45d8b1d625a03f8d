"""Published IAM privilege-escalation paths: sets of actions that together let a principal gain
permissions it was not given.

Sources: Rhino Security Labs, "AWS IAM Privilege Escalation - Methods and Mitigation" (the 21
original methods); Bishop Fox, "iam-vulnerable" (31 paths); pathfinding.cloud / DataDog
pathfinding-labs (PassRole to compute and orchestration services, change sets, task-role
overrides, batch builds, user-data rewrites). Each path lists every action it needs; a principal
has the path when its policies, taken together, allow all of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EscalationPath:
    """``passes_to``: the service a passed role goes to, for paths that need iam:PassRole; a
    PassRole grant limited by ``iam:PassedToService`` to other services cannot complete it."""

    name: str
    actions: tuple[str, ...]
    how: str
    passes_to: str | None = None


def _p(name: str, actions: str, how: str, passes_to: str | None = None) -> EscalationPath:
    return EscalationPath(name, tuple(actions.split()), how, passes_to)


PATHS: tuple[EscalationPath, ...] = (
    _p("create-policy-version", "iam:CreatePolicyVersion",
       "write a new default version of a managed policy attached to itself"),
    _p("set-default-policy-version", "iam:SetDefaultPolicyVersion",
       "switch a managed policy to an older, broader version"),
    _p("create-access-key", "iam:CreateAccessKey", "create access keys for another user"),
    _p("create-login-profile", "iam:CreateLoginProfile", "set a console password for another user"),
    _p("update-login-profile", "iam:UpdateLoginProfile", "change another user's console password"),
    _p("attach-user-policy", "iam:AttachUserPolicy", "attach AdministratorAccess to a user"),
    _p("attach-group-policy", "iam:AttachGroupPolicy", "attach AdministratorAccess to a group"),
    _p("attach-role-policy", "iam:AttachRolePolicy", "attach AdministratorAccess to a role"),
    _p("put-user-policy", "iam:PutUserPolicy", "write an inline admin policy on a user"),
    _p("put-group-policy", "iam:PutGroupPolicy", "write an inline admin policy on a group"),
    _p("put-role-policy", "iam:PutRolePolicy", "write an inline admin policy on a role"),
    _p("add-user-to-group", "iam:AddUserToGroup", "join a more privileged group"),
    _p("update-assume-role-policy", "iam:UpdateAssumeRolePolicy sts:AssumeRole",
       "make a privileged role trust itself, then assume it"),
    _p("remove-permissions-boundary", "iam:DeleteRolePermissionsBoundary",
       "remove the boundary that limits a role"),
    _p("replace-permissions-boundary", "iam:PutRolePermissionsBoundary",
       "replace a role's boundary with a broader one"),
    _p("remove-user-boundary", "iam:DeleteUserPermissionsBoundary",
       "remove the boundary that limits a user"),
    _p("passrole-ec2", "iam:PassRole ec2:RunInstances",
       "start an instance with a privileged role and read its credentials", "ec2.amazonaws.com"),
    _p("passrole-spot", "iam:PassRole ec2:RequestSpotInstances",
       "request a spot instance with a privileged role", "ec2.amazonaws.com"),
    _p("passrole-autoscaling",
       "iam:PassRole autoscaling:CreateLaunchConfiguration autoscaling:CreateAutoScalingGroup",
       "launch instances with a privileged role through auto scaling", "ec2.amazonaws.com"),
    _p("passrole-lambda-invoke", "iam:PassRole lambda:CreateFunction lambda:InvokeFunction",
       "create a function with a privileged role and invoke it", "lambda.amazonaws.com"),
    _p("passrole-lambda-event",
       "iam:PassRole lambda:CreateFunction lambda:CreateEventSourceMapping",
       "create a function with a privileged role and trigger it from a stream",
       "lambda.amazonaws.com"),
    _p("update-lambda-code", "lambda:UpdateFunctionCode",
       "replace the code of a function that runs with a privileged role"),
    _p("passrole-glue-endpoint", "iam:PassRole glue:CreateDevEndpoint",
       "create a Glue development endpoint with a privileged role", "glue.amazonaws.com"),
    _p("update-glue-endpoint", "glue:UpdateDevEndpoint",
       "add an SSH key to an existing Glue endpoint that has a role"),
    _p("passrole-glue-job", "iam:PassRole glue:CreateJob glue:StartJobRun",
       "run a Glue job with a privileged role", "glue.amazonaws.com"),
    _p("passrole-cloudformation", "iam:PassRole cloudformation:CreateStack",
       "create a stack that acts with a privileged role", "cloudformation.amazonaws.com"),
    _p("passrole-datapipeline",
       "iam:PassRole datapipeline:CreatePipeline datapipeline:PutPipelineDefinition",
       "run a pipeline with a privileged role", "datapipeline.amazonaws.com"),
    _p("passrole-codebuild", "iam:PassRole codebuild:CreateProject codebuild:StartBuild",
       "run a build with a privileged role", "codebuild.amazonaws.com"),
    _p("passrole-ecs", "iam:PassRole ecs:RegisterTaskDefinition ecs:RunTask",
       "run a task with a privileged role", "ecs-tasks.amazonaws.com"),
    _p("passrole-sagemaker",
       "iam:PassRole sagemaker:CreateNotebookInstance sagemaker:CreatePresignedNotebookInstanceUrl",
       "open a notebook that runs with a privileged role", "sagemaker.amazonaws.com"),
    _p("sagemaker-existing-notebook", "sagemaker:CreatePresignedNotebookInstanceUrl",
       "open an existing notebook that runs with a role"),
    _p("passrole-apprunner", "iam:PassRole apprunner:CreateService",
       "run a service with a privileged role", "tasks.apprunner.amazonaws.com"),
    _p("codestar-project", "iam:PassRole codestar:CreateProject",
       "create a CodeStar project with a privileged role", "codestar.amazonaws.com"),
    _p("passrole-ecs-override", "iam:PassRole ecs:RunTask",
       "run an existing task definition with its task role overridden", "ecs-tasks.amazonaws.com"),
    _p("passrole-codebuild-batch",
       "iam:PassRole codebuild:CreateProject codebuild:StartBuildBatch",
       "run a batch build with a privileged role", "codebuild.amazonaws.com"),
    _p("passrole-sagemaker-job", "iam:PassRole sagemaker:CreateProcessingJob",
       "run a processing job with a privileged role", "sagemaker.amazonaws.com"),
    _p("passrole-sagemaker-training", "iam:PassRole sagemaker:CreateTrainingJob",
       "run a training job with a privileged role", "sagemaker.amazonaws.com"),
    _p("cloudformation-changeset", "cloudformation:CreateChangeSet cloudformation:ExecuteChangeSet",
       "change a stack that already acts with a privileged role"),
    _p("cloudformation-update-stack", "cloudformation:UpdateStack",
       "update a stack that already acts with a privileged role"),
    _p("codebuild-update-project", "codebuild:UpdateProject codebuild:StartBuild",
       "rewrite the build of a project that already has a privileged role"),
    _p("lambda-layer", "lambda:UpdateFunctionConfiguration",
       "attach a layer with new code to a function that has a privileged role"),
    _p("ec2-user-data", "ec2:ModifyInstanceAttribute ec2:StopInstances ec2:StartInstances",
       "rewrite an instance's user data to run code with its role at the next start"),
    _p("ssm-send-command", "ssm:SendCommand",
       "run commands on instances and read their role's credentials"),
    _p("ssm-start-session", "ssm:StartSession",
       "open a shell on instances and read their role's credentials"),
    _p("ec2-instance-connect", "ec2-instance-connect:SendSSHPublicKey",
       "log in to instances and read their role's credentials"),
)  # fmt: skip

# Actions that change a principal's own permissions when their resource is that principal.
SELF_MODIFYING = (
    "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutUserPolicy", "iam:AttachUserPolicy",
    "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
)  # fmt: skip
