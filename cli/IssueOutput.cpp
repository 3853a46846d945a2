#include "cli/IssueOutput.hpp"

#include "cli/TimeFormat.hpp"

#include <cpprest/json.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <initializer_list>
#include <iostream>

namespace certa::cli {
namespace {

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

web::json::value to_json(const IssueReport& report) {
    using web::json::value;
    value issued = value::array();
    size_t i = 0;
    for (const auto& cert : report.issued) {
        value c = value::object();
        c["id"] = value::number(static_cast<int64_t>(cert.id));
        std::vector<value> names;
        for (const auto& n : cert.names) names.push_back(value::string(n));
        c["names"] = value::array(names);
        c["serial"] = value::string(cert.serial_hex);
        c["not_after"] = value::string(iso8601_utc(cert.not_after));
        c["key_type"] = value::string(cert.key_type);
        issued[i++] = c;
    }
    value failed = value::array();
    i = 0;
    for (const auto& f : report.failed) {
        value e = value::object();
        e["name"] = value::string(f.name);
        e["error"] = value::string(f.error);
        failed[i++] = e;
    }
    value deploy_failed = value::array();
    i = 0;
    for (const auto& f : report.deploy_failed) {
        value e = value::object();
        e["name"] = value::string(f.name);
        e["error"] = value::string(f.error);
        deploy_failed[i++] = e;
    }
    value out = value::object();
    out["store"] = value::string(report.store);
    out["issued"] = issued;
    out["failed"] = failed;
    out["deploy_failed"] = deploy_failed;
    return out;
}

// One word as /bin/sh reads it: left bare when it is plain (letters, digits,
// and / . _ - : @ = + ,), else in single quotes ('*.example.com').
std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) {
        return std::isalnum(c) || std::strchr("/._-:@=+,", c) != nullptr;
    });
    if (plain) return word;
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A command line the user can paste: the hint command, then `args`.
std::string hint(const IssueReport& report, std::initializer_list<std::string> args) {
    std::string out;
    for (const auto& word : report.hint_command) out += (out.empty() ? "" : " ") + shell_word(word);
    for (const auto& word : args) out += " " + shell_word(word);
    return out;
}

}  // namespace

void print_issue_report(const IssueReport& report, bool json) {
    if (json) {
        std::cout << to_json(report).serialize() << '\n';
        return;
    }
    for (const auto& cert : report.issued) {
        std::cout << "Issued certificate #" << cert.id << " for " << joined(cert.names) << '\n'
                  << "  Store:      " << report.store << '\n'
                  << "  Serial:     " << cert.serial_hex << '\n'
                  << "  Key type:   " << cert.key_type << '\n'
                  << "  Not after:  " << iso8601_utc(cert.not_after) << '\n'
                  << "  Look at it: " << hint(report, {"show", cert.names.front()}) << '\n'
                  << "  Export it:  " << hint(report, {"export", cert.names.front(), "--dir", "DIR"}) << '\n';
    }
    for (const auto& f : report.failed) std::cout << "FAILED " << f.name << ": " << f.error << '\n';
    // Issued and stored; `certa renew` retries the deploy.
    for (const auto& f : report.deploy_failed) std::cout << f.name << ": " << f.error << '\n';
    if (!report.issued.empty() && !report.failed.empty())
        std::cout << report.issued.size() << " issued, " << report.failed.size() << " failed\n";
}

}  // namespace certa::cli
