#include "acme/import/LegoImport.hpp"

#include "acme/import/ImportError.hpp"
#include "acme/import/ImportTree.hpp"
#include "acme/import/ImportedCertificate.hpp"
#include "acme/import/LegoAccount.hpp"
#include "acme/import/LegoCertificate.hpp"
#include "acme/import/LegoServer.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"

namespace certa::acme {

namespace fs = std::filesystem;

namespace {

using Kind = ImportNote::Kind;

struct Reader {
    const ImportTree& tree;
    const LegoImportOptions& options;
    ImportPlan& plan;
    std::vector<LegoAccount> accounts;

    // The directory URL for an accounts folder; nullopt when unknown.
    std::optional<std::string> server_for(const std::string& host_dir) const {
        if (!options.server.empty() && lego_host_dir(options.server) == host_dir) return options.server;
        return known_directory_url(host_dir);
    }

    void read_accounts() {
        for (const auto& host : tree.list("accounts")) {
            if (!tree.is_directory(fs::path("accounts") / host)) continue;
            if (!options.server.empty() && lego_host_dir(options.server) != host) {
                plan.notes.push_back({Kind::Note, "", "accounts/" + host, "another CA than --server; not imported"});
                continue;
            }
            const auto server = server_for(host);
            if (!server)
                throw ImportError((tree.root() / "accounts" / host).string() +
                                  ": lego does not record this CA's directory URL; give --server URL");
            for (const auto& email : tree.list(fs::path("accounts") / host)) {
                if (!options.email.empty() && email != options.email) {
                    plan.notes.push_back({Kind::Note, "", "accounts/" + host + "/" + email, "not --email; not imported"});
                    continue;
                }
                LegoAccount account = read_lego_account(tree, host, email, *server);
                if (account.account.row.status != "valid") {
                    plan.notes.push_back({Kind::Note, "", "accounts/" + host + "/" + email,
                                          "account is " + account.account.row.status + " at the CA; not imported"});
                    continue;
                }
                plan.accounts.push_back(account.account);
                accounts.push_back(std::move(account));
            }
        }
    }

    // The account index for a certificate from `host_dir` (-1: none).
    int account_for(const std::string& label, const std::string& host_dir) const {
        std::vector<int> found;
        for (std::size_t i = 0; i < accounts.size(); ++i)
            if (host_dir.empty() || accounts[i].host_dir == host_dir) found.push_back(static_cast<int>(i));
        if (found.size() <= 1) return found.empty() ? -1 : found.front();
        std::string emails;
        for (int i : found) emails += (emails.empty() ? "" : ", ") + accounts[static_cast<std::size_t>(i)].email;
        throw ImportError(label + ": several lego accounts could have issued it (" + emails + "); give --email");
    }

    void read_certificates() {
        for (const auto& file : tree.list("certificates")) {
            if (file.size() <= 5 || file.compare(file.size() - 5, 5, ".json") != 0) continue;
            LegoCertificate lego = read_lego_certificate(tree, file.substr(0, file.size() - 5));
            auto& cert = lego.certificate;
            auto& s = cert.settings;
            cert.account = account_for(cert.label, lego.host_dir);
            if (cert.account >= 0) s.server = accounts[static_cast<std::size_t>(cert.account)].account.row.server;
            else s.server = server_for(lego.host_dir).value_or(options.server);
            if (!lego.host_dir.empty() && !s.server.empty() && lego_host_dir(s.server) != lego.host_dir) s.server.clear();
            if (cert.account < 0)
                plan.notes.push_back({Kind::Note, cert.label, "account",
                                      "no lego account of its CA was imported; certa renew uses the store's account "
                                      "for the CA, or registers one"});
            if (s.server.empty()) {
                s.renew_skip_reason = "its CA (" + lego.host_dir + ") is unknown: import again with --server URL";
                plan.notes.push_back({Kind::Unsupported, cert.label, "CA " + lego.host_dir,
                                      "directory URL unknown; not renewed (give --server)"});
            }
            s.challenge = storage::to_string(storage::ChallengeType::Http01);
            s.http_port = 80;
            s.key_type = renewable_key_type(cert.input.key_type) ? cert.input.key_type : std::string(storage::kDefaultKeyType);
            if (s.key_type != cert.input.key_type)
                plan.notes.push_back({Kind::Unsupported, cert.label, "key type " + cert.input.key_type,
                                      "certa renews with ec256"});
            cert.input.server = s.server;
            plan.certificates.push_back(std::move(cert));
        }
    }
};

}  // namespace

ImportPlan read_lego(const fs::path& dir, const LegoImportOptions& options) {
    const ImportTree tree = ImportTree::open(dir);
    ImportPlan plan;
    plan.kind = "lego";
    plan.source = tree.root().string();
    Reader reader{tree, options, plan, {}};
    reader.read_accounts();
    reader.read_certificates();
    if (plan.accounts.empty() && plan.certificates.empty())
        throw ImportError(plan.source + " holds no lego accounts (accounts/) or certificates (certificates/*.json)");
    if (!plan.certificates.empty())
        plan.notes.push_back({Kind::Note, "", "renewal settings",
                              "lego keeps none: certa renews with http-01 on port 80 (lego's default) unless "
                              "--challenge, --http-port, --webroot, --tls-port or --dns-hook say otherwise"});
    return plan;
}

}  // namespace certa::acme
