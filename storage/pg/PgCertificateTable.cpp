#include "storage/pg/PgCertificateTable.hpp"

#include "storage/StoreError.hpp"
#include "storage/pg/PgConnection.hpp"

#include <array>
#include <map>
#include <string>

namespace certa::storage::pg {

namespace {

constexpr const char* kColumns =
    "SELECT c.id, c.key_type, c.key_pem, c.chain_pem, c.server, c.account_id, c.profile, c.settings_json,"
    " c.not_before, c.not_after, c.serial_hex, c.aki_hex, c.ari_cert_id, c.status, c.replaced_by,"
    " c.generation, c.created, c.updated, c.ari_window_start, c.ari_window_end, c.ari_next_check,"
    " c.renew_at, c.next_attempt, c.failures, c.last_error, c.deploy_pending FROM certificates c ";

CertificateRecord read_row(const PgResult& r, int i) {
    CertificateRecord c;
    c.id = r.int64(i, 0);
    c.key_type = r.text(i, 1);
    c.key_pem = r.text(i, 2);
    c.chain_pem = r.text(i, 3);
    c.server = r.text(i, 4);
    c.account_id = r.int64(i, 5);
    c.profile = r.text(i, 6);
    c.settings_json = r.text(i, 7);
    c.not_before = r.int64(i, 8);
    c.not_after = r.int64(i, 9);
    c.serial_hex = r.text(i, 10);
    c.aki_hex = r.text(i, 11);
    c.ari_cert_id = r.text(i, 12);
    c.status = certificate_status_from(r.text(i, 13));
    c.replaced_by = r.int64(i, 14);
    c.generation = r.int64(i, 15);
    c.created = r.int64(i, 16);
    c.updated = r.int64(i, 17);
    c.ari_window_start = r.int64(i, 18);
    c.ari_window_end = r.int64(i, 19);
    c.ari_next_check = r.int64(i, 20);
    c.renew_at = r.int64(i, 21);
    c.next_attempt = r.int64(i, 22);
    c.failures = static_cast<int>(r.int64(i, 23));
    c.last_error = r.text(i, 24);
    c.deploy_pending = r.text(i, 25) == "t";
    return c;
}

// Fills in every row's names with one query (callers run it in the same
// snapshot as the rows: a REPEATABLE READ transaction).
std::vector<CertificateRecord> with_names(PgConnection& db, const PgResult& rows) {
    std::vector<CertificateRecord> out;
    std::string ids = "{";
    for (int i = 0; i < rows.rows(); ++i) {
        out.push_back(read_row(rows, i));
        ids += (i ? "," : "") + std::to_string(out.back().id);
    }
    if (out.empty()) return out;
    auto names = db.query("SELECT certificate_id, name FROM certificate_names WHERE certificate_id = ANY($1::bigint[])"
                          " ORDER BY certificate_id, position",
                          ids + "}");
    std::map<std::int64_t, std::vector<std::string>> by_id;
    for (int i = 0; i < names.rows(); ++i) by_id[names.int64(i, 0)].push_back(names.text(i, 1));
    for (auto& record : out) record.names = std::move(by_id[record.id]);
    return out;
}

std::optional<CertificateRecord> first(std::vector<CertificateRecord> rows) {
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

// A PostgreSQL array literal of quoted, escaped text elements.
std::string text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (const auto& item : items) {
        out += out.size() > 1 ? ",\"" : "\"";
        for (char ch : item) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + "}";
}

void require_changed(const PgResult& result, std::int64_t id) {
    if (result.affected() == 0)
        throw StoreError(StoreError::Kind::NotFound, "no certificate with id " + std::to_string(id));
}

}  // namespace

std::int64_t PgCertificateTable::insert(PgConnection& db, const CertificateInput& input, const ChainInfo& info,
                                        const std::vector<std::string>& names, std::int64_t generation,
                                        UnixTime now) {
    PgParam account = input.account_id != 0 ? param(input.account_id) : std::nullopt;
    // One round trip: the row, then its names in order (position from 0).
    auto row = db.query("WITH c AS (INSERT INTO certificates(key_type, key_pem, chain_pem, server, account_id,"
                        " profile, settings_json, not_before, not_after, serial_hex, aki_hex, ari_cert_id, status,"
                        " generation, created, updated, deploy_pending)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', $13, $14, $14, $16)"
                        " RETURNING id),"
                        " n AS (INSERT INTO certificate_names(certificate_id, position, name)"
                        " SELECT c.id, t.ord - 1, t.name FROM c, unnest($15::text[]) WITH ORDINALITY AS t(name, ord)"
                        " ON CONFLICT DO NOTHING)"
                        " SELECT id FROM c",
                        input.key_type, input.key_pem, input.chain_pem, input.server, account, input.profile,
                        input.settings_json, info.not_before, info.not_after, info.serial_hex, info.aki_hex,
                        info.ari_cert_id, generation, now, text_array(names), input.deploy_pending ? "true" : "false");
    return row.int64(0, 0);
}

void PgCertificateTable::mark_replaced(PgConnection& db, std::int64_t id, std::int64_t replacement,
                                       std::int64_t generation, UnixTime now) {
    auto current = db.query("SELECT status, replaced_by FROM certificates WHERE id = $1 FOR UPDATE", id);
    if (current.empty())
        throw StoreError(StoreError::Kind::NotFound, "certificate " + std::to_string(id) + " to replace does not exist");
    if (!current.is_null(0, 1))
        throw StoreError(StoreError::Kind::Invalid, "certificate " + std::to_string(id) + " was already replaced by " +
                                                        std::to_string(current.int64(0, 1)));
    db.query("UPDATE certificates SET replaced_by = $2, generation = $3, updated = $4,"
             " status = CASE status WHEN 'active' THEN 'replaced' ELSE status END WHERE id = $1",
             id, replacement, generation, now);
}

std::optional<CertificateRecord> PgCertificateTable::get(PgConnection& db, std::int64_t id) {
    return first(with_names(db, db.query(std::string(kColumns) + "WHERE c.id = $1", id)));
}

std::optional<CertificateRecord> PgCertificateTable::find_active(PgConnection& db, const std::string& name) {
    return first(with_names(db, db.query(std::string(kColumns) +
                                             "JOIN certificate_names n ON n.certificate_id = c.id"
                                             " WHERE n.name = $1 AND c.status = 'active' ORDER BY c.id DESC LIMIT 1",
                                         lowercase(name))));
}

std::vector<CertificateRecord> PgCertificateTable::list(PgConnection& db, const CertificateFilter& filter) {
    std::string sql = kColumns;
    if (!filter.name.empty()) sql += "JOIN certificate_names n ON n.certificate_id = c.id AND n.name = $1 ";
    sql += filter.include_inactive ? "" : "WHERE c.status = 'active' ";
    sql += "ORDER BY c.id";
    if (filter.name.empty()) return with_names(db, db.exec(sql));
    return with_names(db, db.query(sql, lowercase(filter.name)));
}

std::vector<CertificateRecord> PgCertificateTable::changed_since(PgConnection& db, std::int64_t generation) {
    return with_names(
        db, db.query(std::string(kColumns) + "WHERE c.generation > $1 ORDER BY c.generation, c.id", generation));
}

// The rows, then every name of the changed rows in one query (same snapshot:
// callers read in a REPEATABLE READ transaction).
std::vector<IndexRow> PgCertificateTable::index_rows_changed_since(PgConnection& db, std::int64_t generation) {
    auto rows = db.query("SELECT id, key_type, status, not_before, not_after, generation,"
                         " CASE status WHEN 'active' THEN key_pem ELSE '' END,"
                         " CASE status WHEN 'active' THEN chain_pem ELSE '' END"
                         " FROM certificates WHERE generation > $1 ORDER BY generation, id",
                         generation);
    std::vector<IndexRow> out;
    std::map<std::int64_t, size_t> position_of;
    for (int i = 0; i < rows.rows(); ++i) {
        IndexRow& r = out.emplace_back();
        r.id = rows.int64(i, 0);
        r.key_type = rows.text(i, 1);
        r.status = certificate_status_from(rows.text(i, 2));
        r.not_before = rows.int64(i, 3);
        r.not_after = rows.int64(i, 4);
        r.generation = rows.int64(i, 5);
        r.key_pem = rows.text(i, 6);
        r.chain_pem = rows.text(i, 7);
        position_of.emplace(r.id, out.size() - 1);
    }
    if (out.empty()) return out;
    auto names = db.query("SELECT n.certificate_id, n.name FROM certificate_names n"
                          " JOIN certificates c ON c.id = n.certificate_id"
                          " WHERE c.generation > $1 ORDER BY n.certificate_id, n.position",
                          generation);
    for (int i = 0; i < names.rows(); ++i) {
        auto it = position_of.find(names.int64(i, 0));
        if (it != position_of.end()) out[it->second].names.push_back(names.text(i, 1));
    }
    return out;
}

void PgCertificateTable::set_status(PgConnection& db, std::int64_t id, CertificateStatus status,
                                    std::int64_t generation, UnixTime now) {
    require_changed(db.query("UPDATE certificates SET status = $2, generation = $3, updated = $4 WHERE id = $1", id,
                             to_string(status), generation, now),
                    id);
}

void PgCertificateTable::set_renewal_state(PgConnection& db, std::int64_t id, const RenewalState& s,
                                           std::int64_t generation, UnixTime now) {
    require_changed(db.query("UPDATE certificates SET ari_window_start = $2, ari_window_end = $3, ari_next_check = $4,"
                             " renew_at = $5, next_attempt = $6, failures = $7, last_error = $8, generation = $9,"
                             " updated = $10 WHERE id = $1",
                             id, s.ari_window_start, s.ari_window_end, s.ari_next_check, s.renew_at, s.next_attempt,
                             s.failures, s.last_error, generation, now),
                    id);
}

void PgCertificateTable::set_renewal_states(PgConnection& db,
                                            const std::vector<std::pair<std::int64_t, RenewalState>>& states,
                                            std::int64_t generation, UnixTime now) {
    if (states.empty()) return;
    std::array<std::string, 7> numbers;  // id, window start/end, next check, renew_at, next attempt, failures
    std::vector<std::string> errors;
    errors.reserve(states.size());
    for (const auto& [id, s] : states) {
        const std::array<std::int64_t, 7> values{id, s.ari_window_start, s.ari_window_end, s.ari_next_check,
                                                 s.renew_at, s.next_attempt, s.failures};
        for (std::size_t c = 0; c < values.size(); ++c) numbers[c] += (numbers[c].empty() ? "" : ",") + std::to_string(values[c]);
        errors.push_back(s.last_error);
    }
    for (auto& n : numbers) n = "{" + n + "}";
    db.query("UPDATE certificates c SET ari_window_start = u.ws, ari_window_end = u.we, ari_next_check = u.nc,"
             " renew_at = u.ra, next_attempt = u.na, failures = u.f, last_error = u.le, generation = $9, updated = $10"
             " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],"
             " $7::bigint[], $8::text[]) AS u(id, ws, we, nc, ra, na, f, le) WHERE c.id = u.id",
             numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6], text_array(errors),
             generation, now);
}

void PgCertificateTable::set_settings(PgConnection& db, std::int64_t id, const std::string& settings_json,
                                      std::int64_t generation, UnixTime now) {
    require_changed(db.query("UPDATE certificates SET settings_json = $2, generation = $3, updated = $4 WHERE id = $1",
                             id, settings_json, generation, now),
                    id);
}

std::optional<std::string> PgCertificateTable::settings_for_update(PgConnection& db, std::int64_t id) {
    auto row = db.query("SELECT settings_json FROM certificates WHERE id = $1 FOR UPDATE", id);
    if (row.empty()) return std::nullopt;
    return row.text(0, 0);
}

void PgCertificateTable::set_deploy_pending(PgConnection& db, std::int64_t id, bool pending,
                                            std::int64_t generation, UnixTime now) {
    require_changed(db.query("UPDATE certificates SET deploy_pending = $2, generation = $3, updated = $4 WHERE id = $1",
                             id, pending ? "true" : "false", generation, now),
                    id);
}

}  // namespace certa::storage::pg
