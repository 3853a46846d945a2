#include "cli/ErrorReport.hpp"

#include "acme/challenge/dns/Rfc2136Error.hpp"
#include "acme/files/LocalFileError.hpp"
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

// To map another module's typed error, add a catch clause below that prints
// one line with print_error_line and returns its exit code. Catch the most
// derived types first; the std::exception clause must stay last.
int report_error(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const CLI::ParseError& e) {
        // Unknown flag, bad value, missing argument: one line, not CLI11's dump.
        print_error_line(std::string(e.what()) + " (see 'certa --help')");
        return to_int(ExitCode::Usage);
    } catch (const storage::StoreError& e) {
        print_error_line(e.what());
        // A planted file beside the store is a local file problem, not the store's.
        if (e.kind() == storage::StoreError::Kind::Untrusted) return to_int(ExitCode::LocalIo);
        return to_int(ExitCode::Store);
    } catch (const acme::LocalFileError& e) {
        print_error_line(e.what());
        return to_int(ExitCode::LocalIo);
    } catch (const acme::Rfc2136Error& e) {
        print_error_line(e.what());
        return to_int(ExitCode::DnsUpdate);
    } catch (const acme::ImportError& e) {
        print_error_line(e.what() + std::string(" (nothing was imported)"));
        return to_int(ExitCode::ImportInvalid);
    } catch (const CliError& e) {
        print_error_line(e.what());
        return to_int(e.code());
    } catch (const std::exception& e) {
        print_error_line(e.what());
        return to_int(ExitCode::Failure);
    } catch (...) {
        print_error_line("unknown error");
        return to_int(ExitCode::Failure);
    }
}

}  // namespace certa::cli
