#include "storage/copy/StoreCopy.hpp"

#include "storage/Store.hpp"
#include "storage/base/Base64Url.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/copy/TableCopy.hpp"
#include "storage/open/OpenBackend.hpp"

#include <openssl/evp.h>

#include <map>

namespace certa::storage::copy {

namespace {

using Kind = StoreError::Kind;

// Length-prefixed fields, so no two different records serialise alike.
void field(std::string& out, const std::string& value) { out += std::to_string(value.size()) + ":" + value + ";"; }
void field(std::string& out, std::int64_t value) { field(out, std::to_string(value)); }

std::string certificate_hash(const CertificateRecord& c) {
    std::string s;
    field(s, c.id);
    for (const auto& name : c.names) field(s, name);
    for (const auto* text : {&c.key_type, &c.key_pem, &c.chain_pem, &c.server, &c.profile, &c.settings_json,
                             &c.serial_hex, &c.aki_hex, &c.ari_cert_id, &c.last_error, &c.last_error_class})
        field(s, *text);
    field(s, to_string(c.status));
    field(s, std::int64_t{c.deploy_pending ? 1 : 0});
    for (std::int64_t number : {c.account_id, c.not_before, c.not_after, c.replaced_by, c.generation, c.created,
                                c.updated, c.ari_window_start, c.ari_window_end, c.ari_next_check, c.renew_at,
                                c.next_attempt, static_cast<std::int64_t>(c.failures)})
        field(s, number);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(s.data(), s.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw StoreError(Kind::Io, "SHA-256 failed while verifying the copy");
    return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::map<std::int64_t, std::string> certificate_hashes(Store& store) {
    std::map<std::int64_t, std::string> out;
    for (const auto& record : store.list_certificates({true, ""})) out[record.id] = certificate_hash(record);
    return out;
}

void copy_rows(TableCopy& source, TableCopy& target) {
    std::vector<std::pair<const schema::TableSchema*, std::vector<Row>>> data;
    for (const auto* table : copied_tables()) data.emplace_back(table, source.read(*table));
    auto links = source.links();
    StoreCounters counters = source.counters();
    source.end_read();

    target.begin_write();
    for (const auto& [table, rows] : data)
        for (const auto& row : rows) target.insert(*table, row);
    // replaced_by points at a newer row: set once every row exists.
    target.set_links(links);
    target.finish(counters);
    target.commit();
}

std::string mismatch(const std::string& what, std::int64_t source, std::int64_t target) {
    return what + ": source " + std::to_string(source) + ", target " + std::to_string(target);
}

}  // namespace

CopyReport copy_store(const std::string& from, const std::string& to) {
    if (from == to) throw StoreError(Kind::Invalid, "source and target are the same store");
    OpenOptions existing;
    existing.create = false;
    auto source_store = open_store(from, existing);  // refuses foreign/newer stores, migrates old ones
    auto target_store = open_store(to);
    auto source = std::make_unique<TableCopy>(open_backend(from, existing));
    auto target = std::make_unique<TableCopy>(open_backend(to));
    CopyReport report{source->location(), target->location(), {}, 0};
    if (source->schema_version() != target->schema_version())
        throw StoreError(Kind::Invalid, "schema versions differ after opening: " +
                                            mismatch("version", source->schema_version(), target->schema_version()));
    for (const auto* table : copied_tables())
        if (target->count(*table) != 0)
            throw StoreError(Kind::Invalid, "target store " + report.to + " is not empty (table " + table->name +
                                                " has rows); migrate only into a new store");

    copy_rows(*source, *target);

    // Verification: row counts, counters, and each certificate as read back
    // through each backend's own Store implementation.
    std::string problems;
    for (const auto* table : copied_tables()) {
        TableCount count{table->name, source->count(*table), target->count(*table)};
        if (count.source != count.target) problems += "\n  " + mismatch(count.table + " rows", count.source, count.target);
        report.tables.push_back(count);
    }
    StoreCounters a = source->counters(), b = target->counters();
    if (a.generation != b.generation) problems += "\n  " + mismatch("generation", a.generation, b.generation);
    if (a.lease_token != b.lease_token) problems += "\n  " + mismatch("lease token", a.lease_token, b.lease_token);
    auto source_hashes = certificate_hashes(*source_store);
    auto target_hashes = certificate_hashes(*target_store);
    for (const auto& [id, hash] : source_hashes) {
        auto it = target_hashes.find(id);
        if (it == target_hashes.end() || it->second != hash)
            problems += "\n  certificate " + std::to_string(id) + " differs";
        else
            ++report.certificates_verified;
    }
    if (target_hashes.size() != source_hashes.size())
        problems += "\n  " + mismatch("certificates", static_cast<std::int64_t>(source_hashes.size()),
                                      static_cast<std::int64_t>(target_hashes.size()));
    if (!problems.empty()) throw StoreError(Kind::Corrupt, "the copy in " + report.to + " does not match:" + problems);
    return report;
}

}  // namespace certa::storage::copy
