"""Intent of a post: question, idea (feature request or suggestion), complaint, praise or other.

Rules on the text plus the sentiment already scored, each decision with the cue behind it, so a manager
can see why a post was routed to ideation or escalation. When several intents are present the
dominant one is picked in this order (docs/nlp/intent.md):

1. idea: a suggestion or feature request, even when phrased as a question ("any plans to support X?")
   or wrapped in a complaint ("export is useless, please add CSV"): it is what the product team acts on;
2. question asking for help ("how do I...", "anyone know...", "is there a way..."), even with negative
   words ("it keeps crashing, how do I fix it?"): the author wants an answer;
3. complaint: negative sentiment, a complaint cue ("still waiting", "charged twice", "doesn't work"),
   or a rhetorical question that vents ("why does it keep crashing?!", "how hard can it be?");
4. other questions: a sentence ending in "?" or starting like a question;
5. praise: positive sentiment that thanks or praises, not an announcement;
6. other: answers, announcements, chatter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


# Gaps inside a cue are bounded (never `.*`): cue search stays linear on a pathological 1 MB post.
SAME_SENTENCE = r"[^.!?\n]{0,200}"
NEARBY = r".{0,200}"
# A post says what it wants in its opening; the rest is detail (and a 1 MB paste costs nothing more).
MAX_CHARS = 5_000


class Cues:
    """A family of cue patterns searched one by one, each only when a word it cannot match without is in
    the text: one combined alternation costs a scan per branch on every post (~4 µs each, 130 µs per
    family), the substring checks almost nothing."""

    def __init__(self, patterns: tuple[str | tuple[tuple[str, ...], str], ...]):
        # an entry is a pattern, or (words one of which every match contains, pattern) where the words sit
        # in groups with optional parts that _triggers cannot read
        self.patterns = [(p[0], re.compile(p[1])) if isinstance(p, tuple) else (_triggers(p), re.compile(p))
                         for p in patterns]

    def search(self, lower: str) -> re.Match | None:
        for triggers, pattern in self.patterns:
            if (triggers is None or any(t in lower for t in triggers)) and (m := pattern.search(lower)):
                return m
        return None


def _triggers(pattern: str) -> tuple[str, ...] | None:
    """Words a match must contain: a literal word outside any group, else the first group's alternatives
    when they are all plain words; None when the pattern has neither (it is always searched)."""
    outside, depth, i = [], 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            outside.append(" ")
            i += 2
            continue
        depth += c == "("
        optional = pattern[i + 1:i + 2] in ("?", "*", "{")  # `plans?`: only "plan" is certain
        outside.append(c if depth == 0 and c not in "[]" and not optional else " ")
        depth -= c == ")"
        i += 1
    words = [w for w in re.findall(r"[a-z']+", "".join(outside)) if len(w) >= 3 and "'" not in w]
    if words and "[" not in pattern.split(words[0])[0][-1:]:
        return (max(words, key=len),)
    first = re.match(r"\\b\(([a-z |]+)\)", pattern)
    if first and all(first.group(1).split("|")):
        return tuple(alternative.strip() for alternative in first.group(1).split("|"))
    return None


def _cues(*patterns: str | tuple[tuple[str, ...], str]) -> Cues:
    return Cues(patterns)


IDEA = _cues(
    r"\bfeature (request|idea|suggestion|proposal)s?\b",
    r"\b(it|that|this|there) would be (really |so |very |super )?(nice|great|awesome|cool|helpful|useful|good|amazing|handy|ideal)\b",
    r"\b(it|that|this)'?d be (really |so |very |super )?(nice|great|awesome|cool|helpful|useful|good|amazing|handy)\b",
    r"\bwould be (a )?(great|nice|useful|good|welcome|helpful) (feature|addition|improvement|option)\b",
    (("love", "like"), r"\b(would|i'?d) (really )?(love|like) (to see|it if|to have|to be able|an? (option|way|setting|toggle|mode|feature))\b"),
    r"\bplease (add|support|make|allow|let us|bring( back)?|consider|implement|include|enable|introduce|offer)\b",
    r"\b(could|can|would|will) (you|they|the team) (please )?(add|support|make it|allow|implement|bring( back)?|include|consider|introduce|offer)\b",
    r"\b(you|they|it|app|team|devs|developers) (really )?(should|need to|needs to|ought to) (add|support|allow|let|have|offer|include|introduce|implement|make it possible)\b",
    r"\bi wish (it|there|you|i could|the|they|we)\b", r"\bwish ?list\b",
    r"\b(any|are there) plans? (to|for)\b", r"\b(is|are) (this|that|it|they) on the roadmap\b",
    r"\b(my )?suggestion\b", r"\bi('d| would)? suggest (adding|that you|you add|an? |supporting)\b",
    r"\b(proposal|i propose)\b", r"\b(how|what) about (adding|an? |supporting|having)\b",
    r"\bwhy not (add|support|allow|make|offer)\b", r"\bconsider (adding|supporting)\b",
    r"\bneeds? (an? )?(option|setting|way|toggle|button|mode) to\b",
    r"\badd (an? )?(option|setting|toggle|way|button|dark mode|support for)\b",
    r"\b(upvote|\+1)( for| on)? this (idea|request|feature)\b",
    # a request for something new, in the imperative or as a wish
    ((":",), r"(?:^|[.!?:\n]\s*)(idea|suggestion|feature request|request|proposal|wish)\s*:"),
    r"(?:^|[.!?\n]\s*)(pls |please )?let (me|us|users|admins|people) (pick|choose|set|add|have|use|put|change|edit|hide|"
    r"turn|share|export|import|sort|group|rename|schedule|see|control|customi[sz]e|disable|enable)\b",
    r"(?:^|[.!?\n]\s*)would (be|it be) (really |so |very |super )?(nice|great|awesome|cool|helpful|useful|good|handy|possible)\b",
    r"\bwould (really |also |so )?(help|make (it|things|life|this) (much |a lot |so )?(easier|simpler|better)|make (more )?sense|"
    r"save (me|us|a lot)|win over|sell)\b",
    r"\b(would|i'?d) (really |so |absolutely )?love (a|an|some|the option|the ability)\b",
    r"\b(could|can|would|will) you (please |guys |folks )?(put|expose|give|show|provide|open|publish|let|make|add|bring|"
    r"offer|include|create|release|build|document)\b(?! me)",
    (("if",), r"\b(i'?d|i would|we'?d|we would) (happily |gladly |definitely )?(pay|buy|switch|upgrade|subscribe)\b[^.!?]*\bif\b"),
    r"\b(should|could) (run|do|offer|make|sell|build|release|publish|launch|partner|start|be linked)\b",
    r"\bis there an? \w+( \w+)? (coming|planned|on the way)\b",
)
HELP = _cues(
    r"\bhow (do|can|could|should|would) (i|we|you|one)\b", r"\bhow to\b", r"\b(does|do|did|has|have) any(one|body)\b",
    r"\bany(one|body) (know|knows|else|here|able|have|has|tried|seen)\b",
    r"\bis there (a|any) (way|setting|option|trick)\b", r"\bis it possible\b" + SAME_SENTENCE + r"\?", r"\banything (else )?(i|we) (can|could|should) (try|do)\b", r"\bany (idea|ideas|tips|advice|suggestions|pointers|help)\b",
    r"\b(need|needs|want|looking for) (some )?(help|advice|assistance|guidance)\b", r"\bhelp me\b",
    r"\bcan'?t figure out\b", r"\bnot sure (how|what|why|if|whether|where)\b", r"\bwondering (if|how|whether|what|why|where)\b",
    r"\bwhat (should|do|can) (i|we)\b", r"\bwhere (can|do|should) (i|we)\b", r"\bwhich (one|version|plan|model)\b" + SAME_SENTENCE + r"\?",
    r"\bcan (i|we|you) (use|get|change|set|connect|export|import|move|transfer|reset|upgrade|downgrade)\b",
)
RHETORICAL = _cues(
    r"\bwhy (does|do|is|are|can'?t|won'?t|isn'?t|doesn'?t|don'?t|did|would) " + SAME_SENTENCE + r"\b(always|keep|keeps|still|again|never|so|even)\b",
    r"\bhow (hard|difficult) (is it|can it be)\b", r"\bhow many (more )?times\b", r"\bwhat'?s the point\b",
    r"\b(is|are) (any|no)(one|body) (even )?(listening|reading|working|there)\b", r"\bseriously\s*\?",
    r"\bare you (kidding|serious|joking)\b", r"\bwhy (even|would anyone)\b", r"\bwhat (a joke|happened to)\b",
    r"\bhow is (it|this|that) (legal|possible|acceptable|ok|okay|fair)\b", r"\bis it too much to ask\b",
)
COMPLAINT = _cues(
    (("not", "n't", "nt ", "never", "cannot"), r"\b(not|isn'?t|doesn'?t|don'?t|won'?t|can'?t|cannot|didn'?t|never) (work|working|works|load|loading|sync|syncing|connect|connecting|open|respond|responding|arrive|arrived|charge|charging|fixed)\b"),
    r"\bstill (waiting|broken|not|no|nothing|haven'?t|hasn'?t|doesn'?t|can'?t)\b", r"\b(unacceptable|ridiculous|useless|pathetic|garbage|rubbish)\b",
    (("keep", "kept"), r"\b(keeps?|kept) (crashing|failing|freezing|disconnecting|dropping|logging me out|restarting|losing)\b"),
    r"\bcharged (me )?(twice|again|double|two times)\b", r"\b(cancel|cancelling|canceling) my\b", r"\b(fed up|sick of|tired of)\b",
    r"\bnever again\b", r"\bwaste of\b", (("rip", "scam"), r"\b(rip.?off|scam)\b"), (("no ",), r"\bno (response|reply|answer|one) (from|yet|has|after|for)\b"),
    r"\b(worst|terrible|awful|horrible)\b", r"\bdisappoint", r"\bfrustrat", r"\bannoy",
    # asking for a remedy: the company owes something
    (("like", "want", "need", "please", "expect", "demand"), r"\b(i'?d like|i want|i need|please|i expect|i demand)( to get| to have)? (a |my |the )?(refund|replacement|money back|"
    r"this (sorted|fixed|resolved)|the difference|it (returned|back|refunded)|(the )?\w+ (amount )?returned)\b"),
    r"\b(give|pay) (me )?back\b", r"\bnot what i paid\b", r"\b(never|nothing) (came|arrived|showed up)\b",
    (("has", "have", "did"), r"\b(hasn'?t|haven'?t|has not|have not|didn'?t|did not) (arrived|come|shown up|been (fixed|resolved|refunded|delivered))\b"),
    r"\bwithout (fixing|a single|any (warning|notice|reply)|warning|notice|asking)\b", (("never", "didn"), r"\bi (never|didn'?t) (picked?|ordered?|agreed|asked)\b"),
    (("every", "day", "week", "month", "year"), r"\b(every (single )?time|every\. ?time|\w+ (days|weeks|months|years) (ago|now|later))\b" + NEARBY + r"\b(still|again|nothing|no|not)\b"),
    (("reboot", "crash", "freez", "drop", "disconnect", "stutter", "lag", "buzz", "flicker"),
     r"\b(reboots?|crash(es|ed)?|freez(es|ing)|drops? (off|out)|disconnects?|stutters?|lags?|buzz(es)?|flicker(s|ing)?) "
    r"(itself|all the time|constantly|every|randomly|several|again|whenever|when|on|at|after|since)\b"),
    r"\b(randomly|intermittently) (don'?t|doesn'?t|stop|fail|turn)\b", r"\b(cracked|damaged|dead on arrival|doa|faulty|defective)\b",
    r"\bcash grab\b", r"\bdark patterns?\b", (("🙄", "🙃"), r"🙄|🙃"), r"\blove that for me\b", r"\bthis needs fixing\b",
    r"\bi just want (a human|my money|it to work)\b",
)
# A support agent or moderator answering: informing, confirming, apologising; neither asks nor complains.
STAFF_REPLY = _cues(
    r"^(hi|hello|hey|dear) [a-z]+[,!]", r"\bthanks for (your patience|getting in touch|reaching out|contacting|the detailed|letting us know)\b",
    r"\bsorry (for|about) (the (wait|trouble|inconvenience|hassle|delay)|that)\b", (("ve ",), r"\bi'?ve (issued|sent|reversed|refunded|"
    r"escalated|reproduced|passed|forwarded|credited|updated|checked|reset|cancell?ed)\b"), (("ve ",), r"\bwe'?ve (reproduced|fixed|issued|"
    r"sent|refunded|reversed|escalated|passed)\b"), r"\byour (ticket|case|order) (number|#)", r"\ba member of our team\b",
    r"\byou'?ll (see|get|receive) (it|a|an|the)\b",
)
PRAISE = _cues(
    r"\b(thank|thanks|thx|ty|kudos|props|cheers)\b", r"\bshout ?out\b", r"\b(well|nicely) done\b",
    r"\b(great|nice|amazing|awesome|good|excellent|fantastic) (job|work|app|product|support|team|update|service|experience)\b",
    r"\b(love|loving|adore) (it|this|the|my|your|how)\b", r"\bworks? (great|perfectly|flawlessly|like a charm|beautifully|well)\b",
    (("impressed", "recommend", "lifesaver", "life saver", "game"), r"\b(impressed|recommend|lifesaver|life saver|game ?changer)\b"), r"\bbest (app|product|purchase|support|thing|decision)\b",
    (("thank", "credit", "hats", "brilliant", "impressive", "solid", "worth", "satisfying", "life changing", "rock"),
     r"\b(thank (u|you)|credit to|hats off|brilliant|impressive|solid|worth it|satisfying|life changing|rock|rocks)\b"),
    r"\b(hasn'?t|never) let (me|us) down\b", r"\byou (lot|guys|folks|all) are (great|awesome|amazing|the best)\b",
)
ANNOUNCEMENT = _cues(
    (("released", "available", "out", "live", "rolling", "announcing", "release", "changelog", "maintenance"), r"\b(released|now available|is (now )?out|is live|rolling out|announcing|release notes|changelog|maintenance window)\b"),
    (("re ",), r"\bwe'?re (excited|happy|pleased|thrilled) to\b"), r"\b(join us|register now|sign up now|webinar)\b",
)
QUESTION_START = re.compile(
    r"(?:^|[.!?\n]\s*)(how|what|why|where|when|which|who|is|are|am|can|could|does|do|did|should|would|will|has|have"
    r"|was|were|anyone|any)\b[^.!\n]*\?")


# An auxiliary before its subject opens a question even without "?" ("is the hub compatible with zigbee").
INVERSION = re.compile(
    r"(?:^|[.!?\n]\s*)(is|are|can|could|does|do|did|will|would|should|has|have)\s+(the|my|your|this|that|there|it|i|we"
    r"|you|anyone|anybody|someone|they)\b[^.!\n]*")


@dataclass(frozen=True)
class Intent:
    label: str
    reason: str


def classify_intent(text: str, sentiment: float | None, extra_cues: dict[str, re.Pattern] | None = None) -> Intent:
    """The dominant intent of a text, given its sentiment score (None when not scored)."""
    lower = text[:MAX_CHARS].lower().replace("’", "'")
    extra = extra_cues or {}
    score = sentiment or 0.0

    def cue(name: str, pattern: Cues) -> str | None:
        for p in (pattern, extra.get(name)):
            if p is not None and (m := p.search(lower)):
                return m.group(0).strip()
        return None

    if found := cue("idea", IDEA):
        return Intent("idea", f"suggestion: '{found}'")
    asks = "?" in lower
    if (found := cue("question", HELP)) and not RHETORICAL.search(lower):
        return Intent("question", f"asks for help: '{found}'")
    if m := RHETORICAL.search(lower):
        return Intent("complaint", f"rhetorical question: '{m.group(0).strip()}'")
    if m := STAFF_REPLY.search(lower):
        return Intent("other", f"a reply that informs: '{m.group(0).strip()}'")
    complaint = cue("complaint", COMPLAINT)
    if complaint and score < 0.25:
        return Intent("complaint", f"complaint: '{complaint}'")
    if score <= -0.25 and not asks:
        return Intent("complaint", f"negative sentiment {score:+.2f}")
    if asks and (m := QUESTION_START.search(lower)):
        if m.group(1) == "why" and score <= -0.25:
            return Intent("complaint", f"a 'why' question with negative sentiment {score:+.2f}")
        return Intent("question", f"question: '{m.group(0).strip()[:60]}'")
    if asks and score > -0.25:
        return Intent("question", "ends in a question mark")
    if score > -0.25 and (m := INVERSION.search(lower)):
        return Intent("question", f"question word order: '{m.group(0).strip()[:60]}'")
    if score <= -0.25:
        return Intent("complaint", f"negative sentiment {score:+.2f}")
    praise = cue("praise", PRAISE)
    if score >= 0.25 and praise and not ANNOUNCEMENT.search(lower):
        return Intent("praise", f"praise: '{praise}', sentiment {score:+.2f}")
    if score >= 0.5 and not ANNOUNCEMENT.search(lower):
        return Intent("praise", f"positive sentiment {score:+.2f}")
    return Intent("other", "no question, suggestion, complaint or praise")


def compile_extra_cues(cues: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern]:
    """The config's extra phrases per intent, as whole-phrase, case-insensitive patterns."""
    return {intent: re.compile("|".join(rf"\b{re.escape(p.lower())}\b" for p in phrases))
            for intent, phrases in cues.items() if phrases}
