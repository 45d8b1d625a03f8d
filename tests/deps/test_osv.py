"""OSV records: parsing untrusted JSON, PEP 440 range walks, severities and the smallest fix."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from botwarden.deps.osv import OSVError, parse, smallest_upgrade

CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V4_CRITICAL = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def record(events: list[dict[str, str]], name: str = "Jinja2", **extra: Any) -> dict[str, Any]:
    return {
        "id": "GHSA-test-0001",
        "aliases": ["CVE-2024-0001"],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
        ],
        **extra,
    }


TWO_RANGES = record(
    [{"introduced": "0"}, {"fixed": "3.1.4"}, {"introduced": "4.0a1"}, {"last_affected": "4.0.2"}]
)


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("0.1", True),
        ("3.1.3", True),
        ("3.1.4rc1", True),  # a pre-release of the fix is before the fix
        ("3.1.3+ubuntu1", True),  # a local version of an affected release
        ("3.1.4", False),
        ("3.1.4.post1", False),
        ("3.9", False),
        ("4.0a1", True),
        ("4.0.dev0", False),  # a dev release sorts before 4.0a1
        ("4.0.2", True),  # last_affected is inclusive
        ("4.0.2.post1", False),
        ("1!0.1", False),  # an epoch sorts after every epoch-0 version
    ],
)
def test_pep440_range_walk(version: str, affected: bool) -> None:
    assert parse(TWO_RANGES).affects("jinja2", Version(version)) is affected


def test_names_are_compared_after_pep503_normalisation() -> None:
    advisory = parse(record([{"introduced": "0"}, {"fixed": "2"}], name="Zope.Interface"))
    assert advisory.affects("zope-interface", Version("1"))
    assert advisory.affects("ZOPE_interface", Version("1"))
    assert not advisory.affects("zope", Version("1"))


def test_explicit_versions_and_limits() -> None:
    doc = record([{"introduced": "1.0"}, {"limit": "1.5"}])
    doc["affected"][0]["versions"] = ["0.9"]
    advisory = parse(doc)
    assert [advisory.affects("jinja2", Version(v)) for v in ("0.8", "0.9", "1.2", "1.5")] == [
        False,
        True,
        True,
        False,
    ]


def test_same_version_introduced_and_fixed_holds_nothing() -> None:
    advisory = parse(record([{"fixed": "2.0"}, {"introduced": "2.0"}]))
    assert not advisory.affects("jinja2", Version("2.0"))


def test_other_ecosystems_and_git_ranges_are_ignored() -> None:
    doc = record([{"introduced": "0"}])
    doc["affected"].append({"package": {"ecosystem": "npm", "name": "jinja2"}, "ranges": []})
    doc["affected"][0]["ranges"].append({"type": "GIT", "events": [{"introduced": "abc123"}]})
    advisory = parse(doc)
    assert [a.package for a in advisory.affected] == ["jinja2"]
    assert len(advisory.affected[0].ranges) == 1


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "JSON object, not list"),
        ({"aliases": []}, "has no id"),
        (record([{"fixed": "1.0"}]), "needs an 'introduced' event"),
        (record([{"introduced": "0", "fixed": "1"}]), "exactly one of"),
        (record([{"introduced": "0"}, {"patched": "1"}]), "unknown event 'patched'"),
        ({"id": "X", "affected": {"package": {}}}, "affected is not a list"),
        ({"id": "X", "severity": ["CVSS"]}, r"severity\[0\] is not an object"),
    ],
)
def test_malformed_records_are_clear_errors(doc: object, message: str) -> None:
    with pytest.raises(OSVError, match=message):
        parse(doc, "all.zip:PYSEC-1.json")


@pytest.mark.parametrize(
    ("severity", "word", "rating", "score"),
    [
        ([{"type": "CVSS_V3", "score": CRITICAL}], None, "critical", 9.8),
        ([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L"}], None,
         "low", 1.8),
        ([{"type": "CVSS_V4", "score": V4_CRITICAL}], None, "critical", 9.3),
        ([{"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}], None, "high", 7.5),
        ([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:X"}], "MODERATE", "medium", None),
        ([], "HIGH", "high", None),
        ([], None, "unknown", None),
    ],
)  # fmt: skip
def test_severity_from_the_best_vector_or_the_databases_word(
    severity: list[dict[str, str]], word: str | None, rating: str, score: float | None
) -> None:
    extra: dict[str, Any] = {"severity": severity}
    if word:
        extra["database_specific"] = {"severity": word}
    advisory = parse(record([{"introduced": "0"}], **extra))
    assert (advisory.severity.rating, advisory.severity.score) == (rating, score)


def test_smallest_upgrade_clears_every_advisory() -> None:
    first = parse(record([{"introduced": "0"}, {"fixed": "2.0"}]))
    second = dict(record([{"introduced": "2.0"}, {"fixed": "2.1"}]), id="GHSA-test-0002")
    prerelease_fix = dict(record([{"introduced": "0"}, {"fixed": "3.0rc1"}]), id="GHSA-test-0003")
    advisories = [first, parse(second)]
    assert smallest_upgrade("jinja2", Version("1.0"), advisories) == Version("2.1")
    assert smallest_upgrade("other", Version("1.0"), advisories) is None
    assert smallest_upgrade("jinja2", Version("1.0"), [parse(prerelease_fix)]) == Version("3.0rc1")
    only_last = parse(record([{"introduced": "0"}, {"last_affected": "2.0"}]))
    assert smallest_upgrade("jinja2", Version("1.0"), [only_last]) is None


versions = st.builds(
    lambda parts, pre: Version(".".join(map(str, parts)) + pre),
    st.lists(st.integers(0, 12), min_size=1, max_size=3),
    st.sampled_from(["", "a1", "rc2", ".post1", ".dev0"]),
)


@given(st.lists(versions, min_size=1, max_size=6, unique=True), versions)
def test_range_walk_matches_the_intervals_it_describes(
    bounds: list[Version], probe: Version
) -> None:
    """Sorted bounds alternate introduced/fixed: affected exactly inside [introduced, fixed)."""
    bounds = sorted(bounds)
    events = [{"introduced" if i % 2 == 0 else "fixed": str(v)} for i, v in enumerate(bounds)]
    inside = any(
        bounds[i] <= probe and (i + 1 == len(bounds) or probe < bounds[i + 1])
        for i in range(0, len(bounds), 2)
    )
    assert parse(record(events)).affects("jinja2", probe) is inside


def test_an_unreadable_version_costs_its_range_or_list_entry_not_the_advisory() -> None:
    doc = record([{"introduced": "0"}, {"fixed": "2004d"}])
    doc["affected"][0]["ranges"].append(
        {"type": "ECOSYSTEM", "events": [{"introduced": "3.0"}, {"fixed": "3.2"}]}
    )
    doc["affected"][0]["versions"] = ["1.0", "0.4dev-r1234", 7]
    warnings: list[str] = []
    advisory = parse(doc, "all.zip:X.json", warnings)
    assert [advisory.affects("jinja2", Version(v)) for v in ("1.0", "1.5", "3.1", "3.2")] == [
        True,  # from the versions list
        False,  # its range was left out
        True,
        False,
    ]
    assert len(warnings) == 3
    assert "'2004d' is not a PEP 440 version; the range is left out" in warnings[0]
    assert "'0.4dev-r1234' is not a PEP 440 version; left out of the list" in warnings[1]
    assert "version is not a string" in warnings[2]
