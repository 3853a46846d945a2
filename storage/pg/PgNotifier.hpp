// LISTEN/NOTIFY on the certa_changes channel: writers notify inside their
// transaction (TableStore::next_generation through Dialect::bump_generation;
// delivered on commit), readers drain pending notifications
// without a round trip to the server.
#pragma once

#include <cstdint>
#include <string>

namespace certa::storage::pg {

class PgConnection;

constexpr const char* kChangesChannel = "certa_changes";

class PgNotifier {
public:
    // Issues LISTEN on `connection` (which must outlive the notifier).
    explicit PgNotifier(PgConnection& connection);
    // Reads whatever the server already sent (PQconsumeInput, no round trip)
    // and drains it; true when at least one certa_changes notification came.
    // Outside a transaction only: libpq delivers notifications between them.
    bool drain();

private:
    PgConnection& connection_;
    std::uint64_t resets_;
};

}  // namespace certa::storage::pg
