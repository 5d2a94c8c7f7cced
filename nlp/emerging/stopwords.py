"""Words that never make a theme: English function words, contractions and the small talk of forums,
social posts and support tickets (greetings, thanks, "any idea"). Checked on the word as written and on
its base form, so "thanks", "thanked" and "thanking" are all left out.

Our own list rather than scikit-learn's or spaCy's: theirs leave out content words that matter to a
community team (bill, system, computer, amount, call, fire, name, show).
"""
from __future__ import annotations

from nlp.wordforms import base_form

FUNCTION_WORDS = """
a about above after again against all almost along already also although always am among an and another
any anybody anyone anything anyway anywhere are around as at away back be became because become becomes
been before being below beside besides between beyond both but by can cannot could did do does doing done
down during each either else elsewhere enough etc even ever every everybody everyone everything everywhere
except few for from further had has have having he her here hers herself him himself his how however i if
in inside instead into is it its itself just least less let lets may maybe me might mine more most mostly
much must my myself near neither never nevertheless next no nobody none noone nor not nothing now nowhere
of off often on once one ones only onto or other others otherwise our ours ourselves out outside over own
per perhaps quite rather same several shall she should since so some somebody someone something sometime
sometimes somewhat somewhere such than that the their theirs them themselves then there thereby therefore
these they thing things this those though through throughout thru thus to together too toward towards
under unless until up upon us very via was we well were what whatever when whenever where whereas wherever
whether which while who whoever whole whom whose why will with within without would yet you your yours
yourself yourselves
am pm eg ie vs etc aka btw imo imho fyi tbh lol omg pls plz thx ty ok okay yes yeah yep nope
im ive id ill dont doesnt didnt cant couldnt wont wouldnt shouldnt isnt arent wasnt werent hasnt havent
hadnt youre youve youll theyre thats theres whats lets
"""

# Small talk: how people ask and thank, not what they talk about.
SMALL_TALK = """
hi hello hey dear thanks thank cheers regards appreciate appreciated welcome sorry please kindly
question questions answer answers ask asked reply replied comment comments post posted
anybody idea ideas know knew want wanted need needed try tried like liked get got make made
use used really actually basically simply probably definitely certainly exactly sure able unable
seem seems way ways lot lots bit kind sort stuff something anything good great nice fine
say said tell told think thought see seen look looking mean means thank thanks help helps helped
also still even just already another new old first last many much more less
http https www com org net html
"""

STOP_WORDS = frozenset((FUNCTION_WORDS + SMALL_TALK).split())
STOP_BASES = frozenset(base_form(w) for w in STOP_WORDS)


def is_stop_word(word: str, base: str) -> bool:
    return word in STOP_WORDS or base in STOP_BASES
