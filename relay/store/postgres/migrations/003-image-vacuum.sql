-- An image's pieces are written once and deleted when their job expires (JOB_TTL_HOURS, a day by
-- default). A vacuum after inserts (PostgreSQL 13 and later: each time a fifth of the table and
-- 1,000 rows more were added) only reads each new PNG back and writes its pages again to mark them
-- visible, for index-only scans that no query here makes: some 3 MB read and rewritten per job, on
-- the database's cores. The vacuums after deletes, which free the space of expired images, and
-- those against transaction ID wraparound still run.
ALTER TABLE image_chunks SET (autovacuum_vacuum_insert_threshold = -1, toast.autovacuum_vacuum_insert_threshold = -1);
