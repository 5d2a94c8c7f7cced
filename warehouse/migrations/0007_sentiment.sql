-- Sentiment of English (and undetermined) items: score in [-1, 1], label, and the words and rules that
-- drove it (docs/nlp/sentiment.md). Items in other languages keep null with the reason in sentiment_reasons.
alter table enrichments add column sentiment double;
alter table enrichments add column sentiment_label varchar;   -- negative, neutral, positive
alter table enrichments add column sentiment_reasons varchar[];
