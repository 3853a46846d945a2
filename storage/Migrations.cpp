#include "storage/Migrations.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"
#include "storage/SqliteTransaction.hpp"

#include <array>
#include <string>

namespace certa::storage {

namespace {

using Kind = StoreError::Kind;

// Version 1: the core tables. Certificates keep their names in order in
// certificate_names, which doubles as the SNI index.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('generation', 0), ('lease_token', 0);

CREATE TABLE accounts(
  id INTEGER PRIMARY KEY,
  server TEXT NOT NULL,
  key_type TEXT NOT NULL,
  key_pem TEXT NOT NULL,
  url TEXT NOT NULL DEFAULT '',
  contact TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX accounts_by_server ON accounts(server, id);

CREATE TABLE certificates(
  id INTEGER PRIMARY KEY,
  key_type TEXT NOT NULL,
  key_pem TEXT NOT NULL,
  chain_pem TEXT NOT NULL,
  server TEXT NOT NULL DEFAULT '',
  account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
  profile TEXT NOT NULL DEFAULT '',
  settings_json TEXT NOT NULL DEFAULT '',
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  serial_hex TEXT NOT NULL,
  aki_hex TEXT NOT NULL DEFAULT '',
  ari_cert_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('active', 'replaced', 'revoked')),
  replaced_by INTEGER REFERENCES certificates(id),
  generation INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);

CREATE TABLE certificate_names(
  certificate_id INTEGER NOT NULL REFERENCES certificates(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (certificate_id, position),
  UNIQUE (certificate_id, name)
) WITHOUT ROWID;
CREATE INDEX certificate_names_by_name ON certificate_names(name, certificate_id);

CREATE TABLE challenges(
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('http-01', 'dns-01', 'tls-alpn-01')),
  identifier TEXT NOT NULL,
  token TEXT NOT NULL,
  key_authorization TEXT NOT NULL,
  cert_pem TEXT NOT NULL DEFAULT '',
  key_pem TEXT NOT NULL DEFAULT '',
  expires INTEGER NOT NULL
);
CREATE INDEX challenges_by_token ON challenges(token);
CREATE INDEX challenges_by_identifier ON challenges(identifier, type);

CREATE TABLE leases(
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  token INTEGER NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: renewal bookkeeping (ARI window, back-off), the audit trail and
// the index that change detection reads.
constexpr const char* kVersion2 = R"sql(
ALTER TABLE certificates ADD COLUMN ari_window_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN ari_window_end INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN ari_next_check INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN renew_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN next_attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE INDEX certificates_by_generation ON certificates(generation);

CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  certificate_id INTEGER NOT NULL DEFAULT 0,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_certificate ON events(certificate_id, id);
)sql";

// Version 3: on-demand issuance requests (certa serve --on-demand), one row
// per name so that concurrent handshakes collapse into one order.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE issuance_requests(
  name TEXT NOT NULL UNIQUE,
  reason TEXT NOT NULL DEFAULT 'issue',
  requested INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX issuance_requests_by_time ON issuance_requests(next_attempt, requested);
)sql";

// Version 4: the on-demand allow/deny list (`certa ondemand allow|deny`),
// applied live by every `certa serve --on-demand` sharing the store.
constexpr const char* kVersion4 = R"sql(
CREATE TABLE on_demand_rules(
  pattern TEXT PRIMARY KEY,
  action TEXT NOT NULL CHECK (action IN ('allow', 'deny')),
  created INTEGER NOT NULL
);
)sql";

// Version 5: the `certa serve` processes sharing the store and the generation
// each has loaded, so that a tls-alpn-01 issuer tells the CA to validate only
// once every live agent serves the challenge. Volatile liveness data:
// `certa store migrate` does not copy it (agents re-register within seconds).
constexpr const char* kVersion5 = R"sql(
CREATE TABLE serving_agents(
  agent_id TEXT PRIMARY KEY,
  loaded_generation INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
);
)sql";

// Version 6: deploy_pending moves out of settings_json into a column (the key
// is removed from the JSON). Text that is not valid JSON is left alone.
constexpr const char* kVersion6 = R"sql(
ALTER TABLE certificates ADD COLUMN deploy_pending INTEGER NOT NULL DEFAULT 0;
UPDATE certificates SET deploy_pending = 1, settings_json = json_remove(settings_json, '$.deploy_pending')
 WHERE json_type(CASE WHEN json_valid(settings_json) THEN settings_json ELSE '{}' END, '$.deploy_pending') = 'true';
)sql";

constexpr std::array<const char*, kLatestSchemaVersion> kMigrations = {kVersion1, kVersion2, kVersion3, kVersion4, kVersion5, kVersion6};

std::int64_t pragma_int(SqliteConnection& connection, const char* sql) {
    SqliteStatement stmt(connection, sql);
    return stmt.step() ? stmt.int64(0) : 0;
}

StoreError newer_schema(const std::string& path, std::int64_t found) {
    return StoreError(Kind::NewerSchema, path + ": store schema version " + std::to_string(found) +
                                             " is newer than this certa supports (" +
                                             std::to_string(kLatestSchemaVersion) + ")");
}

// One line from SQLite's multi-line findings ("*** in database main ***\nPage 14: ...").
std::string one_line(const std::string& findings) {
    std::string out;
    size_t start = 0;
    while (start <= findings.size()) {
        size_t end = findings.find('\n', start);
        if (end == std::string::npos) end = findings.size();
        std::string line = findings.substr(start, end - start);
        if (!line.empty() && line.rfind("*** in database", 0) != 0) out += (out.empty() ? "" : "; ") + line;
        start = end + 1;
    }
    return out.empty() ? findings : out;
}

}  // namespace

void quick_check(SqliteConnection& connection) {
    SqliteStatement stmt(connection, "PRAGMA quick_check(1)");
    std::string result = stmt.step() ? stmt.text(0) : "no result";
    if (result != "ok")
        throw StoreError(Kind::Corrupt, "store " + connection.path() + " is corrupt (" + one_line(result) + ")");
}

int read_schema_version(SqliteConnection& connection) {
    return static_cast<int>(pragma_int(connection, "PRAGMA user_version"));
}

int inspect_schema(SqliteConnection& connection) {
    // One snapshot: read one by one, the three could straddle another
    // process's migration commit (version 0, then tables) and look foreign.
    SqliteTransaction snapshot(connection, SqliteTransaction::Mode::Deferred);
    std::int64_t version = read_schema_version(connection);
    std::int64_t application_id = pragma_int(connection, "PRAGMA application_id");
    std::int64_t objects = pragma_int(connection, "SELECT count(*) FROM sqlite_schema");
    snapshot.commit();
    if (application_id == kCertaApplicationId) {
        if (version > kLatestSchemaVersion) throw newer_schema(connection.path(), version);
        return static_cast<int>(version);
    }
    if (application_id == 0 && version == 0 && objects == 0) return 0;
    throw StoreError(Kind::NotAStore,
                     connection.path() + " is not a certa store (an SQLite database of another application)");
}

void migrate_schema(SqliteConnection& connection, int target) {
    SqliteTransaction tx(connection, SqliteTransaction::Mode::Immediate);
    // Re-read under the write lock: another process may have migrated meanwhile.
    int current = read_schema_version(connection);
    if (current > kLatestSchemaVersion) throw newer_schema(connection.path(), current);
    if (current >= target) return;
    for (int version = current + 1; version <= target; ++version) connection.exec(kMigrations[version - 1]);
    connection.exec(("PRAGMA user_version = " + std::to_string(target)).c_str());
    connection.exec(("PRAGMA application_id = " + std::to_string(kCertaApplicationId)).c_str());
    tx.commit();
}

}  // namespace certa::storage
