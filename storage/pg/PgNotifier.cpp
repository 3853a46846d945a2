#include "storage/pg/PgNotifier.hpp"

#include "storage/pg/PgConnection.hpp"

#include <memory>

namespace certa::storage::pg {

namespace {

struct PgFree {
    void operator()(PGnotify* notify) const { PQfreemem(notify); }
};
using PgNotifyPtr = std::unique_ptr<PGnotify, PgFree>;

}  // namespace

PgNotifier::PgNotifier(PgConnection& connection) : connection_(connection), resets_(connection.resets()) {
    connection_.add_session_statement(std::string("LISTEN ") + kChangesChannel);
}

bool PgNotifier::drain() {
    // A failed read means a broken connection; the caller's next statement
    // reports (or repairs) it, and meanwhile "changed" forces that statement.
    if (PQconsumeInput(connection_.get()) == 0) return true;
    // Notifications sent while the connection was being re-established are lost.
    bool changed = connection_.resets() != resets_;
    resets_ = connection_.resets();
    while (PgNotifyPtr notify{PQnotifies(connection_.get())})
        changed = changed || std::string(notify->relname) == kChangesChannel;
    return changed;
}

}  // namespace certa::storage::pg
