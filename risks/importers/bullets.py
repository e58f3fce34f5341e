"""Lists a spreadsheet flattened, put back: a cell holding "… - First - Second" prints as
the list it was (see restore_bullets)."""

import re
from bisect import bisect_left

# A dash standing for a bullet: spaced on both sides (so "long-term" and "2019-20" are
# words), or at a line's start; the item's first character tells a capitalised list from
# a lower-case one.
# The gap starts only where a run of spaces starts, so a long run without a dash is
# passed over once, not once from each of its spaces (that was quadratic).
BULLET = re.compile(r"(?P<gap>^|(?<!\s)\s+)-\s+(?=[^\W_])", re.MULTILINE)
WORD = re.compile(r"\S+")
# A risk or action code, as registers number them: ICT02, HR 4, FIN01a, PP_R011.
CODE = r"[A-Z][A-Z_]*[A-Z][ -]?\d+[a-z]?"
CODE_ONLY = re.compile(rf"{CODE}[:.]?")
CODED = re.compile(rf"{CODE}(?![\w-])")
# A code opening a line, alone or before a bullet: "ICT02" ⏎ "Network …", "ICT02 - Network …".
CODE_LINE = re.compile(rf"^[ \t]*{CODE}[:.]?(?=[ \t]*$|\s+-\s)", re.MULTILINE)
BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
INTRODUCING = (":", ";", ".", "!", "?")
# Where a sentence may start inside a list's last item: after a full stop ("e.g." aside),
# or run on from the item without one ("… a citizens portal Each of these projects …").
SENTENCE_BREAK = re.compile(r"(?<=[a-z0-9)%][.!?])(?<!\b[a-z]\.[a-z]\.) (?=[A-Z])")
RUN_ON = re.compile(r"(?<=[a-z0-9)%]) (?=[A-Z][a-z]* [a-z])")
SENTENCE_END = re.compile(r"[.!?][\"'’”)]*$")
SENTENCE_WORDS = 4
# Words after which a capitalised word is a name inside the item ("reported to Cabinet"),
# never the start of a sentence.
JOINING_WORDS = {
    "a", "an", "and", "as", "at", "between", "by", "for", "from", "in", "into", "of", "on",
    "or", "our", "over", "per", "than", "that", "the", "their", "these", "this", "those",
    "through", "to", "under", "via", "with", "within", "without",
}  # fmt: skip


def restore_bullets(value):
    """Spreadsheet cells often hold a pasted list flattened to "… - First - Second" (or
    broken over odd lines); put each item back on a line of its own so it prints as a list.

    Each paragraph of the cell is restored alone, and one holding fewer than two items is
    left as it is, so that prose with a dash in it, and text already restored, come back
    unchanged. Text before the list becomes a paragraph before it. A code ("ICT02") heads
    the description after it, since registers number their controls and actions and the
    spreadsheet's line break or dash between the two is layout, not a new item.

    A " - " before a lower-case word is a dash inside a sentence as often as a bullet, so
    it counts as one only in a list that starts lower-case where a list plainly starts: at
    a line's start, or after a colon or full stop ("Actions: - review the contract - agree
    the budget"); in a capitalised list "- Budget set - the board agreed in May" stays one
    item, and "The costs - which were high - fell" stays a sentence.

    Cells often end with a sentence about the whole list, flattened onto its last item with
    or without a full stop; Markdown would print it inside that item, so it is given its own
    paragraph when it reads as a sentence of its own: it starts with a capitalised word
    after a full stop, or after a word that does not join it to the item ("portal Each of
    these …" but not "reported to Cabinet …"), has at least four words (fewer are more
    likely a name and a word of the item, "… Cabinet monthly.") and ends with a full stop.
    Items that hold several sentences themselves keep their last one.
    """
    blocks = BLANK_LINE.split(value)
    restored = [restore_list(block) for block in blocks]
    return value if restored == blocks else "\n\n".join(restored)


def restore_list(block):
    """One paragraph of a cell as lead text, its list's items on lines, and the sentence
    after the list; the paragraph as it is when it holds no list."""
    spans = item_spans(block)
    lead = block[: spans[0][0]].strip() if spans else block
    items = [" ".join(block[start:end].split()) for _, start, end in spans]
    if lead and opens_coded_list(lead, items):
        lead, items = "", [" ".join(lead.split()), *items]
    items = join_codes([item for item in items if item])
    if len(items) < 2:
        return block
    items[-1], after = sentence_after(items)
    parts = [lead, "\n".join(f"- {item}" for item in items), after]
    return "\n\n".join(part for part in parts if part)


def item_spans(block):
    """(where its bullet begins, where its text begins and ends) for each item of a
    paragraph; an item starts at a bullet, or at a code opening a line."""
    bullets = [bullet for bullet in BULLET.finditer(block) if not is_range(block, bullet)]
    lower_case = is_lower_case_list(block, bullets)
    starts = [
        (bullet.start(), bullet.end())
        for bullet in bullets
        if lower_case or opens_line(block, bullet) or not block[bullet.end()].islower()
    ]
    starts = sorted(starts + [(line.start(), line.start()) for line in CODE_LINE.finditer(block)])
    if not starts:
        return []
    ends = [begin for begin, _ in starts[1:]] + [len(block)]
    return [(begin, start, end) for (begin, start), end in zip(starts, ends, strict=True)]


def is_range(block, bullet):
    """ "2019 - 20", "pages 3 - 5": a dash between two numbers is a range."""
    return block[bullet.start() - 1 : bullet.start()].isdigit() and block[bullet.end()].isdigit()


def opens_line(block, bullet):
    return not block[: bullet.start()].strip() or "\n" in bullet.group("gap")


def is_lower_case_list(block, bullets):
    """Whether the first bullet that plainly starts a list (at a line's start, or after a
    colon or full stop) is followed by a lower-case word."""
    introduced = (
        bullet
        for bullet in bullets
        if opens_line(block, bullet) or block[: bullet.start()].endswith(INTRODUCING)
    )
    first = next(introduced, None)
    return first is not None and block[first.end()].islower()


def opens_coded_list(lead, items):
    """Whether the text before the first bullet is itself the list's first item, coded
    like the items after it ("ICT02 Network refresh delayed - ICT03 Backups …")."""
    return bool(CODED.match(lead)) and any(CODED.match(item) for item in items)


def join_codes(items):
    """Items with each code alone joined to the description after it (not to another
    coded item: two codes in a row are two items, the first without a description)."""
    joined = []
    for item in items:
        if joined and CODE_ONLY.fullmatch(joined[-1]) and not CODED.match(item):
            joined[-1] = f"{joined[-1]} {item}"
        else:
            joined.append(item)
    return joined


def sentence_after(items):
    """(the last item, the sentence after the list, or "") — see restore_bullets. Each
    candidate is judged from positions found once, so a long item costs one pass."""
    last = items[-1]
    if any(SENTENCE_BREAK.search(item) for item in items[:-1]):
        return last, ""
    if not SENTENCE_END.search(last):  # every candidate ends where the item ends
        return last, ""
    words = [word.start() for word in WORD.finditer(last)]
    # A bullet in it could make the paragraph, read again, a list of its own.
    bullets = [bullet.start() for bullet in BULLET.finditer(last)]
    after_bullets = bullets[-1] if bullets else -1
    for cut in sentence_starts(last):
        if cut > after_bullets and len(words) - bisect_left(words, cut) >= SENTENCE_WORDS:
            return last[: cut - 1], last[cut:]
    return last, ""


def sentence_starts(item):
    """Where a sentence may start in an item, first to last."""
    stops = [space.end() for space in SENTENCE_BREAK.finditer(item)]
    word_ending = {word.end(): word.group() for word in WORD.finditer(item)}
    run_ons = [
        space.end()
        for space in RUN_ON.finditer(item)
        if word_ending.get(space.start(), "").lower() not in JOINING_WORDS
    ]
    return sorted(stops + run_ons)
