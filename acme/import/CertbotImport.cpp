#include "acme/import/CertbotImport.hpp"

#include "acme/import/CertbotAccount.hpp"
#include "acme/import/CertbotLineage.hpp"
#include "acme/import/ImportError.hpp"
#include "acme/import/ImportTree.hpp"

namespace certa::acme {

namespace fs = std::filesystem;

namespace {

// "https://host/path/" and "https://host/path" name the same account directory.
std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

void list_hook_dirs(const ImportTree& tree, std::vector<ImportNote>& notes) {
    for (const char* kind : {"pre", "post", "deploy"}) {
        const fs::path dir = fs::path("renewal-hooks") / kind;
        for (const auto& name : tree.list(dir))
            notes.push_back({ImportNote::Kind::Unsupported, "", (dir / name).string(),
                             "certa does not run certbot's hook directories (give the command as certa renew --deploy-hook)"});
    }
}

}  // namespace

ImportPlan read_certbot(const fs::path& dir, const CertbotImportOptions& options) {
    const ImportTree tree = ImportTree::open(dir);
    ImportPlan plan;
    plan.kind = "certbot";
    plan.source = tree.root().string();
    auto accounts = read_certbot_accounts(tree, plan.notes);
    for (const auto& a : accounts) plan.accounts.push_back(a.account);

    std::vector<std::string> lineages;
    for (const auto& file : tree.list("renewal")) {
        if (file.size() > 5 && file.compare(file.size() - 5, 5, ".conf") == 0) lineages.push_back(file.substr(0, file.size() - 5));
        else plan.notes.push_back({ImportNote::Kind::Note, "", "renewal/" + file, "not a .conf file; certbot ignores it too"});
    }
    if (accounts.empty() && lineages.empty())
        throw ImportError(plan.source + " holds no certbot accounts (accounts/) or renewal confs (renewal/*.conf)");

    for (const auto& name : lineages) {
        CertbotLineage lineage = read_certbot_lineage(tree, name, options.export_live, plan.notes);
        auto& cert = lineage.certificate;
        for (std::size_t i = 0; i < accounts.size(); ++i) {
            const auto& row = accounts[i].account.row;
            if (accounts[i].id != lineage.account_id ||
                without_trailing_slash(row.server) != without_trailing_slash(cert.settings.server))
                continue;
            cert.account = static_cast<int>(i);
            // The conf's spelling of the URL is the one renewals use (Store::find_account matches it exactly).
            plan.accounts[i].row.server = cert.settings.server;
        }
        if (cert.account < 0 && !lineage.account_id.empty())
            plan.notes.push_back({ImportNote::Kind::Note, name, "account = " + lineage.account_id,
                                  "not found under accounts/ for " + cert.settings.server +
                                      "; certa renew uses the store's account for that CA, or registers one"});
        plan.certificates.push_back(std::move(cert));
    }
    list_hook_dirs(tree, plan.notes);
    return plan;
}

}  // namespace certa::acme
