-- 0003: the sweep that closes cases resolved more than sla.autoclose_days ago.
CREATE INDEX cases_resolved ON cases(resolved_at) WHERE status = 'resolved';
