// What `main` does to the process before it handles any secret: no core
// dumps (a crash must not write keys to disk) and no ptrace by other
// processes of the same user, and secrets given as arguments blanked in
// argv once parsed (so `ps` and /proc/PID/cmdline stop showing them).
#pragma once

namespace certa::cli {

// RLIMIT_CORE 0 and PR_SET_DUMPABLE 0 (the latter not in sanitizer builds:
// LeakSanitizer must ptrace the process). Never fails the command.
void disable_core_dumps() noexcept;

// Overwrites with zero bytes the values of the flags that carry secrets
// (--eab-hmac-key VALUE and --eab-hmac-key=VALUE) in the process's argv.
// Call after parsing: the parser holds its own copies.
void blank_secret_arguments(int argc, char** argv) noexcept;

}  // namespace certa::cli
