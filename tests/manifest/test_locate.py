"""The locator finds the line of every key, array element and table, as tomllib reads them."""

from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from botwarden.manifest.locate import Key, line_of, locate_keys

DOC = '''\
top = 1            # line 1
[a]
"quoted.key" = "x"
b.c = 2
list = [
  "one",   # comment, with = signs
  { k = 1, m = [1,
    2] },
]
s = """multi
line ] [ = """
after = 'lit'
[[arr]]
x = 1
[[arr]]
x = 2
[arr.sub]
y = 3
[[arr.items]]
z = 4
'''


def test_known_document() -> None:
    lines = locate_keys(DOC)
    expected: dict[Key, int] = {
        ("top",): 1, ("a",): 2, ("a", "quoted.key"): 3, ("a", "b"): 4, ("a", "b", "c"): 4,
        ("a", "list"): 5, ("a", "list", 0): 6, ("a", "list", 1): 7, ("a", "list", 1, "k"): 7,
        ("a", "list", 1, "m", 1): 8, ("a", "s"): 10, ("a", "after"): 12, ("arr", 0): 13,
        ("arr", 0, "x"): 14, ("arr", 1): 15, ("arr", 1, "x"): 16, ("arr", 1, "sub"): 17,
        ("arr", 1, "sub", "y"): 18, ("arr", 1, "items", 0): 19, ("arr", 1, "items", 0, "z"): 20,
    }  # fmt: skip
    for key, line in expected.items():
        assert lines.get(key) == line, key


def test_lookup_falls_back_to_parent() -> None:
    lines = locate_keys(DOC)
    assert line_of(lines, ("arr", 1, "missing")) == 15
    assert line_of(lines, ("nowhere",)) is None


def test_never_raises_on_garbage() -> None:
    for text in ["[", "a = [", "a = '''", "= 1", "[[a]", 'a = "\\u12', "\x00"]:
        assert isinstance(locate_keys(text), dict)


# -- property: generated documents ----------------------------------------------------------

_key = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True),
    st.text(alphabet="ab.c -#=[]'", min_size=1, max_size=6).map(lambda s: f'"{s}"'),
)
_scalar = st.one_of(
    st.integers(-5, 5).map(str),
    st.text(alphabet="xy#=[]{},'\\", max_size=5).map(lambda s: '"' + s.replace("\\", "\\\\") + '"'),
    st.just("true"), st.just("1979-05-27"), st.just("'lit # ['"),
)  # fmt: skip


def _unquote(key: str) -> str:
    return key[1:-1] if key.startswith('"') else key


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[Key, int]]:
    """A TOML document and, for each key written, the line where it was written."""
    out: list[str] = []
    expected: dict[Key, int] = {}

    def body(prefix: Key) -> None:
        names = draw(st.lists(_key, max_size=4, unique_by=_unquote))
        for name in names:
            key = (*prefix, _unquote(name))
            expected[key] = len(out) + 1
            if draw(st.booleans()):
                out.append(f"{name} = {draw(_scalar)}")
            else:  # a multi-line array: each element on its own line
                out.append(f"{name} = [")
                for index, value in enumerate(draw(st.lists(_scalar, max_size=3))):
                    expected[(*key, index)] = len(out) + 1
                    out.append(f"  {value},  # item")
                out.append("]")

    body(())
    for table in draw(st.lists(_key, max_size=3, unique_by=_unquote)):
        name = "t_" + _unquote(table).replace('"', "").replace("\\", "")
        quoted = '"' + name + '"'
        if draw(st.booleans()):
            for index in range(draw(st.integers(1, 2))):
                expected[(name, index)] = len(out) + 1
                out.append(f"[[{quoted}]]")
                body((name, index))
        else:
            expected[(name,)] = len(out) + 1
            out.append(f"[{quoted}]")
            body((name,))
    return "\n".join(out) + "\n", expected


@settings(max_examples=200)
@given(documents())
def test_generated_documents(doc: tuple[str, dict[Key, int]]) -> None:
    text, expected = doc
    tomllib.loads(text)  # the generator only writes valid TOML
    lines = locate_keys(text)
    for key, line in expected.items():
        assert lines.get(key) == line, (key, text)
