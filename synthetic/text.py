"""Words for synthetic posts: titles, bodies, answers and comments that read like a product forum.

Everything here is a pure function of a `random.Random`, so a post's text can be rebuilt from its
own seed when the file is written instead of being held in memory for the whole community.
"""
from __future__ import annotations

import random

TAG_VOCABULARY = [
    "installation", "configuration", "api", "authentication", "performance", "database", "deployment",
    "docker", "kubernetes", "python-sdk", "javascript-sdk", "cli", "webhooks", "billing", "permissions",
    "migration", "backup", "logging", "monitoring", "search", "import", "export", "plugins", "themes",
    "mobile", "notifications", "sso", "rate-limits", "upgrade", "networking", "storage", "encryption",
    "scheduling", "reporting", "dashboards", "integrations", "windows", "macos", "linux", "testing",
    "errors", "documentation", "feature-request", "accessibility", "localization", "caching", "queues",
    "email", "analytics", "security",
]

_THINGS = ["the config file", "my workspace", "the access token", "a custom plugin", "the nightly backup",
           "user roles", "the export job", "a webhook endpoint", "the search index", "the admin panel",
           "the API client", "a staging environment", "the import wizard", "the audit log", "shared folders",
           "the mobile app", "a scheduled report", "the proxy settings", "two-factor login", "the queue worker"]
_ACTIONS = ["set up", "migrate", "reset", "configure", "automate", "debug", "speed up", "restore", "secure",
            "monitor", "upgrade", "roll back", "share", "limit", "clean up"]
_PROBLEMS = ["times out after a few minutes", "fails with a permission error", "returns an empty response",
             "uses too much memory", "keeps logging me out", "is very slow on large projects",
             "crashes on startup", "ignores my settings", "shows the wrong timezone",
             "duplicates every record", "stopped working after the last update", "hangs at 99%"]
_VERSIONS = ["2.3", "2.4", "3.0", "3.1", "3.2 beta", "4.0"]
_OPENERS = ["Hi all,", "Hello,", "", "", "Quick question.", "I'm new here.", "Long-time user, first post."]
_FEELINGS = ["This is really frustrating because our whole team depends on it.",
             "Honestly the product has been great so far, this is the only thing blocking us.",
             "I love how easy the rest of the setup was.", "We are losing a lot of time on this.",
             "Any help is appreciated!", "I'm a bit disappointed, this used to just work.",
             "Thanks in advance for any pointers.", ""]
_WISHES = ["It would be great if {tag} supported {thing} out of the box.",
           "Please add an option to {action} {thing} from the settings page.",
           "Could you consider letting admins {action} {thing} in bulk?"]
_ANSWER_LEADS = ["You can {action} {thing} from the settings page.", "This is a known issue in {version}.",
                 "I had the same problem with {tag}.", "The usual cause is {thing}.",
                 "Short answer: yes, but you need to {action} {thing} first.",
                 "Check the logs of {thing}; they usually say what is wrong."]
_ANSWER_STEPS = ["Open the admin panel and {action} {thing}.", "Restart the service after the change.",
                 "Upgrade to {version} or later, the fix is in the release notes.",
                 "Make sure the token has write permissions.", "Clear the cache and try again.",
                 "If that does not help, post the full error message here."]
_CODE = ["townsquare-cli {action} --all", "export API_TIMEOUT=120", "config.set('retries', 5)",
         "curl -H 'Authorization: Bearer $TOKEN' https://example.test/api/v2/status"]
_QUESTION_COMMENTS = ["Which version are you on?", "Could you share the full error message?",
                      "Does this also happen in a new workspace?", "What does the log say?",
                      "Possible duplicate of an older question about {tag}.", "Same here, following."]
_ASKER_REPLIES = ["I'm on {version}.", "Added the log output to the question.",
                  "Yes, it happens with a clean setup too.", "Edit: it only happens on {tag}."]
_ANSWER_COMMENTS = ["Thanks, that worked!", "This fixed it for me, thank you.", "Didn't work for me on {version}.",
                    "Great answer, very clear.", "Is there a way to do this with the API instead?",
                    "This is not right for {version} any more.", "Worked after a restart."]


def _fill(template: str, rng: random.Random, tag: str) -> str:
    return template.format(tag=tag, thing=rng.choice(_THINGS), action=rng.choice(_ACTIONS),
                           version=rng.choice(_VERSIONS))


def question_title(rng: random.Random, tag: str) -> str:
    form = rng.randrange(5)
    if form == 0:
        return f"How do I {rng.choice(_ACTIONS)} {rng.choice(_THINGS)} with {tag}?"
    if form == 1:
        return f"{tag.capitalize()} {rng.choice(_PROBLEMS)}"
    if form == 2:
        return f"Is it possible to {rng.choice(_ACTIONS)} {rng.choice(_THINGS)}?"
    if form == 3:
        return f"{rng.choice(_THINGS).capitalize()} {rng.choice(_PROBLEMS)} after upgrading to {rng.choice(_VERSIONS)}"
    return f"Feature request: {rng.choice(_ACTIONS)} {rng.choice(_THINGS)} in {tag}"


def question_paragraphs(rng: random.Random, tag: str) -> list[str]:
    paragraphs = []
    opener = rng.choice(_OPENERS)
    paragraphs.append(f"{opener} When I try to {rng.choice(_ACTIONS)} {rng.choice(_THINGS)}, it "
                      f"{rng.choice(_PROBLEMS)}.".strip())
    if rng.random() < 0.4:
        paragraphs.append("`" + _fill(rng.choice(_CODE), rng, tag) + "`")
    if rng.random() < 0.25:
        paragraphs.append(_fill(rng.choice(_WISHES), rng, tag))
    feeling = rng.choice(_FEELINGS)
    if feeling:
        paragraphs.append(feeling)
    return paragraphs


def answer_paragraphs(rng: random.Random, tag: str) -> list[str]:
    paragraphs = [_fill(rng.choice(_ANSWER_LEADS), rng, tag)]
    for _ in range(rng.randint(1, 3)):
        paragraphs.append(_fill(rng.choice(_ANSWER_STEPS), rng, tag))
    if rng.random() < 0.3:
        paragraphs.append("`" + _fill(rng.choice(_CODE), rng, tag) + "`")
    return paragraphs


def comment_text(rng: random.Random, tag: str, *, on_answer: bool, by_asker: bool) -> str:
    if by_asker and not on_answer:
        pool = _ASKER_REPLIES
    elif on_answer:
        pool = _ANSWER_COMMENTS
    else:
        pool = _QUESTION_COMMENTS
    return _fill(rng.choice(pool), rng, tag)


def to_html(paragraphs: list[str]) -> str:
    out = []
    for p in paragraphs:
        escaped = p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if p.startswith("`") and p.endswith("`"):
            out.append(f"<pre><code>{escaped.strip('`')}</code></pre>")
        else:
            out.append(f"<p>{escaped}</p>")
    return "\n".join(out) + "\n"


def to_markdown(paragraphs: list[str]) -> str:
    return "\r\n\r\n".join(p if not p.startswith("`") else "    " + p.strip("`") for p in paragraphs)


_FIRST = ["Ana", "Ben", "Chloe", "Dmitri", "Emeka", "Fatima", "Guo", "Hana", "Ivan", "Julia", "Kofi", "Lena",
          "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yusuf",
          "Zoe", "Aiko", "Bruno", "Carla", "Diego", "Elif"]
_LAST = ["Silva", "Novak", "Okafor", "Kim", "Müller", "Rossi", "Haddad", "Ivanova", "Tanaka", "Garcia", "Berg",
         "Mensah", "Kowalski", "Dubois", "Patel", "Nguyen", "O'Brien", "Larsen", "Costa", "Sato"]
LOCATIONS = ["Berlin, Germany", "Lagos, Nigeria", "São Paulo, Brazil", "Bangalore, India", "Toronto, Canada",
             "London, United Kingdom", "Tokyo, Japan", "Austin, TX", "Paris, France", "Sydney, Australia", ""]


def display_name(rng: random.Random, member_id: int) -> str:
    style = rng.random()
    if style < 0.55:
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    if style < 0.85:
        return f"{rng.choice(_FIRST).lower()}{rng.randint(1, 999)}"
    return f"user{member_id * 7919 % 10_000_000}"
