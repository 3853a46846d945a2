#include "acme/import/LegoAccount.hpp"

#include "acme/import/AccountImport.hpp"
#include "acme/import/ImportError.hpp"
#include "acme/import/KeySizeLimit.hpp"
#include "acme/protocol/Json.hpp"

namespace certa::acme {

namespace fs = std::filesystem;

LegoAccount read_lego_account(const ImportTree& tree, const std::string& host_dir, const std::string& email,
                              const std::string& server) {
    const fs::path dir = fs::path("accounts") / host_dir / email;
    const std::string where = (tree.root() / dir).string();
    AccountDocument doc;
    try {
        const auto v = json::parse_object(tree.read(dir / "account.json"));
        const json::Value* reg = json::find(v, "registration");
        if (!reg || !reg->is_object()) throw ImportError(where + "/account.json: no registration (the account was never registered)");
        doc.url = json::string_field(*reg, "uri").value_or("");
        if (const json::Value* body = json::find(*reg, "body"); body && body->is_object()) {
            doc.status = json::string_field(*body, "status").value_or("");
            doc.contact = json::string_array_field(*body, "contact");
        }
        if (doc.contact.empty())
            if (auto mail = json::string_field(v, "email"); mail && !mail->empty()) doc.contact.push_back("mailto:" + *mail);
    } catch (const json::JsonError& e) {
        throw ImportError(where + "/account.json: " + e.what());
    }
    const fs::path key_file = dir / "keys" / (email + ".key");
    const ossl::PKeyPtr key = ossl::parse_key_pem(tree.read(key_file));
    if (!key) {
        ossl::last_error();
        throw ImportError((tree.root() / key_file).string() + ": not a PEM private key");
    }
    check_import_key_size(key.get(), (tree.root() / key_file).string());
    LegoAccount out;
    out.host_dir = host_dir;
    out.email = email;
    out.account = imported_account(where, server, doc, key.get());
    return out;
}

}  // namespace certa::acme
