-- Each index on the ledger costs its writer ~0.7 µs per row, on every request. created_at alone served only
-- reports over all tenants; on SQLite those now walk usage_ledger_tenant_created tenant by tenant (a loose index
-- scan, see JdbiUsageReports), which reads the same window's rows without a second index to keep up to date.
DROP INDEX usage_ledger_created;
