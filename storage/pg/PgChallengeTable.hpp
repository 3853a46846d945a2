// SQL for the challenges table (PostgreSQL). Identifiers are stored lowercase.
#pragma once

#include "storage/StoreTypes.hpp"

#include <optional>
#include <vector>

namespace certa::storage::pg {

class PgConnection;

struct PgChallengeTable {
    static std::int64_t insert(PgConnection& db, const Challenge& challenge);
    static bool remove(PgConnection& db, std::int64_t id);
    static std::optional<Challenge> find_http01(PgConnection& db, const std::string& token, UnixTime now);
    static std::optional<Challenge> find_tls_alpn01(PgConnection& db, const std::string& identifier, UnixTime now);
    static std::vector<Challenge> active(PgConnection& db, ChallengeType type, UnixTime now);
    static int purge_expired(PgConnection& db, UnixTime now);
};

}  // namespace certa::storage::pg
