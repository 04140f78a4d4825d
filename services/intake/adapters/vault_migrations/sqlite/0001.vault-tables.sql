-- Each applicant's key, and each application's personal data sealed with it (personal_data_vault.py).
-- IF NOT EXISTS: a vault made before migrations already has these tables, exactly so.
CREATE TABLE IF NOT EXISTS applicant_keys (applicant_ref TEXT PRIMARY KEY, key BLOB);
CREATE TABLE IF NOT EXISTS applicant_personal_data (
    application_id TEXT PRIMARY KEY,
    applicant_ref TEXT NOT NULL,
    ciphertext BLOB NOT NULL
);
