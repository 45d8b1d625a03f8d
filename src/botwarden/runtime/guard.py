"""In-process enforcement for Python bots: one object that hands out guarded clients.

::

    import botwarden
    guard = botwarden.guard("botwarden.toml")
    client = guard.httpx_client()            # every request, every redirect hop, decided
    session = guard.requests_session()
    s3 = guard.boto3(boto3.client("s3"))     # every AWS call mapped to its IAM action and ARN
    verdict = guard.check_input(page_text, kind="document")   # [guard.input]
    shown = guard.sanitize_output(answer).text                # [guard.output]

A refused request raises :class:`~botwarden.runtime.denied.EgressDenied` or
:class:`~botwarden.runtime.denied.ActionDenied`, which carry the decision. The clients ignore
proxy settings from the environment: the guard decides about the real destination, so the
connection must go there.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from botwarden.manifest import Manifest, load_manifest
from botwarden.policy.decision import Decision
from botwarden.runtime.denied import EgressDenied
from botwarden.runtime.gate import Gate
from botwarden.runtime.resolve import Resolver

if TYPE_CHECKING:
    import httpx
    import requests

    from botwarden.guards.injection import TextKind
    from botwarden.guards.output import Sanitized
    from botwarden.guards.output.policy import Format
    from botwarden.guards.textguard import InputVerdict, TextGuard
    from botwarden.runtime.enforcer import Enforcer
    from botwarden.runtime.httpx_transport import AsyncGuardedTransport, GuardedTransport
    from botwarden.runtime.requests_adapter import GuardedAdapter

Boto = TypeVar("Boto")


class Guard:
    """A bot's manifest, compiled, with factories for guarded HTTP and AWS clients."""

    def __init__(
        self,
        manifest: Manifest,
        *,
        resolver: Resolver | None = None,
        enforcer: Enforcer | None = None,
    ) -> None:
        self.manifest = manifest
        self.enforcer = enforcer
        if enforcer is not None:
            self.gate = enforcer.gate(resolver)
        else:
            self.gate = Gate.from_manifest(manifest, resolver=resolver)

    # -- asking ------------------------------------------------------------------------------

    def decide(self, method: str, url: str) -> Decision:
        """The decision for one request, without sending it."""
        return self.gate.decide_url(method, url)

    def check(self, method: str, url: str) -> Decision:
        """Like :meth:`decide`, but raise :class:`EgressDenied` when the request is refused."""
        decision = self.decide(method, url)
        if not decision.allowed:
            raise EgressDenied(decision, f"{method.upper()} {url}")
        return decision

    # -- httpx -------------------------------------------------------------------------------

    def httpx_transport(self, **options: Any) -> GuardedTransport:
        from botwarden.runtime.httpx_transport import GuardedTransport

        return GuardedTransport(self.gate, self.enforcer, **options)

    def httpx_async_transport(self, **options: Any) -> AsyncGuardedTransport:
        from botwarden.runtime.httpx_transport import AsyncGuardedTransport

        return AsyncGuardedTransport(self.gate, self.enforcer, **options)

    def httpx_client(self, **options: Any) -> httpx.Client:
        """An ``httpx.Client``; TLS and connection options go to the guarded transport."""
        import httpx

        transport = self.httpx_transport(**_transport_options(options))
        return httpx.Client(transport=transport, trust_env=False, **options)

    def httpx_async_client(self, **options: Any) -> httpx.AsyncClient:
        import httpx

        transport = self.httpx_async_transport(**_transport_options(options))
        return httpx.AsyncClient(transport=transport, trust_env=False, **options)

    # -- requests ----------------------------------------------------------------------------

    def requests_adapter(self, **adapter_options: Any) -> GuardedAdapter:
        from botwarden.runtime.requests_adapter import GuardedAdapter

        return GuardedAdapter(self.gate, self.enforcer, **adapter_options)

    def requests_session(self) -> requests.Session:
        import requests

        session = requests.Session()
        session.trust_env = False
        adapter = self.requests_adapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    # -- boto3 -------------------------------------------------------------------------------

    def boto3(self, client_or_session: Boto, *, account: str | None = None) -> Boto:
        """Check every call of a boto3 client (or of clients a session creates afterwards)."""
        from botwarden.runtime.boto import install

        enforcer, gate = self.enforcer, self.gate
        if enforcer is None:
            install(client_or_session, gate.decide_aws, account=account)
        else:
            install(
                client_or_session, lambda a, r: enforcer.decide_aws(gate, a, r), account=account
            )
        return client_or_session

    # -- text going into and out of a language model -----------------------------------------

    @functools.cached_property
    def text(self) -> TextGuard:
        """The manifest's ``[guard.input]`` and ``[guard.output]``, compiled on first use."""
        from botwarden.guards.textguard import TextGuard

        return TextGuard(self.manifest)

    def check_input(
        self, text: str, *, kind: TextKind = "prompt", tool: str | None = None
    ) -> InputVerdict:
        """Check text going to a model (see :meth:`TextGuard.check_input`); with a ledger,
        the verdict is recorded (its finding kinds and score, never the text)."""
        verdict = self.text.check_input(text, kind=kind, tool=tool)
        if self.enforcer is not None:
            kinds = sorted({finding.kind for finding in verdict.findings})
            what = f"tool:{tool}" if tool is not None else kind
            self.enforcer.record_guard("input", what, verdict.verdict, verdict.score, kinds)
        return verdict

    def sanitize_output(self, text: str, *, fmt: Format = "markdown") -> Sanitized:
        """Make a model's output safe to show (see :meth:`TextGuard.sanitize_output`)."""
        result = self.text.sanitize_output(text, fmt=fmt)
        if self.enforcer is not None:
            kinds = sorted({finding.kind for finding in result.findings})
            verdict = "allow" if not kinds else "report" if self.text.output_report else "sanitized"
            self.enforcer.record_guard("output", fmt, verdict, None, kinds)
        return result

    def close(self) -> None:
        """Flush the ledger and close the store (when the guard has them)."""
        if self.enforcer is not None:
            self.enforcer.close()


_TRANSPORT_OPTIONS = ("verify", "cert", "http1", "http2", "limits", "retries", "local_address",
                      "socket_options", "proxy", "uds")  # fmt: skip


def _transport_options(options: dict[str, Any]) -> dict[str, Any]:
    """Take the options that httpx applies in the transport, which a custom transport replaces."""
    return {key: options.pop(key) for key in _TRANSPORT_OPTIONS if key in options}


def guard(
    manifest: Manifest | str | Path,
    *,
    resolve: Mapping[str, Sequence[str]] | None = None,
    store: str | None = None,
    ledger: str | None = None,
) -> Guard:
    """A :class:`Guard` for a manifest object or path; ``resolve`` overrides DNS like curl's.

    With ``store`` (a store URL such as ``sqlite:///.botwarden/state.db`` or ``redis://...``),
    budgets, breaker and kill switch apply too, shared with every process using that store, and
    each request is recorded in the ledger (``ledger``; by default a PostgreSQL store itself,
    ``ledger.db`` beside a SQLite store). Call :meth:`Guard.close` at exit to flush the ledger.
    """
    loaded = manifest if isinstance(manifest, Manifest) else load_manifest(manifest)
    resolver = Resolver(resolve) if resolve else None
    if store is None:
        return Guard(loaded, resolver=resolver)
    from botwarden.cli_state import ledger_url_for
    from botwarden.ledger import open_ledger
    from botwarden.runtime.enforcer import Enforcer
    from botwarden.stores import FailFastStore, open_state_store

    opened = FailFastStore(open_state_store(store))
    base = Path(manifest).parent if not isinstance(manifest, Manifest) else Path()
    recorder = open_ledger(ledger_url_for(ledger, store, base))
    return Guard(loaded, resolver=resolver, enforcer=Enforcer(loaded, opened, recorder))


__all__ = ["Guard", "guard"]
