// The man pages (doc/man/*.scd) against the real binary: every command that
// `certa --help` lists has its page, and every option that `certa CMD --help`
// (and its subcommands' --help) prints has an entry in that page. Keeps the
// pages honest when a command or option is added.
#include "tests/support/Subprocess.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace certa::test;
namespace fs = std::filesystem;

namespace {

fs::path man_dir() {
    const char* dir = std::getenv("CERTA_MAN_SOURCE_DIR");
    REQUIRE_MESSAGE(dir, "CERTA_MAN_SOURCE_DIR is not set (run through meson test)");
    return dir;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    REQUIRE_MESSAGE(in, "cannot read " << p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// What one `--help` lists: its options and its subcommands.
struct Help {
    std::set<std::string> options;      // "--store", "-d", ...
    std::vector<std::string> commands;  // "issue", ...
};

// CLI11's help: a section header ("OPTIONS:", "SUBCOMMANDS:", any case),
// then two-space-indented rows whose first column is the option (or name).
Help help_of(const std::vector<std::string>& command) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    auto r = run_certa(args);
    REQUIRE_MESSAGE(r.exit_code == 0, "certa " << args.front() << " --help: " << r.err);
    Help help;
    std::string section;
    std::istringstream in(r.out);
    static const std::regex option_re(R"((^|[\s,])(--?[A-Za-z0-9][A-Za-z0-9-]*))");
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] != ' ') {
            section.clear();
            for (char c : line) section += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            continue;
        }
        if (line.rfind("  ", 0) != 0) continue;
        // The first column ends at the first run of two spaces after the text.
        std::string first = line.substr(2);
        if (auto gap = first.find("  "); gap != std::string::npos) first = first.substr(0, gap);
        if (section.rfind("SUBCOMMANDS", 0) == 0) {
            help.commands.push_back(first.substr(0, first.find(' ')));
        } else if (section.rfind("OPTIONS", 0) == 0) {
            for (std::sregex_iterator it(first.begin(), first.end(), option_re), end; it != end; ++it)
                help.options.insert((*it)[2]);
        }
    }
    return help;
}

// The options and subcommands of a command, its subcommands' included.
Help collect(const std::vector<std::string>& command) {
    Help all = help_of(command);
    const auto subcommands = all.commands;
    for (const auto& sub : subcommands) {
        auto path = command;
        path.push_back(sub);
        Help inner = collect(path);
        all.options.insert(inner.options.begin(), inner.options.end());
    }
    return all;
}

// The page of `certa CMD`: certa-CMD.N.scd, whatever its section.
fs::path page_of(const std::string& command) {
    for (const auto& entry : fs::directory_iterator(man_dir())) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("certa-" + command + ".", 0) == 0 && entry.path().extension() == ".scd" &&
            name.size() == command.size() + 12)  // "certa-" + CMD + ".N" + ".scd"
            return entry.path();
    }
    return {};
}

// Lines of an scdoc page outside literal blocks.
std::vector<std::string> text_lines(const std::string& page) {
    std::vector<std::string> out;
    std::istringstream in(page);
    bool literal = false;
    for (std::string line; std::getline(in, line);) {
        if (line.find("```") != std::string::npos) {
            literal = !literal;
            continue;
        }
        if (!literal) out.push_back(line);
    }
    return out;
}

// True when the page has an entry for `option`: a definition line (not
// indented, starting with bold text) that names it in bold, e.g.
// "*-d*, *--domain* _NAME_".
bool has_entry(const std::string& page, const std::string& option) {
    for (const auto& line : text_lines(page))
        if (!line.empty() && line[0] == '*' && line.find("*" + option + "*") != std::string::npos) return true;
    return false;
}

std::string joined(const std::set<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += i + " ";
    return out;
}

}  // namespace

TEST_CASE("certa(1) documents every global option and lists every command") {
    const Help top = help_of({});
    REQUIRE_FALSE(top.options.empty());
    REQUIRE(top.commands.size() >= 10);
    const std::string page = read_file(man_dir() / "certa.1.scd");
    std::set<std::string> missing;
    for (const auto& option : top.options)
        if (!has_entry(page, option)) missing.insert(option);
    CHECK_MESSAGE(missing.empty(), "certa.1.scd has no entry for: " << joined(missing));
    for (const auto& command : top.commands) {
        CAPTURE(command);
        CHECK(page.find("*" + command + "*") != std::string::npos);  // under COMMANDS
        CHECK(page.find("*certa-" + command + "*(") != std::string::npos);  // and its page
    }
}

TEST_CASE("every command has a page with an entry for each of its options") {
    const Help top = help_of({});
    for (const auto& command : top.commands) {
        CAPTURE(command);
        const fs::path path = page_of(command);
        REQUIRE_MESSAGE(!path.empty(), "no doc/man/certa-" << command << ".N.scd");
        const std::string page = read_file(path);
        const Help help = collect({command});
        std::set<std::string> missing;
        for (const auto& option : help.options) {
            // -h/--help is every command's and lives in certa(1); the global
            // options (--store, --json, ...) do too.
            if (option == "-h" || option == "--help" || top.options.count(option)) continue;
            if (!has_entry(page, option)) missing.insert(option);
        }
        CHECK_MESSAGE(missing.empty(), path.filename().string() << " has no entry for: " << joined(missing));
        // Each subcommand is named in bold (as an entry or in the synopsis).
        for (const auto& sub : help.commands) {
            CAPTURE(sub);
            CHECK((page.find("*" + sub + "*") != std::string::npos ||
                   page.find("*certa " + command + " " + sub + "*") != std::string::npos));
        }
    }
}

TEST_CASE("the option parser of this test finds what --help prints") {
    // Guards against a CLI11 help format this test cannot read: then the
    // checks above would pass on empty sets.
    const Help issue = help_of({"issue"});
    for (const char* option : {"-d", "--domain", "--server", "--dns-resolver", "--each"})
        CHECK_MESSAGE(issue.options.count(option) == 1, option);
    const Help store = help_of({"store"});
    CHECK(store.commands == std::vector<std::string>{"check", "path", "migrate"});
}

TEST_CASE("every page reference names an existing page, and certa(1) refers to every page") {
    std::set<std::string> pages;  // "certa-issue(1)"
    for (const auto& entry : fs::directory_iterator(man_dir())) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".scd") continue;
        const std::string page = name.substr(0, name.size() - 4);  // "certa-issue.1"
        const auto dot = page.rfind('.');
        pages.insert(page.substr(0, dot) + "(" + page.substr(dot + 1) + ")");
    }
    REQUIRE(pages.count("certa(1)") == 1);
    static const std::regex ref_re(R"(\*(certa[A-Za-z0-9_-]*)\*\((\d)\))");
    std::set<std::string> referenced;
    for (const auto& entry : fs::directory_iterator(man_dir())) {
        if (entry.path().extension() != ".scd") continue;
        const std::string text = read_file(entry.path());
        for (std::sregex_iterator it(text.begin(), text.end(), ref_re), end; it != end; ++it) {
            const std::string ref = (*it)[1].str() + "(" + (*it)[2].str() + ")";
            CHECK_MESSAGE(pages.count(ref) == 1, entry.path().filename() << " refers to " << ref);
        }
    }
    const std::string top = read_file(man_dir() / "certa.1.scd");
    const std::string see_also = top.substr(top.find("# SEE ALSO"));
    for (const auto& page : pages) {
        if (page == "certa(1)") continue;
        const std::string bold = "*" + page.substr(0, page.find('(')) + "*" + page.substr(page.find('('));
        CHECK_MESSAGE(see_also.find(bold) != std::string::npos, "certa(1) SEE ALSO lacks " << page);
    }
}
