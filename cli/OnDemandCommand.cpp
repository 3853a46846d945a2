// `certa ondemand allow|deny|remove PATTERN`, `certa ondemand list`: the
// allow/deny list kept in the store. Every `certa serve --on-demand` sharing
// the store applies it live (change detection, no restart); a deny rule beats
// any allow (--allow, --ask or a stored allow).
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/OpenStore.hpp"
#include "cli/TextTable.hpp"
#include "cli/TimeFormat.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <cpprest/json.h>

#include <algorithm>
#include <iostream>
#include <memory>

namespace certa::cli {

namespace {

enum class RuleAction { Allow, Deny, Remove };

// A DNS name or "*.example.com", normalized as the handshake index does
// (lowercase, no trailing dot). A pattern is not a certificate name, so
// "*.example" (every name under a test TLD) is a pattern too. IP addresses
// never trigger on-demand issuance.
std::string normalized_pattern(const std::string& text) {
    const std::size_t start = std::min(text.find_first_not_of(" \t"), text.size());
    const bool wildcard = text.compare(start, 2, "*.") == 0;
    auto plain = storage::normalize_server_name(wildcard ? text.substr(start + 2) : text);
    if (!plain || plain->kind != storage::NormalizedName::Kind::Dns)
        throw CliError(ExitCode::Usage, "'" + storage::printable_name(text) + "' is not a DNS name or *.example.com pattern");
    return wildcard ? "*." + plain->name : plain->name;
}

int run_change(const GlobalOptions& g, RuleAction action, const std::string& text) {
    const std::string pattern = normalized_pattern(text);
    auto store = open_store(g);
    if (action == RuleAction::Remove) {
        if (!store->remove_on_demand_rule(pattern))
            throw CliError(ExitCode::NotFound, "no on-demand rule for " + pattern + " in " + store->location());
        std::cout << "removed the on-demand rule for " << pattern << '\n';
        return to_int(ExitCode::Ok);
    }
    storage::OnDemandRule rule;
    rule.pattern = pattern;
    rule.deny = action == RuleAction::Deny;
    store->put_on_demand_rule(rule);
    std::cout << (rule.deny ? "denied " : "allowed ") << pattern << " for on-demand issuance\n";
    return to_int(ExitCode::Ok);
}

int run_list(const GlobalOptions& g) {
    auto store = open_store(g);
    const auto rules = store->list_on_demand_rules();
    if (g.json) {
        std::vector<web::json::value> items;
        for (const auto& rule : rules) {
            web::json::value item = web::json::value::object();
            item["pattern"] = web::json::value::string(rule.pattern);
            item["action"] = web::json::value::string(rule.deny ? "deny" : "allow");
            item["created"] = web::json::value::string(iso8601_utc(rule.created));
            items.push_back(std::move(item));
        }
        web::json::value v = web::json::value::object();
        v["store"] = web::json::value::string(store->location());
        v["rules"] = web::json::value::array(items);
        std::cout << v.serialize() << '\n';
        return to_int(ExitCode::Ok);
    }
    if (rules.empty()) {
        std::cout << "no on-demand rules in " << store->location() << '\n';
        return to_int(ExitCode::Ok);
    }
    TextTable table({"PATTERN", "ACTION", "CREATED"});
    for (const auto& rule : rules) table.add_row({rule.pattern, rule.deny ? "deny" : "allow", iso8601_utc(rule.created)});
    table.print(std::cout);
    return to_int(ExitCode::Ok);
}

}  // namespace

void register_ondemand_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    CLI::App* ondemand = app.add_subcommand(
        "ondemand", "Manage the on-demand allow/deny list in the store (applied live by certa serve --on-demand)");
    ondemand->require_subcommand(1);
    struct Change {
        const char* name;
        const char* help;
        RuleAction action;
    };
    for (const Change& change : {Change{"allow", "Allow on-demand issuance for a name or *.example.com", RuleAction::Allow},
                                 Change{"deny", "Deny on-demand issuance for a name or *.example.com (beats any allow)",
                                        RuleAction::Deny},
                                 Change{"remove", "Remove the rule for a pattern", RuleAction::Remove}}) {
        auto pattern = std::make_shared<std::string>();
        CLI::App* sub = ondemand->add_subcommand(change.name, change.help);
        sub->add_option("PATTERN", *pattern, "example.com or *.example.com")->required();
        set_action(sub, action, [&g, pattern, a = change.action] { return run_change(g, a, *pattern); });
    }
    CLI::App* list = ondemand->add_subcommand("list", "List the on-demand rules (--json for JSON)");
    set_action(list, action, [&g] { return run_list(g); });
}

}  // namespace certa::cli
