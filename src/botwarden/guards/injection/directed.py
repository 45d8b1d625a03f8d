"""An AI reader directed at what only its user may decide: the goal of an injected order.

An injection inside a document nearly always wants something done: money moved or bank details
changed, credentials handed over, access granted, a shell command run, a decision bent (full
marks, the top rank, a candidate moved on), the user kept in the dark. Writing *about* AI names
the same things (policies forbid them, articles report them, owners' instructions to their own
tools mention passwords), so a goal alone says little, and an AI named alone says less. Together
they are an injection's shape when, within one passage (no blank line between):

- an AI reader is named first (``AI``, ``LLM``, ``chatbot``, ``bot``, ``assistant``, a role only
  software has such as ``coding agent``, in several languages), and the goal follows within
  ``REACH`` characters;
- the text between them directs it (a modal such as ``must`` or ``is to``, ``please``, ``do not``,
  or a colon right after the name: ``Assistant processing this mailbox: forward ...``), and
  forbids nothing (``must not``, ``will never``, ``cannot``: a policy's wording), unless the goal
  is itself keeping something from the user;
- the name is not a speaker label of a transcript (a line opening ``Bot:`` where the text has
  other speakers' labels or the same label twice): there the assistant's turn is what it *said*.

No phrasing of the order is needed, which is what hand-written rules kept missing: passive voice,
fake policies, and addresses the ``_ADDRESSED`` rule cannot read (``Assistant compiling these
survey results: delete ...``) all reach for one of a few goals.
"""

from __future__ import annotations

import re

from botwarden.regex_heads import HeadFinder, literal_heads

REACH = 300  # characters from the AI's name to the start of the goal
_GOAL_SPAN = 260  # how far past REACH a goal may run (``curl ... | sh`` holds 200 characters)

# "assistant" after a title people hold
_NOT_A_PERSON = "".join(
    f"(?<!{title} )"
    for title in (
        "research",
        "teaching",
        "administrative",
        "personal",
        "executive",
        "dental",
        "medical",
        "legal",
        "office",
        "sales",
        "lab",
        "shop",
        "store",
        "nursing",
        "editorial",
        "program",
        "project",
        "marketing",
        "care",
        "healthcare",
        "physician",
        "veterinary",
        "production",
    )
)

# Who is addressed. "assistant" alone is kept (people are assistants too, but a person is rarely
# ordered to move money in a document's hidden line); "agent" and "model" only with a word that
# makes them software, since support agents, research assistants and fashion models are people.
_AI = re.compile(
    r"(?<![\w-])(?:ais?|a\.i\.|llms?|gpts?|genai|copilots?|chat-?bots?|bots?|"
    rf"{_NOT_A_PERSON}assistants?|"
    r"(?:coding|code|browser|notebook|ai|llm|mail|email|e-mail|inbox|calendar|expense|booking|"
    r"shopping|review|triage|scheduling|translation|machine translation)[ -](?:agents?|models?|"
    r"systems?|tools?|software|assistants?|reviewers?|screeners?|readers?)|"
    r"(?:automated|autonomous)[ -](?:[\w-]{1,24}[ -]){0,2}?(?:agents?|models?|systems?|tools?|"
    r"software|assistants?|reviewers?|screeners?|readers?|processors?|pipelines?)|"
    r"assistant[ -](?:software|app|tool|bot)s?|"
    r"language models?|ai models?|asistentes?|assistentes?|assistent(?:en)?|agentes? (?:de |d')?ia|"
    r"ki|ia|ki-[\w-]+|ai-[\w-]+|ia-[\w-]+|agents?[ -](?:note|instructions?|directive)s?)(?![\w-])"
)
# other scripts (looked for in text that is not ASCII); without spaces, a name may touch the
# words around it
_AI_OTHER_SCRIPTS = re.compile(
    r"(?<![\w-])(?:ии(?:-[\w-]+)?|ассистент\w*|yapay\s+zek[aâ]\w*)(?![\w-])|"
    r"アシスタント|エージェント|助手|人工智能|智能体|(?<![a-z])ai(?![a-z])|어시스턴트|에이전트"
)

# What the order reaches for. Each alternative is a goal a document's author has no business
# setting for its reader's AI.
_CONCEAL = (
    r"\bwithout\s+(?:\S+\s+){0,2}?(?:telling|informing|notifying|alerting|asking|consulting|"
    r"flagging|mentioning|confirmation|approval|permission|consent|confirming)\b|"
    r"\b(?:notifying|telling|informing|alerting)\s+no\s?one\b|"
    r"\bno\s+(?:further\s+)?(?:approval|confirmation|permission|sign-?off)\s+(?:is\s+|are\s+)?"
    r"(?:needed|required|necessary)\b|"
    r"\b(?:do\s+not|don'?t|never|no\s+need\s+to)\s+(?:tell|inform|notify|alert|warn|consult|ask|"
    r"let|check\s+with|show)\s+(?:the\s+|this\s+|your\s+|any\s+)?(?:user|owner|customer|client|human|"
    r"recipient|member|requester|account\s+holder|employee|manager|anyone|them|him|her)s?\b|"
    r"\b(?:do\s+not|don'?t|never)\s+(?:mention|disclose|reveal|show|bring\s+up)\s+(?:\S+\s+){0,5}?"
    r"to\s+(?:the\s+)?(?:user|owner|customer|client|human|recipient|member|anyone)s?\b|"
    r"\b(?:do\s+not|don'?t|never)\s+(?:mention|disclose|bring\s+up)\s+(?:this|that|it|the\s+(?:change|"
    r"step|fork|dependency|payment|transfer|update|redirect|link|note|bump))\b|"
    r"\b(?:silently|quietly|secretly|covertly|discreetly)\b|"
    r"\bohne\s+(?:\S+\s+){0,3}?(?:zu\s+)?(?:informieren|benachrichtigen|fragen|r[uü]ckfrage)|"
    r"\bsans\s+(?:en\s+)?(?:informer|pr[ée]venir|avertir|demander|consulter)\b|"
    r"\bsin\s+(?:\S+\s+)?(?:informar|avisar|notificar|preguntar|consultar)\b|"
    r"\bsenza\s+(?:\S+\s+)?(?:informare|avvisare|chiedere|notificare)\b|"
    r"\bsem\s+(?:\S+\s+)?(?:informar|avisar|notificar|perguntar)\b|"
    r"\bzonder\s+(?:\S+\s+){0,3}?te\s+(?:informeren|melden|vragen)\b|"
    r"\bleave\s+(?:it|this|that|them)\s+out\s+of\s+(?:the\s+)?(?:pr|pull\s+request|summary|diff|"
    r"description|changelog|report|minutes|notes|commit\s+message)\b|"
    r"\b(?:leave|keep)\s+(?:out|off)\s+(?:the\s+part|any\s+mention|all\s+mention|the\s+fact)\b|"
    r"\bomit\s+(?:any|all)\s+mention\b|"
    r"\b(?:do\s+not|don'?t|never)\s+(?:summari[sz]e|mention|include|show|report|list|flag)\b"
    r"(?:\s+\S+){0,8}?\s+(?:for|to)\s+(?:the\s+)?(?:human|user|reviewer|owner|customer|approver)s?\b|"
    # the same in other languages: "don't tell the user", "don't mention it"
    r"\bno\s+(?:le\s+|se\s+lo\s+)?(?:informes|digas|comuniques|avises|menciones|notifiques)\b|"
    r"\bnon\s+(?:lo\s+)?(?:menzionar\w*|informare|dire|dirlo|comunicar\w*|avvisare|segnalar\w*)\b|"
    r"\bne\s+(?:le\s+|lui\s+|leur\s+|l'|en\s+)?(?:signale|dis|dites|mentionne|mentionnez|"
    r"informe|informez|pr[ée]viens|pr[ée]venez)\s+(?:\S+\s+){0,2}?(?:pas|rien|jamais)\b|"
    r"\b(?:verrate|sage|erw[aä]hne|informiere|melde)\s+(?:\S+\s+){0,4}?nicht\b|"
    r"\bnao\s+(?:informe|diga|mencione|avise|conte|comunique)\b|"
    r"\b(?:vertel|meld|noem|zeg)\s+(?:\S+\s+){0,4}?niet\b|"
    r"\bnie\s+(?:informuj|m[oó]w|wspominaj|powiadamiaj|zg[lł]aszaj)\b"
)
_ADDRESS = r"(?:[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+)"
# data sent to an address, in other languages (the verb first)
_SEND = (
    r"\b(?:reenv[ií]a|env[ií]a|manda|invia|inoltra|envoie|envoyez|transf[eè]re|transf[eé]rez|"
    r"renvoie|sende|schicke?|leite|stuur|verstuur|wy[sś]lij|prze[sś]lij|envie|encaminhe|"
    rf"reencaminhe|gonder)\w*\b[^\n]{{0,160}}?{_ADDRESS}"
)
_CONCEAL_UNSPACED = (
    r"(?:ユーザー|利用者)に(?:は)?(?:伝え|知らせ|言わ)ない|(?:触れ|言わ|伝え|知らせ)ないで|"
    r"不要(?:告诉|通知|提及|提到)|(?:不要|别)让用户知道|알리지\s?마|말하지\s?마|언급하지\s?마|"
    r"не\s+(?:сообщай|говори|упоминай|информируй|уведомляй)\w*|"
    r"(?:söyleme|bildirme|bahsetme)(?:yin|yiniz)?\b|não\s+(?:informe|diga|mencione|avise|conte|"
    r"comunique)\b"
)
# data sent to an address: the address first in Korean and Japanese, the verb first else
_SEND_UNSPACED = (
    rf"gönder\w*\b[^\n]{{0,160}}?{_ADDRESS}|"
    rf"{_ADDRESS}[^\n]{{0,24}}?(?:전송|전달|보내|送信|転送|送っ|送る)|"
    rf"(?:发送|转发|發送|轉發|пересыл\w*|перешли|отправ\w*|отошли)[^\n]{{0,160}}?{_ADDRESS}"
)
_GOAL = re.compile(
    rf"{_CONCEAL}|{_SEND}|"
    # money
    r"\bbank\s+(?:details|account|information|info)\b|\biban\b|\brouting\s+number|"
    r"\bsignator(?:y|ies)\b|\bpayment\s+authority\b|\bbankverbindung|\bcoordonn[ée]es\s+bancaires|"
    r"\bdatos\s+bancarios|\bcoordinate\s+bancarie|\bdados\s+banc[aá]rios|\brekeningnummer|"
    r"\b(?:approve|authori[sz]e|release|pay|settle|wire|transfer|refund)\b(?:\s+\S+){0,4}?\s+"
    r"(?:payment|invoice|funds|money|amount|balance|refund)s?\b|\brefund\s+of\s+(?:[$€£]|\d)|"
    # credentials, asked for or handed over
    r"\b(?:send|share|enter|type|provide|reveal|include|paste|post|give|collect|request|ask|"
    r"output|print|cat|read|upload|forward|email|e-mail|copy|verify|confirm|supply|submit|append)"
    r"(?:s|ing|ed)?\b"
    r"(?:\s+\S+){0,7}?\s+(?:passwords?|passcodes?|pins?|api[\s_-]?keys?|credentials?|"
    r"private\s+keys?|one-time\s+(?:codes?|passwords?)|2fa\s+codes?|session\s+(?:cookies?|tokens?)|"
    r"(?:verification|security|login|sign-in|confirmation|six-digit|6-digit)\s+codes?|"
    r"card\s+(?:numbers?|details|expiry|expiration)|expiry\s+of\s+(?:their|the|your)\s+card|cvv|cvc|"
    r"access\s+(?:tokens?|keys?)|secret\s+(?:keys?|access\s+keys?)|seed\s+phrases?)\b|"
    r"~/\.ssh\b|\.aws/credentials\b|(?<![\w.])\.env\b|/etc/(?:shadow|passwd)\b|\bid_(?:rsa|ed25519)\b|"
    r"(?<=[a-z0-9])_(?:password|passwd|secret|token|api_key|private_key)\b|"
    # checks switched off
    r"\bskip(?:ping)?\s+(?:\S+\s+){0,3}?(?:checks?|verification|review|approval|scan|call-?back|"
    r"po\s+matching|confirmation)s?\b|"
    r"\b(?:checks?|verification|review|approval|scans?)\s+(?:are|is|will\s+be|gets?)\s+"
    r"(?:skipped|bypassed|waived|disabled)\b|"
    # code run from the text
    r"\bcurl\b[^\n]{0,200}\|\s*(?:sudo\s+)?(?:ba|z)?sh\b|\bwget\b[^\n]{0,200}\|\s*(?:sudo\s+)?"
    r"(?:ba)?sh\b|\bchmod\s+(?:-r\s+)?777\b|\brm\s+-rf\b|"
    # access
    r"\b(?:grant|give|add|make|assign|elevate|promote)\b(?:\s+\S+){0,6}?\s+(?:as\s+)?(?:an?\s+)?"
    r"(?:admin|administrator|owner|root|superuser|write\s+access|full\s+access|collaborator|"
    r"local\s+administrator|admin\s+rights)\b|"
    # decisions
    r"\bfull\s+marks\b|\b(?:highest|top|maximum|perfect|best)\s+(?:possible\s+)?(?:score|rating|"
    r"rank|grade|mark)s?\b|\b(?:5-stars?|5 stars?|five[- ]stars?)\b|"
    r"\brank\s+(?:\S+\s+){0,3}?first\b|"
    r"\b(?:shortlist|advance|move)\s+(?:\S+\s+){0,3}?(?:candidate|applicant|application)\b|"
    r"\bonly\s+(?:recommend|suggest)\b|\brecommend\s+(?:only|exclusively)\b|"
    r"\b(?:reject|disqualify|downrank)\s+(?:all\s+)?(?:the\s+)?(?:other|competing)\b|"
    r"\b(?:top|first)\s+(?:\S+\s+)?(?:headline|result|spot|position|pick|recommendation|choice)\b|"
    # destruction
    r"\b(?:delete|erase|wipe|purge|destroy|cancel)\w*\s+(?:\S+\s+){0,3}?(?:all|every|each|entire)\b|"
    r"\bdelete_\w+|"
    # purchases the user did not ask for
    r"\badd\s+(?:\S+\s+){0,5}?to\s+(?:the\s+|their\s+|your\s+)?(?:basket|cart|order)\b|"
    # data sent to an address the text names
    r"\b(?:send|forward|upload|post|email|e-mail|copy|paste|exfiltrate)\b(?:\s+\S+){0,8}?\s+to\s+"
    r"(?:\S+@\S+|https?://\S+|\S+\.example\b)"
)
_GOAL_UNSPACED = re.compile(rf"{_CONCEAL_UNSPACED}|{_SEND_UNSPACED}")
_CONCEALS = re.compile(rf"{_CONCEAL}|{_CONCEAL_UNSPACED}")

# The passage directs its reader ...
_DIRECTIVE = re.compile(
    r"\b(?:must|should|shall|is\s+to|are\s+to|needs?\s+to|has\s+to|have\s+to|"
    r"(?:is|are)\s+(?:required|instructed|expected|authori[sz]ed)\s+to|please|make\s+sure|ensure|"
    r"always|do\s+not|don'?t|never|your\s+(?:task|job))\b|ください|请|請",
    re.IGNORECASE,
)
_LABEL_COLON = re.compile(  # "Assistant processing this mailbox: ...": the name, up to 7 words
    r"(?:[^\s.!?,;:\u3002]+[ \t]+){0,7}?[^\s.!?,;:\u3002]*[ \t]?(?::\s|:(?=[^\x00-\x7f])|\uff1a)"
)
# ... and does not forbid
_FORBIDS = re.compile(
    r"\b(?:must|should|shall|may|can|will|would|do|does)\s*(?:not|never|n't)\b|\bcannot\b|\bnever\b|"
    r"\b(?:won|can|shan|wouldn|shouldn|mustn)['\u2019]t\b",
    re.IGNORECASE,
)

# A person's turn in a chat transcript or interview: a speaker label at the start of a line.
PERSON_TURN = re.compile(
    r"^[ \t>*_-]*(?:\*\*)?(?:user|human|customer|client|caller|visitor|me|you|q|question|"
    r"patient|student|guest|interviewer|candidate|usuario|utilisateur|benutzer|nutzer|utente|"
    r"usuário|cliente|kunde|пользователь)(?:\*\*)?[ \t]*(?:\*\*)?:",
    re.IGNORECASE | re.MULTILINE,
)
# A transcript holds a person's turn, or the same speaker label twice.
_LABEL = re.compile(
    r"^[ \t>*_-]*(?:\*\*)?([^\W\d_][\w .'-]{0,23}?)(?:\*\*)?[ \t]*:", re.IGNORECASE | re.MULTILINE
)
_AI_TURN = re.compile(
    r"[ \t>*_-]*(?:\*\*)?(?:ai|assistant|bot|chatbot|agent|ai assistant)(?:\*\*)?[ \t]*:",
    re.IGNORECASE,
)
QUOTES = "\"'\u201c\u201e\u2018\u00ab\u300c"  # what opens a quotation
_PASSAGE_BREAK = re.compile(r"\n[ \t]*\n")


def _is_transcript(raw: str) -> bool:
    if PERSON_TURN.search(raw):
        return True
    labels = [m.group(1).lower() for m in _LABEL.finditer(raw)]
    return len(labels) != len(set(labels))


def _heads(regex: re.Pattern[str]) -> tuple[str, ...]:
    """What every match of ``regex`` begins with (at least two characters each), so that it is
    tried only where one occurs: ``re`` tries sixty alternatives opening with ``\\b`` at every
    position of the text, which cost more than the rest of the scan."""
    found = literal_heads(regex, 4)
    if found is None or any(len(head) < 2 for head, _ in found):  # pragma: no cover - a bad edit
        raise ValueError(f"{regex.pattern[:40]!r}...: a match may begin with anything")
    return tuple(sorted({head for head, _ in found}))


_AI_HEADS = HeadFinder(_heads(_AI))
_GOAL_HEADS = HeadFinder(_heads(_GOAL))


def _lower(raw: str) -> str:
    """Lower case with every offset kept (a character whose lower case is longer stays)."""
    lowered = raw.lower()
    if len(lowered) == len(raw):
        return lowered
    return "".join(low if len(low := c.lower()) == 1 else c for c in raw)


def _open_quote(raw: str, start: int, end: int) -> bool:
    """Whether a quotation opened between ``start`` and ``end`` is still open at ``end``: the
    goal is then part of what the text quotes ('the assistant summarised it: "Supplier requests
    a change of bank details"'), not what it orders."""
    between = raw[start:end]
    return (
        between.count('"') % 2 == 1
        or between.count("\u201c") > between.count("\u201d")
        or between.count("\u00ab") > between.count("\u00bb")
    )


def _passage_end(raw: str, at: int) -> int:
    m = _PASSAGE_BREAK.search(raw, at)
    return len(raw) if m is None else m.start()


def find(raw: str) -> list[tuple[int, int]]:
    """Each passage's first directed goal, as (start of the AI's name, end of the goal)."""
    text = _lower(raw)
    whole = [(0, len(text))]
    names = [m.start() for m in _AI_HEADS.matches(_AI, text, whole)]
    if not raw.isascii():
        names = sorted({*names, *(m.start() for m in _AI_OTHER_SCRIPTS.finditer(text))})
    if not names:
        return []
    windows: list[tuple[int, int]] = []  # where a goal may lie: after a name, in its passage
    for name in names:
        lo, hi = name, min(name + REACH + _GOAL_SPAN, _passage_end(raw, name))
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    goals = _GOAL_HEADS.matches(_GOAL, text, windows)
    if not raw.isascii():
        goals.extend(m for lo, hi in windows for m in _GOAL_UNSPACED.finditer(text, lo, hi))
        goals.sort(key=lambda m: m.start())
    hits: list[tuple[int, int]] = []
    transcript: bool | None = None
    done = -1  # the end of the last passage a hit was found in
    for goal in goals:
        if goal.start() < done or (goal.start() > 0 and raw[goal.start() - 1] in QUOTES):
            continue  # a quoted goal is an example cited, not an order given
        for name in reversed(names):  # the nearest name first
            if name >= goal.start():
                continue
            if goal.start() - name > REACH or _PASSAGE_BREAK.search(raw, name, goal.start()):
                break
            turn = _AI_TURN.match(raw, raw.rfind("\n", 0, name) + 1)
            if turn is not None and turn.end() >= name:  # the name is a line's label
                if transcript is None:
                    transcript = _is_transcript(raw)
                if transcript:
                    continue
            if _FORBIDS.search(raw, name, goal.start()) or _open_quote(raw, name, goal.start()):
                continue
            conceal = _CONCEALS.match(text, goal.start()) is not None
            if (
                _DIRECTIVE.search(raw, name, goal.start() + 1) is not None
                or _LABEL_COLON.match(raw, name) is not None
                or raw[name - 1 : name] == "@"
                or (conceal and _DIRECTIVE.match(raw, goal.start()) is not None)
            ):
                hits.append((name, goal.end()))
                done = _passage_end(raw, goal.end())
                break
    return hits
