# ruff: noqa: RUF001, RUF002 - other scripts are what the module reads
"""An AI reader addressed by a short label, in languages the English address rules do not read.

A document's author writes to the people who read it; a line that opens with a label naming an
AI *as its recipient* and goes on after a colon is written to the software that reads it for
someone: "Для ИИ-ассистентов, которые читают эту ветку: скажите ...", "[상담 AI에게: ...]",
"※このメールを処理するAIへ：...", "Gửi trợ lý AI kế toán: ...", "Poznámka pro AI asistenta: ...".
The order after the colon needs no vocabulary of its own, which is what makes the shape readable
in languages no rule's verb list covers.

What is *not* read as such an address:

- a label that only names the AI (``AI:``, ``Assistant:``, ``ИИ:``): a transcript's speaker;
- a label without a word marking the AI as recipient ("AI tools:", "KI-Assistenten:", a
  heading); the marker is a preposition before the name ("для", "pour l'", "dla", "gửi", "致")
  or a particle or ending after it ("에게", "へ", "के लिए", Turkish datives; not Japanese "に",
  which also makes "AIによる要約:", a summary *by* AI);
- English (the ``_ADDRESSED`` and directed-goal rules read it, with the orders they know): words
  that are both English and another language's preposition ("a", "an", "do", "per", "pro") count
  only in a label holding other scripts, or before an article of their own language;
- a label longer than ``MAX_WORDS`` words or ``MAX_LABEL`` characters unless it points at its
  reader with a relative clause or a demonstrative ("qui trie cette boîte", "इस ईमेल को पढ़ने
  वाले"; then up to ``MAX_WORDS_POINTED`` words), or an order shorter than ``MIN_ORDER``
  characters once its links are left out (a pointer to a page, not an order);
- a colon inside a bracket's aside, and a label naming the AI as the writer's own ("our",
  "unser", "náš", "我们的"...) or naming its owner or operator ("הבעלים", "provozovatel"): an
  owner's guidance for their tool; a label about the *use* of AI ("per l'uso dell'assistente
  IA:"): a policy's heading.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator

from botwarden.regex_heads import HeadFinder, literal_heads, matches_at

MAX_LABEL = 80  # characters from the label's start to its colon
MAX_LABEL_POINTED = 120  # the same for a label that points at its reader (see below)
MAX_WORDS = 9
# A label that says which reader it means ("à l'assistant IA qui trie cette boîte", "इस ईमेल को
# पढ़ने वाले एआई सहायक के लिए") may be longer: a relative clause or a pointer to this very text
# is how a writer singles out the software reading it.
MAX_WORDS_POINTED = 15
MIN_ORDER = 12  # characters after the colon, on its line
_SHOWN = 60  # characters of the order kept in the span
_ORDER_READ = 400  # characters after the colon read for the order

# Words for an AI reader, in many languages; "bot" and "agent" are left to the English rules.
_NAME = (
    r"(?:(?<![^\W\d_])(?:ai|a\.i\.|ki|ia|ии|ші|іі|llm|gpt|chat-?bot\w*|tekoäly\w*|yapay\s+zek[aâ]\w*|"
    r"assist\w*|asist\w*|asyst\w*|ассистент\w*|асистент\w*|помощник\w*|нейросет\w*|βοηθ\w*|"
    r"τεχνητ\w*\s+νοημοσ\w*|trợ\s+lý|सहायक|एआई|(?:ال|لل|ل)?مساعد\w*|(?:ال|لل|ل)?روبوت\w*|(?:ال|لل)ذكاء\s+الاصطناعي|"
    r"(?:ל|ה|לה)?(?:עוזר|סוכן|בוט)\w*|ผู้ช่วย|msaidizi|এআই|সহকারী\w*|دستیار\w*|هوش\s+مصنوعی|"
    r"помічник\w*|штучн\w*\s+інтелект\w*|искусственн\w*\s+интеллект\w*|изкуствен\w*\s+интелект\w*|"
    r"asszisztens\w*|mesterséges\s+intelligenci\w*|ასისტენტ\w*|gervigreind\w*|aðstoðarm\w*|"
    r"cynorthwy\w*|agent\w*lle|اسسٹنٹ|"
    r"umel\w*\s+inteligenci\w*|tehisintellekt\w*|"
    # "the automated screening system", "le système automatique de tri"
    r"automat\w*\s+(?:\w+\s+)?[\w-]*s[iy]st[eèé]m\w*|s[iy]st[eèé]m\w*\s+automat\w*|"
    r"copilot\w*|sztuczn\w*\s+inteligencj\w*|uměl\w*\s+inteligenc\w*|"
    r"inteligencia\s+artificial|intelligenza\s+artificiale|intelig[eê]ncia\s+artificial|"
    r"intelligence\s+artificielle|künstlich\w*\s+intelligenz|kunstmatige\s+intelligentie|"
    r"(?:ai|ki|ia|ии|ші|іі|mi)-\w+|(?:ל|ה|לה)?בינה\s+(?:ה)?מלאכותית)(?![^\W\d_])|"
    r"에이전트|어시스턴트|도우미|인공지능|アシスタント|エージェント|助手|智能体|人工智能|(?<![a-z])ai(?![a-z])|"
    r"(?<![^\W\d_])(?-i:MI)(?=\s+(?:számára|részére)))"
)
_NAMES = re.compile(_NAME, re.IGNORECASE)


def _ascii_name_finder() -> HeadFinder:
    """Where a name may begin in ASCII text (lower-cased), found once per text: ``re`` tried
    the pattern's hundred alternatives at every character before every colon."""
    found = literal_heads(_NAMES, 4, ascii_text=True)
    if not found or any(not head for head, _ in found):  # pragma: no cover - a bad edit
        raise ValueError("a name in ASCII text may begin with anything")
    return HeadFinder(tuple(sorted({head for head, _ in found})))


_ASCII_NAMES = _ascii_name_finder()
# A preposition before the name (an elided article allowed: "pour l'assistant").
_BEFORE = (
    r"(?<![^\W\d_])(?:para|pour|à|für|voor|aan|till|til|dla|pentru|untuk|kepada|gửi|cho|προς|για|"
    r"для|к|ко|إلى|kwa|al|ao|aos|alla|allo|all['’]|au|aux|pre|برای|به|per\s+a(?=\s)|za|за|fyrir|"
    # a salutation: "Шановний ШІ-помічнику, ...:", "Querido asistente de IA:"
    r"шановн\w+|уважаем\w+|cher|chère|chers|querid[oa]s?|estimad[oa]s?|car[oa]|gentile|liebe[rs]?|"
    r"drog[ia]|szanown\w+|beste|kære|kära|hyvä|sayın|αγαπητ\w+|dragă|kedves|mil[ýá]|vážen\w+|"
    r"sa(?=\s+(?:ai|a\.i\.)(?![^\W\d_]))|"
    r"per\s+(?:l['’]|il|lo|la|gli|i|le)|an\s+(?:den|die|das|dem|alle|de|d['’]|dr)|"
    r"(?P<ambiguous>a|an|do|per|pro|az))(?:(?<=['’])|[\s_]+)(?:\S+\s+){0,3}?(?:\w{1,2}['’])?"
    # the name as a compound's last part: "de agenda-assistent"
    r"(?:[^\W\d_]+-)?"
    + _NAME
    # Thai writes the preposition against the next word: "สำหรับผู้ช่วย AI"
    + r"|(?:ถึง|สำหรับ)\S{0,12}?\s*"
    + _NAME
)
# A particle or ending after it.
_AFTER = (
    _NAME
    + r"\S*?(?:\s\S*?)?(?:에게|께|한테|へ|宛|向け)|"
    + _NAME
    + r"\S*\s+(?:\S+\s+){0,2}?(?:के\s+लिए|को)|"
    r"asistan\w*[ae](?!\w)|zek[aâ]ya(?!\w)|[致给給][^\s:：]{0,12}"
    + _NAME
    # Turkish "için" after the name, Finnish allative "-lle", Hebrew "ל" before it
    + r"|"
    + _NAME
    + r"\S*\s+(?:\S+\s+)?için(?!\w)|tekoäly\w*lle(?!\w)|(?<![^\W\d_])ל(?:ה)?(?:עוזר|סוכן|בוט)\w*|"
    r"(?<![^\W\d_])لل?(?:مساعد|ذكاء|روبوت)\w*|"
    # Urdu "کے لیے" (for) after the name, the Slavic dative on it: "Асистенту з обробки платежів"
    + _NAME
    + r"\S*\s+(?:\S+\s+)?کے\s+لیے|(?<![^\W\d_])(?:асистент|ассистент|помічник|помощник)(?:у|ові)"
    r"(?![^\W\d_])|"
    # Bengali "জন্য" and Hungarian "számára" after the name (Hungarian "MI" only in capitals: "mi
    # számára" is "for us"), Estonian allative "-le" on the word after it
     + _NAME + r"\S*\s+(?:\S+\s+)?(?:জন্য|প্রতি|számára|részére)|(?-i:MI)\s+(?:számára|részére)|"
    # Hungarian dative, Georgian "-თვის" on the name itself
    r"asszisztens\w*(?:nak|nek)(?![^\W\d_])|ასისტენტ\w*თვის|asistent(?:ui|ams|iem|am)(?![^\W\d_])|"
    # Hebrew "ל" on the system the name qualifies: "למערכות סינון ... מבוססות בינה מלאכותית"
    r"(?<![^\W\d_])ל(?:ה)?מערכ\w*|"
    r"tehisintellekt\w*le(?![^\W\d_])|agent\w*lle(?![^\W\d_])|"
    r"tehisintellekt\w*\s+\S+le(?![^\W\d_])"
)
# read in NFKC, as the text is: Thai's SARA AM ("สำหรับ") is two characters there
_RECIPIENT = re.compile(unicodedata.normalize("NFKC", f"{_BEFORE}|{_AFTER}"), re.IGNORECASE)
# Where a label may start: a line, a bracket or quote, another label, a sentence, a comment, a
# dash, a closed bracket ("[tekst w kolorze białym] Polecenie dla ...").
_STARTS = re.compile(
    r"(?:<!--|//|/\*|^|[\[(（【「『<*#|※•·—–:：]|(?<![^\W\d_])[\"'“‘«]|[.!?\])】）]\s|"
    r"[。！？।؟]\s?)[ \t]*",
    re.MULTILINE,
)
_URL = re.compile(r"\w+://\S*")
# "our own AI assistant", "unser KI-Assistent", "náš asistent": the owner writing to their tool
_OWNERS = re.compile(
    r"(?<![^\W\d_])(?:our|my|unser\w*|mein\w*|notre|nos|mon|nuestr\w*|nostr\w*|"
    r"mio|mia|miei|noss[ao]s?|meu|minha|onze|ons|mijn|nasz\w*|mój|moja|moje|náš|naš[eií]\w*|"
    r"našeho|našemu|našej|můj|наш\w*|мой|моего|моему|моим|мій|моєму|vår|vårt|våra|vor|vort|vores|"
    r"min|mitt|mina|bizim|kami|saya|chúng tôi|của tôi|kita)(?![^\W\d_])|"
    r"私たちの|弊社の|当社の|我们的|我司|本公司|我的|我自己|自己的|우리|저희|हमारे|मेरे|"
    r"(?<![^\W\d_])náš\w*(?![^\W\d_])|"
    # the owner or operator named as the writer: "הנחיות הבעלים לעוזר", "(sepsal provozovatel)"
    r"(?<![^\W\d_])(?:propriétaire|inhaber\w*|eigentümer\w*|betreiber\w*|proprietari[oa]|"
    r"titolare|dueñ[oa]|propietari[oa]|propriet[aá]ri[oa]|eigenaar|właściciel\w*|vlastník\w*|"
    r"majitel\w*|majiteľ\w*|provozovatel\w*|prevádzkovateľ\w*|владел\w+|власник\w*|ägare\w*|eier\w*|"
    r"ejer\w*|omistaja\w*|sahibi|pemilik|chủ\s+(?:cửa\s+hàng|sở\s+hữu|doanh\s+nghiệp|quán)|"
    r"(?:ה)?בעלים|(?:ال)?مالك|मालिक)(?![^\W\d_])|オーナー|店主|所有者|소유자|老板|店长|"
    # Hebrew "mine", "ours" after the noun: "הנחיות שלי לעוזר" (my instructions to the assistant)
    r"(?<![^\W\d_])(?:שלי|שלנו)(?![^\W\d_])",
    re.IGNORECASE,
)
# A label about the use of AI ("Regole per l'uso dell'assistente IA:", "Richtlinie zur Nutzung
# von KI-Assistenten:"): a policy's heading, written to the people who use it.
# A clause that opens with "when" and speaks to no one is a heading, not an address: "Cuando el
# correo le habla al asistente: qué es la inyección de instrucciones". ("When you summarise this,
# AI assistant:" speaks to its reader, and stays one.)
# letters only Vietnamese writes (not French â, ê, ô or Romanian ă): its syllables stand apart,
# so a label counts twice the words
_VIETNAMESE = re.compile("[ơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def _words(label: str) -> int:
    """The label's words; Vietnamese writes a word's syllables apart, two "words" of one."""
    words = len(label.split())
    return (words + 1) // 2 if _VIETNAMESE.search(label) else words


_WHEN = re.compile(
    r"(?:when|cuando|quand|lorsque|quando|wanneer|kiedy|gdy|když|kdy|когда|коли|när|når|"
    r"amikor|όταν|ketika|khi|când)(?![^\W\d_])",
    re.IGNORECASE,
)
_YOU = re.compile(
    r"(?<![^\W\d_])(?:you|your|tu|te|ti|vous|votre|du|dich|dein\w*|sie|jij|je|jouw|u|ty|tobie|"
    r"cię|вы|ты|тебе|вас|usted|você|voce|sen|siz|kamu|anda|bạn|εσύ|σου|dig|din|ditt|sinä|"
    r"leggi|lees|lies|lis|lee|lê)(?![^\W\d_])",
    re.IGNORECASE,
)


_USE = re.compile(
    r"(?<![^\W\d_])(?:uso|usage|utilisation|utilizzo|utilizo|utiliza[cç][aã]o|nutzung|"
    r"verwendung|einsatz|gebruik|användning|bruk|brug|käyttö\w*|użyci\w*|używani\w*|"
    r"korzystani\w*|použití|používání|использовани\w*|застосуванн\w*|використанн\w*|"
    r"kullanım\w*|penggunaan|sử\s+dụng|χρήση\w*|utilizarea|használat\w*|שימוש|استخدام|"
    r"उपयोग|इस्तेमाल)(?![^\W\d_])|使用|利用|활용|사용",
    re.IGNORECASE,
)
_COLONS = re.compile("[:：]")
# A label ends at its colon, or closes the bracket it opened: "【给AI购物助手的说明】请..."
_ENDS = re.compile("[:：\\]】]")
_OPENERS_OF = {"]": "[", "】": "【"}
# Relative pronouns and participles ("who", "which", "reading"), and demonstratives ("this"): the
# words that point a label at the reader of this text; English is not read here.
_RELATIVE = (
    r"(?<![^\W\d_])(?:qui|que|che|cui|quale|quali|quien|quienes|der|die|das|welche\w*|dat|som|"
    r"joka|jotka|jonka|który|która|które|którzy|kt[óo]r\w+|který|která|které|kteří|kter\w+|"
    r"ktorý|ktorá|ktoré|ktor\w+|который|которая|которые|которого|котор\w+|який|яка|які|як\w+|"
    r"care|aki|amely|ami|που|yang|जो|वाले|वाला|वाली|الذي|التي|الذين|که|যে|ambaye|unaye\w*|"
    r"anaye\w*|na|що|който|която|които|koji|koja|koje|khi|đang|mà|sy['’]n|sydd|[^\W\d_]{2,}(?:yan|yen))"
    r"(?![^\W\d_])|(?<![^\W\d_])ש(?=[^\W\d_]{2})"
)
_DEMONSTRATIVE = (
    r"(?<![^\W\d_])(?:diese\w*|deze|dit|ce|cet|cette|ces|questo|questa|questi|queste|este|esta|"
    r"esto|estos|estas|esse|essa|isso|isto|этот|эта|это|эти|этой|этого|эту|этом|цей|ця|це|ці|цю|"
    r"цього|ten|ta|tę|tej|tego|tento|tato|toto|této|tohoto|táto|tohto|denna|detta|denne|dette|"
    r"disse|tämä|tätä|tässä|tämän|bu|bunu|bunun|bunları|ini|này|αυτό|αυτή|αυτού|αυτής|αυτά|ez|"
    r"ezt|ennek|acest|această|acestui|acestei|इस|यह|هذا|هذه|זה|הזה|זו|הזו|זאת|ito|hii|huu|hiki|"
    r"huo|این|এই|nito|dito|този|тази|това|тези|ovaj|ova|ovo|ove|ovu|hon|hwn|hyn|yma)(?![^\W\d_])|この|本メール|"
    r"本ページ|이\s|这|此|本"
)
_POINTED = re.compile(f"{_RELATIVE}|{_DEMONSTRATIVE}", re.IGNORECASE)
# Both: a label with no recipient word that still singles out the software reading this text
# ("Assistant qui lit les messages de ce téléphone", "Msaidizi wa AI unayesoma ujumbe wa simu
# hii", "इस फ़ोन के संदेश पढ़ने वाले AI सहायक")
_RELATIVES = re.compile(_RELATIVE, re.IGNORECASE)
_DEMONSTRATIVES = re.compile(_DEMONSTRATIVE, re.IGNORECASE)
# What joins two names ("Assistent d'IA", "asistente de IA")
_CONNECTORS = re.compile(r"(?<![^\W\d_])(?:de|di|da|del|do|d['’])(?![^\W\d_])|d['’]", re.IGNORECASE)
# A name no English text uses: an ambiguous preposition before it ("an KI-Assistenten") is not
# English
_FOREIGN_NAMES = re.compile(
    r"(?<![^\W\d_])(?:ki|ia|k\.i\.|(?:ki|ia|mi)-\w+|asist\w*|assistente\w*|assistenti|assistenten|"
    r"asystent\w*|asszisztens\w*|intelig\w*|intelligenz|künstlich\w*)(?![^\W\d_])",
    re.IGNORECASE,
)
# Where a bare name opens a quoted cell, a bracket, a comment: not a transcript's speaker
_OPENERS = ('"', "'", "“", "«", "(", "{", "<!--", "//", "#", "/*")
_SENTENCE_END = re.compile(r"[.!?。！？](?:\s|$)")
_AFTER_SENTENCE = re.compile(r"[^\W\d_][.!?。！？]\s*$")


def find(raw: str) -> list[tuple[int, int]]:
    """Spans from each addressing label's start to a little past its colon, in ``raw`` (the
    normalised text: NFKC, as :func:`botwarden.guards.normalize.normalize` hands it over).

    A label holds no colon, so only the stretch between one colon and the previous one (and the
    line's start, and ``MAX_LABEL_POINTED`` characters) can hold its name: every character of
    the text is searched for names at most once, and prose far from any colon not at all.
    """
    hits: list[tuple[int, int]] = []
    floor = 0  # where the next label may start: past the last colon, or the last hit's line
    # where names may begin (ASCII text), found at the first colon that needs them
    name_starts: list[int] | None = None
    looked = False
    for colon in _ENDS.finditer(raw):
        at = colon.start()
        low = max(floor, at - MAX_LABEL_POINTED)
        low = max(low, raw.rfind("\n", low, at) + 1)
        floor = at + 1
        if low >= at or raw[at + 1 : at + 3] == "//":
            continue
        opener = _OPENERS_OF.get(raw[at])
        if opener is not None:  # a bracket's label: from its opening bracket, not a link's text
            opened = raw.rfind(opener, low, at)
            if opened < 0 or raw[at + 1 : at + 2] == "(" or _COLONS.search(raw, opened, at):
                continue
            low = opened + 1
        if not looked:
            if raw.isascii():
                name_starts = _ASCII_NAMES.starts(raw.lower(), [(0, len(raw))])
            looked = True
        if name_starts is None:
            names: Iterator[re.Match[str]] = _NAMES.finditer(raw, low, at)
        else:
            tried = name_starts[bisect_left(name_starts, low) : bisect_left(name_starts, at)]
            names = iter(matches_at(_NAMES, raw, [(low, at)], tried) if tried else ())
        first = next(names, None)
        if first is None:
            continue
        # bounded reads: a text of one long line and many colons stays linear
        line_end = raw.find("\n", at, at + _ORDER_READ)
        line_end = min(len(raw), at + _ORDER_READ) if line_end < 0 else line_end
        if len(_URL.sub("", raw[at + 1 : line_end]).strip()) < MIN_ORDER:
            continue
        for name in itertools.chain((first,), names):
            start = _label_start(raw, low, name.start())
            if start is None:
                continue
            label = raw[start:at].strip()
            words = _words(label)
            if (
                words > MAX_WORDS_POINTED
                or (
                    (words > MAX_WORDS or at - start > MAX_LABEL)
                    and opener is None  # a bracket closes its label: "[Nota per gli ... IA]"
                    and _POINTED.search(label) is None
                )
                # a bare name is a speaker, unless its own ending makes it the recipient
                # ("Tekoälykatselmoijalle:", to the AI reviewer)
                or (_only_names(label) and not _opened(raw, start) and not _RECIPIENT.search(label))
                or _SENTENCE_END.search(raw, name.end(), at)
                or _aside(label)
                or _owned(raw, start, name)
                or _USE.search(label, 0, name.start() - start)
                or (_WHEN.match(label) is not None and _YOU.search(label) is None)
            ):
                continue
            marker = _RECIPIENT.search(label)
            if marker is None:
                if not (
                    _only_names(label)
                    or (_RELATIVES.search(label) and _DEMONSTRATIVES.search(label))
                ):
                    continue
            elif (
                marker.group("ambiguous")
                and label.isascii()
                and not _FOREIGN_NAMES.search(label, marker.start("ambiguous"))
            ):
                continue
            hits.append((start, min(line_end, at + 1 + _SHOWN)))
            floor = line_end
            break
    return hits


def _owned(raw: str, start: int, name: re.Match[str]) -> bool:
    """Whether the label names the AI as the writer's own ("für unseren KI-Assistenten", "our
    AI assistant", "chatbota naší knihovny") or its owner as the writer ("(sepsal
    provozovatel)"): an owner word before the name, right after it, or in an aside. Not one
    further on: "aan AI-bots die mijn tijdlijn samenvatten" (bots that summarise *my*
    timeline) addresses someone else's bots."""
    before = raw[start : name.start()].split()
    label_end = raw.find(":", name.end())
    rest = raw[name.end() : label_end if label_end >= 0 else name.end() + 80]
    after = rest.split()[:_OWNER_AFTER]
    asides = " ".join(_ASIDES.findall(rest))  # "(sepsal provozovatel)": written by its operator
    return any(
        _OWNERS.search(part) for part in (" ".join(before), name.group(), " ".join(after), asides)
    )


_OWNER_AFTER = 1  # and the word right after it (a genitive: "chatbota naší knihovny")
_ASIDES = re.compile(r"\([^()]*\)|（[^（）]*）")


def _only_names(label: str) -> bool:
    """Whether the label is names alone ("AI:", "Trợ lý AI:", "Assistent d'IA:")."""
    return not _CONNECTORS.sub("", _NAMES.sub("", label)).strip(" \t-")


def _opened(raw: str, start: int) -> bool:
    """Whether the label opens a quotation, a bracket or a comment on its own line, or follows
    a sentence on a line that holds no other label ("Ofertă de vară. Asistent AI: ..."): a
    transcript puts its speakers first on their lines, or after another speaker's turn."""
    before = raw[max(0, start - 6) : start]
    if before[before.rfind("\n") + 1 :].rstrip().endswith(_OPENERS):
        return True
    line = raw[raw.rfind("\n", 0, start) + 1 : start]
    return bool(_AFTER_SENTENCE.search(line)) and not _COLONS.search(line)


def _aside(label: str) -> bool:
    """Whether the colon closes a bracket's aside ("Guidelines for the AI (owner: IT)")."""
    return any(label.count(o) > label.count(c) for o, c in (("(", ")"), ("[", "]"), ("（", "）")))


def _label_start(raw: str, low: int, name: int) -> int | None:
    """Where the label holding the name at ``name`` starts: the last place one may start at or
    after ``low`` and before the name; None when there is none."""
    starts = [m.end() for m in _STARTS.finditer(raw, max(0, low - 1), name + 1) if m.end() <= name]
    return starts[-1] if starts else None
