"""The writer: batches commit whole or not at all, a killed process loses only what was not yet
acknowledged, several processes share one SQLite file (a chain each), a restarted instance
continues its chain, and a failing store is reported rather than silently dropping records."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from tests.ledger.conftest import StoreCase

from botwarden.ledger import LedgerError, open_ledger

ROOT = Path(__file__).resolve().parents[2]


def child(script: str, *args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip


APPEND_FOREVER = """
    import sys
    from botwarden.ledger import open_ledger
    ledger = open_ledger(sys.argv[1], instance="victim", batch_size=64, flush_interval=0.002)
    n = 0
    while True:
        ledger.append({"bot": "b", "verdict": "allow", "n": n, "pad": "x" * 200})
        n += 1
        if n % 16 == 0:
            print(ledger.durable, flush=True)
"""


def test_sigkill_loses_only_unacknowledged_entries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    acknowledged = 0
    with child(APPEND_FOREVER, url) as process:
        try:
            assert process.stdout is not None
            for line in process.stdout:
                acknowledged = int(line)
                if acknowledged >= 3000:
                    break
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        problems = process.stderr.read() if process.stderr else ""
    assert process.returncode == -signal.SIGKILL
    assert acknowledged >= 3000, problems
    reader = open_ledger(url, read_only=True)
    result = reader.verify()
    assert result.ok, result.problem
    numbers = [entry.record["n"] for entry in reader.entries()]
    assert len(numbers) >= acknowledged
    assert numbers == list(range(len(numbers)))  # nothing from the middle of a batch went missing


APPEND_SOME = """
    import sys
    from botwarden.ledger import open_ledger
    ledger = open_ledger(sys.argv[1], batch_size=int(sys.argv[3]), flush_interval=0.001)
    for n in range(int(sys.argv[2])):
        ledger.append({"bot": "b", "n": n})
    ledger.close()
    print(ledger.instance)
"""


def test_processes_share_one_sqlite_file_with_a_chain_each(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    processes = [child(APPEND_SOME, url, "400", str(size)) for size in (7, 50, 400)]
    instances = set()
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        instances.add(out.strip())
    reader = open_ledger(url, read_only=True)
    result = reader.verify()
    assert (result.ok, result.entries, result.instances) == (True, 1200, 3), result.problem
    for instance in instances:
        numbers = [e.record["n"] for e in reader.entries(instance=instance)]
        assert sorted(numbers) == list(range(400))


def test_a_reused_instance_continues_its_chain(store: StoreCase) -> None:
    first = store.open(instance="worker-1")
    for n in range(3):
        first.append({"bot": "b", "n": n})
    first.close()
    second = store.open(instance="worker-1")
    second.append({"bot": "b", "n": 3})
    second.close()
    entries = list(store.reader().entries(instance="worker-1"))
    assert [(e.seq, e.record["n"]) for e in entries] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert entries[3].prev_hash == entries[2].hash
    assert store.reader().verify().ok


def test_writers_sharing_an_instance_keep_one_linear_chain(store: StoreCase) -> None:
    ledgers = [store.open(instance="shared", batch_size=5, flush_interval=0) for _ in range(2)]

    def work(index: int) -> None:
        for n in range(150):
            ledgers[index].append({"bot": "b", "writer": index, "n": n})

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for ledger in ledgers:
        ledger.close()
    result = store.reader().verify()
    assert (result.ok, result.entries, result.instances) == (True, 300, 1), result.problem


def test_batches_are_small_or_large_and_the_chain_is_the_same(store: StoreCase) -> None:
    ledger = store.open(instance="a", batch_size=3, flush_interval=0)
    threads = [
        threading.Thread(target=lambda: [ledger.append({"bot": "b"}) for _ in range(100)])
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ledger.flush()
    assert ledger.durable == 300
    result = ledger.verify()
    assert (result.ok, result.entries) == (True, 300)


def test_flush_makes_appends_durable_and_readable(store: StoreCase) -> None:
    ledger = store.open(flush_interval=10)  # only flush() ends the wait for a full batch
    ledger.append({"bot": "b", "verdict": "deny"})
    ledger.flush()
    assert ledger.durable == 1
    assert [e.record["verdict"] for e in store.reader().entries()] == ["deny"]


LOOP: list[object] = []
LOOP.append(LOOP)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"verdict": "deny"}, "record 'bot' must be a string"),
        ({"bot": None}, "record 'bot' must be a string"),
        ({"bot": "b", "time": "yesterday"}, "record 'time' must be a finite number"),
        ({"bot": "b", "time": float("nan")}, "record 'time' must be a finite number"),
        ({"bot": "b", "time": True}, "record 'time' must be a finite number"),
        ({"bot": "b", "verdict": 1}, "record 'verdict' must be a string"),
        ({"bot": "b", "data": object()}, "record cannot be stored as JSON"),
        ({"bot": "b", "ratio": float("inf")}, "record cannot be stored as JSON"),
        ({"bot": "b", "loop": LOOP}, "record cannot be stored as JSON"),
        ({"bot": "b", 1: "x", "y": 2}, "record cannot be stored as JSON"),
    ],
)
def test_a_bad_record_is_refused_at_append(record: dict[str, object], message: str) -> None:
    ledger = open_ledger("memory://")
    with pytest.raises(LedgerError, match=message):
        ledger.append(record)
    ledger.close()


def test_the_record_is_taken_as_it_was_at_append() -> None:
    ledger = open_ledger("memory://", flush_interval=10)
    record = {"bot": "b", "budget": {"bytes": 1}}
    ledger.append(record)
    record["bot"] = "changed"
    record["budget"]["bytes"] = 2  # type: ignore[index]
    ledger.flush()
    (entry,) = ledger.entries()
    assert entry.record["bot"] == "b"
    assert entry.record["budget"] == {"bytes": 1}
    assert isinstance(entry.record["time"], float)
    ledger.close()


def test_appending_to_a_closed_or_read_only_ledger_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    ledger = open_ledger(url)
    ledger.close()
    ledger.close()  # closing twice is harmless
    for closed in (ledger, open_ledger(url, read_only=True)):
        with pytest.raises(LedgerError, match="closed or opened read-only"):
            closed.append({"bot": "b"})


def test_a_locked_store_is_reported_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = open_ledger(f"sqlite:///{path}?timeout=0.05", flush_interval=0)
    ledger.append({"bot": "b", "n": 0})
    ledger.flush()
    with closing(sqlite3.connect(path, isolation_level=None)) as intruder:
        intruder.execute("BEGIN EXCLUSIVE")
        ledger.append({"bot": "b", "n": 1})
        with pytest.raises(LedgerError, match=r"not durable after 0.3 s: .*database is locked"):
            ledger.flush(timeout=0.3)
        intruder.execute("ROLLBACK")
    ledger.flush(timeout=5)
    assert [e.record["n"] for e in ledger.entries()] == [0, 1]
    ledger.close()


def test_an_unreachable_postgresql_is_a_clear_error() -> None:
    with pytest.raises(LedgerError) as caught:
        open_ledger("postgresql://botwarden:hunter2@127.0.0.1:1/ledger?connect_timeout=2")
    assert "postgresql://botwarden:***@127.0.0.1:1/ledger" in caught.value.message
    assert "hunter2" not in caught.value.message


def test_redis_is_refused_for_the_ledger() -> None:
    with pytest.raises(LedgerError, match="cannot live in Redis") as caught:
        open_ledger("redis://:secret@127.0.0.1:6379/0")
    assert "secret" not in caught.value.message
    assert "sqlite" in (caught.value.hint or "")


def test_a_checkpoint_is_signed_after_the_interval_even_when_idle(tmp_path: Path) -> None:
    from botwarden.ledger import write_key_pair
    from botwarden.ledger.memory import MemoryLedgerStore

    key = tmp_path / "ledger.key"
    write_key_pair(key)
    ledger = open_ledger("memory://", signing_key=key, checkpoint_interval=0.1)
    assert isinstance(ledger.store, MemoryLedgerStore)
    ledger.append({"bot": "b"})
    ledger.flush()
    deadline = time.monotonic() + 10
    while not ledger.store.checkpoint_table and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [c.seq for c in ledger.store.checkpoint_table] == [1]
    ledger.close()
    assert len(ledger.store.checkpoint_table) == 1  # nothing new to cover on close


EXIT_WITHOUT_CLOSE = """
    import sys
    from botwarden.ledger import open_ledger
    ledger = open_ledger(sys.argv[1], flush_interval=60)
    for n in range(500):
        ledger.append({"bot": "b", "n": n})
"""


def test_an_exit_without_close_still_writes_the_queue(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with child(EXIT_WITHOUT_CLOSE, url) as process:
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert len(list(open_ledger(url, read_only=True).entries())) == 500


@pytest.mark.parametrize("count", [1, 3, 5, 21, 256, 341, 1000])
def test_a_batch_of_any_size_lands_whole_and_in_order(tmp_path: Path, count: int) -> None:
    """SQLite batches are written as multi-row INSERTs in a few fixed sizes (256, 64, 16, 4,
    1): whatever the batch size, every row lands once, in order, and the chain verifies."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with open_ledger(url, instance="i", batch_size=count, flush_interval=5.0) as ledger:
        for n in range(count):
            ledger.append({"bot": "b", "verdict": "allow", "n": n})
        ledger.flush()
        assert [entry.record["n"] for entry in ledger.entries()] == list(range(count))
        assert ledger.verify().ok
