"""requirements files: pip's line rules, includes and their limits, and what is not matchable."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from botwarden.deps.readers import NOT_MATCHABLE, ReadProblem, Requirement, read_file
from botwarden.deps.readers.requirements import MAX_DEPTH, logical_lines


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path, root: Path) -> tuple[dict[str, Requirement], list[ReadProblem]]:
    requirements, problems = read_file(path, root)
    return {r.name: r for r in requirements}, problems


def test_pins_specifiers_markers_hashes_and_continuations(tmp_path: Path) -> None:
    path = write(
        tmp_path / "requirements.txt",
        "# a comment line\n"
        "\n"
        "requests==2.31.0 \\\n"
        "    --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f \\\n"
        "    --hash sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1\n"
        'Django >= 4.2 , < 5 ; python_version >= "3.10"  # trailing comment\n'
        "numpy===1.26.0\n"
        "attrs==23.*\n"
        "Zope.Interface (==6.0)\n"
        "rich[jupyter]~=13.7\n"
        "click\n",
    )
    found, problems = read(path, tmp_path)
    assert problems == []
    requests = found["requests"]
    assert (requests.version, requests.specifier, requests.line) == ("2.31.0", "==2.31.0", 3)
    assert requests.hashes == (
        "sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f",
        "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1",
    )
    assert (requests.path, requests.source, requests.direct) == (
        "requirements.txt",
        "requirements",
        True,
    )
    django = found["django"]
    assert (django.display_name, django.version, django.specifier) == ("Django", None, ">=4.2,<5")
    assert django.marker == 'python_version >= "3.10"'
    assert django.line == 6
    assert found["numpy"].version == "1.26.0"  # arbitrary equality pins too
    assert found["attrs"].version is None  # a wildcard is a range, not a pin
    assert found["zope-interface"].version == "6.0"
    assert found["zope-interface"].specifier == "==6.0"
    assert (found["rich"].version, found["rich"].specifier) == (None, "~=13.7")
    assert (found["click"].version, found["click"].specifier) == (None, "")


def test_options_lines_are_ignored_and_unknown_options_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path / "requirements.in",
        "--index-url https://user:s3cret-token@pypi.example.com/simple\n"
        "--extra-index-url=https://other.example.com/simple\n"
        "-i https://x.example.com/simple\n"
        "--trusted-host pypi.example.com\n"
        "--no-binary :all:\n"
        "--require-hashes\n"
        "--pre\n"
        "--frobnicate\n"
        "six==1.16.0\n",
    )
    found, problems = read(path, tmp_path)
    assert list(found) == ["six"]
    assert [(p.line, "unknown option '--frobnicate'" in p.message) for p in problems] == [(8, True)]
    assert all("s3cret" not in p.message for p in problems)


def test_urls_paths_and_editables_are_not_matchable_and_hide_credentials(tmp_path: Path) -> None:
    path = write(
        tmp_path / "requirements.txt",
        "-e .\n"
        "--editable git+https://github.com/org/lib.git@v1#egg=lib\n"
        "./vendor/pkg\n"
        "https://files.example.com/pkg-1.0-py3-none-any.whl\n"
        "git+https://ghp_TOKENVALUE@github.com/org/private.git#egg=private\n"
        "private @ https://user:hunter2@files.example.com/private-1.0.tar.gz\n"
        "vendored-1.0.tar.gz\n"
        "ok==1\n",
    )
    found, problems = read(path, tmp_path)
    assert list(found) == ["ok"]
    assert [p.line for p in problems] == [1, 2, 3, 4, 5, 6, 7]
    assert all(NOT_MATCHABLE in p.message for p in problems)
    assert "a local path" in problems[0].message
    assert "a VCS checkout" in problems[1].message
    assert "a URL" in problems[3].message
    assert "private @" in problems[5].message
    joined = " ".join(p.message for p in problems)
    assert "TOKENVALUE" not in joined
    assert "hunter2" not in joined


def test_a_malformed_line_is_one_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "requirements.txt",
        'first==1\nfoo==\nbar >= 1 <\n"quoted\nnot a requirement at all\n--hash\nlast==2\n',
    )
    found, problems = read(path, tmp_path)
    assert sorted(found) == ["first", "last"]
    assert found["last"].line == 7
    assert [p.line for p in problems] == [2, 3, 4, 5, 6]
    assert "requirement 'foo==' is not PEP 508" in problems[0].message
    assert all(p.path == "requirements.txt" for p in problems)


def test_bad_options_are_reported_and_the_requirement_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "requirements.txt",
        "pkg==1.0 --hash=nodigest --hash=sha256:abc\nother==2 --hash\nthird==3 --hash 'x\n",
    )
    found, problems = read(path, tmp_path)
    assert found["pkg"].hashes == ("sha256:abc",)
    assert (found["other"].version, found["third"].version) == ("2", "3")
    assert [p.line for p in problems] == [1, 2, 3]
    assert "not algorithm:digest" in problems[0].message
    assert "needs a value" in problems[1].message
    assert "quotation" in problems[2].message


def test_comments_follow_pip_and_keep_url_fragments(tmp_path: Path) -> None:
    lines = list(
        logical_lines(
            "a==1 # note\n"
            "#b==2 \\\n"  # a comment ending in a backslash does not continue
            "c==3 \\\n"
            "# interrupts the continuation\n"
            "d @ https://x.example/d.zip#sha256=00\n"
            "e==5 \\"  # a continuation at the end of the file
        )
    )
    assert lines == [
        (1, "a==1"),
        (3, "c==3"),
        (5, "d @ https://x.example/d.zip#sha256=00"),
        (6, "e==5"),
    ]


def test_includes_are_read_relative_to_the_including_file(tmp_path: Path) -> None:
    write(tmp_path / "requirements" / "base.txt", "idna==3.7\n-c ../constraints/pins.txt\n")
    write(tmp_path / "constraints" / "pins.txt", "certifi==2024.7.4\n")
    top = write(
        tmp_path / "requirements" / "dev.txt",
        "-r base.txt\n--requirement=base.txt\n-rbase.txt\npytest==8.2.0\n",
    )
    requirements, problems = read_file(top, tmp_path)
    assert problems == []
    assert [(r.name, r.path, r.line) for r in requirements] == [
        ("idna", "requirements/base.txt", 1),
        ("certifi", "constraints/pins.txt", 1),
        ("pytest", "requirements/dev.txt", 4),
    ]  # base.txt is included three times but read once


def test_include_cycles_are_reported_at_the_including_line(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "alpha==1\n-r b.txt\n")
    write(tmp_path / "b.txt", "beta==1\n\n-r a.txt\n-r b.txt\n")
    requirements, problems = read_file(tmp_path / "a.txt", tmp_path)
    assert sorted(r.name for r in requirements) == ["alpha", "beta"]
    assert [(p.path, p.line) for p in problems] == [("b.txt", 3), ("b.txt", 4)]
    assert "include cycle (a.txt -> b.txt -> a.txt)" in problems[0].message
    assert "include cycle (b.txt -> b.txt)" in problems[1].message


def test_include_depth_is_capped(tmp_path: Path) -> None:
    for i in range(MAX_DEPTH + 3):
        write(tmp_path / f"r{i}.txt", f"p{i}==1\n-r r{i + 1}.txt\n")
    requirements, problems = read_file(tmp_path / "r0.txt", tmp_path)
    assert len(requirements) == MAX_DEPTH + 1
    assert len(problems) == 1
    assert f"more than {MAX_DEPTH} includes deep" in problems[0].message


def test_includes_outside_the_root_are_not_followed(tmp_path: Path) -> None:
    secret = write(tmp_path / "home" / ".aws" / "credentials", "aws_secret_access_key = ZZZ\n")
    repo = tmp_path / "repo"
    write(repo / "requirements.txt", f"-r ../home/.aws/credentials\n-r {secret}\nok==1\n")
    (repo / "link.txt").symlink_to(secret)
    write(repo / "dev.txt", "-r link.txt\n")
    requirements, problems = read_file(repo / "requirements.txt", repo)
    more, more_problems = read_file(repo / "dev.txt", repo)
    assert [r.name for r in requirements] == ["ok"]
    assert more == []
    assert len(problems + more_problems) == 3
    assert all("outside the scanned directory" in p.message for p in problems + more_problems)
    assert all("ZZZ" not in p.message for p in problems + more_problems)


def test_an_explicit_file_outside_the_root_may_include_beside_itself(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "base.txt", "idna==3.7\n")
    write(elsewhere / "requirements.txt", "-r base.txt\n")
    (tmp_path / "root").mkdir()
    requirements, problems = read_file(elsewhere / "requirements.txt", tmp_path / "root")
    assert problems == []
    assert [(r.name, r.path) for r in requirements] == [("idna", "../elsewhere/base.txt")]


def test_a_missing_include_is_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "requirements.txt", "-r missing.txt\nok==1\n")
    found, problems = read(path, tmp_path)
    assert list(found) == ["ok"]
    assert [(p.path, p.line) for p in problems] == [("missing.txt", 0)]
    assert "cannot open" in problems[0].message


# -- properties -----------------------------------------------------------------------------

_names = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?\Z")
_versions = st.builds(
    lambda parts, pre, post, dev: ".".join(map(str, parts)) + pre + post + dev,
    st.lists(st.integers(0, 2000), min_size=1, max_size=4),
    st.sampled_from(["", "a1", "b2", "rc3"]),
    st.sampled_from(["", ".post1"]),
    st.sampled_from(["", ".dev4"]),
)
_markers = st.sampled_from(
    [
        "",
        'python_version < "3.12"',
        "sys_platform == 'linux' and platform_machine != 'aarch64'",
        'extra == "test"',
        'os_name == "nt" or python_full_version >= "3.11.2"',
    ]
)
_hashes = st.lists(
    st.binary(min_size=32, max_size=32).map(lambda b: "sha256:" + b.hex()), max_size=3, unique=True
)
_spaces = st.sampled_from(["", " ", "  ", "\t"])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(
    name=_names,
    version=_versions,
    marker=_markers,
    hashes=_hashes,
    comment=st.sampled_from(["", "  # pinned by pip-compile", " #"]),
    preamble=st.integers(0, 3),
    split=st.booleans(),
    pad=_spaces,
)
def test_generated_pinned_lines_round_trip(
    tmp_path: Path,
    name: str,
    version: str,
    marker: str,
    hashes: list[str],
    comment: str,
    preamble: int,
    split: bool,
    pad: str,
) -> None:
    line = f"{name}{pad}=={pad}{version}"
    if marker:
        line += f" ;{pad}{marker}"
    glue = " \\\n    " if split else " "
    line += "".join(f"{glue}--hash={h}" for h in hashes) + comment
    path = write(tmp_path / "requirements.txt", "# header\n" * preamble + line + "\n")
    requirements, problems = read_file(path, tmp_path)
    assert problems == []
    (found,) = requirements
    assert found.name == canonicalize_name(name)
    assert found.display_name == name
    assert found.version == version
    assert found.specifier == f"=={version}"
    assert found.hashes == tuple(hashes)
    assert found.marker == (str(Marker(marker)) if marker else "")
    assert found.line == preamble + 1


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(
                list(string.ascii_letters + string.digits + " \t#;@=<>!~,.-_[]()\\'\"/:*$")
            ),
            max_size=40,
        ),
        max_size=8,
    )
)
def test_arbitrary_lines_never_raise_and_problems_name_real_lines(
    tmp_path: Path, lines: list[str]
) -> None:
    path = write(tmp_path / "requirements.txt", "\n".join(lines) + "\n")
    requirements, problems = read_file(path, tmp_path)
    for item in [*requirements, *problems]:
        if item.path == "requirements.txt":
            assert 1 <= item.line <= max(len(lines), 1)
    for requirement in requirements:
        assert requirement.name == canonicalize_name(requirement.display_name)
