#include "storage/pg/PgSession.hpp"

#include <algorithm>

namespace certa::storage::pg {

namespace {

constexpr auto kPostgres = sql::DialectKind::Postgres;

std::vector<PgParam> text_params(std::span<const sql::Value> params) {
    std::vector<PgParam> out;
    out.reserve(params.size());
    for (const auto& param : params) {
        if (const auto* number = std::get_if<std::int64_t>(&param)) out.emplace_back(std::to_string(*number));
        else if (const auto* text = std::get_if<std::string_view>(&param)) out.emplace_back(std::string(*text));
        else out.emplace_back(std::nullopt);
    }
    return out;
}

// A fetched result walked row by row.
class ResultRows final : public sql::RowSource {
public:
    explicit ResultRows(PgResult result) : result_(std::move(result)) {}
    bool next() override { return ++row_ < result_.rows(); }
    std::int64_t int64(int column) const override { return result_.int64(row_, column); }
    std::string text(int column) const override { return result_.text(row_, column); }
    bool boolean(int column) const override { return result_.text(row_, column) == "t"; }
    bool is_null(int column) const override { return result_.is_null(row_, column); }

private:
    PgResult result_;
    int row_ = -1;
};

// Statements per pipeline sync: keeps what the server sends back small, so
// a blocking connection cannot deadlock with both socket buffers full.
constexpr std::size_t kPipelineChunk = 256;

}  // namespace

sql::Rows PgSession::query(const sql::Query& query, std::span<const sql::Value> params) {
    return sql::Rows(std::make_unique<ResultRows>(connection_.exec(query.text(kPostgres), text_params(params))));
}

std::int64_t PgSession::exec(const sql::Query& query, std::span<const sql::Value> params) {
    return connection_.exec(query.text(kPostgres), text_params(params)).affected();
}

// Pipeline mode (libpq 14+): the statements of a chunk go out together and
// their results are read after one sync. The first failure is reported once
// every result was drained (later statements are aborted by the server).
void PgSession::exec_batch(const sql::Query& query, std::span<const sql::Value> params, std::size_t width) {
    const std::size_t count = width ? params.size() / width : 0;
    if (count <= 1 || !transaction_) {
        for (std::size_t i = 0; i < count; ++i) exec(query, params.subspan(i * width, width));
        return;
    }
    PGconn* conn = connection_.get();
    const std::string& text = query.text(kPostgres);
    for (std::size_t first = 0; first < count; first += kPipelineChunk) {
        if (PQenterPipelineMode(conn) != 1) {
            connection_.checked(PgResultPtr());  // throws with the connection's error
        }
        PgResultPtr failure;
        const std::size_t last = std::min(count, first + kPipelineChunk);
        for (std::size_t i = first; i < last; ++i) {
            std::vector<PgParam> row = text_params(params.subspan(i * width, width));
            std::vector<const char*> values;
            for (const auto& p : row) values.push_back(p ? p->c_str() : nullptr);
            if (PQsendQueryParams(conn, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                  nullptr, 0) != 1)
                break;
        }
        PQpipelineSync(conn);
        for (bool synced = false; !synced && PQstatus(conn) != CONNECTION_BAD;) {
            PgResultPtr result(PQgetResult(conn));
            if (!result) continue;  // the end of one statement's results
            ExecStatusType status = PQresultStatus(result.get());
            if (status == PGRES_PIPELINE_SYNC) synced = true;
            else if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !failure) failure = std::move(result);
        }
        PQexitPipelineMode(conn);
        if (failure || PQstatus(conn) == CONNECTION_BAD) connection_.checked(std::move(failure));
    }
}

// READ COMMITTED for writes: row locks (the generation row, FOR UPDATE)
// order the writers. REPEATABLE READ for reads: one snapshot.
void PgSession::begin(sql::TxMode mode) {
    transaction_.emplace(connection_, mode == sql::TxMode::Write ? PgTransaction::Isolation::ReadCommitted
                                                                 : PgTransaction::Isolation::RepeatableRead);
}

void PgSession::commit() {
    transaction_->commit();
    transaction_.reset();
}

}  // namespace certa::storage::pg
