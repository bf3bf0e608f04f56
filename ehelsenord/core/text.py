"""Norwegian text helpers: sorting with æ, ø, å after z."""

from __future__ import annotations

import unicodedata

# Norwegian alphabet order: a–z, then æ, ø, å. Letters with diacritics (Sámi á, č, đ, ŋ, š, ŧ, ž,
# and é, ü …) sort with their base letter, as in Norwegian dictionaries.
# "{", "|" and "}" are the characters right after "z" in code point order.
_LAST_LETTERS = {"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"}
_BASE_LETTERS = {"đ": "d", "ŋ": "n", "ŧ": "t"}


def norwegian_key(text: str) -> tuple[str, str]:
    """A sort key that orders strings the Norwegian way; ties fall back to the exact text."""
    primary = []
    for char in text.casefold():
        if char in _LAST_LETTERS:
            primary.append(_LAST_LETTERS[char])
        elif char in _BASE_LETTERS:
            primary.append(_BASE_LETTERS[char])
        else:
            decomposed = unicodedata.normalize("NFD", char)
            primary.append(decomposed[0])
    return "".join(primary), text
