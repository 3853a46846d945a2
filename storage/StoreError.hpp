// Typed store failures. The CLI maps every kind to exit code 3.
#pragma once

#include <stdexcept>
#include <string>

namespace certa::storage {

class StoreError : public std::runtime_error {
public:
    enum class Kind {
        Io,           // cannot open/create/write (permissions, disk full)
        Locked,       // busy timeout ran out
        NotAStore,    // the file is not SQLite (or not ours)
        Corrupt,      // integrity problems
        NewerSchema,  // written by a newer certa
        Invalid,      // the caller's data was refused (bad chain, key mismatch)
        Fenced,       // a write under a lease whose token is no longer current
        NotFound,     // a row the caller named does not exist
    };
    StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

}  // namespace certa::storage
