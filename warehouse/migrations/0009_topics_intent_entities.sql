-- Taxonomy topics (with the words that matched), intent (with its cue) and entity mentions of each item.
alter table enrichments add column topics varchar[];
alter table enrichments add column topic_evidence varchar[];
alter table enrichments add column intent varchar;          -- question, idea, complaint, praise, other
alter table enrichments add column intent_reason varchar;
-- source: 'catalogue' (name = the catalogue's canonical name) or 'ner' (name as written)
alter table enrichments add column entities struct(name varchar, type varchar, source varchar)[];
