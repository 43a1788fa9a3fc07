-- Up Migration
-- Every answer to an alert, wherever it was given: in the console (answers) or through an email's signed
-- link (the notifier's transitions). The latest per alert is its acknowledgement state.
CREATE VIEW alert_responses AS
  SELECT account_id, alert_id, type, actor, at, text AS note FROM answers WHERE alert_id IS NOT NULL
  UNION ALL
  SELECT account_id, alert_id,
         CASE type WHEN 'acknowledged' THEN 'acknowledge' WHEN 'snoozed' THEN 'snooze' ELSE 'dismiss' END,
         actor, at, note
    FROM alert_transitions WHERE type IN ('acknowledged', 'snoozed', 'dismissed');

-- Down Migration
DROP VIEW alert_responses;
