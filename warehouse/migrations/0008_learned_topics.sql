-- The topic learned from the team's labelled examples, when a model has been trained (null: "other").
alter table enrichments add column learned_topic varchar;
alter table enrichments add column learned_topic_confidence double;
