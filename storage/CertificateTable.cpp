#include "storage/CertificateTable.hpp"

#include "storage/SqliteConnection.hpp"
#include "storage/SqliteStatement.hpp"

#include <string>
#include <unordered_map>

namespace certa::storage {

namespace {

constexpr const char* kColumns =
    "SELECT c.id, c.key_type, c.key_pem, c.chain_pem, c.server, c.account_id, c.profile, c.settings_json,"
    " c.not_before, c.not_after, c.serial_hex, c.aki_hex, c.ari_cert_id, c.status, c.replaced_by,"
    " c.generation, c.created, c.updated, c.ari_window_start, c.ari_window_end, c.ari_next_check,"
    " c.renew_at, c.next_attempt, c.failures, c.last_error, c.deploy_pending FROM certificates c ";

CertificateRecord read_row(const SqliteStatement& row) {
    CertificateRecord r;
    r.id = row.int64(0);
    r.key_type = row.text(1);
    r.key_pem = row.text(2);
    r.chain_pem = row.text(3);
    r.server = row.text(4);
    r.account_id = row.int64(5);
    r.profile = row.text(6);
    r.settings_json = row.text(7);
    r.not_before = row.int64(8);
    r.not_after = row.int64(9);
    r.serial_hex = row.text(10);
    r.aki_hex = row.text(11);
    r.ari_cert_id = row.text(12);
    r.status = certificate_status_from(row.text(13));
    r.replaced_by = row.int64(14);
    r.generation = row.int64(15);
    r.created = row.int64(16);
    r.updated = row.int64(17);
    r.ari_window_start = row.int64(18);
    r.ari_window_end = row.int64(19);
    r.ari_next_check = row.int64(20);
    r.renew_at = row.int64(21);
    r.next_attempt = row.int64(22);
    r.failures = static_cast<int>(row.int64(23));
    r.last_error = row.text(24);
    r.deploy_pending = row.int64(25) != 0;
    return r;
}

// Runs a SELECT built on kColumns and fills in every row's names.
std::vector<CertificateRecord> query(SqliteConnection& db, SqliteStatement& stmt) {
    std::vector<CertificateRecord> out;
    while (stmt.step()) out.push_back(read_row(stmt));
    SqliteStatement names(db, "SELECT name FROM certificate_names WHERE certificate_id = ?1 ORDER BY position");
    for (auto& record : out) {
        names.reset();
        names.bind(1, record.id);
        while (names.step()) record.names.push_back(names.text(0));
    }
    return out;
}

void require_changed(SqliteConnection& db, std::int64_t id) {
    if (db.changes() == 0)
        throw StoreError(StoreError::Kind::NotFound, "no certificate with id " + std::to_string(id));
}

}  // namespace

std::int64_t CertificateTable::insert(SqliteConnection& db, const CertificateInput& input, const ChainInfo& info,
                                      const std::vector<std::string>& names, std::int64_t generation,
                                      UnixTime now) {
    SqliteStatement row(db,
                        "INSERT INTO certificates(key_type, key_pem, chain_pem, server, account_id, profile,"
                        " settings_json, not_before, not_after, serial_hex, aki_hex, ari_cert_id, status,"
                        " generation, created, updated, deploy_pending)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14, ?14, ?15)");
    row.bind_all(input.key_type, input.key_pem, input.chain_pem, input.server);
    row.bind_id(5, input.account_id);
    row.bind(6, input.profile).bind(7, input.settings_json).bind(8, info.not_before).bind(9, info.not_after);
    row.bind(10, info.serial_hex).bind(11, info.aki_hex).bind(12, info.ari_cert_id);
    row.bind(13, generation).bind(14, now).bind(15, std::int64_t{input.deploy_pending ? 1 : 0});
    row.run();
    std::int64_t id = db.last_insert_rowid();

    SqliteStatement name_row(db, "INSERT OR IGNORE INTO certificate_names(certificate_id, position, name)"
                                 " VALUES (?1, ?2, ?3)");
    std::int64_t position = 0;
    for (const auto& name : names) {
        name_row.reset();
        name_row.bind_all(id, position++, name);
        name_row.run();
    }
    return id;
}

void CertificateTable::mark_replaced(SqliteConnection& db, std::int64_t id, std::int64_t replacement,
                                     std::int64_t generation, UnixTime now) {
    SqliteStatement current(db, "SELECT status, replaced_by FROM certificates WHERE id = ?1");
    current.bind(1, id);
    if (!current.step())
        throw StoreError(StoreError::Kind::NotFound, "certificate " + std::to_string(id) + " to replace does not exist");
    if (!current.is_null(1))
        throw StoreError(StoreError::Kind::Invalid, "certificate " + std::to_string(id) +
                                                        " was already replaced by " +
                                                        std::to_string(current.int64(1)));
    SqliteStatement update(db,
                           "UPDATE certificates SET replaced_by = ?2, generation = ?3, updated = ?4,"
                           " status = CASE status WHEN 'active' THEN 'replaced' ELSE status END WHERE id = ?1");
    update.bind_all(id, replacement, generation, now);
    update.run();
}

std::optional<CertificateRecord> CertificateTable::get(SqliteConnection& db, std::int64_t id) {
    SqliteStatement stmt(db, std::string(kColumns) + "WHERE c.id = ?1");
    stmt.bind(1, id);
    return first_row(query(db, stmt));
}

std::optional<CertificateRecord> CertificateTable::find_active(SqliteConnection& db, const std::string& name) {
    SqliteStatement stmt(db, std::string(kColumns) +
                                 "JOIN certificate_names n ON n.certificate_id = c.id"
                                 " WHERE n.name = ?1 AND c.status = 'active' ORDER BY c.id DESC LIMIT 1");
    stmt.bind(1, canonical_identifier(name));
    return first_row(query(db, stmt));
}

std::vector<CertificateRecord> CertificateTable::list(SqliteConnection& db, const CertificateFilter& filter) {
    std::string sql = kColumns;
    if (!filter.name.empty()) sql += "JOIN certificate_names n ON n.certificate_id = c.id AND n.name = ?1 ";
    sql += filter.include_inactive ? "WHERE 1 " : "WHERE c.status = 'active' ";
    sql += "ORDER BY c.id";
    SqliteStatement stmt(db, sql);
    if (!filter.name.empty()) stmt.bind(1, canonical_identifier(filter.name));
    return query(db, stmt);
}

std::vector<CertificateRecord> CertificateTable::changed_since(SqliteConnection& db, std::int64_t generation) {
    SqliteStatement stmt(db, std::string(kColumns) + "WHERE c.generation > ?1 ORDER BY c.generation, c.id");
    stmt.bind(1, generation);
    return query(db, stmt);
}

// Two queries instead of one names query per row: the rows, then every name
// of the changed rows, each row's in position order.
std::vector<IndexRow> CertificateTable::index_rows_changed_since(SqliteConnection& db, std::int64_t generation) {
    SqliteStatement stmt(db,
                         "SELECT id, key_type, status, not_before, not_after, generation,"
                         " CASE status WHEN 'active' THEN key_pem ELSE '' END,"
                         " CASE status WHEN 'active' THEN chain_pem ELSE '' END"
                         " FROM certificates WHERE generation > ?1 ORDER BY generation, id");
    stmt.bind(1, generation);
    std::vector<IndexRow> out;
    std::unordered_map<std::int64_t, size_t> position_of;
    while (stmt.step()) {
        IndexRow& r = out.emplace_back();
        r.id = stmt.int64(0);
        r.key_type = stmt.text(1);
        r.status = certificate_status_from(stmt.text(2));
        r.not_before = stmt.int64(3);
        r.not_after = stmt.int64(4);
        r.generation = stmt.int64(5);
        r.key_pem = stmt.text(6);
        r.chain_pem = stmt.text(7);
        position_of.emplace(r.id, out.size() - 1);
    }
    if (out.empty()) return out;
    // CROSS JOIN fixes the loop order: the changed rows through
    // certificates_by_generation, then each row's names by the names table's
    // key. (A plain JOIN ordered by certificate_id made SQLite scan every name:
    // ~50 ms per reload at 100k certificates.)
    SqliteStatement names(db,
                          "SELECT n.certificate_id, n.name FROM certificates c"
                          " CROSS JOIN certificate_names n ON n.certificate_id = c.id"
                          " WHERE c.generation > ?1 ORDER BY c.generation, c.id, n.position");
    names.bind(1, generation);
    while (names.step()) {
        auto it = position_of.find(names.int64(0));
        if (it != position_of.end()) out[it->second].names.push_back(names.text(1));
    }
    return out;
}

void CertificateTable::set_status(SqliteConnection& db, std::int64_t id, CertificateStatus status,
                                  std::int64_t generation, UnixTime now) {
    SqliteStatement stmt(db, "UPDATE certificates SET status = ?2, generation = ?3, updated = ?4 WHERE id = ?1");
    stmt.bind_all(id, to_string(status), generation, now);
    stmt.run();
    require_changed(db, id);
}

void CertificateTable::set_renewal_state(SqliteConnection& db, std::int64_t id, const RenewalState& state,
                                         std::int64_t generation, UnixTime now) {
    SqliteStatement stmt(db,
                         "UPDATE certificates SET ari_window_start = ?2, ari_window_end = ?3, ari_next_check = ?4,"
                         " renew_at = ?5, next_attempt = ?6, failures = ?7, last_error = ?8, generation = ?9,"
                         " updated = ?10 WHERE id = ?1");
    stmt.bind_all(id, state.ari_window_start, state.ari_window_end, state.ari_next_check, state.renew_at,
                  state.next_attempt, state.failures, state.last_error, generation, now);
    stmt.run();
    require_changed(db, id);
}

void CertificateTable::set_renewal_states(SqliteConnection& db,
                                          const std::vector<std::pair<std::int64_t, RenewalState>>& states,
                                          std::int64_t generation, UnixTime now) {
    SqliteStatement stmt(db,
                         "UPDATE certificates SET ari_window_start = ?2, ari_window_end = ?3, ari_next_check = ?4,"
                         " renew_at = ?5, next_attempt = ?6, failures = ?7, last_error = ?8, generation = ?9,"
                         " updated = ?10 WHERE id = ?1");
    for (const auto& [id, state] : states) {
        stmt.reset();
        stmt.bind_all(id, state.ari_window_start, state.ari_window_end, state.ari_next_check, state.renew_at,
                      state.next_attempt, state.failures, state.last_error, generation, now);
        stmt.run();
    }
}

void CertificateTable::set_settings(SqliteConnection& db, std::int64_t id, const std::string& settings_json,
                                    std::int64_t generation, UnixTime now) {
    SqliteStatement stmt(db, "UPDATE certificates SET settings_json = ?2, generation = ?3, updated = ?4 WHERE id = ?1");
    stmt.bind_all(id, settings_json, generation, now);
    stmt.run();
    require_changed(db, id);
}

std::optional<std::string> CertificateTable::settings_for_update(SqliteConnection& db, std::int64_t id) {
    SqliteStatement stmt(db, "SELECT settings_json FROM certificates WHERE id = ?1");
    stmt.bind(1, id);
    if (!stmt.step()) return std::nullopt;
    return stmt.text(0);
}

void CertificateTable::set_deploy_pending(SqliteConnection& db, std::int64_t id, bool pending,
                                          std::int64_t generation, UnixTime now) {
    SqliteStatement stmt(db, "UPDATE certificates SET deploy_pending = ?2, generation = ?3, updated = ?4 WHERE id = ?1");
    stmt.bind_all(id, pending ? 1 : 0, generation, now);
    stmt.run();
    require_changed(db, id);
}

}  // namespace certa::storage
