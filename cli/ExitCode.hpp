// Process exit codes of `certa`. Every code is documented in certa(1)
// (doc/man/certa.1.scd, EXIT STATUS); add new ones at the end and document them there too.
#pragma once

namespace certa::cli {

enum class ExitCode : int {
    Ok = 0,        // success
    Failure = 1,   // the CA refused, a challenge failed, some renewal failed, other errors
    Usage = 2,     // bad command line: unknown flag, bad value, missing argument
    Store = 3,     // the store cannot be opened or used (not a store, corrupt, locked, newer schema, I/O)
    NotFound = 4,  // the named certificate / account does not exist in the store
    LocalIo = 5,   // a local file outside the store could not be read or written (export dir, key file)
    ImportInvalid = 6,  // `certa import`: the input is malformed or inconsistent (nothing was written)
    DnsUpdate = 7,  // dns-01: the DNS server refused the RFC 2136 update (NOTAUTH, BADSIG, BADKEY, REFUSED, ...)
    Renewed = 10,  // `certa renew --exit-code-on-renewal`: something was renewed and nothing failed
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace certa::cli
