-- 0005: no query uses cases_assignee (the queue filters by assignee while it walks cases_queue in
-- queue order), and every intake paid for keeping it.
DROP INDEX cases_assignee;
