-- The caller's own x-request-id, kept beside the gateway's id for the caller's reconciliation. request_id stays
-- the gateway's: a caller may send the same id twice, and the ledger keeps one row per request_id (journal
-- replays rely on that), so a caller's id as the key would drop the second request's usage.
-- No index: written on every row, read only when someone looks one up.
ALTER TABLE usage_ledger ADD COLUMN client_request_id TEXT;
