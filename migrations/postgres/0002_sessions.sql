-- Sign-in state: sessions, trusted devices, the unknown-device throttle and API tokens.
-- Only SHA-256 hashes of tokens are stored, never the tokens themselves.

CREATE TABLE sessions (
    token_hash  BYTEA PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A browser that has signed in as the user before; it has its own failure counter.
CREATE TABLE trusted_devices (
    token_hash      BYTEA PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    failures        BIGINT NOT NULL DEFAULT 0,
    locked_until    BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);

-- The counter shared by every client without a device cookie, per claimed user id (including ids
-- that do not exist, so that the throttle does not reveal which do).
CREATE TABLE sign_in_throttle (
    user_id         TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  BYTEA PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,          -- JSON array of action names
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
