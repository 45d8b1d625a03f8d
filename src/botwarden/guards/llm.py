"""The text guards around the usual shapes of an LLM call: a decorator and httpx event hooks.

Both check what goes in (user text as ``prompt``; tool results as ``document``; system and
assistant turns are the bot's own and pass as they are) and sanitise what comes out (the model's
text; with tools declared in ``[guard.input].tools``, the arguments of each tool call it asks
for are checked against their schema too). A block raises :class:`InputBlocked`.

Message shapes understood: OpenAI chat completions (``messages[].content`` as a string or text
parts, ``choices[].message``), the OpenAI Responses API (``input`` with messages and
``function_call_output`` items, ``output[]``) and Anthropic messages (``system``,
``messages[].content`` with ``text``, ``tool_result`` and text ``document`` blocks; ``content[]``
with ``text`` and ``tool_use`` blocks in the answer). Other parts (images, files) pass unchanged.

Streamed answers (``text/event-stream``) cannot be sanitised piece by piece, so the hooks refuse
them (fail closed): stream with the guard off and call ``sanitize_output`` on the whole text.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from botwarden.errors import Error
from botwarden.guards.finding import GuardFinding
from botwarden.guards.injection import TextKind
from botwarden.guards.output.policy import Format
from botwarden.guards.textguard import InputBlocked, InputVerdict, TextGuard

if TYPE_CHECKING:
    import httpx

F = TypeVar("F", bound=Callable[..., Any])
CHAT_PATHS = ("/chat/completions", "/completions", "/responses", "/messages")
_MAX_BODY = 32 << 20


class UncheckableError(Error):
    """A chat request or answer the hooks cannot check (streamed, too large, or not JSON)."""


# -- checking a request's messages -------------------------------------------------------------


def check_messages(guard: TextGuard, body: dict[str, Any]) -> None:
    """Check, in place, every untrusted text of a chat request body; raise InputBlocked."""
    for message in _list(body.get("messages")) + _list(body.get("input")):
        if not isinstance(message, dict):
            continue
        if message.get("type") == "function_call_output":  # a tool's result, Responses API
            if "output" in message:
                message["output"] = _checked_content(guard, message["output"], "document")
            continue
        role = message.get("role")
        kind: TextKind = "document" if role in ("tool", "function") else "prompt"
        if role in ("user", "tool", "function", None) and "content" in message:
            message["content"] = _checked_content(guard, message["content"], kind)
    if isinstance(body.get("input"), str):
        body["input"] = _checked(guard, body["input"], "prompt")
    if isinstance(body.get("prompt"), str):
        body["prompt"] = _checked(guard, body["prompt"], "prompt")


def _checked_content(guard: TextGuard, content: Any, kind: TextKind) -> Any:
    if isinstance(content, str):
        return _checked(guard, content, kind)
    for part in _list(content):
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str):
            part["text"] = _checked(guard, part["text"], kind)
        if part.get("type") == "tool_result":
            part["content"] = _checked_content(guard, part.get("content"), "document")
        source = part.get("source")
        if part.get("type") == "document" and isinstance(source, dict):  # Anthropic documents
            if isinstance(source.get("data"), str) and source.get("type") == "text":
                source["data"] = _checked(guard, source["data"], "document")
            for block in _list(source.get("content")):
                if isinstance(block, dict) and isinstance(block.get("text"), str):
                    block["text"] = _checked(guard, block["text"], "document")
    return content


def _checked(guard: TextGuard, text: str, kind: TextKind) -> str:
    verdict = guard.check_input(text, kind=kind)
    if verdict.blocked:
        raise InputBlocked(verdict, f"{kind} text")
    return verdict.text


# -- sanitising an answer ----------------------------------------------------------------------


def sanitize_answer(guard: TextGuard, body: dict[str, Any], fmt: Format = "markdown") -> None:
    """Sanitise, in place, the model's text in an answer body; check its tool calls."""
    for choice in _list(body.get("choices")):
        if not isinstance(choice, dict):
            continue
        message = choice.get("message")
        if isinstance(message, dict):
            if isinstance(message.get("content"), str):
                message["content"] = guard.sanitize_output(message["content"], fmt=fmt).text
            for call in _list(message.get("tool_calls")):
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict):
                    _check_call(guard, function.get("name"), function.get("arguments"))
        if isinstance(choice.get("text"), str):
            choice["text"] = guard.sanitize_output(choice["text"], fmt=fmt).text
    for block in _list(body.get("content")) + _output_parts(body):
        if not isinstance(block, dict):
            continue
        if block.get("type") in ("text", "output_text") and isinstance(block.get("text"), str):
            block["text"] = guard.sanitize_output(block["text"], fmt=fmt).text
        elif block.get("type") == "tool_use":
            _check_call(guard, block.get("name"), block.get("input"))
        elif block.get("type") == "function_call":
            _check_call(guard, block.get("name"), block.get("arguments"))


def _output_parts(body: dict[str, Any]) -> list[Any]:
    parts: list[Any] = []
    for item in _list(body.get("output")):
        if isinstance(item, dict):
            parts.extend(_list(item.get("content")) if item.get("type") == "message" else [item])
    return parts


def _check_call(guard: TextGuard, name: Any, arguments: Any) -> None:
    if guard.tools is None:
        return  # no tool schemas declared: tool calls are the bot's to check
    if not isinstance(name, str) or not isinstance(arguments, str | dict):
        finding = GuardFinding("tool-args.malformed", "a tool call without a name or arguments")
        raise InputBlocked(InputVerdict("block", 0.0, (finding,), ""), "a malformed tool call")
    verdict = guard.check_tool_call(name, arguments)
    if verdict.blocked:
        raise InputBlocked(verdict, f"the arguments of tool call {name!r}")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# -- a decorator -------------------------------------------------------------------------------


def guarded(
    guard: TextGuard, *, kind: TextKind = "prompt", fmt: Format = "markdown"
) -> Callable[[F], F]:
    """Wrap ``fn(text, ...)`` or ``fn(..., messages=[...])``, sync or async: the text (first
    positional string, or ``prompt=``/``text=``/``messages=``) is checked and passed on
    normalised; a string answer (or a chat-shaped dict) comes back sanitised."""

    def prepare(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        for key in ("prompt", "text"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = _checked(guard, kwargs[key], kind)
        if isinstance(kwargs.get("messages"), list):
            check_messages(guard, {"messages": kwargs["messages"]})
        for index, value in enumerate(args):
            if isinstance(value, str):
                return (*args[:index], _checked(guard, value, kind), *args[index + 1 :])
        return args

    def finish(result: Any) -> Any:
        if isinstance(result, str):
            return guard.sanitize_output(result, fmt=fmt).text
        if isinstance(result, dict):
            sanitize_answer(guard, result, fmt)
        return result

    def decorate(fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                args = prepare(args, kwargs)
                return finish(await cast(Callable[..., Awaitable[Any]], fn)(*args, **kwargs))

            return cast(F, async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            args = prepare(args, kwargs)
            return finish(fn(*args, **kwargs))

        return cast(F, wrapper)

    return decorate


# -- httpx event hooks -------------------------------------------------------------------------


def httpx_event_hooks(
    guard: TextGuard, *, paths: tuple[str, ...] = CHAT_PATHS, fmt: Format = "markdown"
) -> dict[str, list[Callable[..., Any]]]:
    """``httpx.Client(event_hooks=httpx_event_hooks(guard))``: requests to a chat API are
    checked before they are sent; their answers are sanitised before the caller reads them."""

    def on_request(request: httpx.Request) -> None:
        if _is_chat(request, paths):
            request.read()  # a streamed body, too, is checked whole before it is sent
        _guard_request(guard, request, paths)

    def on_response(response: httpx.Response) -> None:
        if _is_chat(response.request, paths):
            response.read()
            _guard_response(guard, response, fmt)

    return {"request": [on_request], "response": [on_response]}


def httpx_async_event_hooks(
    guard: TextGuard, *, paths: tuple[str, ...] = CHAT_PATHS, fmt: Format = "markdown"
) -> dict[str, list[Callable[..., Any]]]:
    """:func:`httpx_event_hooks` for ``httpx.AsyncClient``."""

    async def on_request(request: httpx.Request) -> None:
        if _is_chat(request, paths):
            await request.aread()
        _guard_request(guard, request, paths)

    async def on_response(response: httpx.Response) -> None:
        if _is_chat(response.request, paths):
            await response.aread()
            _guard_response(guard, response, fmt)

    return {"request": [on_request], "response": [on_response]}


def _is_chat(request: httpx.Request, paths: tuple[str, ...]) -> bool:
    return request.method == "POST" and request.url.path.rstrip("/").endswith(paths)


def _guard_request(guard: TextGuard, request: httpx.Request, paths: tuple[str, ...]) -> None:
    if not _is_chat(request, paths):
        return
    body = _json_object(request.content)
    if body is None:
        raise UncheckableError(
            f"the body sent to {request.url.path} is not a JSON object (or over 32 MiB): not "
            "sent unchecked"
        )
    check_messages(guard, body)
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request.stream = _bytes_stream(content)
    request._content = content  # httpx keeps the read body here
    request.headers["Content-Length"] = str(len(content))


def _guard_response(guard: TextGuard, response: httpx.Response, fmt: Format) -> None:
    if "text/event-stream" in response.headers.get("content-type", ""):
        raise UncheckableError(
            "a streamed model answer cannot be sanitised by the hook: stream with the guard "
            "off and pass the whole text to sanitize_output"
        )
    if not response.is_success:
        return
    body = _json_object(response.content)
    if body is None:
        raise UncheckableError(
            f"the answer of {response.request.url.path} is not a JSON object: not shown unchecked"
        )
    sanitize_answer(guard, body, fmt)
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    response._content = content  # httpx keeps the read body here
    response.headers["Content-Length"] = str(len(content))
    response.headers.pop("Content-Encoding", None)


def _json_object(data: bytes) -> dict[str, Any] | None:
    if len(data) > _MAX_BODY:
        return None
    try:
        body = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _bytes_stream(content: bytes) -> Any:
    import httpx

    return httpx.ByteStream(content)


__all__ = [
    "CHAT_PATHS",
    "UncheckableError",
    "check_messages",
    "guarded",
    "httpx_async_event_hooks",
    "httpx_event_hooks",
    "sanitize_answer",
]
