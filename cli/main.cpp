// certa: ACME client and TLS-handshake certificate agent.
#include "cli/ProcessHardening.hpp"
#include "cli/Commands.hpp"
#include "cli/ErrorReport.hpp"
#include "cli/ExitCode.hpp"
#include "cli/GlobalOptions.hpp"
#include "cli/Logging.hpp"
#include "cli/metrics/CertificateCheck.hpp"

#include <CLI/CLI.hpp>

#include <exception>

namespace {

using namespace certa::cli;

// Every command registers itself here (see cli/Commands.hpp).
void register_all(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    register_store_command(app, g, action);
    register_list_command(app, g, action);
    register_show_command(app, g, action);
    register_export_command(app, g, action);
    register_account_command(app, g, action);
    register_issue_command(app, g, action);
    register_revoke_command(app, g, action);
    register_serve_command(app, g, action);
    register_renew_command(app, g, action);
    register_ondemand_command(app, g, action);
    register_metrics_command(app, g, action);
    register_check_command(app, g, action);
    register_import_command(app, g, action);
    register_worker_command(app, g, action);
}

}  // namespace

int main(int argc, char** argv) {
    disable_core_dumps();
    CLI::App app{"certa: ACME client (RFC 8555) and TLS-handshake certificate agent", "certa"};
    GlobalOptions g;
    if (argc > 0 && argv[0] != nullptr && argv[0][0] != '\0') g.program = argv[0];
    CommandAction action;
    try {
        add_global_options(app, g);
        register_all(app, g, action);
        app.require_subcommand(1);
        app.parse(argc, argv);
        blank_secret_arguments(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);  // --help / --version: print and exit 0
    } catch (...) {
        const int code = report_error(std::current_exception());
        return check_command_selected(app) ? static_cast<int>(CheckState::Unknown) : code;
    }
    try {
        setup_logging(g.log_level);
        if (!action) return to_int(ExitCode::Usage);
        return action();
    } catch (...) {
        return report_error(std::current_exception());
    }
}
