#include "acme/import/StoreImport.hpp"

#include "acme/import/ImportError.hpp"
#include "storage/StoreTypes.hpp"

#include <map>
#include <stdexcept>

namespace certa::acme {

const char* to_string(ImportAction action) { return action == ImportAction::Import ? "import" : "present"; }

const char* to_string(ImportNote::Kind kind) {
    switch (kind) {
        case ImportNote::Kind::Unsupported: return "unsupported";
        case ImportNote::Kind::Unknown: return "unknown";
        case ImportNote::Kind::Note: return "note";
    }
    return "note";
}

int ImportReport::to_import() const {
    int n = 0;
    for (const auto& a : accounts) n += a.action == ImportAction::Import;
    for (const auto& c : certificates) n += c.action == ImportAction::Import;
    return n;
}

namespace {

// What import_plan builds up: the report, and the one batch it writes.
struct Import {
    ImportReport report;
    storage::ImportBatch batch;
    std::vector<int> batch_index;         // plan account → batch account (-1: already stored)
    std::vector<std::size_t> new_rows;    // report index of each batch certificate
};

// Accounts: the same CA and account URL is the same account.
void plan_accounts(storage::Store* store, const ImportPlan& plan, Import& in) {
    const auto stored_accounts = store ? store->list_accounts() : std::vector<storage::Account>{};
    in.batch_index.assign(plan.accounts.size(), -1);
    for (std::size_t i = 0; i < plan.accounts.size(); ++i) {
        const auto& row = plan.accounts[i].row;
        AccountResult r{row.server, row.url, row.key_type, plan.accounts[i].source, ImportAction::Import, 0};
        for (const auto& s : stored_accounts)
            if (s.server == row.server && s.url == row.url) r.action = ImportAction::Present, r.id = s.id;
        for (std::size_t j = 0; j < i && r.action == ImportAction::Import; ++j)
            if (in.report.accounts[j].server == row.server && in.report.accounts[j].url == row.url)
                throw ImportError(plan.accounts[i].source + " and " + plan.accounts[j].source + " are the same account");
        if (r.action == ImportAction::Import) {
            in.batch_index[i] = static_cast<int>(in.batch.accounts.size());
            in.batch.accounts.push_back(row);
        }
        in.report.accounts.push_back(std::move(r));
    }
}

// Every certificate in the store (any status), by serial and issuer key id.
std::map<std::string, storage::CertificateRecord> stored_certificates(storage::Store* store) {
    storage::CertificateFilter all;
    all.include_inactive = true;
    all.columns = storage::CertificateColumns::Summary;
    std::map<std::string, storage::CertificateRecord> stored;
    for (auto& row : store ? store->list_certificates(all) : std::vector<storage::CertificateRecord>{})
        stored.emplace(row.serial_hex + '/' + row.aki_hex, std::move(row));
    return stored;
}

// The certificate's account: one of the plan's (new in the batch, or found
// stored), or a row given by id; its contact goes into the renewal settings.
void link_account(storage::Store* store, const ImportPlan& plan, const ImportedCertificate& cert, const Import& in,
                  CertificateResult& r, storage::ImportCertificate& c) {
    c.account_index = -1;
    if (cert.account >= 0) {
        const auto a = static_cast<std::size_t>(cert.account);
        r.account_url = plan.accounts[a].row.url;
        if (r.settings.contact.empty()) r.settings.contact = storage::decode_contact(plan.accounts[a].row.contact);
        if (in.batch_index[a] >= 0) c.account_index = in.batch_index[a];
        else c.input.account_id = in.report.accounts[a].id;
    } else if (cert.input.account_id != 0) {
        if (auto row = store ? store->get_account(cert.input.account_id) : std::nullopt) r.account_url = row->url;
    }
}

// Certificates: the same serial from the same issuer key is the same certificate.
void plan_certificates(storage::Store* store, const ImportPlan& plan, Import& in) {
    const auto stored = stored_certificates(store);
    std::map<std::string, std::size_t> in_plan;
    for (const auto& cert : plan.certificates) {
        CertificateResult r;
        r.label = cert.label;
        r.source = cert.source;
        r.serial_hex = cert.serial_hex;
        r.names = cert.names;
        r.not_after = cert.not_after;
        r.settings = cert.settings;
        const std::string key = cert.serial_hex + '/' + cert.aki_hex;
        if (auto it = stored.find(key); it != stored.end()) {
            r.action = ImportAction::Present;
            r.id = it->second.id;
            r.stored_status = storage::to_string(it->second.status);
        } else if (in_plan.count(key)) {
            continue;  // the same certificate twice in one source (e.g. two lego names): once is enough
        }
        in_plan.emplace(key, in.report.certificates.size());
        storage::ImportCertificate c;
        c.input = cert.input;
        link_account(store, plan, cert, in, r, c);
        c.input.settings_json = r.settings.to_json();
        c.event_detail = "from " + plan.kind + " " + cert.source;
        if (r.action == ImportAction::Import) {
            in.new_rows.push_back(in.report.certificates.size());
            in.batch.certificates.push_back(std::move(c));
        }
        in.report.certificates.push_back(std::move(r));
    }
}

// One transaction; the new rows' ids go into the report.
void write_batch(storage::Store& store, Import& in) {
    const storage::ImportIds ids = store.import_batch(in.batch);
    for (std::size_t i = 0, b = 0; i < in.batch_index.size(); ++i)
        if (in.batch_index[i] >= 0) in.report.accounts[i].id = ids.accounts[b++];
    for (std::size_t i = 0; i < in.new_rows.size(); ++i)
        in.report.certificates[in.new_rows[i]].id = ids.certificates[i];
}

}  // namespace

ImportReport import_plan(storage::Store* store, const ImportPlan& plan, bool dry_run) {
    if (!store && !dry_run) throw std::invalid_argument("import_plan: no store");
    Import in;
    in.report.kind = plan.kind;
    in.report.source = plan.source;
    in.report.store = store ? store->location() : "";
    in.report.dry_run = dry_run;
    in.report.notes = plan.notes;
    plan_accounts(store, plan, in);
    plan_certificates(store, plan, in);
    if (!dry_run && (!in.batch.accounts.empty() || !in.batch.certificates.empty())) write_batch(*store, in);
    return std::move(in.report);
}

}  // namespace certa::acme
