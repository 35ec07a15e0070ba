-- The usage ledger, monthly budgets and team presets (issue 14).

-- One row per provider call, kept for good; read by month and by client for budgets and reports.
CREATE TABLE usage_records (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  client text NOT NULL,
  kind text NOT NULL,
  size text NOT NULL,
  "references" integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'cancelled')),
  provider_ms integer NOT NULL,
  bytes_in bigint NOT NULL,
  bytes_out bigint NOT NULL
);
CREATE INDEX usage_records_at ON usage_records (at);
-- The monthly budget counts a client's images under its places lock on every request.
CREATE INDEX usage_records_made ON usage_records (client, at) WHERE outcome = 'succeeded';

-- A person's own monthly cap; no row: MONTHLY_IMAGES_PER_TOKEN applies; a null cap: no cap at all.
CREATE TABLE budgets (
  name text PRIMARY KEY,
  monthly_images integer CHECK (monthly_images >= 0)
);

-- The team's prompt presets, listed in the order they were added.
CREATE TABLE team_presets (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  label text NOT NULL,
  prompt text NOT NULL
);
