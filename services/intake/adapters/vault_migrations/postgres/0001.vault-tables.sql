-- Each applicant's key, and each application's personal data sealed with it (personal_data_vault.py),
-- in intake's schema (yoyo sets the search path to it).
-- IF NOT EXISTS: a vault made before migrations already has these tables, exactly so.
CREATE TABLE IF NOT EXISTS applicant_keys (applicant_ref TEXT PRIMARY KEY, key BYTEA);
CREATE TABLE IF NOT EXISTS applicant_personal_data (
    application_id TEXT PRIMARY KEY,
    applicant_ref TEXT NOT NULL,
    ciphertext BYTEA NOT NULL
);
