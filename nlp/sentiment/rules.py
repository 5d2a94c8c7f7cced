"""The rules that turn tokens into per-token valences, each leaving a reason when it fires."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from nlp.sentiment.lexicon import emoji_valence, lexicon, word_valence
from nlp.sentiment.text import ELONGATION, LAUGHTER, Token, is_elongated
from nlp.sentiment.vocabulary import (
    AFTER_CONTRAST, BEFORE_CONTRAST, BOOST, BOOSTERS, CONCESSIVE_WORDS, CONTRAST_WORDS, DOWNTONE,
    DOWNTONERS, DOWNTONING_PHRASES, EXCESS, EXCESS_WORDS, FUNCTION_VERBS, FUNCTION_WORDS, IRONIC_FOLLOWERS,
    LESS, NEGATED_AUXILIARIES, NEGATION_WINDOW, NEGATORS, NOT_EXCESS_NEXT, NOT_NEGATING_NEXT, PHRASES,
    SARCASTIC_PHRASES, VERBAL_NEGATORS,
)

CAPS_BOOST = 0.733          # VADER's emphasis for a word in capitals amid lower-case text
ELONGATION_BOOST = 0.4      # "soooo good": stretched letters add emphasis
NEGATE_POSITIVE = -0.74     # "not good" is about three quarters as negative as "good" is positive
NEGATE_NEGATIVE = -0.4      # "not bad" is mildly positive, far from "good"
QUESTION_POSITIVE = 0.5     # "is it any good?" asks, it does not praise
LAUGHTER_VALENCE = 1.6      # as "haha" in the lexicon
FAILED_FUNCTION = -1.6      # "won't install": as negative as "problems" (-1.7) in the lexicon
PHRASE_LENGTHS = (4, 3, 2)
BREAKS = frozenset({"clause", "ellipsis", "bang", "question"})
# "like" is sentiment only as a verb ("I like it"), not as filler ("it was like 3 hours").
LIKE_AS_VERB_AFTER = frozenset("""i we you they u ya would really dont don't do did didn't also still
particularly especially actually truly genuinely totally definitely kinda quite""".split())
WELL_AS_PRAISE = 1.0        # "works quite well", "very well made"; not "Well, ..." nor "as well"


@dataclass
class Scored:
    """Per-token valences and the reasons for them."""
    tokens: list[Token]
    valence: list[float] = field(default_factory=list)
    label: list[str] = field(default_factory=list)   # what each valence is credited to in reasons
    consumed: list[bool] = field(default_factory=list)
    modifier: list[bool] = field(default_factory=list)
    cue: list[bool] = field(default_factory=list)     # sarcasm cues that need a complaint nearby
    settled: list[bool] = field(default_factory=list)  # valence already includes its negation
    rhetorical: set[int] = field(default_factory=set)  # negators opening a rhetorical question
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        n = len(self.tokens)
        self.valence = [0.0] * n
        self.label = [""] * n
        self.consumed = [False] * n
        self.modifier = [False] * n
        self.cue = [False] * n
        self.settled = [False] * n


def _words_from(tokens: list[Token], start: int, count: int) -> tuple[str, int] | None:
    """The next `count` tokens as a lower-case phrase if they are all words, with the end index."""
    end = start + count
    if end > len(tokens):
        return None
    run = tokens[start:end]
    for t in run:
        if not t.is_word:
            return None
    return " ".join([t.lower for t in run]), end


PHRASE_STARTS = frozenset(phrase.split()[0] for phrase in (*PHRASES, *SARCASTIC_PHRASES))
# The first words of the phrases of each length: a phrase of n words is only joined up and looked
# for where one of that length can start.
PHRASE_STARTS_BY_LENGTH = {n: frozenset(p.split(" ")[0] for p in (*PHRASES, *SARCASTIC_PHRASES)
                                        if len(p.split(" ")) == n) for n in PHRASE_LENGTHS}


# Words apply_words treats other than by their own valence (negators also when spelt with apostrophes).
SPECIAL_WORDS = NEGATORS | EXCESS_WORDS | BOOSTERS | DOWNTONERS | {"like", "well"}


def _clean(word: str) -> str:
    return word.replace("'", "")


def apply_phrases(s: Scored) -> None:
    """Multi-word expressions (support vocabulary, idioms, ironic set phrases) scored as one unit."""
    tokens = s.tokens
    resume = 0  # after a phrase, the next one can start at its end
    # Most tokens start no phrase: only those that can are tried.
    for i in [k for k, t in enumerate(tokens) if t.lower in PHRASE_STARTS]:
        if i < resume:
            continue
        for n in PHRASE_LENGTHS:
            if tokens[i].lower not in PHRASE_STARTS_BY_LENGTH[n]:
                continue
            found = _words_from(tokens, i, n)
            if not found:
                continue
            phrase, end = found
            if phrase in SARCASTIC_PHRASES:
                fixed = SARCASTIC_PHRASES[phrase]
                if fixed is not None:
                    s.valence[i] = fixed
                    s.label[i] = f"sarcasm '{phrase}'"
                    for k in range(i, end):
                        s.consumed[k] = True
                    resume = end
                else:
                    # Ironic only when the sentence also complains ("love how it crashes").
                    s.cue[i] = True  # resolved in apply_sarcasm
                break
            if phrase in PHRASES:
                s.valence[i] = PHRASES[phrase]
                s.label[i] = f"'{phrase}'"
                # "don't care", "not worth": the phrase already holds its negation
                s.settled[i] = _clean(tokens[i].lower) in NEGATORS
                for k in range(i, end):
                    s.consumed[k] = True
                if phrase in DOWNTONING_PHRASES:
                    s.modifier[i] = True
                resume = end
                break


@lru_cache(maxsize=65536)
def _reading(word: str) -> tuple[float, bool, bool]:
    """(valence, is laughter, is stretched) of a lower-case word on its own: the same for every
    occurrence of the word, so it is worked out once."""
    elongated = is_elongated(word)
    value = word_valence(word)
    laughter = False
    if not value and LAUGHTER.fullmatch(word):
        value, laughter = LAUGHTER_VALENCE, True
    if not value and elongated:
        value = word_valence(_squeeze(word)) or word_valence(ELONGATION.sub(r"\1", word))
    return value, laughter, elongated


def apply_words(s: Scored, shouting: bool) -> None:
    """Lexicon valence per word and emoji, with emphasis from capitals and stretched letters."""
    tokens = s.tokens
    last = len(tokens) - 1
    valence, labels, consumed = s.valence, s.label, s.consumed
    for i, tok in enumerate(tokens):
        if consumed[i]:
            continue
        if not tok.is_word:
            if tok.kind == "symbol":
                valence[i] = emoji_valence(tok.text)
                labels[i] = f"emoji {tok.text}"
            elif tok.kind == "emoticon":
                valence[i] = lexicon().get(tok.text, lexicon().get(tok.lower, _emoticon_guess(tok.text)))
                labels[i] = f"emoticon {tok.text}"
            continue
        word = tok.lower
        if word in SPECIAL_WORDS or ("'" in word and _clean(word) in NEGATORS):
            nxt = tokens[i + 1] if i < last and tokens[i + 1].is_word else None
            if _clean(word) in NEGATORS and nxt is not None and word_valence(nxt.lower):
                continue  # "no good": "no" negates, it is not itself scored
            if word in EXCESS_WORDS and nxt is not None and not word_valence(nxt.lower) \
                    and nxt.lower not in NOT_EXCESS_NEXT and nxt.lower not in FUNCTION_WORDS:
                valence[i] = EXCESS
                labels[i] = f"'{tok.text} {nxt.text}' (more than wanted)"
                continue
            if (word in BOOSTERS or word in DOWNTONERS) and nxt is not None and (
                    word_valence(nxt.lower) or word_valence(_squeeze(nxt.lower))):
                s.modifier[i] = True
                continue
            if word == "like" and (i == 0 or tokens[i - 1].lower not in LIKE_AS_VERB_AFTER):
                continue
            if word == "well" and i and tokens[i - 1].is_word and tokens[i - 1].lower not in ("as", "oh"):
                valence[i] = WELL_AS_PRAISE
                labels[i] = f"'{tok.text}' (adverb)"
                continue
        value, laughter, elongated = _reading(word)
        if not value:
            # Nothing to score. (The label of a word without valence is never read: no reason names it.)
            valence[i] = value
            continue
        label = f"'{tok.text}' (laughter)" if laughter else f"'{tok.text}'"
        if elongated:
            value += ELONGATION_BOOST if value > 0 else -ELONGATION_BOOST
            label += " (stretched)"
        if not shouting and tok.caps:
            value += CAPS_BOOST if value > 0 else -CAPS_BOOST
            label += " (caps)"
        valence[i] = value
        labels[i] = label


def _squeeze(word: str) -> str:
    return ELONGATION.sub(r"\1\1", word)


def _emoticon_guess(text: str) -> float:
    """Emoticons missing from the lexicon: a smile or grin ends in ) ] D P 3, a frown in ( [ / \\;
    "-_-" (unimpressed) and "T_T" (tears) are faces looking down."""
    core = text.strip("<>")
    if core in ("-_-", "-__-", "-___-", "T_T", "t_t"):
        return -1.2 if core.startswith("-") else -2.0
    if core.endswith(("(", "[", "/", "\\")) or core.startswith((")", "]")) or text == "</3":
        return -1.6
    if core.endswith((")", "]", "D", "P", "p", "3", "}")) or core.startswith(("(", "[")) or "^" in core:
        return 1.6
    return 0.0


def _negator_before(s: Scored, i: int) -> int | None:
    """Index of a verbal negator ("not", "doesn't", "never", ...) up to NEGATION_WINDOW words before
    token i in the same clause with no sentiment word in between, or None."""
    seen = 0
    j = i - 1
    while j >= 0 and seen < NEGATION_WINDOW:
        tok = s.tokens[j]
        if tok.kind in BREAKS or tok.lower in CONTRAST_WORDS:
            return None
        if tok.is_word:
            seen += 1
            if _clean(tok.lower) in VERBAL_NEGATORS and j not in s.rhetorical:
                return j
            if s.valence[j]:
                return None  # the negator belongs to that nearer word: "not wrong to respond"
        j -= 1
    return None


def apply_failures(s: Scored) -> None:
    """A negated verb of functioning is a failure report, the commonest complaint in support text:
    "it won't install", "did not help", "never arrived", "can't connect"."""
    for i, tok in enumerate(s.tokens):
        if tok.lower not in FUNCTION_VERBS or not tok.is_word or s.valence[i] or s.consumed[i]:
            continue
        j = _negator_before(s, i)
        if j is not None:
            s.valence[i] = FAILED_FUNCTION
            s.label[i] = f"'{s.tokens[j].text} ... {tok.text}' (fails)"
            s.settled[i] = True


def find_rhetorical_questions(s: Scored) -> None:
    """A question opened by a negated auxiliary expects agreement, it does not deny: "Wouldn't that be
    great?", "Isn't it lovely?". Its negator negates nothing and its praise is not just asked about."""
    tokens = s.tokens
    if not any(t.kind == "question" for t in tokens):
        return  # only a question can be rhetorical
    start = 0
    for i, tok in enumerate(tokens + [Token(".", "clause", ".")]):
        if tok.kind in ("bang", "question") or tok.text == "." or tok.kind == "ellipsis":
            if tok.kind == "question":
                words = [k for k in range(start, i) if tokens[k].is_word]
                if words and _clean(tokens[words[0]].lower) in NEGATED_AUXILIARIES:
                    s.rhetorical.add(words[0])
                    s.notes.append(f"rhetorical question '{tokens[words[0]].text} ...?': not a denial")
            start = i + 1


def apply_modifiers(s: Scored) -> None:
    """Intensifiers, downtoners and negation reaching back up to NEGATION_WINDOW words in the clause."""
    tokens = s.tokens
    for i, value in enumerate(list(s.valence)):
        if not value or tokens[i].kind in ("symbol", "emoticon") or s.label[i].startswith("sarcasm") \
                or s.settled[i]:
            continue
        if i and tokens[i - 1].lower == "less":
            value *= LESS
            s.label[i] += " after 'less'"
        seen = 0
        j = i - 1
        negated = False
        while j >= 0 and seen < NEGATION_WINDOW:
            tok = tokens[j]
            if tok.kind in BREAKS or tok.lower in CONTRAST_WORDS:
                break
            if tok.is_word:
                seen += 1
                word = _clean(tok.lower)
                decay = 1.0 - 0.05 * (seen - 1)
                if word in BOOSTERS and s.modifier[j]:
                    value += BOOST * decay if value > 0 else -BOOST * decay
                elif (word in DOWNTONERS and s.modifier[j]) or (s.modifier[j] and s.consumed[j]):
                    value *= DOWNTONE
                elif word in NEGATORS and not negated and j not in s.rhetorical and not s.consumed[j]:
                    after = tokens[j + 1].lower if j + 1 < len(tokens) else ""
                    if after in NOT_NEGATING_NEXT:
                        pass
                    elif word == "never" and any(t.lower in ("so", "this", "been") for t in tokens[j + 1:i]):
                        value *= 1.25  # "never been so happy" intensifies
                    else:
                        negated = True
                        value *= NEGATE_POSITIVE if value > 0 else NEGATE_NEGATIVE
                        s.label[i] += f" negated by '{tok.text}'"
            j -= 1
        s.valence[i] = value


def apply_contrast(s: Scored) -> None:
    """'X but Y': Y counts 1.5x, X half; an 'although X' clause counts half."""
    tokens = s.tokens
    pivot = None  # the last contrast word
    concessions = []
    for i, tok in enumerate(tokens):
        if tok.lower in CONTRAST_WORDS:
            pivot = i
        if tok.lower in CONCESSIVE_WORDS and tok.is_word:
            concessions.append(i)
    if pivot is not None and any(s.valence[:pivot]) and any(s.valence[pivot + 1:]):
        for i in range(len(tokens)):
            s.valence[i] *= BEFORE_CONTRAST if i < pivot else AFTER_CONTRAST
        s.notes.append(f"contrast '{tokens[pivot].text}': the clause after it counts more")
    for i in concessions:
        j = i + 1
        while j < len(tokens) and tokens[j].kind not in BREAKS and tokens[j].lower not in CONTRAST_WORDS:
            s.valence[j] *= BEFORE_CONTRAST
            j += 1
        if any(s.valence[i + 1:j]):
            s.notes.append(f"concession '{tokens[i].text}': its clause counts less")


def _sentence_span(tokens: list[Token], i: int) -> tuple[int, int]:
    ends = ("bang", "question")
    start = i
    while start > 0 and not (tokens[start - 1].kind in ends or tokens[start - 1].text == "."):
        start -= 1
    end = i
    while end < len(tokens) and not (tokens[end].kind in ends or tokens[end].text == "."):
        end += 1
    return start, end


def apply_sarcasm(s: Scored) -> None:
    """Irony cues turn the praise in a complaint negative: '/s', '#sarcasm', 'great... another outage',
    'love how it crashes'."""
    tokens = s.tokens
    if any(t.kind == "marker" for t in tokens):
        if any(v > 0 for v in s.valence):
            s.valence = [v * NEGATE_POSITIVE if v > 0 else v for v in s.valence]
            s.notes.append("sarcasm marker: praise read as irony")
        return
    # Only praise can be ironic; each step changes only its own word's valence.
    for i in [k for k, v in enumerate(s.valence) if v > 0]:
        tok = tokens[i]
        if not tok.is_word or i + 2 >= len(tokens):
            continue
        follower = tokens[i + 1]
        nxt = tokens[i + 2]
        if follower.kind in ("ellipsis", "clause", "bang") and nxt.lower in IRONIC_FOLLOWERS:
            _, rest_end = _sentence_span(tokens, i + 2)
            rest = s.valence[i + 2:rest_end]
            # "Great... another outage" complains; "Yay! Another good interview" does not.
            if any(v < 0 for v in rest) or (nxt.lower in ("another", "again") and not any(v > 0 for v in rest)):
                s.valence[i] *= NEGATE_POSITIVE
                s.label[i] += " (ironic)"
                s.notes.append(f"sarcasm: '{tok.text}{follower.text} {nxt.text}'")
    for i in [k for k, cue in enumerate(s.cue) if cue]:
        tok = tokens[i]
        start, end = _sentence_span(tokens, i)
        if any(v < 0 for v in s.valence[start:end]):
            s.notes.append(f"sarcasm: '{tok.text} ...' in a complaint")
            for k in range(start, end):
                if s.valence[k] > 0:
                    s.valence[k] *= NEGATE_POSITIVE
                    s.label[k] += " (ironic)"


def apply_questions(s: Scored) -> None:
    """Praise inside a question is asked about, not given."""
    tokens = s.tokens
    for i, tok in enumerate(tokens):
        if tok.kind == "question":
            start, _ = _sentence_span(tokens, i - 1 if i else 0)
            if any(k in s.rhetorical for k in range(start, i)):
                continue
            for k in range(start, i):
                if s.valence[k] > 0:
                    s.valence[k] *= QUESTION_POSITIVE
