// `certa renew`: refreshes the OCSP responses that are due (cli/OcspStep),
// then renews every active certificate that is due (cron / systemd
// timer safe: leases, back-off, ARI), rewrites its export dirs and runs the
// deploy hook; one line per certificate, or a JSON array with --json.
#include "acme/renew/Renewer.hpp"
#include "cli/Commands.hpp"
#include "cli/DeployFlags.hpp"
#include "cli/OcspStep.hpp"
#include "cli/OpenStore.hpp"
#include "cli/RenewOutcomeText.hpp"
#include "cli/TimeFormat.hpp"
#include "storage/open/StorePath.hpp"

#include <cpprest/json.h>

#include <iostream>
#include <memory>

namespace certa::cli {

namespace {

struct RenewArgs {
    acme::RenewOptions options;
    int days = 0;
    bool quiet = false;
    bool exit_code_on_renewal = false;
    int hook_timeout_s = 300;
    std::string allow_file = "/etc/certa/allow";
    DeployFlags deploy;
};

bool failed(const acme::RenewOutcome& o) {
    return o.status == acme::RenewStatus::Failed || !o.deploy_error.empty();
}

web::json::value json_item(const acme::RenewOutcome& o) {
    web::json::value v = web::json::value::object();
    v["name"] = web::json::value::string(o.name);
    v["id"] = web::json::value::number(static_cast<int64_t>(o.certificate_id));
    v["status"] = web::json::value::string(acme::to_string(o.status));
    if (o.status == acme::RenewStatus::Renewed || o.status == acme::RenewStatus::Deployed) {
        v["new_id"] = web::json::value::number(static_cast<int64_t>(o.new_id));
        v["not_after"] = web::json::value::string(iso8601_utc(o.when));
    }
    if (o.status == acme::RenewStatus::NotDue) v["due"] = web::json::value::string(iso8601_utc(o.when));
    if (!o.error.empty()) v["error"] = web::json::value::string(o.error);
    if (!o.deploy_error.empty()) v["deploy_error"] = web::json::value::string(o.deploy_error);
    return v;
}

int run_renew(const GlobalOptions& g, RenewArgs args) {
    auto store = open_store(g);
    // Issue 14: a shared store's recorded hooks, dirs and bundle need local consent.
    args.options.policy = storage::is_private_store(store_path(g)) ? acme::LocalPolicy::trust_store()
                                                                   : acme::LocalPolicy::from_file(args.allow_file);
    if (args.days > 0) args.options.days = args.days;
    args.options.owner = lease_owner();
    args.options.deploy_targets = args.deploy.targets;
    args.options.deploy_checks = args.deploy.checks;
    args.options.hook_timeout = std::chrono::seconds(args.hook_timeout_s);
    // Listing what is not due costs a read of every row; --quiet (cron) skips it.
    args.options.report_not_due = g.json || !args.quiet;
    // OCSP first: a certificate its responder calls revoked is renewed by this same run.
    for (const auto& o : run_ocsp_step(*store)) {
        const std::string line = ocsp_text_line(o);
        if (!line.empty() && !g.json && (!args.quiet || o.status == "revoked")) std::cout << line << '\n';
    }
    acme::Renewer renewer(*store, args.options);
    const auto outcomes = renewer.run();

    bool any_failed = false, any_renewed = false, store_unusable = false;
    std::vector<web::json::value> items;
    for (const auto& o : outcomes) {
        any_failed = any_failed || failed(o);
        store_unusable = store_unusable || o.store_unusable;
        // A finished deploy counts: the new certificate reached its export dirs and hook in this run.
        any_renewed = any_renewed || o.status == acme::RenewStatus::Renewed || o.status == acme::RenewStatus::Deployed;
        if (g.json) items.push_back(json_item(o));
        else if (!args.quiet || failed(o)) std::cout << text_line(o) << '\n';
    }
    if (g.json) std::cout << web::json::value::array(items).serialize() << '\n';
    std::cout.flush();
    // The store itself failing (locked, I/O, disk full) outranks a CA failure: cron should see 3.
    if (store_unusable) return to_int(ExitCode::Store);
    if (any_failed) return to_int(ExitCode::Failure);
    if (any_renewed && args.exit_code_on_renewal) return to_int(ExitCode::Renewed);
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_renew_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto args = std::make_shared<RenewArgs>();
    auto& o = args->options;
    CLI::App* cmd = app.add_subcommand("renew", "Renew the certificates that are due (safe to run from cron)");
    cmd->add_option("-d,--domain", o.names, "Only the certificate(s) holding this name; repeatable");
    cmd->add_flag("--force", o.force, "Renew now, whether due or backing off after failures");
    cmd->add_option("--days", args->days, "Due when fewer than N days remain (instead of ARI / 1/3 of the lifetime)")
        ->check(CLI::Range(1, 36500));
    cmd->add_flag("--quiet", args->quiet, "Print only failures");
    cmd->add_flag("--exit-code-on-renewal", args->exit_code_on_renewal,
                  "Exit 10 when something was renewed and nothing failed");
    cmd->add_option("--deploy-hook", o.deploy_hook,
                    "Run 'sh -c CMD' after each renewal (recorded for later renewals)");
    add_deploy_flags(cmd, args->deploy);
    cmd->add_flag("--agree-tos", o.agree_tos,
                  "Agree to the CA's terms if an account must be registered again (recorded)");
    cmd->add_option("--hook-timeout", args->hook_timeout_s, "Seconds a deploy hook may run (default 300)")
        ->check(CLI::Range(1, 86400));
    cmd->add_option("--allow-file", args->allow_file,
                    "With a shared store: the local allow file for recorded hooks, export dirs, webroot and CA "
                    "bundle (default /etc/certa/allow)");
    cmd->add_option("--parallel", o.parallel, "Renewals at once (default 1)")->check(CLI::Range(1, 64));
    cmd->add_option("--lease-ttl", o.lease_ttl_s,
                    "Seconds a crashed renewer keeps a certificate locked (default 120, at least 3)")
        ->check(CLI::Range(3, 3600));
    set_action(cmd, action, [&g, args] { return run_renew(g, *args); });
}

}  // namespace certa::cli
