-- The relay's state, shared by every instance on this database. Times are the instances' clocks
-- (sent as parameters), so expiry and leases follow the relay's clock, as on disk.

-- One row per job: what its client sees, and which instance runs it with the lease it renews.
CREATE TABLE jobs (
  id text PRIMARY KEY,
  client text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  idempotency_key text,
  error jsonb,
  image jsonb,
  owner text NOT NULL,
  lease_until timestamptz NOT NULL
);
-- One job per client and key: the database, not the instances, makes a retry find the first job.
CREATE UNIQUE INDEX jobs_client_key ON jobs (client, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_unfinished_lease ON jobs (lease_until) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_owner_unfinished ON jobs (owner) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- A job's PNG, in pieces of about 1 MiB so a download reads one piece at a time. A replaced or
-- deleted image is first only marked orphaned, and its pieces removed an hour later, so a
-- download that opened it before still reads it whole.
CREATE TABLE images (
  id bigserial PRIMARY KEY,
  job_id text NOT NULL,
  bytes integer NOT NULL,
  chunks integer NOT NULL,
  orphaned_at timestamptz
);
CREATE UNIQUE INDEX images_current ON images (job_id) WHERE orphaned_at IS NULL;
CREATE INDEX images_orphaned ON images (orphaned_at) WHERE orphaned_at IS NOT NULL;
CREATE TABLE image_chunks (
  image_id bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (image_id, seq)
);
-- PNGs are compressed already: storing them out of line without another compression saves CPU.
ALTER TABLE image_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A client's places among the provider calls, over all instances; a place's lease is renewed with
-- its instance's jobs, so a dead instance's places free themselves.
CREATE TABLE places (
  id bigserial PRIMARY KEY,
  client text NOT NULL,
  instance text NOT NULL,
  idempotency_key text,
  started boolean NOT NULL DEFAULT false,
  lease_until timestamptz NOT NULL
);
CREATE INDEX places_client ON places (client);
CREATE INDEX places_instance ON places (instance);
CREATE UNIQUE INDEX places_client_key ON places (client, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- When each client's provider calls started, for the per-minute limit (kept about a minute).
CREATE TABLE provider_starts (
  client text NOT NULL,
  started_at timestamptz NOT NULL
);
CREATE INDEX provider_starts_client ON provider_starts (client, started_at);

-- Access tokens: only their SHA-256, looked up on every request, with their use.
CREATE TABLE tokens (
  name text PRIMARY KEY,
  sha256 text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  requests bigint NOT NULL DEFAULT 0,
  last_used_at timestamptz
);
