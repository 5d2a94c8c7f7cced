"""Reply chains → conversations: which ticket every tweet belongs to.

A conversation starts at a tweet whose parent is not in the source: a customer's opening tweet
(`in_response_to_tweet_id` empty), or a tweet replying to one the export left out (the dataset
often starts a chain at the brand's answer because the customer's first tweet was not collected).
Every tweet reachable from that start through replies belongs to the same conversation, whose id is
the start tweet's id.
"""
from __future__ import annotations


def conversation_roots(parents: dict[str, str | None]) -> dict[str, str]:
    """tweet id -> id of the tweet its conversation starts at, for every tweet in `parents`.

    `parents` maps each tweet id to the id it replies to (None for none). A reply cycle, which only
    a corrupt file can hold, is broken at its lowest tweet id so that every tweet still gets a
    conversation.
    """
    roots: dict[str, str] = {}
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        tweet = start
        while True:
            if tweet in roots:
                root = roots[tweet]
                break
            if tweet in on_path:  # a cycle: the path from `tweet` onwards is the loop
                root = min(path[path.index(tweet):], key=lambda t: (len(t), t))
                break
            path.append(tweet)
            on_path.add(tweet)
            parent = parents[tweet]
            if parent is None or parent not in parents:
                root = tweet
                break
            tweet = parent
        for t in path:
            roots[t] = root
    return roots
