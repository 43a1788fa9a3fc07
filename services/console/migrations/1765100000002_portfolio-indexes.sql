-- Up Migration
-- What the portfolio needed at 10,000 accounts (test/bench/portfolio.ts, docs/performance.md, 2026-12-07).
--
-- The latest answer to each open alert (the alert_responses view, read for every alert of every row shown
-- by the portfolio, the account page and the inbox) scanned both tables whole for each alert: with 21,318
-- transitions and 3,693 answers, 41 alerts on a first page cost about 270 ms. One index per branch of the
-- view, in its own order, answers it with a merge of two index scans stopped after the first row. The
-- transitions index holds only the three answer types the view reads (a partial index: its predicate is
-- the view's).
CREATE INDEX answers_alert_latest ON answers (alert_id, at DESC) WHERE alert_id IS NOT NULL;
CREATE INDEX alert_transitions_answer_latest ON alert_transitions (alert_id, at DESC)
  WHERE type IN ('acknowledged', 'snoozed', 'dismissed');

-- Down Migration
DROP INDEX alert_transitions_answer_latest;
DROP INDEX answers_alert_latest;
