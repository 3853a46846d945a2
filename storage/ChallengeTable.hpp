// SQL for the challenges table: pending challenge material that any process's
// responder (http-01, tls-alpn-01) answers from. Expired rows are invisible.
#pragma once

#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certa::storage {

class SqliteConnection;

class ChallengeTable {
public:
    static std::int64_t insert(SqliteConnection& db, const Challenge& challenge);
    // True when a row was deleted.
    static bool remove(SqliteConnection& db, std::int64_t id);
    static std::optional<Challenge> find_http01(SqliteConnection& db, const std::string& token, UnixTime now);
    static std::optional<Challenge> find_tls_alpn01(SqliteConnection& db, const std::string& identifier,
                                                    UnixTime now);
    static std::vector<Challenge> active(SqliteConnection& db, ChallengeType type, UnixTime now);
    static int purge_expired(SqliteConnection& db, UnixTime now);
};

}  // namespace certa::storage
