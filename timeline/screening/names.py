"""Names as the matcher compares them: Latin script, lower case, no punctuation or legal form.

Each name gives one or more *forms* (a Chinese name has several readings), each a tuple of tokens.
Han characters go through pypinyin (every reading of a character, so 长 is both "chang" and
"zhang"); Hangul and every other script through anyascii; legal-form suffixes ("Ltd", "Pte. Ltd.",
"S.A.") are removed with rigour's list of organisation types before punctuation goes.
"""

import itertools
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from pypinyin import Style, pinyin
from rigour.names import remove_org_types, replace_org_types_compare
from rigour.text import metaphone

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
NON_WORD = re.compile(r"[^a-z0-9]+")
CAMEL_SYLLABLE = re.compile(r"[A-Z][a-z]*")
# Readings of a Chinese name beyond this many are not worth comparing (a name has few heteronyms).
MAX_READINGS = 8
# Aliases this short ("CZ", "SBF") count only when the whole query is exactly them.
WEAK_ALIAS_LENGTH = 3
# Shorter tokens less a letter meet too many others to be worth a lookup.
DELETION_MIN_LENGTH = 5


def has_control_characters(text):
    """True for C0/C1 controls and other non-printing code points (tabs and newlines included)."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") for char in text)


def _latin_words(text):
    """Lower-case ASCII words of ``text``, legal-form suffixes removed where that leaves a name."""
    ascii_text = " ".join(anyascii(unicodedata.normalize("NFKC", text)).lower().split())
    # Removed as written ("GmbH & Co. KG") and in rigour's compare form ("Pte. Limited" -> "pte ltd").
    readings = [
        NON_WORD.sub(" ", remove_org_types(reading)).split()
        for reading in (ascii_text, replace_org_types_compare(ascii_text))
    ]
    readings = [words for words in readings if words]
    return min(readings, key=len) if readings else NON_WORD.sub(" ", ascii_text).split()


def _east_asian_name(syllables):
    """Surname first, the given name's syllables joined, as the Latin press writes Chinese and Korean names."""
    syllables = [syllable.lower() for syllable in syllables if syllable.strip()]
    if len(syllables) <= 1:
        return tuple(syllables)
    return (syllables[0], "".join(syllables[1:]))


def _han_forms(text):
    readings = pinyin(text, style=Style.NORMAL, heteronym=True, errors=lambda chars: [chars])
    forms = []
    for combination in itertools.islice(itertools.product(*readings), MAX_READINGS):
        joined = " ".join(combination)
        forms.append(_east_asian_name(_latin_words(joined)) if len(text.strip()) <= 4 else tuple(_latin_words(joined)))
    return forms


def _hangul_forms(text):
    syllables = CAMEL_SYLLABLE.findall(anyascii(text))
    if " " in text.strip() or len(text.strip()) > 4:
        return [tuple(_latin_words(text))]
    return [_east_asian_name(syllables)]


@lru_cache(maxsize=65536)
def name_forms(text):
    """The distinct token tuples ``text`` may be read as (empty when it has no letters or digits).

    Cached: candidates' names come back query after query.
    """
    if HAN.search(text):
        forms = _han_forms(text)
    elif HANGUL.search(text):
        forms = _hangul_forms(text)
    else:
        forms = [tuple(_latin_words(text))]
    return tuple(dict.fromkeys(form for form in forms if form))


def name_key(text):
    """One key per name regardless of case, punctuation, script and token order: decisions are filed by it."""
    forms = name_forms(text)
    return " ".join(sorted(forms[0]))[:255] if forms else ""


@lru_cache(maxsize=65536)
def phonetic_key(token):
    """The Metaphone code of a token long enough to have one worth comparing."""
    if len(token) < 3 or token.isdigit():
        return ""
    return metaphone(token)


def deletion_keys(token):
    """The token less each one of its letters (symmetric deletion: a typo on either side still meets)."""
    if len(token) < DELETION_MIN_LENGTH or token.isdigit():
        return set()
    return {token[:index] + token[index + 1 :] for index in range(len(token))}


def normalise_identifier(value):
    """LEI, CIK or register number without spaces, dashes or case; a CIK without its leading zeros."""
    compact = NON_WORD.sub("", anyascii(value).lower())
    return compact.lstrip("0") if compact.isdigit() else compact
