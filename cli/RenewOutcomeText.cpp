#include "cli/RenewOutcomeText.hpp"

#include "cli/TimeFormat.hpp"

namespace certa::cli {

std::string text_line(const acme::RenewOutcome& o) {
    std::string line = o.name + ": ";
    switch (o.status) {
        case acme::RenewStatus::Renewed:
            line += "renewed (expires " + iso8601_utc(o.when) + ")";
            if (!o.deploy_error.empty()) line += "; " + o.deploy_error;
            break;
        case acme::RenewStatus::NotDue:
            line += "not due until " + iso8601_utc(o.when);
            if (!o.error.empty()) line += " (backing off after: " + o.error + ")";
            break;
        case acme::RenewStatus::Skipped: line += "skipped (" + o.error + ")"; break;
        case acme::RenewStatus::Failed: line += "failed: " + o.error; break;
        case acme::RenewStatus::Deployed:
            // Renewed by an earlier run whose deploy did not finish (killed, or not live yet).
            if (o.deploy_error.empty()) line += "deployed (the deploy step of an earlier renewal, finished now)";
            else line += "deploy of an earlier renewal: " + o.deploy_error;
            break;
    }
    return line;
}

}  // namespace certa::cli
