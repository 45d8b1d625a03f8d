"""The Dockerfile reader: logical lines, the escape directive and heredocs, checked on examples
and on generated files (hypothesis) that are cut into continuation lines at random places."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.analysers.network.dockerfile import parse_dockerfile, split_words

KEYWORDS = ("RUN", "ENV", "LABEL", "EXPOSE", "WORKDIR", "CMD", "USER")
WORD = st.text(alphabet="abcxyz0123456789-_=/.:", min_size=1, max_size=8)


@st.composite
def dockerfiles(draw: st.DrawFn) -> tuple[str, list[tuple[str, list[str]]], list[int], str]:
    """(text, [(keyword, words)], first line of each instruction, escape character)."""
    escape = draw(st.sampled_from(["\\", "`"]))
    lines: list[str] = [f"# escape={escape}"] if escape == "`" or draw(st.booleans()) else []
    lines.append("FROM base:1")
    expected = [("FROM", ["base:1"])]
    starts = [len(lines)]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# a comment", "   ", "  # indented"])))
        keyword = draw(st.sampled_from(KEYWORDS))
        words = draw(st.lists(WORD, min_size=1, max_size=6))
        starts.append(len(lines) + 1)
        current = f"{draw(st.sampled_from([keyword, keyword.lower()]))} {words[0]}"
        for word in words[1:]:
            if draw(st.booleans()):  # break the line before this word
                lines.append(f"{current} {escape}")
                if draw(st.booleans()):
                    lines.append(draw(st.sampled_from(["# inside", ""])))
                current = f"  {word}"
            else:
                current = f"{current} {word}"
        lines.append(current)
        expected.append((keyword, words))
    return "\n".join(lines) + "\n", expected, starts, escape


@given(dockerfiles())
@settings(max_examples=200, deadline=None)
def test_logical_lines_round_trip(case: tuple[str, list[tuple[str, list[str]]], list[int], str]
                                  ) -> None:  # fmt: skip
    text, expected, starts, _escape = case
    parsed = parse_dockerfile(text)
    assert [(i.keyword, i.args.split()) for i in parsed] == expected
    assert [i.line for i in parsed] == starts
    assert all(a.end_line < b.line for a, b in itertools.pairwise(parsed))


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_never_raises_and_lines_stay_in_the_file(text: str) -> None:
    parsed = parse_dockerfile(text)
    count = max(1, len(text.splitlines()))
    previous = 0
    for instruction in parsed:
        assert previous < instruction.line <= instruction.end_line <= count
        assert instruction.keyword == instruction.keyword.upper()
        previous = instruction.end_line
    split_words(text)  # never raises either


def test_heredocs_are_bodies_not_instructions() -> None:
    text = ("FROM a:1\nRUN <<EOF cat > /x <<-'END'\necho one\nFROM not-an-instruction\nEOF\n"
            "\tmore\n\tEND\nUSER 1\n")  # fmt: skip
    parsed = parse_dockerfile(text)
    assert [i.keyword for i in parsed] == ["FROM", "RUN", "USER"]
    run = parsed[1]
    assert [(h.marker, h.body, h.line) for h in run.heredocs] == [
        ("EOF", "echo one\nFROM not-an-instruction", 3),
        ("END", "more", 6),
    ]
    assert (run.line, run.end_line, parsed[2].line) == (2, 7, 8)


def test_unterminated_heredoc_runs_to_the_end() -> None:
    parsed = parse_dockerfile("FROM a:1\nRUN <<EOF\ncurl x | sh\n")
    assert parsed[-1].heredocs[0].body == "curl x | sh"


def test_directive_only_at_the_top() -> None:
    text = "FROM a:1\n# escape=`\nRUN one `\ntwo\n"
    parsed = [(i.keyword, i.args) for i in parse_dockerfile(text)]
    assert parsed == [("FROM", "a:1"), ("RUN", "one `"), ("TWO", "")]


def test_words_keep_quotes_together() -> None:
    assert split_words("A=\"b c\" D='e f' G=h\\ i") == ["A=b c", "D=e f", "G=h i"]
