#include "storage/pg/PgConnection.hpp"

#include "storage/StoreError.hpp"
#include "storage/pg/ConnectionString.hpp"

namespace certa::storage::pg {

namespace {

using Kind = StoreError::Kind;

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// SQLSTATE classes (PostgreSQL manual, appendix A) mapped to store error kinds.
Kind kind_for(const char* sqlstate) {
    std::string state = sqlstate ? sqlstate : "";
    if (state == "40001" || state == "40P01" || state == "55P03") return Kind::Locked;
    if (state.rfind("23", 0) == 0 || state.rfind("22", 0) == 0) return Kind::Invalid;
    if (state == "42P01" || state == "42703") return Kind::Corrupt;  // table/column missing
    return Kind::Io;
}

}  // namespace

PgConnection::PgConnection(const std::string& conninfo)
    : conninfo_(conninfo), location_(pg::redact(conninfo, conninfo)), conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_) throw StoreError(Kind::Io, "PostgreSQL " + location_ + ": out of memory while connecting");
    if (PQstatus(conn_.get()) != CONNECTION_OK)
        throw StoreError(Kind::Io, "cannot connect to PostgreSQL store " + location_ + ": " +
                                       redact(trimmed(PQerrorMessage(conn_.get()))));
    // Our own warnings (NOTICE) would go to stderr unredacted by default.
    PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
    // Errors without DETAIL, HINT or CONTEXT: a check failure's DETAIL quotes
    // the whole failing row (a private key among its columns).
    PQsetErrorVerbosity(conn_.get(), PQERRORS_TERSE);
    refresh_cancel();
}

void PgConnection::refresh_cancel() {
    std::lock_guard lock(cancel_mutex_);
    cancel_.reset(PQgetCancel(conn_.get()));
}

void PgConnection::cancel_running() {
    std::lock_guard lock(cancel_mutex_);
    if (!cancel_) return;
    char error[256];
    (void)PQcancel(cancel_.get(), error, sizeof error);  // the message could name the server: not kept
}

std::string PgConnection::redact(std::string_view text) const { return pg::redact(text, conninfo_); }

PgResult PgConnection::checked(PgResultPtr result) {
    ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgResult(std::move(result));
    std::string message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get());
    const char* sqlstate = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    Kind kind = PQstatus(conn_.get()) == CONNECTION_BAD ? Kind::Io : kind_for(sqlstate);
    throw StoreError(kind, "PostgreSQL store " + location_ + ": " + redact(trimmed(message)));
}

void PgConnection::reconnect_if_broken() {
    if (PQstatus(conn_.get()) != CONNECTION_BAD) return;
    // A transaction in progress died with the connection: its caller must fail.
    if (in_transaction_) throw StoreError(Kind::Io, "PostgreSQL store " + location_ + ": connection lost");
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) return;  // the statement reports it
    ++resets_;
    refresh_cancel();
    PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
    for (const auto& statement : session_) checked(PgResultPtr(PQexec(conn_.get(), statement.c_str())));
}

PgResultPtr PgConnection::send(const std::string& sql, const std::vector<PgParam>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    return PgResultPtr(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                    values.data(), nullptr, nullptr, 0));
}

PgResult PgConnection::exec(std::string_view sql, const std::vector<PgParam>& params) {
    std::string text(sql);
    reconnect_if_broken();
    PgResultPtr result = send(text, params);
    // Outside a transaction, a connection this statement found dead (server
    // restart, terminated backend) is re-established and the statement sent
    // once more. Such statements are reads, BEGIN or session settings (every
    // write runs inside a PgTransaction), so the retry cannot write twice.
    if (!in_transaction_ && PQstatus(conn_.get()) == CONNECTION_BAD) {
        reconnect_if_broken();
        result = send(text, params);
    }
    return checked(std::move(result));
}

void PgConnection::add_session_statement(const std::string& sql) {
    exec(sql);
    session_.push_back(sql);
}

void PgConnection::exec_script(std::string_view sql) {
    std::string text(sql);
    checked(PgResultPtr(PQexec(conn_.get(), text.c_str())));
}

PgTransaction::PgTransaction(PgConnection& connection, Isolation isolation) : connection_(connection) {
    switch (isolation) {
        case Isolation::ReadCommitted: connection_.exec("BEGIN"); break;
        case Isolation::RepeatableRead: connection_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); break;
        case Isolation::Serializable: connection_.exec("BEGIN ISOLATION LEVEL SERIALIZABLE"); break;
    }
    connection_.in_transaction_ = true;
}

PgTransaction::~PgTransaction() {
    connection_.in_transaction_ = false;
    if (done_) return;
    // Errors are ignored: the transaction is being abandoned anyway, and a
    // dead connection rolls back on the server side.
    PgResultPtr ignored(PQexec(connection_.get(), "ROLLBACK"));
}

void PgTransaction::commit() {
    connection_.exec("COMMIT");
    done_ = true;
    connection_.in_transaction_ = false;
}

}  // namespace certa::storage::pg
