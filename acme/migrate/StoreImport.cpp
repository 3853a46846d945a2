#include "acme/migrate/StoreImport.hpp"

#include "acme/migrate/ImportError.hpp"
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

ImportReport import_plan(storage::Store* store, const ImportPlan& plan, bool dry_run) {
    if (!store && !dry_run) throw std::invalid_argument("import_plan: no store");
    ImportReport report;
    report.kind = plan.kind;
    report.source = plan.source;
    report.store = store ? store->location() : "";
    report.dry_run = dry_run;
    report.notes = plan.notes;

    // Accounts: the same CA and account URL is the same account.
    const auto stored_accounts = store ? store->list_accounts() : std::vector<storage::Account>{};
    storage::ImportBatch batch;
    std::vector<int> batch_index(plan.accounts.size(), -1);  // plan account → batch account
    for (std::size_t i = 0; i < plan.accounts.size(); ++i) {
        const auto& row = plan.accounts[i].row;
        AccountResult r{row.server, row.url, row.key_type, plan.accounts[i].source, ImportAction::Import, 0};
        for (const auto& s : stored_accounts)
            if (s.server == row.server && s.url == row.url) r.action = ImportAction::Present, r.id = s.id;
        for (std::size_t j = 0; j < i && r.action == ImportAction::Import; ++j)
            if (report.accounts[j].server == row.server && report.accounts[j].url == row.url)
                throw ImportError(plan.accounts[i].source + " and " + plan.accounts[j].source + " are the same account");
        if (r.action == ImportAction::Import) {
            batch_index[i] = static_cast<int>(batch.accounts.size());
            batch.accounts.push_back(row);
        }
        report.accounts.push_back(std::move(r));
    }

    // Certificates: the same serial from the same issuer key is the same certificate.
    storage::CertificateFilter all;
    all.include_inactive = true;
    all.columns = storage::CertificateColumns::Summary;
    std::map<std::string, storage::CertificateRecord> stored;
    for (auto& row : store ? store->list_certificates(all) : std::vector<storage::CertificateRecord>{})
        stored.emplace(row.serial_hex + '/' + row.aki_hex, std::move(row));
    std::map<std::string, std::size_t> in_plan;
    std::vector<std::size_t> new_rows;  // report index of each batch certificate
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
        in_plan.emplace(key, report.certificates.size());
        storage::ImportCertificate c;
        c.input = cert.input;
        c.account_index = -1;
        if (cert.account >= 0) {
            const auto a = static_cast<std::size_t>(cert.account);
            r.account_url = plan.accounts[a].row.url;
            if (r.settings.contact.empty()) r.settings.contact = storage::decode_contact(plan.accounts[a].row.contact);
            if (batch_index[a] >= 0) c.account_index = batch_index[a];
            else c.input.account_id = report.accounts[a].id;
        } else if (cert.input.account_id != 0) {
            if (auto row = store ? store->get_account(cert.input.account_id) : std::nullopt) r.account_url = row->url;
        }
        c.input.settings_json = r.settings.to_json();
        c.event_detail = "from " + plan.kind + " " + cert.source;
        if (r.action == ImportAction::Import) {
            new_rows.push_back(report.certificates.size());
            batch.certificates.push_back(std::move(c));
        }
        report.certificates.push_back(std::move(r));
    }
    if (dry_run || (batch.accounts.empty() && batch.certificates.empty())) return report;

    const storage::ImportIds ids = store->import_batch(batch);
    for (std::size_t i = 0, b = 0; i < plan.accounts.size(); ++i)
        if (batch_index[i] >= 0) report.accounts[i].id = ids.accounts[b++];
    for (std::size_t i = 0; i < new_rows.size(); ++i) report.certificates[new_rows[i]].id = ids.certificates[i];
    return report;
}

}  // namespace certa::acme
