-- Each tenant's usage per UTC day, kept by the ledger writer in the same transaction as the ledger rows. Budget
-- and quota windows are whole UTC days or months, so what a window has used is a sum over at most 31 of these
-- rows, however many requests it held (summing the ledger itself grows with the tenant's traffic, and leases
-- ask on the request path).
CREATE TABLE usage_daily (
    tenant_id     TEXT    NOT NULL,
    usage_day     TEXT    NOT NULL,
    requests      INTEGER NOT NULL,
    tokens        INTEGER NOT NULL,
    images        INTEGER NOT NULL,
    audio_seconds INTEGER NOT NULL,
    cost_micros   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, usage_day)
) STRICT;

INSERT INTO usage_daily (tenant_id, usage_day, requests, tokens, images, audio_seconds, cost_micros)
SELECT tenant_id, usage_day, SUM(requests), SUM(tokens), SUM(images), SUM(audio_seconds), SUM(cost_micros)
FROM usage_ledger
GROUP BY tenant_id, usage_day;
