// `certa export NAME --dir D`: writes cert.pem, chain.pem, fullchain.pem and
// privkey.pem, each replaced atomically.
#include "cli/AtomicFile.hpp"
#include "cli/CertificateLookup.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "storage/OpenSsl.hpp"

#include <cpprest/json.h>

#include <iostream>

namespace certa::cli {

namespace {

struct ExportOptions {
    std::string name;
    std::string dir;
};

struct PemFiles {
    std::string cert, chain, fullchain;
};

PemFiles split_chain(const storage::CertificateRecord& cert) {
    auto parsed = ossl::parse_chain_pem(cert.chain_pem);
    if (parsed.empty())
        throw CliError(ExitCode::Failure, "certificate #" + std::to_string(cert.id) + " has no parsable chain");
    PemFiles files;
    files.cert = ossl::to_pem(parsed.front().get());
    for (std::size_t i = 1; i < parsed.size(); ++i) files.chain += ossl::to_pem(parsed[i].get());
    files.fullchain = files.cert + files.chain;
    return files;
}

int run_export(const GlobalOptions& g, const ExportOptions& options) {
    auto store = open_store(g);
    const auto cert = find_certificate(*store, options.name);
    const PemFiles pem = split_chain(cert);
    const std::filesystem::path dir(options.dir);
    ensure_private_dir(dir);
    // The key first: a reader that sees the new certificate finds its key already there.
    write_file_atomic(dir, "privkey.pem", cert.key_pem, 0600);
    write_file_atomic(dir, "chain.pem", pem.chain, 0644);
    write_file_atomic(dir, "fullchain.pem", pem.fullchain, 0644);
    write_file_atomic(dir, "cert.pem", pem.cert, 0644);
    store->add_event("exported", cert.id, "to " + dir.string());
    if (g.json) {
        web::json::value v = web::json::value::object();
        v["id"] = web::json::value::number(static_cast<int64_t>(cert.id));
        v["dir"] = web::json::value::string(dir.string());
        std::vector<web::json::value> files;
        for (const char* f : {"cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"})
            files.push_back(web::json::value::string((dir / f).string()));
        v["files"] = web::json::value::array(files);
        std::cout << v.serialize() << '\n';
    } else {
        std::cout << "exported certificate #" << cert.id << " to " << dir.string()
                  << ": cert.pem chain.pem fullchain.pem privkey.pem\n";
    }
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_export_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<ExportOptions>();
    CLI::App* exp = app.add_subcommand("export", "Write a certificate, its chain and its key as PEM files");
    exp->add_option("NAME", options->name, "A name (identifier) of the certificate")->required();
    exp->add_option("--dir", options->dir, "Target directory (created 0700 if missing)")
        ->required()
        ->type_name("DIR");
    set_action(exp, action, [&g, options] { return run_export(g, *options); });
}

}  // namespace certa::cli
