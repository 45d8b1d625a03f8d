"""Readers for the file formats IAM policies are kept in, all producing the same model.

One module per format: :mod:`.plain_json` (a document, or a CLI output wrapping one),
:mod:`.authorization_details` (``aws iam get-account-authorization-details``),
:mod:`.cloudformation` (JSON and YAML templates) and :mod:`.terraform` (``.tf`` files, plan and
state JSON). Each returns ``list[PolicyDocument]`` with lines and names that tell documents in one
file apart; :func:`botwarden.iam.parse.documents_from_file` picks the right one for a file.
"""

from __future__ import annotations

from botwarden.iam.sources.authorization_details import PrincipalPolicies

__all__ = ["PrincipalPolicies"]
