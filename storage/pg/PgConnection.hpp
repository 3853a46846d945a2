// RAII over one libpq connection. The connection string is handed to
// PQconnectdb as is, so PGPASSFILE, PGSSLMODE and the other libpq environment
// variables apply. Every message that leaves this class is redacted.
#pragma once

#include "storage/pg/PgResult.hpp"

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::storage::pg {

struct PgConnDeleter {
    void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;
struct PgCancelDeleter {
    void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
};

// A text parameter; nullopt binds SQL NULL.
using PgParam = std::optional<std::string>;
inline PgParam param(const std::string& value) { return value; }
inline PgParam param(const char* value) { return std::string(value); }
inline PgParam param(std::int64_t value) { return std::to_string(value); }
inline PgParam param(int value) { return std::to_string(value); }
inline PgParam param(std::nullopt_t) { return std::nullopt; }
inline PgParam param(const PgParam& value) { return value; }

class PgConnection {
public:
    // Connects; throws StoreError (Io) with a redacted message on failure.
    explicit PgConnection(const std::string& conninfo);

    // Runs one statement with $1.. parameters. Throws StoreError mapped from
    // the SQLSTATE (serialization failure/deadlock/lock timeout: Locked;
    // constraint violation: Invalid; connection trouble: Io).
    PgResult exec(std::string_view sql, const std::vector<PgParam>& params = {});
    template <typename... Args>
    PgResult query(std::string_view sql, const Args&... args) {
        return exec(sql, std::vector<PgParam>{param(args)...});
    }
    // Runs several ';'-separated statements without parameters.
    void exec_script(std::string_view sql);
    // Runs a session setting (SET, LISTEN) now and again after every reconnect.
    void add_session_statement(const std::string& sql);
    // How often the connection was re-established (notifications sent while
    // it was down are lost: listeners treat a change of this as "changed").
    std::uint64_t resets() const { return resets_; }

    PGconn* get() const { return conn_.get(); }
    // The connection string without its password, for messages.
    const std::string& location() const { return location_; }
    // `text` with this connection's password (in any form) removed.
    std::string redact(std::string_view text) const;
    // `result` if it succeeded, else throws the StoreError for it (see exec).
    PgResult checked(PgResultPtr result);
    // From any thread: asks the server to cancel the statement running on
    // this connection, if one is (PQcancel; it then fails with SQLSTATE
    // 57014, a StoreError). Best effort: a failed request changes nothing.
    void cancel_running();

private:
    friend class PgTransaction;
    void reconnect_if_broken();
    // The cancel key of the current server session (a reset changes it).
    void refresh_cancel();
    PgResultPtr send(const std::string& sql, const std::vector<PgParam>& params);
    std::string conninfo_;
    bool in_transaction_ = false;
    std::uint64_t resets_ = 0;
    std::vector<std::string> session_;
    std::string location_;
    PgConnPtr conn_;
    std::mutex cancel_mutex_;
    std::unique_ptr<PGcancel, PgCancelDeleter> cancel_;  // guarded by cancel_mutex_
};

// BEGIN ... COMMIT; rolls back when destroyed uncommitted (an exception).
class PgTransaction {
public:
    enum class Isolation { ReadCommitted, RepeatableRead, Serializable };
    explicit PgTransaction(PgConnection& connection, Isolation isolation = Isolation::ReadCommitted);
    ~PgTransaction();
    PgTransaction(const PgTransaction&) = delete;
    PgTransaction& operator=(const PgTransaction&) = delete;
    void commit();

private:
    PgConnection& connection_;
    bool done_ = false;
};

}  // namespace certa::storage::pg
