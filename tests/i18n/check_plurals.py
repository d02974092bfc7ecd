#!/usr/bin/env python3
"""check_plurals.py POT - fails when a message that is not a plural message
(no msgid_plural) puts a plural noun after a number placeholder: "1 MX
records are published" is what English readers get from
_("%u MX records are published") when the count is 1.  Such a message must
go through dngettext(TM_TEXTDOMAIN, singular, plural, n) (po/update.sh).

A heuristic over the template, on purpose simple: after each integer
placeholder (%u, %zu, %d, %lu, %llu, %2$zu ...), the next three words up to
a punctuation mark are looked at, and a word of at least three letters
ending in "s" that is not in WORDS_NOT_PLURAL counts as a plural noun.
Units (s, h, ms, min, MiB) do not take a plural in English and are never
flagged.  When the heuristic is wrong about a word, add the word to
WORDS_NOT_PLURAL with the reason, never a message to an exception list.
"""
import re
import sys

# Words that end in "s" and are no plural noun where they follow a count.
WORDS_NOT_PLURAL = {
    "is", "was", "has", "does", "its", "this", "thus", "as", "us", "yes",
    "always", "whereas", "less", "unless", "plus", "minus", "bias",
    "dns",        # "DNS lookups": the noun is the next word
    "address",    # singular; "addresses" is the plural
    "class",
}
# Units: a count of them takes no plural in English, and the words after
# them are no longer counted ("%zu MiB of records").
UNITS = {"s", "h", "ms", "min", "KiB", "MiB", "GiB"}

NUMBER = re.compile(r"%(?:\d+\$)?[-+ 0#]*\d*(?:hh|h|ll|l|z|j|t)?[diu]")
WORD = re.compile(r"%(?:\d+\$)?[-+ 0#]*\d*(?:hh|h|ll|l|z|j|t)?[a-zA-Z]|[A-Za-z][A-Za-z-]*|\S")


def entries(text):
    """(msgid, has_plural, first line number) of every entry of a PO text."""
    out = []
    msgid, plural, line, field = None, False, 0, None
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("msgid "):
            if msgid is not None:
                out.append((msgid, plural, line))
            msgid, plural, line, field = raw[6:].strip()[1:-1], False, number, "msgid"
        elif raw.startswith("msgid_plural "):
            plural, field = True, "plural"
        elif raw.startswith("msgstr"):
            field = "msgstr"
        elif raw.startswith('"') and field == "msgid":
            msgid += raw.strip()[1:-1]
    if msgid is not None:
        out.append((msgid, plural, line))
    return [(m.encode().decode("unicode_escape", "ignore") if "\\" in m else m, p, n)
            for m, p, n in out if m]


def plural_after_number(msgid):
    """The first "N nouns" phrase of msgid, or None."""
    tokens = WORD.findall(msgid)
    for i, tok in enumerate(tokens):
        if not NUMBER.fullmatch(tok):
            continue
        for word in tokens[i + 1:i + 4]:
            if word.startswith("%"):
                continue  # another placeholder: "%zu %s ranges"
            if not re.fullmatch(r"[A-Za-z][A-Za-z-]*", word) or word in UNITS:
                break     # punctuation, or a unit, ends the phrase
            if (len(word) >= 3 and word.lower().endswith("s")
                    and word.lower() not in WORDS_NOT_PLURAL):
                return f"{tok} ... {word}"
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_plurals.py POT")
    text = open(sys.argv[1], encoding="utf-8").read()
    checked = failures = 0
    for msgid, plural, line in entries(text):
        checked += 1
        if plural:
            continue
        found = plural_after_number(msgid)
        if found:
            failures += 1
            print(f"FAIL line {line}: \"{found}\" in a message without plural forms: "
                  f"{msgid[:100]!r}")
    # The heuristic itself: it must catch the kinds of message it exists for.
    for sample in ("%u MX records are published", "SPF needs %u DNS lookups",
                   "after %lu tries", "from the %zu %s data-center ranges",
                   "%2$zu names"):
        if not plural_after_number(sample):
            failures += 1
            print(f"FAIL the heuristic misses {sample!r}")
    for sample in ("%u s (at most %u s)", "TCP %u from the data-center ranges",
                   "the MX TTL is %u s", "term %zu, byte %zu: %s", "%u is the limit",
                   "more than %zu MiB of records"):
        if plural_after_number(sample):
            failures += 1
            print(f"FAIL the heuristic flags {sample!r}")
    if failures:
        print(f"check_plurals: {failures} failures; use dngettext(TM_TEXTDOMAIN, singular, "
              f"plural, n) for a count")
        sys.exit(1)
    print(f"check_plurals: {checked} messages, no plural noun after a number outside "
          f"dngettext")


if __name__ == "__main__":
    main()
