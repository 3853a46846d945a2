#include "storage/tables/CertificateTable.hpp"

#include "storage/StoreError.hpp"
#include "storage/names/NameNormalizer.hpp"
#include "storage/schema/RenewalAttention.hpp"
#include "storage/schema/RowMap.hpp"

#include <algorithm>
#include <stdexcept>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace certa::storage {

namespace {

using schema::field;
using R = CertificateRecord;

std::vector<schema::RowMap<R>::Field> all_fields() {
    return {field<&R::id>("id"), field<&R::key_type>("key_type"), field<&R::key_pem>("key_pem"),
            field<&R::chain_pem>("chain_pem"), field<&R::server>("server"), field<&R::account_id>("account_id"),
            field<&R::profile>("profile"), field<&R::settings_json>("settings_json"),
            field<&R::not_before>("not_before"), field<&R::not_after>("not_after"),
            field<&R::serial_hex>("serial_hex"), field<&R::aki_hex>("aki_hex"),
            field<&R::ari_cert_id>("ari_cert_id"),
            {"status", [](R& r, const sql::Rows& row, int c) { r.status = certificate_status_from(row.text(c)); }},
            field<&R::replaced_by>("replaced_by"), field<&R::generation>("generation"),
            field<&R::created>("created"), field<&R::updated>("updated"),
            field<&R::ari_window_start>("ari_window_start"), field<&R::ari_window_end>("ari_window_end"),
            field<&R::ari_next_check>("ari_next_check"), field<&R::renew_at>("renew_at"),
            field<&R::next_attempt>("next_attempt"), field<&R::failures>("failures"),
            field<&R::last_error>("last_error"), field<&R::deploy_pending>("deploy_pending"),
            field<&R::last_error_class>("last_error_class")};
}

const schema::RowMap<R>& rows() {
    static const schema::RowMap<R> map("certificates", all_fields(), "c");
    return map;
}

// The row map for a listing's columns (every field but the ones left out).
const schema::RowMap<R>& rows(CertificateColumns columns) {
    auto without = [](std::initializer_list<std::string_view> left_out) {
        auto fields = all_fields();
        std::erase_if(fields, [&](const auto& f) {
            return std::find(left_out.begin(), left_out.end(), std::string_view(f.column)) != left_out.end();
        });
        return schema::RowMap<R>("certificates", std::move(fields), "c");
    };
    static const schema::RowMap<R> without_key = without({"key_pem"});
    static const schema::RowMap<R> summary = without({"key_pem", "chain_pem"});
    switch (columns) {
        case CertificateColumns::WithoutKey: return without_key;
        case CertificateColumns::Summary: return summary;
        case CertificateColumns::All: break;
    }
    return rows();
}

// Attaches names from a query of (certificate_id, name) rows, each
// certificate's in position order.
template <typename Row>
void attach_names(std::vector<Row>& out, sql::Rows names) {
    if (out.empty()) return;
    std::unordered_map<std::int64_t, std::size_t> index_of;
    for (std::size_t i = 0; i < out.size(); ++i) index_of.emplace(out[i].id, i);
    while (names.next()) {
        auto it = index_of.find(names.int64(0));
        if (it != index_of.end()) out[it->second].names.push_back(names.text(1));
    }
}

std::optional<R> with_names(sql::Connection& db, std::optional<R> record) {
    static const sql::Query q("SELECT certificate_id, name FROM certificate_names WHERE certificate_id = ?1"
                              " ORDER BY position");
    if (!record) return record;
    std::vector<R> one{std::move(*record)};
    attach_names(one, db.rows(q, one.front().id));
    return std::move(one.front());
}

// The rows matched by `where` and, in a second query over the same rows, all
// their names. The name join is ordered (SQLite CROSS JOIN): rows first, then
// each row's names by the names table's key.
struct Listing {
    sql::Query records;
    sql::Query names;
    Listing(const std::string& from_where, const std::string& order, const schema::RowMap<R>& map = rows())
        : records(map.select() + from_where + " ORDER BY " + order),
          names("SELECT n.certificate_id, n.name FROM certificates c " + from_where.substr(0, from_where.find("WHERE")) +
                "{ORDERED_JOIN} certificate_names n ON n.certificate_id = c.id " +
                from_where.substr(from_where.find("WHERE")) + " ORDER BY " + order + ", n.position") {}
};

template <typename... Args>
std::vector<R> list_with_names(sql::Connection& db, const Listing& listing, const schema::RowMap<R>& map,
                               const Args&... args) {
    auto out = map.read_all(db.rows(listing.records, args...));
    attach_names(out, db.rows(listing.names, args...));
    return out;
}

void require_changed(std::int64_t changed, std::int64_t id) {
    if (changed == 0) throw StoreError(StoreError::Kind::NotFound, "no certificate with id " + std::to_string(id));
}

const sql::Query& renewal_update() {
    static const sql::Query q("UPDATE certificates SET ari_window_start = ?2, ari_window_end = ?3, ari_next_check = ?4,"
                              " renew_at = ?5, next_attempt = ?6, failures = ?7, last_error = ?8, generation = ?9,"
                              " updated = ?10, last_error_class = ?11 WHERE id = ?1");
    return q;
}

}  // namespace

std::int64_t CertificateTable::insert(sql::Connection& db, const CertificateInput& input, const ChainInfo& info,
                                      const std::vector<std::string>& names, std::int64_t generation,
                                      UnixTime now) {
    static const sql::Query row("INSERT INTO certificates(key_type, key_pem, chain_pem, server, account_id, profile,"
                                " settings_json, not_before, not_after, serial_hex, aki_hex, ari_cert_id, status,"
                                " generation, created, updated, deploy_pending)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14, ?14,"
                                " ?15) RETURNING id");
    static const sql::Query name_row("INSERT INTO certificate_names(certificate_id, position, name)"
                                     " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
    std::int64_t id = 0;
    {
        auto inserted = db.rows(row, input.key_type, input.key_pem, input.chain_pem, input.server,
                                sql::id_or_null(input.account_id), input.profile, input.settings_json, info.not_before,
                                info.not_after, info.serial_hex, info.aki_hex, info.ari_cert_id, generation, now,
                                input.deploy_pending);
        inserted.next();
        id = inserted.int64(0);
    }
    std::vector<sql::Value> params;
    params.reserve(names.size() * 3);
    std::int64_t position = 0;
    for (const auto& name : names) {
        params.insert(params.end(), {sql::Value(id), sql::Value(position++), sql::Value(std::string_view(name))});
    }
    db.exec_batch(name_row, params, 3);
    return id;
}

void CertificateTable::mark_replaced(sql::Connection& db, std::int64_t id, std::int64_t replacement,
                                     std::int64_t generation, UnixTime now) {
    static const sql::Query current("SELECT status, replaced_by FROM certificates WHERE id = ?1{FOR_UPDATE}");
    static const sql::Query update("UPDATE certificates SET replaced_by = ?2, generation = ?3, updated = ?4,"
                                   " status = CASE status WHEN 'active' THEN 'replaced' ELSE status END WHERE id = ?1");
    {
        auto row = db.rows(current, id);
        if (!row.next())
            throw StoreError(StoreError::Kind::NotFound,
                             "certificate " + std::to_string(id) + " to replace does not exist");
        if (!row.is_null(1))
            throw StoreError(StoreError::Kind::Invalid, "certificate " + std::to_string(id) +
                                                            " was already replaced by " + std::to_string(row.int64(1)));
    }
    db.run(update, id, replacement, generation, now);
}

std::optional<CertificateRecord> CertificateTable::get(sql::Connection& db, std::int64_t id) {
    static const sql::Query q(rows().select() + "WHERE c.id = ?1");
    return with_names(db, rows().read_first(db.rows(q, id)));
}

std::optional<CertificateRecord> CertificateTable::find_active(sql::Connection& db, const std::string& name) {
    static const sql::Query q(rows().select() +
                              "JOIN certificate_names n ON n.certificate_id = c.id"
                              " WHERE n.name = ?1 AND c.status = 'active' ORDER BY c.id DESC LIMIT 1");
    return with_names(db, rows().read_first(db.rows(q, canonical_identifier(name))));
}

std::vector<CertificateRecord> CertificateTable::list(sql::Connection& db, const CertificateFilter& filter) {
    static const char* kByName = "JOIN certificate_names f ON f.certificate_id = c.id AND f.name = ?1 ";
    // One prepared listing per [columns][include_inactive][by name].
    static const auto listings = [] {
        std::vector<Listing> out;
        for (auto columns : {CertificateColumns::All, CertificateColumns::WithoutKey, CertificateColumns::Summary})
            for (const char* where : {"WHERE c.status = 'active'", "WHERE 1 = 1"})
                for (bool named : {false, true})
                    out.emplace_back((named ? std::string(kByName) : std::string()) + where, "c.id", rows(columns));
        return out;
    }();
    const auto& listing = listings[static_cast<std::size_t>(filter.columns) * 4 + (filter.include_inactive ? 2 : 0) +
                                   (filter.name.empty() ? 0 : 1)];
    const auto& map = rows(filter.columns);
    if (filter.name.empty()) return list_with_names(db, listing, map);
    return list_with_names(db, listing, map, canonical_identifier(filter.name));
}

std::vector<CertificateRecord> CertificateTable::changed_since(sql::Connection& db, std::int64_t generation) {
    static const Listing changed("WHERE c.generation > ?1", "c.generation, c.id");
    return list_with_names(db, changed, rows(), generation);
}

// Through certificates_by_attention: the WHERE clause repeats the index's
// expression exactly, as SQLite and PostgreSQL need to use an expression
// index. Its columns need no alias: certificate_names has none of them.
std::vector<CertificateRecord> CertificateTable::needing_attention(sql::Connection& db, UnixTime now) {
    const auto& summary = rows(CertificateColumns::Summary);
    static const Listing due(std::string("WHERE c.status = 'active' AND ") + schema::kRenewalAttentionAt + " <= ?1",
                             "c.not_after, c.id", summary);
    return list_with_names(db, due, summary, now);
}

// The same two queries reduced to what the handshake index needs. The name
// join is ordered: the changed rows through certificates_by_generation, then
// each row's names by the names table's key. (A plain JOIN ordered by
// certificate_id made SQLite scan every name: ~50 ms per reload at 100k.)
std::vector<IndexRow> CertificateTable::index_rows_changed_since(sql::Connection& db, std::int64_t generation,
                                                                 bool with_pem) {
    static const sql::Query with("SELECT id, key_type, status, not_before, not_after, generation,"
                                 " CASE status WHEN 'active' THEN key_pem ELSE '' END,"
                                 " CASE status WHEN 'active' THEN chain_pem ELSE '' END"
                                 " FROM certificates WHERE generation > ?1 ORDER BY generation, id");
    static const sql::Query without("SELECT id, key_type, status, not_before, not_after, generation, '', ''"
                                    " FROM certificates WHERE generation > ?1 ORDER BY generation, id");
    const sql::Query& q = with_pem ? with : without;
    static const sql::Query names("SELECT n.certificate_id, n.name FROM certificates c"
                                  " {ORDERED_JOIN} certificate_names n ON n.certificate_id = c.id"
                                  " WHERE c.generation > ?1 ORDER BY c.generation, c.id, n.position");
    std::vector<IndexRow> out;
    {
        auto row = db.rows(q, generation);
        while (row.next()) {
            IndexRow& r = out.emplace_back();
            r.id = row.int64(0);
            r.key_type = row.text(1);
            r.status = certificate_status_from(row.text(2));
            r.not_before = row.int64(3);
            r.not_after = row.int64(4);
            r.generation = row.int64(5);
            r.key_pem = row.text(6);
            r.chain_pem = row.text(7);
        }
    }
    attach_names(out, db.rows(names, generation));
    return out;
}

// One query, one result row per (certificate, name), ordered like the two
// above: consecutive rows of one id make one IndexRow. A slice filters on
// the covering index's id, so the rows of other slices cost no name lookup.
void CertificateTable::visit_index_rows_changed_since(sql::Connection& db, std::int64_t generation,
                                                      const std::function<void(const IndexRow&)>& visit,
                                                      IndexSlice slice) {
    static const sql::Query all("SELECT c.id, c.key_type, c.status, c.not_before, c.not_after, c.generation, n.name"
                                " FROM certificates c {ORDERED_JOIN} certificate_names n ON n.certificate_id = c.id"
                                " WHERE c.generation > ?1 ORDER BY c.generation, c.id, n.position");
    static const sql::Query share("SELECT c.id, c.key_type, c.status, c.not_before, c.not_after, c.generation,"
                                  " n.name FROM certificates c {ORDERED_JOIN} certificate_names n"
                                  " ON n.certificate_id = c.id WHERE c.generation > ?1 AND c.id % ?2 = ?3"
                                  " ORDER BY c.generation, c.id, n.position");
    if (slice.parts < 1 || slice.part < 0 || slice.part >= slice.parts)
        throw std::invalid_argument("index slice out of range");
    IndexRow r;
    bool open = false;
    auto row = slice.parts == 1 ? db.rows(all, generation) : db.rows(share, generation, slice.parts, slice.part);
    while (row.next()) {
        const std::int64_t id = row.int64(0);
        if (!open || id != r.id) {
            if (open) visit(r);
            open = true;
            r.id = id;
            r.key_type = row.text(1);
            r.status = certificate_status_from(row.text(2));
            r.not_before = row.int64(3);
            r.not_after = row.int64(4);
            r.generation = row.int64(5);
            r.names.clear();
        }
        r.names.push_back(row.text(6));
    }
    if (open) visit(r);
}

void CertificateTable::set_status(sql::Connection& db, std::int64_t id, CertificateStatus status,
                                  std::int64_t generation, UnixTime now) {
    static const sql::Query q("UPDATE certificates SET status = ?2, generation = ?3, updated = ?4 WHERE id = ?1");
    require_changed(db.run(q, id, to_string(status), generation, now), id);
}

void CertificateTable::set_renewal_state(sql::Connection& db, std::int64_t id, const RenewalState& s,
                                         std::int64_t generation, UnixTime now) {
    require_changed(db.run(renewal_update(), id, s.ari_window_start, s.ari_window_end, s.ari_next_check, s.renew_at,
                           s.next_attempt, s.failures, s.last_error, generation, now, s.last_error_class),
                    id);
}

void CertificateTable::set_renewal_states(sql::Connection& db,
                                          const std::vector<std::pair<std::int64_t, RenewalState>>& states,
                                          std::int64_t generation, UnixTime now) {
    constexpr std::size_t kWidth = 11;
    std::vector<sql::Value> params;
    params.reserve(states.size() * kWidth);
    for (const auto& [id, s] : states)
        params.insert(params.end(), {sql::Value(id), sql::Value(s.ari_window_start), sql::Value(s.ari_window_end),
                                     sql::Value(s.ari_next_check), sql::Value(s.renew_at), sql::Value(s.next_attempt),
                                     sql::Value(std::int64_t{s.failures}), sql::Value(std::string_view(s.last_error)),
                                     sql::Value(generation), sql::Value(now),
                                     sql::Value(std::string_view(s.last_error_class))});
    db.exec_batch(renewal_update(), params, kWidth);
}

void CertificateTable::set_settings(sql::Connection& db, std::int64_t id, const std::string& settings_json,
                                    std::int64_t generation, UnixTime now) {
    static const sql::Query q("UPDATE certificates SET settings_json = ?2, generation = ?3, updated = ?4 WHERE id = ?1");
    require_changed(db.run(q, id, settings_json, generation, now), id);
}

void CertificateTable::set_deploy_pending(sql::Connection& db, std::int64_t id, bool pending,
                                          std::int64_t generation, UnixTime now) {
    static const sql::Query q("UPDATE certificates SET deploy_pending = ?2, generation = ?3, updated = ?4 WHERE id = ?1");
    require_changed(db.run(q, id, pending, generation, now), id);
}

bool CertificateTable::renew_now(sql::Connection& db, std::int64_t id, std::int64_t generation, UnixTime now) {
    static const sql::Query q("UPDATE certificates SET renew_at = ?3, generation = ?2, updated = ?3"
                              " WHERE id = ?1 AND status = 'active' AND (renew_at = 0 OR renew_at > ?3)");
    return db.run(q, id, generation, now) > 0;
}

std::optional<std::string> CertificateTable::settings_for_update(sql::Connection& db, std::int64_t id) {
    static const sql::Query q("SELECT settings_json FROM certificates WHERE id = ?1{FOR_UPDATE}");
    auto row = db.rows(q, id);
    if (!row.next()) return std::nullopt;
    return row.text(0);
}

}  // namespace certa::storage
