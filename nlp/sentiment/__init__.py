"""Sentiment of social, community and support text: a score in [-1, 1], a label and the reasons."""
from nlp.sentiment.scorer import NEUTRAL_BELOW, Sentiment, score_sentiment, sentiment_scorer

__all__ = ["NEUTRAL_BELOW", "Sentiment", "score_sentiment", "sentiment_scorer"]
