"""The inline stylesheet and script of the HTML report.

They are constants on purpose: the Content-Security-Policy pins them by sha256, so neither may
ever contain data from the audit. The script filters rows by their ``data-*`` attributes.
"""

from __future__ import annotations

STYLE = """
:root { color-scheme: light dark; --fg: #1b1f23; --bg: #ffffff; --muted: #59636e;
  --line: #d0d7de; --code: #f3f4f6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #30363d; --code: #161b22; }
}
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; padding: 1.5rem; max-width: 80rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
header p, .summary p, #shown { color: var(--muted); margin: .25rem 0; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 90%;
  background: var(--code); padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
.summary ul { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; }
.summary .count { font-weight: 700; }
.badge { display: inline-block; border-radius: 1em; padding: .1em .7em; font-weight: 600;
  font-size: 90%; white-space: nowrap; color: #fff; }
.sev-critical { background: #8b0000; }
.sev-high { background: #cf222e; }
.sev-medium { background: #9a6700; }
.sev-low { background: #0969da; }
.sev-info { background: #6e7781; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; margin: 1rem 0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .25rem .75rem; }
fieldset label { margin-right: .75rem; white-space: nowrap; }
.search input { min-width: 16rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line);
  padding: .4rem .5rem; }
td { overflow-wrap: anywhere; }
tr[hidden] { display: none; }
.message, .evidence code { white-space: pre-wrap; }
td.id code { overflow-wrap: normal; word-break: keep-all; white-space: nowrap; }
.evidence { color: var(--muted); margin-top: .25rem; }
.empty { font-size: 1.1rem; }
@media print { .filters { display: none; } }
"""

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("findings");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var search = document.getElementById("filter-text");
  var shown = document.getElementById("shown");
  function selected(kind) {
    var values = new Set();
    boxes.forEach(function (box) {
      if (box.dataset.filter === kind && box.checked) { values.add(box.value); }
    });
    return values;
  }
  function apply() {
    var severities = selected("severity");
    var categories = selected("category");
    var needle = search.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var visible = severities.has(row.dataset.severity) &&
        categories.has(row.dataset.category) &&
        (needle === "" || row.textContent.toLowerCase().indexOf(needle) !== -1);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = "Showing " + count + " of " + rows.length + " findings";
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  apply();
})();
"""
