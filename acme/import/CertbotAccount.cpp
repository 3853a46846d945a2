#include "acme/import/CertbotAccount.hpp"

#include "acme/import/AccountImport.hpp"
#include "acme/import/ImportError.hpp"
#include "acme/import/JwkPrivateKey.hpp"
#include "acme/protocol/Json.hpp"

#include <ctime>

namespace certa::acme {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxDepth = 8;  // accounts/<host>/<path...>/<id>

// "2026-12-03T16:41:51Z" (certbot writes UTC); 0 when it does not parse.
storage::UnixTime creation_time(const ImportTree& tree, const fs::path& dir) {
    if (!tree.exists(dir / "meta.json")) return 0;
    try {
        const auto meta = json::parse_object(tree.read(dir / "meta.json"));
        const std::string text = json::string_field(meta, "creation_dt").value_or("");
        std::tm tm{};
        const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
        if (!end) return 0;
        return static_cast<storage::UnixTime>(::timegm(&tm));
    } catch (const json::JsonError&) {
        return 0;
    }
}

CertbotAccount read_one(const ImportTree& tree, const fs::path& dir, const std::string& server) {
    const std::string where = dir.string();
    CertbotAccount out;
    out.id = dir.filename().string();
    json::Value regr;
    try {
        regr = json::parse_object(tree.read(dir / "regr.json"));
    } catch (const json::JsonError& e) {
        throw ImportError(where + "/regr.json: " + e.what());
    }
    AccountDocument doc;
    try {
        doc.url = json::string_field(regr, "uri").value_or("");
        if (const json::Value* body = json::find(regr, "body"); body && body->is_object()) {
            doc.status = json::string_field(*body, "status").value_or("");
            doc.contact = json::string_array_field(*body, "contact");
        }
    } catch (const json::JsonError& e) {
        throw ImportError(where + "/regr.json: " + e.what());
    }
    ossl::PKeyPtr key;
    try {
        key = jwk_private_key(tree.read(dir / "private_key.json"));
    } catch (const ImportError& e) {
        throw ImportError(where + "/private_key.json: " + e.what());
    }
    out.account = imported_account(where, server, doc, key.get());
    out.account.row.created = creation_time(tree, dir);
    return out;
}

void walk(const ImportTree& tree, const fs::path& dir, int depth, std::vector<CertbotAccount>& found,
          std::vector<ImportNote>& notes) {
    if (tree.exists(dir / "regr.json")) {
        // The path between accounts/ and <id> is the directory URL without its scheme.
        std::string server = "https://";
        const fs::path rel = dir.parent_path().lexically_relative("accounts");
        bool first = true;
        for (const auto& part : rel) server += (first ? "" : "/") + part.string(), first = false;
        CertbotAccount account = read_one(tree, dir, server);
        if (account.account.row.status != "valid") {
            notes.push_back({ImportNote::Kind::Note, "", dir.string(),
                             "account is " + account.account.row.status + " at the CA; not imported"});
            return;
        }
        found.push_back(std::move(account));
        return;
    }
    if (depth >= kMaxDepth) return;
    for (const auto& name : tree.list(dir))
        if (tree.is_directory(dir / name)) walk(tree, dir / name, depth + 1, found, notes);
}

}  // namespace

std::vector<CertbotAccount> read_certbot_accounts(const ImportTree& tree, std::vector<ImportNote>& notes) {
    std::vector<CertbotAccount> found;
    if (tree.is_directory("accounts")) walk(tree, "accounts", 0, found, notes);
    return found;
}

}  // namespace certa::acme
