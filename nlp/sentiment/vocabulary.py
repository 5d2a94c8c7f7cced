"""Word lists authored for Townsquare's sentiment rules: social, community and support vocabulary.

Valences use the VADER lexicon's scale (-4 .. +4, the mean of human ratings) so they mix with it.
Values here were set by reading, not fitted to any evaluation file.
"""
from __future__ import annotations

# Words that flip the polarity of a sentiment word up to NEGATION_WINDOW words after them.
NEGATORS = frozenset("""
not no never none nobody nothing neither nor without cannot cant dont doesnt didnt isnt arent wasnt
werent wont wouldnt couldnt shouldnt havent hasnt hadnt aint nope neva
""".split())
NEGATION_WINDOW = 3
# Negators of a verb ("doesn't install"), as opposed to of a noun ("no install needed").
VERBAL_NEGATORS = frozenset("""
not never cannot cant dont doesnt didnt isnt arent wasnt werent wont wouldnt couldnt shouldnt havent
hasnt hadnt aint neva
""".split())
# A question opened by one of these expects a yes: "Isn't it great?", "Wouldn't that be nice?".
NEGATED_AUXILIARIES = frozenset("""
isnt arent wasnt werent dont doesnt didnt wont wouldnt couldnt shouldnt havent hasnt aint cant
""".split())
# Verbs of something functioning or being delivered, and "enough": negated, they report a failure
# ("won't install", "does not support folders", "not loud enough").
FUNCTION_VERBS = frozenset("""
support supports supported enough
work works worked working install installs installed load loads loaded loading open opens opened boot
boots booted start starts started connect connects connected sync syncs synced charge charges charged
charging print prints printed respond responds responded responding recognize recognizes recognized
recognise recognises recognised detect detects detected arrive arrives arrived ship shipped deliver
delivered help helps helped update updates updated download downloads downloaded upload uploads uploaded
login log sign send sends sent reply replies replied answer answered fix fixes resolve resolved last
lasted play plays played read reads function functions functioned
""".split())
# "not only", "no doubt" do not negate what follows.
NOT_NEGATING_NEXT = frozenset({"only", "doubt", "just", "matter"})

# Additive emphasis (VADER's 0.293 step) for words that raise intensity ...
BOOST = 0.293
BOOSTERS = frozenset("""
absolutely amazingly awfully completely considerably decidedly deeply effing enormously entirely
especially exceptionally extremely fabulously flipping flippin frickin fricking friggin fully
fucking greatly hella highly hugely incredibly intensely majorly more most particularly purely
quite really remarkably so substantially thoroughly totally tremendously uber unbelievably
unusually utterly very super mega crazy insanely seriously literally soo sooo way too truly definitely
certainly surely
""".split())
# ... and multiplicative damping for words that lower it ("slightly annoying", "kinda good").
DOWNTONE = 0.55
DOWNTONERS = frozenset("""
almost barely hardly kinda kindof marginally occasionally partly scarcely slightly somewhat sorta
sortof fairly little bit rather mildly few minor
""".split())

# "too small", "overly sensitive": more than wanted is a complaint, whatever the adjective. Before a
# sentiment word they only intensify ("too cute"); "too much" / "too many" count by what follows.
EXCESS_WORDS = frozenset({"too", "overly", "excessively"})
EXCESS = -0.9
NOT_EXCESS_NEXT = frozenset({"much", "many"})

# "less buggy", "less accurate": the comparative turns the word round, at half its strength.
LESS = -0.5

# Contrast: the clause after "but" carries the writer's point; the one before counts less.
CONTRAST_WORDS = frozenset({"but", "however", "yet", "nevertheless", "nonetheless", "anyway", "anyways"})
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5
# Concession: the clause opened by "although" counts less than the main clause.
CONCESSIVE_WORDS = frozenset({"although", "though", "despite", "albeit", "while", "whilst"})

# Lexicon words that are mostly not sentiment in community and support text.
NEUTRALISED = {
    "help": 0.0,        # "need help", "please help": a request, not praise
    "please": 0.0,      # politeness in a request
    "support": 0.0,     # "contacted support"
    "care": 0.5,        # "customer care"
    "sure": 0.4,
    "want": 0.0,
    "free": 0.8,        # "free trial", "feel free"
    "pretty": 1.0,      # mostly an intensifier ("pretty bad"), see BOOSTERS
    "yes": 0.6,
    "ok": 0.4,
    "okay": 0.4,
    "well": 0.0,
    "matter": 0.0,
    "true": 0.5,
    "save": 0.5,
    "share": 0.0,
    "shares": 0.0,
    "join": 0.5,
    "party": 0.8,
    "offline": 0.0,     # "offline mode", "offline maps": a feature, not a fault
    "amazon": 0.0,      # the shop, not the rain forest's grandeur
    # Agreement in a reply ("yeah, will try") and certainty adverbs ("I can definitely see that") are
    # discourse, not feeling; as intensifiers ("definitely great") they still boost through BOOSTERS.
    "yeah": 0.4, "yep": 0.4, "definitely": 0.4, "certainly": 0.4, "truly": 0.4, "surely": 0.4,
}

# Community, support and slang words missing from VADER's lexicon (or weighted for this use).
COMMUNITY_WORDS = {
    # things breaking
    "crash": -2.0, "crashes": -2.2, "crashed": -2.2, "crashing": -2.2, "buggy": -2.1, "bug": -1.0,
    "bugs": -1.2, "glitch": -1.5, "glitches": -1.5, "glitchy": -1.9, "laggy": -1.9, "lagging": -1.7,
    "freezes": -1.9, "freezing": -1.5, "froze": -1.8, "unresponsive": -2.0, "unusable": -2.8,
    "outage": -2.0, "outages": -2.0, "downtime": -1.6, "broke": -1.9, "breaks": -1.6, "borked": -2.0,
    "errors": -1.6, "fails": -1.9, "failing": -1.9, "failed": -2.0, "stuck": -1.3, "slow": -1.2,
    "slower": -1.2, "sluggish": -1.6, "spam": -1.5, "spammy": -1.7, "hacked": -2.2, "scammed": -2.8,
    "overcharged": -2.3, "refund": -1.2, "refunds": -1.0, "chargeback": -1.8, "uninstall": -1.3,
    "uninstalled": -1.6, "unsubscribe": -1.0, "cancelled": -1.0, "canceled": -1.0, "ripoff": -2.8,
    "garbage": -2.4, "trash": -2.2, "rubbish": -2.2, "janky": -1.8, "meh": -0.9, "smh": -1.6,
    "fml": -2.6, "ffs": -2.2, "wth": -1.8, "ugh": -1.8, "ughh": -1.8, "argh": -1.8, "grr": -1.8,
    "sigh": -1.2, "yikes": -1.4, "oof": -1.0, "rip": -1.0, "facepalm": -1.8, "nightmare": -2.8,
    "downgrade": -1.8, "regression": -1.3, "bricked": -2.6, "unreliable": -2.0, "wonky": -1.5,
    "flaky": -1.6, "misleading": -2.0, "disappointing": -2.3, "worse": -2.1, "worst": -3.1,
    # things working out
    "fixed": 1.6, "resolved": 1.6, "solved": 1.8, "works": 1.0, "worked": 1.2, "working": 0.6,
    "thx": 1.8, "thnx": 1.8, "thanx": 1.8, "tysm": 2.6, "tyvm": 2.6, "ty": 1.6, "kudos": 2.3,
    "shoutout": 1.6, "props": 1.6, "lifesaver": 2.6, "seamless": 2.0, "smooth": 1.4,
    "intuitive": 1.6, "responsive": 1.2, "reliable": 1.8, "stable": 1.0, "ftw": 2.2, "lol": 1.2,
    "lmao": 1.5, "lmfao": 1.5, "rofl": 1.8, "haha": 1.6, "hahaha": 1.8, "hehe": 1.4, "yay": 2.4,
    "woohoo": 2.6, "woot": 2.2, "w00t": 2.2, "finally": 0.6, "recommend": 1.6, "recommended": 1.6,
    "upgrade": 0.6, "awesomeness": 3.0, "goat": 0.0, "dope": 1.6, "sick": -1.0,
    # product and service reviews (a community's feedback threads read like them)
    "junk": -2.4, "flaw": -1.8, "flaws": -1.6, "defects": -1.6, "malfunction": -1.8, "malfunctions": -1.8,
    "malfunctioning": -2.0, "incompatible": -1.2, "unhelpful": -1.8, "drawback": -1.0, "drawbacks": -1.0,
    "downsides": -1.0, "paperweight": -1.8, "non-existent": -1.8, "nonexistent": -1.8, "unable": -1.2,
    "issue": -0.7, "issues": -0.8, "lacks": -1.3, "lacking": -1.3, "poorly": -1.9, "flimsy": -1.8,
    "overpriced": -2.0, "pricey": -0.8, "expensive": -0.8, "hassle": -1.8, "cheaply": -1.5,
    "clunky": -1.6, "cumbersome": -1.5, "tedious": -1.5, "outdated": -1.0, "quirks": -0.7,
    "fast": 1.0, "faster": 1.0, "quick": 0.8, "snappy": 1.4, "smoothly": 1.4,
    "simple": 0.8, "sharp": 1.0, "crisp": 1.2, "sturdy": 1.4, "durable": 1.4, "compact": 0.7,
    "lightweight": 0.7, "handy": 1.4, "topnotch": 2.6, "top-notch": 2.6, "hassle-free": 1.8, "accurate": 1.0,
    "inaccurate": -1.4, "convenient": 1.2, "yum": 1.8,
    "reccomend": 1.6, "recomend": 1.6, "reccommend": 1.6,   # the commonest misspellings of "recommend"
    # travel and delivery service
    "delays": -1.3, "delayed": -1.4, "stranded": -2.0, "overbooked": -1.6,
}

# Prefixes after which the last part of a hyphenated word does not carry its own sentiment.
HEAD_NEGATING_PREFIXES = frozenset({"non", "anti", "un", "dis", "de", "no", "counter"})

# Multi-word expressions scored as one unit; their own words are not scored again.
PHRASES = {
    "doesn't work": -2.2, "does not work": -2.2, "didn't work": -2.0, "did not work": -2.0,
    "don't work": -2.0, "not working": -2.2, "isn't working": -2.2, "stopped working": -2.4,
    "no longer works": -2.4, "won't load": -2.0, "won't start": -2.0, "won't open": -2.0,
    "keeps crashing": -2.6, "still broken": -2.6, "still not": -1.5, "still waiting": -1.9,
    "still no": -1.5, "on hold": -1.2, "no response": -1.9, "no reply": -1.7, "no answer": -1.4,
    "waste of time": -2.6, "waste of money": -2.8, "ripped off": -2.8, "rip off": -2.6,
    "never again": -2.4, "thanks for nothing": -2.8, "not recommend": -2.2, "wouldn't recommend": -2.4,
    "would not recommend": -2.4, "do not buy": -2.5, "don't buy": -2.5, "not happy": -2.0,
    "fixed it": 2.0, "works now": 1.8, "working now": 1.8, "works great": 2.6, "works perfectly": 2.8,
    "works fine": 1.8, "works well": 2.2, "thank you": 2.0, "thank u": 2.0, "thanks so much": 2.6,
    "you rock": 2.6, "you guys rock": 2.6, "well done": 2.4, "good job": 2.5, "great job": 2.8,
    "nice work": 2.4, "highly recommend": 2.8, "game changer": 2.5, "life saver": 2.6,
    "no problem": 0.8, "no problems": 1.2, "no issues": 1.4, "no worries": 1.0, "not bad": 1.0,
    "no complaints": 1.4, "can't complain": 1.2, "can't wait": 2.0, "cannot wait": 2.0,
    "the bomb": 2.8, "bad ass": 1.5, "to die for": 2.8, "kind of": 0.0, "sort of": 0.0,
    "a bit": 0.0, "a little": 0.0, "pretty much": 0.0, "no doubt": 0.6, "oh well": -0.6,
    "not worth": -1.8, "worth it": 1.6, "worth every penny": 2.6, "worth the money": 1.8,
    "a plus": 1.4, "big plus": 1.8, "like a charm": 2.6, "a breeze": 1.8, "top notch": 2.6,
    "buyer beware": -2.4, "fell apart": -2.2, "falls apart": -2.2, "gave up": -1.4,
    "sent it back": -1.6, "send it back": -1.6, "no need": 0.4,
    "don't care": -1.2, "doesn't care": -1.2, "couldn't care less": -2.0,
    "doesn't disappoint": 2.0, "does not disappoint": 2.0, "did not disappoint": 2.0,
    "didn't disappoint": 2.0, "never disappoints": 2.4, "never fails to": 1.0,
    # counterfactuals turn the comparative round: "could have been better" is a complaint
    "could have been better": -1.2, "could've been better": -1.2, "couldve been better": -1.2,
    "could be better": -1.0, "could have been worse": 0.8, "could've been worse": 0.8,
    "couldve been worse": 0.8, "could be worse": 0.6,
    "don't waste": -2.2, "do not waste": -2.2, "don't bother": -1.8, "do not bother": -1.8,
    "wanted to like": -1.2, "wanted to love": -1.2, "hit and miss": -1.0, "hit or miss": -1.0,
    "bait and switch": -2.0, "bang for the buck": 2.0, "bang for your buck": 2.0,
    "cut the mustard": 2.0, "under the weather": -2.0, "bus stop": 0.0, "lol jk": 0.8,
}
# Phrases that act as downtoners rather than carry sentiment.
DOWNTONING_PHRASES = frozenset({"kind of", "sort of", "a bit", "a little"})

# Sarcasm: fixed expressions that are nearly always ironic ...
SARCASTIC_PHRASES = {
    "yeah right": -2.0, "yea right": -2.0, "oh great": -1.8, "oh wonderful": -1.8, "oh joy": -1.6,
    "oh goody": -1.6, "just great": -1.8, "just perfect": -1.6, "just what i needed": -1.8,
    "thanks a lot": None, "love it when": None, "love how": None, "love when": None,
    "gotta love": None, "got to love": None, "so glad": None,
}
# ... and markers that the writer flags irony with.
SARCASM_MARKERS = frozenset({"/s", "#sarcasm", "#not", "#irony"})
# A positive word then "...", "," or "." followed by one of these reads as ironic: "great... another outage".
IRONIC_FOLLOWERS = frozenset({"another", "again", "more", "now", "still", "yet"})

# Emoji valences for the ones common in social and support posts.
EMOJI = {
    "😀": 2.4, "😃": 2.4, "😄": 2.4, "😁": 2.4, "😆": 2.2, "😂": 1.8, "🤣": 1.8, "😊": 2.4, "🙂": 1.4,
    "😉": 1.4, "😍": 3.0, "🥰": 3.0, "😘": 2.4, "😻": 2.8, "❤": 2.8, "💕": 2.8, "💖": 2.8, "💗": 2.6,
    "💙": 2.4, "💚": 2.4, "💛": 2.4, "💜": 2.4, "🧡": 2.4, "♥": 2.6, "💯": 2.0, "👍": 2.0, "👌": 1.8,
    "👏": 2.0, "🙌": 2.3, "🙏": 1.4, "🎉": 2.5, "🥳": 2.8, "✨": 1.2, "🔥": 1.6, "😎": 1.8, "🤩": 3.0,
    "😇": 2.0, "💪": 1.8, "✅": 1.2, "⭐": 1.5, "🌟": 2.0, "🤗": 2.2, "😋": 2.0, "😌": 1.4, "🏆": 2.2,
    "🚀": 1.6, "☺": 2.2, "😺": 2.0, "😸": 2.2,
    "😞": -2.2, "😔": -2.0, "😟": -2.0, "😕": -1.5, "🙁": -1.8, "☹": -2.0, "😣": -2.0, "😖": -2.2,
    "😫": -2.3, "😩": -2.2, "😢": -2.4, "😭": -2.0, "😤": -2.0, "😠": -2.8, "😡": -3.0, "🤬": -3.2,
    "😒": -1.8, "🙄": -1.8, "😑": -1.0, "😐": -0.6, "😬": -1.0, "😓": -1.5, "😥": -1.8, "😰": -2.0,
    "😱": -1.4, "😨": -2.0, "🤢": -2.5, "🤮": -2.8, "💔": -2.8, "👎": -2.0, "💩": -2.0, "❌": -1.2,
    "⚠": -0.8, "🤦": -1.8, "🤷": -0.4, "😪": -1.0, "😴": -0.5, "😿": -2.2, "🖕": -3.0, "😧": -1.6,
}

# Short words and pronouns for splitting hashtags ("#notgood" -> "not good").
FUNCTION_WORDS = frozenset("""
a i im me my mine we our us you your u it its is am are was were be been this that these those the
an and or of to in on at for with by from so too very not no never dont cant wont just all any
one day so get got go going love day days life time today still again more new best fail win
""".split())
