#include "cli/ErrorReport.hpp"

#include "acme/challenge/dns/Rfc2136Error.hpp"
#include "acme/files/LocalFileError.hpp"
#include "acme/issue/FailoverIssuer.hpp"
#include "acme/import/ImportError.hpp"
#include "cli/CliError.hpp"
#include "cli/ExitCode.hpp"
#include "storage/StoreError.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace certa::cli {

void print_error_line(const std::string& message) {
    std::string line = "certa: ";
    for (char c : message) {
        if (c == '\n' || c == '\r') {
            // Fold multi-line messages so every failure is exactly one line.
            if (!line.empty() && line.back() != ' ') line += "; ";
        } else {
            line += c;
        }
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == ';')) line.pop_back();
    line += '\n';
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

namespace {

struct Described {
    int code;
    std::string line;
};

// To map another module's typed error, add a catch clause below that returns
// its exit code and one line. Catch the most derived types first; the
// std::exception clause must stay last.
Described describe(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const acme::CaFailoverError& e) {
        // No CA of the list issued: one line naming each CA tried; the exit
        // code is the one of the error that decided (CaFailoverError::relevant).
        return {e.relevant() ? describe(e.relevant()).code : to_int(ExitCode::Failure), e.what()};
    } catch (const CLI::ParseError& e) {
        // Unknown flag, bad value, missing argument: one line, not CLI11's dump.
        return {to_int(ExitCode::Usage), std::string(e.what()) + " (see 'certa --help')"};
    } catch (const storage::StoreError& e) {
        // A planted file beside the store is a local file problem, not the store's.
        if (e.kind() == storage::StoreError::Kind::Untrusted) return {to_int(ExitCode::LocalIo), e.what()};
        return {to_int(ExitCode::Store), e.what()};
    } catch (const acme::LocalFileError& e) {
        return {to_int(ExitCode::LocalIo), e.what()};
    } catch (const acme::Rfc2136Error& e) {
        return {to_int(ExitCode::DnsUpdate), e.what()};
    } catch (const acme::ImportError& e) {
        return {to_int(ExitCode::ImportInvalid), e.what() + std::string(" (nothing was imported)")};
    } catch (const CliError& e) {
        return {to_int(e.code()), e.what()};
    } catch (const std::exception& e) {
        return {to_int(ExitCode::Failure), e.what()};
    } catch (...) {
        return {to_int(ExitCode::Failure), "unknown error"};
    }
}

}  // namespace

int report_error(std::exception_ptr error) {
    const Described d = describe(error);
    print_error_line(d.line);
    return d.code;
}

}  // namespace certa::cli
