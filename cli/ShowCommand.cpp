// `certa show NAME`: one certificate in detail (never its key).
#include "cli/CertificateLookup.hpp"
#include "cli/CertificateView.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "cli/TimeFormat.hpp"

#include <cpprest/json.h>

#include <iostream>

namespace certa::cli {

namespace {

constexpr int kRecentEvents = 10;

struct ShowOptions {
    std::string name;
};

// "-" for an empty value, so every line has something after the label.
std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

void print_text(const storage::CertificateRecord& cert, const std::vector<storage::Event>& events) {
    auto line = [](const char* label, const std::string& value) {
        std::cout << "  " << label << std::string(14 - std::string(label).size(), ' ') << or_dash(value)
                  << '\n';
    };
    std::cout << "Certificate #" << cert.id << '\n';
    line("Names:", join_names(cert.names, ", "));
    line("Status:", storage::to_string(cert.status));
    line("Serial:", cert.serial_hex);
    line("Not before:", iso8601_utc(cert.not_before));
    line("Not after:", iso8601_utc(cert.not_after));
    line("Key type:", cert.key_type);
    line("Issuer:", leaf_issuer(cert.chain_pem));
    line("Server:", cert.server);  // the CA that issued it
    line("CA list:", join_names(recorded_ca_list(cert), ", then "));
    line("Profile:", cert.profile);
    line("ARI certID:", cert.ari_cert_id);
    line("ARI window:", cert.ari_window_start == 0 ? std::string{}
                                                   : iso8601_utc(cert.ari_window_start) + " .. " +
                                                         iso8601_utc(cert.ari_window_end));
    line("Renew at:", iso8601_utc(cert.renew_at));
    line("Next attempt:", iso8601_utc(cert.next_attempt));
    line("Failures:", std::to_string(cert.failures));
    line("Last error:", cert.last_error);
    if (cert.replaced_by != 0) line("Replaced by:", "#" + std::to_string(cert.replaced_by));
    std::cout << "  Recent events:" << (events.empty() ? " -" : "") << '\n';
    for (const auto& e : events)
        std::cout << "    " << iso8601_utc(e.time) << "  " << e.kind << (e.detail.empty() ? "" : "  ")
                  << e.detail << '\n';
}

int run_show(const GlobalOptions& g, const ShowOptions& options) {
    auto store = open_store(g);
    const auto cert = find_certificate(*store, options.name, storage::CertificateColumns::WithoutKey);
    const auto events = store->list_events(cert.id, kRecentEvents);
    if (g.json)
        std::cout << certificate_detail_json(cert, events).serialize() << '\n';
    else
        print_text(cert, events);
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_show_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto options = std::make_shared<ShowOptions>();
    CLI::App* show = app.add_subcommand("show", "Show one certificate (names, validity, renewal state, events)");
    show->add_option("NAME", options->name, "A name (identifier) of the certificate")->required();
    set_action(show, action, [&g, options] { return run_show(g, *options); });
}

}  // namespace certa::cli
