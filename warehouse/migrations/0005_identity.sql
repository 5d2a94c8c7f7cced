-- Identity resolution and bot rules.
--
-- members stay one row per source account; person_id says which person an account belongs to
-- (the same person on the forum, on X and in the help desk). People metrics count persons, not
-- accounts, and leave out bots.

alter table members add column is_bot_source boolean default false;  -- what the source says (SE id < 0, ...)
update members set is_bot_source = is_bot;
alter table members add column bot_rule varchar;                      -- the configured rule that flags it
alter table members add column person_id varchar;                     -- '<one member_id of the person>'
update members set person_id = member_id;

-- Why two accounts are taken for one person: one row per piece of evidence.
create table identity_links (
    member_id       varchar not null,
    other_member_id varchar not null,
    rule            varchar not null,      -- email, same_person (configured), override
    matched_on      varchar,               -- the hash prefix, the configured entry, the reviewer's reason
    primary key (member_id, other_member_id, rule)
);

-- A reviewer's decisions: they win over the rules, and survive every re-run.
create table identity_overrides (
    member_id       varchar not null,
    other_member_id varchar not null,
    decision        varchar not null,      -- merge, separate
    reason          varchar,
    decided_by      varchar,
    decided_at      timestamp not null,
    primary key (member_id, other_member_id)
);
