// SQL for the challenges table: pending challenge material that any process's
// responder (http-01, tls-alpn-01) answers from. Expired rows are invisible.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certa::storage {

class ChallengeTable {
public:
    static std::int64_t insert(sql::Connection& db, const Challenge& challenge);
    // True when a row was deleted.
    static bool remove(sql::Connection& db, std::int64_t id);
    static std::optional<Challenge> find_http01(sql::Connection& db, const std::string& token, UnixTime now);
    static std::optional<Challenge> find_tls_alpn01(sql::Connection& db, const std::string& identifier, UnixTime now);
    static std::vector<Challenge> active(sql::Connection& db, ChallengeType type, UnixTime now);
    static int purge_expired(sql::Connection& db, UnixTime now);
};

}  // namespace certa::storage
