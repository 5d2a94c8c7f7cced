"""Synthetic social posts of a community: X API v2 payloads and a listening tool's CSV export.

Both follow what the real connectors read (docs/connectors/x.md, docs/connectors/social_csv.md):

- **X**: two collections of the same community, in the two layouts twarc writes. `x/search/` holds
  raw `search/all` response pages (one JSON object per line: `data`, `includes.users`,
  `includes.tweets`, `meta`, `__twarc`), newest first, 100 tweets a page, a file per month;
  `x/conversations/` holds conversations fetched and flattened by `twarc2 flatten` (one tweet per
  line, author, replied-to user, mentioned users and referenced tweets inlined). Every tweet is in
  exactly one of them; the tweets a record refers to are records of their own somewhere.
- **Social CSV**: the brand-mentions export of a listening tool (Mastodon, Reddit, LinkedIn,
  Bluesky), `;`-separated with its own header names and day-first dates, read through the
  `[sources.columns]` mapping `CSV_MAPPING`.

The community behaves like one on social media: a few accounts have most followers, the brand's
posts are retweeted and answered, replies come within hours (log-normal), conversations go back and
forth, most posts are in English with a few in German and Spanish.
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from synthetic import text
from synthetic.people import SOCIAL_CSV, X, Cast, Person, Picker, snowflake
from synthetic.stackexchange import _hours, _poisson, _time_of_day

ORIGINALS_PER_ACCOUNT_YEAR = 1.5  # posts of their own per X account and year, besides their first
TWEETS_PER_PAGE = 100             # search/all with max_results=100
FLAT_SHARE = 0.35                 # conversations collected (and flattened) rather than searched
CSV_POSTS_PER_AUTHOR_YEAR = 3.0

# --- words -----------------------------------------------------------------------------------------

_THINGS = {"en": ["the CLI", "our staging cluster", "webhooks", "the new dashboard", "SSO", "the import job",
                  "the API client", "nightly backups", "search", "the mobile app", "rate limits", "audit logs"],
           "de": ["der CLI", "unserem Staging-Cluster", "Webhooks", "dem neuen Dashboard", "SSO", "dem Import"],
           "es": ["la CLI", "nuestro clúster de pruebas", "los webhooks", "el nuevo panel", "SSO", "la importación"]}
_PROBLEMS = {"en": ["times out", "is really slow", "fails silently", "logs everyone out", "eats all the memory",
                    "ignores the config"],
             "de": ["hängt ständig", "ist extrem langsam", "bricht ohne Fehlermeldung ab"],
             "es": ["va muy lento", "falla sin avisar", "se cuelga a cada rato"]}
_ORIGINALS = {
    "en": ["Just set up {thing} with {brand} and it took ten minutes. Impressed.",
           "Anyone else seeing {thing} {problem} since {version}?",
           "Tip: you can script {thing} with the {brand} CLI instead of clicking through the UI.",
           "Our team moved {thing} to {brand} this week. So far so good.",
           "Honestly the {brand} docs & forum have been great while we migrate {thing}.",
           "{brand} {version}: {thing} {problem} for us. Rolling back for now.",
           "Q&A on {topic} later today, bring your questions!",
           "Three things I wish I knew before using {thing} in production. A thread.",
           "Is there a way to make {thing} faster? Asking for a friend (me)."],
    "de": ["Hat jemand {brand} schon mit {thing} im Einsatz?", "Seit dem Update auf {version} {problem} bei uns.",
           "Endlich läuft unser Setup mit {brand}. Danke an die Community!",
           "Kurzer Tipp: {thing} lässt sich auch per API steuern."],
    "es": ["¿Alguien usa {brand} con {thing}?", "Desde la versión {version}, {thing} {problem}.",
           "¡Me encanta la nueva versión de {brand}!", "Consejo rápido: {thing} también se puede automatizar."],
}
_BRAND_POSTS = ["{brand} {version} is out! Faster {thing} and a new {topic} page. Release notes on the blog.",
                "New guide: five steps to automate {thing} with {brand}.",
                "We're investigating reports that {thing} {problem}. Updates in this thread.",
                "Community call on Thursday: {topic}. Join us & bring questions!",
                "Thank you for every answer on the forum this month ❤️ You make {brand} better."]
_REPLIES = {"en": ["Same here.", "Have you tried restarting {thing}?", "Thanks, that worked!",
                   "Which version are you on?", "+1, we see this too since {version}.",
                   "Great write-up, thanks for sharing!", "This is exactly what I needed 🙌",
                   "Not for us, {thing} works fine on {version}.", "Any update on this?"],
            "de": ["Geht mir genauso.", "Danke, hat geholfen!", "Welche Version nutzt du?"],
            "es": ["¡Gracias, funcionó!", "A mí me pasa lo mismo.", "¿Qué versión usas?"]}
_BRAND_REPLIES = ["Sorry about that! Could you DM us your workspace id so we can take a look?",
                  "Thanks for the feedback, passing it on to the team.", "Glad it works now!",
                  "A fix for this ships in {version}.", "Thanks for being part of the community 💙"]
_QUOTES = {"en": ["This 👇", "Worth a read if you run {thing}.", "Finally! We asked for this for ages.",
                  "Good thread on {topic}."],
           "de": ["Genau das!", "Lesenswert für alle mit {thing}."],
           "es": ["¡Esto!", "Muy útil si usas {thing}."]}
_VERSIONS = ["2.3", "2.4", "3.0", "3.1", "3.2"]
_BIOS = ["Platform engineer. Opinions my own.", "Building things on the internet.", "DevOps @ a small startup.",
         "Data person. Coffee first.", "SRE, cyclist, occasional blogger.", "Frontend dev learning backend.",
         "CTO at a 10-person company.", "Open source maintainer.", ""]
_PLATFORMS = ["Mastodon", "Reddit", "LinkedIn", "Bluesky"]

_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})(?![\w…])")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)(?![\w…])")


def _fill(template: str, rng: random.Random, lang: str, brand: str) -> str:
    return template.format(brand=brand, thing=rng.choice(_THINGS[lang]), problem=rng.choice(_PROBLEMS[lang]),
                           version=rng.choice(_VERSIONS), topic=rng.choice(text.TAG_VOCABULARY))


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def brand_names(site_name: str) -> tuple[str, str]:
    """(brand as written, X handle of the brand) of a site: 'acme' → ('Acme', 'acme')."""
    slug = re.sub(r"[^A-Za-z0-9]", "", site_name) or "brand"
    return slug[:1].upper() + slug[1:], slug.lower()[:15]


# --- the X model -----------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class _Account:
    id: str
    handle: str
    name: str
    created: dt.datetime
    since: dt.datetime
    weight: float
    lang: str
    seed: int
    location: str | None
    followers: int
    following: int
    brand: bool = False
    tweets: int = 0


@dataclass(slots=True, eq=False)
class _Tweet:
    id: str
    kind: str                   # tweet, reply, retweet, quote
    author: _Account
    created: dt.datetime
    seed: int
    lang: str
    flat: bool                  # in the flattened conversations collection
    target: _Tweet | None = None  # the tweet replied to, quoted or retweeted
    root: _Tweet | None = None    # where the conversation started (None: here)
    mentions: tuple[_Account, ...] = ()   # chosen to be mentioned in an original or quote
    hashtags: tuple[str, ...] = ()
    mentioned: tuple[_Account, ...] = ()  # every account its text mentions (set once the text is final)
    replies: int = 0
    retweets: int = 0
    quotes: int = 0
    likes: int = 0
    impressions: int = 0


class _XCommunity:
    def __init__(self, cast: Cast, seed: int, site_name: str):
        self.rng = rng = random.Random(f"{seed}:{site_name}:x")
        self.cast = cast
        self.start, self.end = cast.start, cast.end
        self.brand_name, brand_handle = brand_names(site_name)
        self.ids: set[int] = set()
        people = cast.on(X)
        self.brand = _Account(snowflake(rng, self.start, self.ids), brand_handle, self.brand_name, self.start,
                              self.start, 0.0, "en", rng.getrandbits(32), None,
                              max(500, 25 * len(people)), 40 + rng.randrange(200), brand=True)
        self.accounts: list[_Account] = [self.brand]
        for person in people:
            self.accounts.append(self._account(person))
        self.by_handle = {a.handle.lower(): a for a in self.accounts}
        self.posters = Picker(rng, self.accounts[1:], since=lambda a: a.since, weight=lambda a: a.weight)
        self.famous = Picker(rng, self.accounts, since=lambda a: a.since, weight=lambda a: a.followers ** 0.7)
        tags = [self.brand_name, self.brand_name + "Community"]
        tags += [t.replace("-", "") for t in text.TAG_VOCABULARY[:20]]
        self.hashtags = tags
        self.hashtag_weights = [12, 4] + [1] * 20
        self.tweets: list[_Tweet] = []

    def _account(self, person: Person) -> _Account:
        rng = random.Random(person.seed ^ 0x7E)
        # Heavy tail: most accounts have a few dozen followers, a handful have tens of thousands.
        followers = int(min(rng.paretovariate(1.05) * 12, 250_000) * (1 + 0.2 * math.log1p(person.activity)))
        following = int(rng.lognormvariate(math.log(180), 0.9))
        since = max(person.since, person.x_created)
        return _Account(person.accounts[X], person.x_handle, person.name, person.x_created, since,
                        0.2 + person.activity ** 0.8, person.lang, person.seed, person.location, followers,
                        following)

    def simulate(self, days: int) -> None:
        rng = self.rng
        for account in self.accounts[1:]:  # everyone here posted about the community at least once
            first = account.since + _hours(rng, 20.0, 1.5)
            if first <= self.end:
                self._original(account, first)
        since = sorted(a.since for a in self.accounts[1:])
        weights = []
        for d in range(days):
            midday = self.start + dt.timedelta(days=d, hours=12)
            weekday = 0.7 if midday.weekday() >= 5 else 1.0
            weights.append(bisect.bisect_right(since, midday) * weekday * rng.lognormvariate(0, 0.25))
        expected = ORIGINALS_PER_ACCOUNT_YEAR * (len(self.accounts) - 1) * days / 365
        total = sum(weights) or 1.0
        for d, weight in enumerate(weights):
            day = self.start + dt.timedelta(days=d)
            for _ in range(_poisson(rng, expected * weight / total)):
                at = _time_of_day(rng, day)
                author = self.posters.pick(at)
                if author is not None:
                    self._original(author, at)
            if rng.random() < 0.4:  # the brand posts every few days
                self._original(self.brand, _time_of_day(rng, day))

    def _new(self, kind: str, author: _Account, at: dt.datetime, lang: str, flat: bool, **kw) -> _Tweet:
        tweet = _Tweet(snowflake(self.rng, at, self.ids), kind, author, at, self.rng.getrandbits(32), lang, flat,
                       **kw)
        author.tweets += 1
        self.tweets.append(tweet)
        return tweet

    def _lang(self, author: _Account) -> str:
        return author.lang if self.rng.random() < 0.85 else "en"

    def _tags(self) -> tuple[str, ...]:
        n = self.rng.choices([0, 1, 2], weights=[55, 35, 10])[0]
        chosen: list[str] = []
        for tag in self.rng.choices(self.hashtags, weights=self.hashtag_weights, k=n):
            if tag.lower() not in {c.lower() for c in chosen}:
                # People spell the brand's tag their own way: #Acme, #acme, #ACME are one hashtag.
                chosen.append(tag if self.rng.random() < 0.7 else self.rng.choice([tag.lower(), tag.upper()]))
        return tuple(chosen)

    def _original(self, author: _Account, at: dt.datetime) -> None:
        rng = self.rng
        mentions: list[_Account] = []
        if not author.brand and rng.random() < 0.4:
            mentions.append(self.brand)
        if rng.random() < 0.12:
            other = self.famous.pick(at, exclude=author)
            if other is not None and other not in mentions:
                mentions.append(other)
        tweet = self._new("tweet", author, at, "en" if author.brand else self._lang(author),
                          rng.random() < FLAT_SHARE, mentions=tuple(mentions), hashtags=self._tags())
        reach = 0.4 + math.log10(10 + author.followers) / 2
        self._react(tweet, rng.lognormvariate(0, 0.9) * reach * (3.0 if author.brand else 1.0), 0)

    def _react(self, tweet: _Tweet, popularity: float, depth: int) -> None:
        rng, end = self.rng, self.end
        tweet.likes = _poisson(rng, 2.5 * popularity) + (3 * _poisson(rng, popularity) if popularity > 3 else 0)
        retweeters = {tweet.author}
        for _ in range(_poisson(rng, 0.3 * popularity) if tweet.kind != "retweet" else 0):
            at = tweet.created + _hours(rng, 3.0, 1.5)
            who = self.posters.pick(at, exclude=tweet.author) if at <= end else None
            if who is None or who in retweeters:
                continue
            retweeters.add(who)
            self._new("retweet", who, at, tweet.lang, rng.random() < FLAT_SHARE, target=tweet)
            tweet.retweets += 1
        for _ in range(_poisson(rng, 0.04 * popularity) if depth == 0 and tweet.kind == "tweet" else 0):
            at = tweet.created + _hours(rng, 5.0, 1.4)
            who = self.posters.pick(at, exclude=tweet.author) if at <= end else None
            if who is None:
                continue
            quote = self._new("quote", who, at, self._lang(who), rng.random() < FLAT_SHARE, target=tweet,
                              hashtags=self._tags() if rng.random() < 0.3 else ())
            tweet.quotes += 1
            self._react(quote, popularity * 0.3, depth + 1)
        if tweet.kind == "retweet":
            return
        for _ in range(_poisson(rng, 0.22 * popularity / (1 + depth))):
            at = tweet.created + _hours(rng, 1.2, 1.3)
            who = self.posters.pick(at, exclude=tweet.author) if at <= end else None
            if who is None:
                continue
            reply = self._reply(tweet, who, at)
            # The author answers back, the brand nearly always: conversations go back and forth.
            if depth < 3 and rng.random() < (0.75 if tweet.author.brand else 0.35):
                back_at = at + _hours(rng, 0.6 if tweet.author.brand else 1.5, 1.2)
                if back_at <= end:
                    back = self._reply(reply, tweet.author, back_at)
                    self._react(back, 0.3, depth + 2)

    def _reply(self, parent: _Tweet, who: _Account, at: dt.datetime) -> _Tweet:
        root = parent.root or parent
        lang = who.lang if who.lang == parent.lang or self.rng.random() < 0.2 else parent.lang
        reply = self._new("reply", who, at, "en" if who.brand else lang, root.flat, target=parent, root=root)
        parent.replies += 1
        reply.likes = _poisson(self.rng, 0.8)
        return reply

    def finish(self) -> None:
        for tweet in self.tweets:
            if tweet.kind != "retweet":
                reach = tweet.author.followers * self.rng.uniform(0.05, 0.3)
                tweet.impressions = int(reach + 30 * tweet.likes + 10 * (tweet.retweets + tweet.replies))
        self.tweets.sort(key=lambda t: (t.created, t.id))
        for tweet in self.tweets:
            found = dict.fromkeys(m.group(1).lower() for m in _MENTION.finditer(self.text(tweet)))
            tweet.mentioned = tuple(self.by_handle[h] for h in found if h in self.by_handle)

    # --- payloads --------------------------------------------------------------------------------

    def text(self, tweet: _Tweet) -> str:
        """The tweet's text as people read it, rebuilt from its seed."""
        rng = random.Random(tweet.seed)
        if tweet.kind == "retweet":
            whole = f"RT @{tweet.target.author.handle}: {self.text(tweet.target)}"
            return whole if len(whole) <= 140 else whole[:139] + "…"
        lang, brand = tweet.lang, self.brand_name
        if tweet.kind == "reply":
            pool = _BRAND_REPLIES if tweet.author.brand else _REPLIES[lang]
        elif tweet.kind == "quote":
            pool = _QUOTES[lang]
        else:
            pool = _BRAND_POSTS if tweet.author.brand else _ORIGINALS[lang]
        body = _fill(rng.choice(pool), rng, lang, brand)
        parts = []
        if tweet.kind == "reply" and tweet.target.author is not tweet.author:
            parts.append("@" + tweet.target.author.handle)
        lead = [m for m in tweet.mentions if m.brand]
        parts += ["@" + m.handle for m in lead]
        parts.append(body)
        rest = [m for m in tweet.mentions if not m.brand]
        if rest:
            parts.append("cc " + " ".join("@" + m.handle for m in rest))
        parts += ["#" + tag for tag in tweet.hashtags]
        if tweet.kind == "quote":
            parts.append(self._short_url(tweet))
        return " ".join(parts)

    @staticmethod
    def _short_url(tweet: _Tweet) -> str:
        rng = random.Random(tweet.seed ^ 0x5C)
        return "https://t.co/" + "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                                         for _ in range(10))

    def tweet_object(self, tweet: _Tweet) -> dict:
        """The v2 tweet object, as search/all returns it with every tweet.field asked for."""
        full = self.text(tweet)
        entities: dict = {}
        mentions = []
        for match in _MENTION.finditer(full):
            account = self.by_handle.get(match.group(1).lower())
            if account is not None:
                mentions.append({"start": match.start(), "end": match.end(), "username": account.handle,
                                 "id": account.id})
        hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in _HASHTAG.finditer(full)]
        if tweet.kind == "quote":
            url = self._short_url(tweet)
            at = full.rindex(url)
            target = tweet.target
            entities["urls"] = [{"start": at, "end": at + len(url), "url": url,
                                 "expanded_url": f"https://x.com/{target.author.handle}/status/{target.id}",
                                 "display_url": f"x.com/{target.author.handle}/s…"}]
        if hashtags:
            entities["hashtags"] = hashtags
        if mentions:
            entities["mentions"] = mentions
        if tweet.kind == "retweet":
            original = tweet.target
            metrics = {"retweet_count": original.retweets, "reply_count": 0, "like_count": 0, "quote_count": 0,
                       "bookmark_count": 0, "impression_count": 0}
        else:
            metrics = {"retweet_count": tweet.retweets, "reply_count": tweet.replies, "like_count": tweet.likes,
                       "quote_count": tweet.quotes, "bookmark_count": tweet.likes // 12,
                       "impression_count": tweet.impressions}
        obj: dict = {"id": tweet.id, "edit_history_tweet_ids": [tweet.id],
                     "text": full.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
                     "author_id": tweet.author.id, "created_at": _iso(tweet.created),
                     "conversation_id": (tweet.root or tweet).id if tweet.kind == "reply" else tweet.id,
                     "lang": tweet.lang, "public_metrics": metrics, "reply_settings": "everyone",
                     "possibly_sensitive": False}
        if entities:
            obj["entities"] = entities
        if tweet.target is not None:
            kind = {"reply": "replied_to", "quote": "quoted", "retweet": "retweeted"}[tweet.kind]
            obj["referenced_tweets"] = [{"type": kind, "id": tweet.target.id}]
        if tweet.kind == "reply":
            obj["in_reply_to_user_id"] = tweet.target.author.id
        return obj

    def user_object(self, account: _Account) -> dict:
        rng = random.Random(account.seed ^ 0xB10)
        if account.brand:
            bio = f"The official {account.name} account. Help: @{account.name}Support. Forum and docs below."
            website = f"https://{account.handle}.example"
        else:
            bio = rng.choice(_BIOS)
            website = f"https://example.org/~{account.handle}" if rng.random() < 0.25 else None
        obj: dict = {"id": account.id, "name": account.name, "username": account.handle,
                     "created_at": _iso(account.created), "description": bio, "protected": False,
                     "verified": account.brand,
                     "profile_image_url": f"https://pbs.twimg.com/profile_images/{account.id}/avatar_normal.jpg",
                     "public_metrics": {"followers_count": account.followers, "following_count": account.following,
                                        "tweet_count": account.tweets + int(rng.lognormvariate(5, 1.4)),
                                        "listed_count": account.followers // 40, "like_count": account.tweets * 3}}
        if account.location:
            obj["location"] = account.location
        if website:
            short = "https://t.co/" + format(int(account.id) % 36**8, "08x")
            obj["url"] = short
            obj["entities"] = {"url": {"urls": [{"start": 0, "end": len(short), "url": short,
                                                 "expanded_url": website, "display_url": website.split("//")[1]}]}}
        else:
            obj["url"] = ""
        return obj

    def people_of(self, tweet: _Tweet) -> list[_Account]:
        """Everyone a tweet's expansions bring along: author, replied-to user, mentioned users."""
        out = [tweet.author]
        if tweet.kind in ("reply", "retweet"):
            out.append(tweet.target.author)
        return out + list(tweet.mentioned)


# --- writing X -------------------------------------------------------------------------------------

def _by_month(tweets: list[_Tweet]) -> Iterator[tuple[str, list[_Tweet]]]:
    month, batch = None, []
    for tweet in tweets:
        key = tweet.created.strftime("%Y-%m")
        if key != month and batch:
            yield month, batch
            batch = []
        month = key
        batch.append(tweet)
    if batch:
        yield month, batch


def _twarc(url: str, retrieved: dt.datetime) -> dict:
    return {"url": url, "version": "2.14.0", "retrieved_at": retrieved.strftime("%Y-%m-%dT%H:%M:%S+00:00")}


def _write_pages(folder: Path, model: _XCommunity, written_users: set[str]) -> tuple[int, int]:
    """Raw search/all response pages, newest first; (tweets, pages) written."""
    folder.mkdir(parents=True, exist_ok=True)
    query = f"(%40{model.brand.handle}%20OR%20%23{model.brand_name})"
    url = ("https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Cin_reply_to_user_id%2C"
           "referenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username&tweet.fields="
           "author_id%2Cconversation_id%2Ccreated_at%2Centities%2Cid%2Cin_reply_to_user_id%2Clang%2C"
           "public_metrics%2Creferenced_tweets%2Creply_settings%2Cpossibly_sensitive&user.fields=created_at%2C"
           "description%2Centities%2Cid%2Clocation%2Cname%2Cprofile_image_url%2Cprotected%2Cpublic_metrics%2C"
           f"url%2Cusername%2Cverified&max_results={TWEETS_PER_PAGE}&query={query}")
    rng = random.Random(model.brand.seed ^ 0x9A)
    tweets = pages = 0
    for month, batch in _by_month([t for t in model.tweets if not t.flat]):
        batch.reverse()  # the search endpoint returns the newest first
        with open(folder / f"search-{month}.jsonl", "w", encoding="utf-8", newline="\n") as out:
            for i in range(0, len(batch), TWEETS_PER_PAGE):
                page = batch[i:i + TWEETS_PER_PAGE]
                users: dict[str, dict] = {}
                referenced: dict[str, dict] = {}
                for tweet in page:
                    for account in model.people_of(tweet):
                        users.setdefault(account.id, model.user_object(account))
                    if tweet.target is not None:
                        referenced.setdefault(tweet.target.id, model.tweet_object(tweet.target))
                        for account in model.people_of(tweet.target):
                            users.setdefault(account.id, model.user_object(account))
                meta = {"newest_id": page[0].id, "oldest_id": page[-1].id, "result_count": len(page)}
                if i + TWEETS_PER_PAGE < len(batch):
                    meta["next_token"] = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                                 for _ in range(45))
                line = {"data": [model.tweet_object(t) for t in page],
                        "includes": {"users": list(users.values())}, "meta": meta,
                        "__twarc": _twarc(url, model.end)}
                if referenced:
                    line["includes"]["tweets"] = list(referenced.values())
                out.write(_json(line) + "\n")
                written_users.update(users)
                tweets += len(page)
                pages += 1
    return tweets, pages


def _flattened(model: _XCommunity, tweet: _Tweet, inline_references: bool = True) -> dict:
    """One tweet as `twarc2 flatten` writes it: expansions inlined into the tweet."""
    obj = model.tweet_object(tweet)
    obj["author"] = model.user_object(tweet.author)
    if tweet.kind == "reply":
        obj["in_reply_to_user"] = model.user_object(tweet.target.author)
    for mention in obj.get("entities", {}).get("mentions", []):
        mention.update(model.user_object(model.by_handle[mention["username"].lower()]))
    if tweet.target is not None and inline_references:
        inlined = _flattened(model, tweet.target, inline_references=False)
        obj["referenced_tweets"] = [{"type": obj["referenced_tweets"][0]["type"], **inlined}]
    return obj


def _write_flat(folder: Path, model: _XCommunity, written_users: set[str]) -> int:
    """Flattened conversations, one tweet a line, oldest first; tweets written."""
    folder.mkdir(parents=True, exist_ok=True)
    url = "https://api.twitter.com/2/tweets/search/all?query=conversation_id%3A{}&max_results=100"
    count = 0
    for month, batch in _by_month([t for t in model.tweets if t.flat]):
        with open(folder / f"conversations-{month}.jsonl", "w", encoding="utf-8", newline="\n") as out:
            for tweet in batch:
                line = _flattened(model, tweet)
                line["__twarc"] = _twarc(url.format((tweet.root or tweet).id), model.end)
                out.write(_json(line) + "\n")
                for account in model.people_of(tweet):
                    written_users.add(account.id)
                if tweet.target is not None:
                    written_users.update(a.id for a in model.people_of(tweet.target))
                count += 1
    return count


def generate_x(out_dir: Path | str, cast: Cast, *, days: int, seed: int, site_name: str) -> tuple[dict, set[str]]:
    """Write the community's X collections into `out_dir` (search/ and conversations/).

    Returns (counts, the X user ids written). Counts: tweets (records: data tweets and flattened lines),
    page_tweets, flat_tweets, pages, users, and per kind tweets / replies / retweets / quotes, plus
    mentions (mentioning tweet and mentioned user, retweets left out as the connector does).
    """
    out = Path(out_dir)
    model = _XCommunity(cast, seed, site_name)
    model.simulate(days)
    model.finish()
    users: set[str] = set()
    page_tweets, pages = _write_pages(out / "search", model, users)
    flat_tweets = _write_flat(out / "conversations", model, users)
    kinds = {k: sum(t.kind == k for t in model.tweets) for k in ("tweet", "reply", "retweet", "quote")}
    mentions = sum(len(t.mentioned) for t in model.tweets if t.kind != "retweet")
    counts = {"tweets": page_tweets + flat_tweets, "page_tweets": page_tweets, "flat_tweets": flat_tweets,
              "pages": pages, "users": len(users), "originals": kinds["tweet"], "replies": kinds["reply"],
              "retweets": kinds["retweet"], "quotes": kinds["quote"], "mentions": mentions}
    return counts, users


# --- the listening tool's CSV export ----------------------------------------------------------------

CSV_FILE = "mentions.csv"
CSV_HEADER = ["Mention ID", "Author ID", "Author", "Author Handle", "Content", "Published", "Reply To", "Link",
              "Language", "Likes", "Reposts", "Platform", "Sentiment"]
CSV_TIME_FORMAT = "%d/%m/%Y %H:%M"
CSV_DELIMITER = ";"
# The [sources.columns] mapping that reads the export (docs/connectors/social_csv.md).
CSV_MAPPING = {"id": "Mention ID", "author": "Author ID", "author_name": "Author", "handle": "Author Handle",
               "text": "Content", "created_at": "Published", "reply_to": "Reply To", "url": "Link",
               "lang": "Language", "likes": "Likes", "shares": "Reposts", "extra": ["Platform", "Sentiment"],
               "time_format": CSV_TIME_FORMAT}

_CSV_POSTS = [("positive", "Really enjoying {brand} lately, {thing} just works."),
              ("negative", "{brand}: {thing} {problem} again. Not impressed."),
              ("neutral", "Has anyone compared {brand} with the alternatives for {topic}?"),
              ("neutral", "Writing up our {topic} setup with {brand}; feedback welcome; draft below."),
              ("positive", "Shout-out to the {brand} forum, got an answer about {topic} in an hour."),
              ("negative", "Third time this week that {thing} {problem}. Is it just us?")]
_CSV_REPLIES = [("positive", "Thanks, this helped a lot!"), ("neutral", "Which version are you on?"),
                ("negative", "Same problem here, no fix yet."), ("neutral", "Following, curious too."),
                ("positive", "We use it for {topic} and love it.")]


@dataclass(slots=True, eq=False)
class _Post:
    id: str
    author: Person
    created: dt.datetime
    seed: int
    platform: str
    parent: _Post | None = None
    likes: int = 0
    shares: int = 0


def _csv_posts(cast: Cast, rng: random.Random, days: int) -> list[_Post]:
    authors = cast.on(SOCIAL_CSV)
    platform = {p.key: rng.choice(_PLATFORMS) for p in authors}
    picker = Picker(rng, authors, since=lambda p: p.since, weight=lambda p: 0.3 + p.activity ** 0.7)
    ids: set[int] = set()
    posts: list[_Post] = []

    def post(author: Person, at: dt.datetime, parent: _Post | None = None) -> _Post | None:
        if at > cast.end:
            return None
        item = _Post(snowflake(rng, at, ids), author, at, rng.getrandbits(32),
                     parent.platform if parent else platform[author.key], parent)
        posts.append(item)
        popularity = rng.lognormvariate(0, 1.0) * (0.3 if parent else 1.0)
        item.likes = _poisson(rng, 4 * popularity) + (int(rng.paretovariate(0.9) * 400) if rng.random() < 0.01 else 0)
        item.shares = _poisson(rng, popularity)
        for _ in range(_poisson(rng, 0.5 * popularity)):
            # at least two minutes later: the export keeps minutes, and a reply never precedes its post
            when = at + dt.timedelta(minutes=2) + _hours(rng, 2.0, 1.3)
            who = picker.pick(when, exclude=author)
            if who is not None:
                post(who, when, item)
        return item

    for author in authors:
        post(author, author.since + _hours(rng, 30.0, 1.5))
    expected = CSV_POSTS_PER_AUTHOR_YEAR * len(authors) * days / 365
    for _ in range(_poisson(rng, expected)):
        at = cast.start + dt.timedelta(seconds=rng.randrange(days * 86_400))
        author = picker.pick(at)
        if author is not None:
            post(author, at)
    posts.sort(key=lambda p: (p.created, p.id))
    return posts


def _csv_text(post: _Post, brand: str) -> tuple[str, str, str]:
    """(sentiment, text, language) of a post, rebuilt from its seed."""
    rng = random.Random(post.seed)
    sentiment, template = rng.choice(_CSV_REPLIES if post.parent else _CSV_POSTS)
    body = _fill(template, rng, "en", brand)
    if post.platform == "Reddit" and post.parent is None and rng.random() < 0.6:
        paragraphs = text.question_paragraphs(rng, rng.choice(text.TAG_VOCABULARY))
        body = body + "\n\n" + "\n\n".join(p.strip("`") for p in paragraphs)  # a self post spans lines
    if post.parent is not None and post.author.lang != "en" and rng.random() < 0.7:
        return "neutral", _fill(rng.choice(_REPLIES[post.author.lang]), rng, post.author.lang, brand), \
            post.author.lang
    return sentiment, body, "en"


def _link(post: _Post, community: str) -> str:
    handle = post.author.csv_handle
    return {"Mastodon": f"https://mastodon.example/@{handle}/{post.id}",
            "Reddit": f"https://reddit.example/r/{community}/comments/{post.id}",
            "LinkedIn": f"https://linkedin.example/feed/update/urn:li:activity:{post.id}",
            "Bluesky": f"https://bsky.example/profile/{handle}/post/{post.id}"}[post.platform]


def _count(n: int) -> str:
    return f"{n:,}"  # spreadsheets write thousands with a comma: 1,234


def generate_social_csv(out_dir: Path | str, cast: Cast, *, days: int, seed: int,
                        site_name: str) -> tuple[dict, set[str]]:
    """Write the listening tool's export `mentions.csv` into `out_dir`; (counts, author ids written)."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{site_name}:social_csv")
    posts = _csv_posts(cast, rng, days)
    brand, slug = brand_names(site_name)
    authors: set[str] = set()
    with open(folder / CSV_FILE, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        out.writerow(CSV_HEADER)
        for post in posts:
            sentiment, body, lang = _csv_text(post, brand)
            author = post.author
            out.writerow([post.id, author.accounts[SOCIAL_CSV], author.name, "@" + author.csv_handle, body,
                          post.created.strftime(CSV_TIME_FORMAT), post.parent.id if post.parent else "",
                          _link(post, slug), lang, _count(post.likes), _count(post.shares), post.platform,
                          sentiment])
            authors.add(author.accounts[SOCIAL_CSV])
    replies = sum(1 for p in posts if p.parent is not None)
    return {"posts": len(posts), "replies": replies, "authors": len(authors)}, authors
