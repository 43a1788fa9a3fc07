-- Up Migration
-- The console's read model: projected from the event stream (account-state changelog, alert history,
-- console answers, interactions). Everything here can be rebuilt by replaying those topics.

CREATE TABLE accounts (
  account_id       text PRIMARY KEY,
  -- The changelog's version of the state this row was projected from: an older one never overwrites it.
  version          bigint NOT NULL,
  name             text,
  tier             text,
  region           text,
  currency         text,
  locale           text,
  timezone         text,
  owner_email      text,
  owner_name       text,
  manager_email    text,
  manager_name     text,
  sponsor_email    text,
  score            integer NOT NULL,
  chance           double precision NOT NULL,
  level            text,
  trailing_value   numeric NOT NULL,
  revenue_at_risk  numeric NOT NULL,
  evaluated_at     timestamptz,
  -- Open alerts with their evidence, and monthly spend against the account's own baseline.
  alerts           jsonb NOT NULL,
  spend            jsonb NOT NULL
);
CREATE INDEX accounts_rank ON accounts (revenue_at_risk DESC, account_id);
CREATE INDEX accounts_owner ON accounts (owner_email);
CREATE INDEX accounts_manager ON accounts (manager_email);

-- One point per projected version: the risk score over time (sparkline, chart).
CREATE TABLE risk_points (
  account_id text NOT NULL,
  version    bigint NOT NULL,
  at         timestamptz NOT NULL,
  score      integer NOT NULL,
  PRIMARY KEY (account_id, version)
);
CREATE INDEX risk_points_at ON risk_points (account_id, at);

CREATE TABLE alert_transitions (
  transition_id text PRIMARY KEY,
  account_id    text NOT NULL,
  alert_id      text NOT NULL,
  rule          text NOT NULL,
  type          text NOT NULL,
  level         text NOT NULL,
  score         integer NOT NULL,
  at            timestamptz NOT NULL,
  actor         text NOT NULL,
  note          text
);
CREATE INDEX alert_transitions_account ON alert_transitions (account_id, at);

-- Answers and notes given in the console (the console-answers topic).
CREATE TABLE answers (
  answer_id  text PRIMARY KEY,
  account_id text NOT NULL,
  alert_id   text,
  rule       text,
  type       text NOT NULL,
  actor      text NOT NULL,
  at         timestamptz NOT NULL,
  until      timestamptz,
  text       text
);
CREATE INDEX answers_account ON answers (account_id, at);

-- Logged contacts (the interactions topic); logged_by is known only for those logged in the console.
CREATE TABLE interactions (
  account_id     text NOT NULL,
  interaction_id text NOT NULL,
  kind           text NOT NULL,
  direction      text NOT NULL,
  answered       boolean,
  occurred_at    timestamptz NOT NULL,
  note           text,
  logged_by      text,
  PRIMARY KEY (account_id, interaction_id)
);

-- One-time sign-in links: only the token's SHA-256 is kept; used_at makes each single use.
CREATE TABLE signin_tokens (
  token_hash  text PRIMARY KEY,
  email       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

-- Down Migration
DROP TABLE signin_tokens;
DROP TABLE interactions;
DROP TABLE answers;
DROP TABLE alert_transitions;
DROP TABLE risk_points;
DROP TABLE accounts;
