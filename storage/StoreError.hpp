// Typed store failures. The CLI maps every kind to exit code 3, except
// Untrusted (a file beside the store that another user planted), which is 5.
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
        Untrusted,    // a -wal/-shm/-journal beside the store belongs to another user
    };
    StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

// True when `error` says the store itself cannot take writes now (locked,
// I/O or disk full, not a store, corrupt, newer schema): recording that
// failure in the store would wait and fail the same way again.
inline bool store_unusable(const std::exception& error) {
    const auto* store_error = dynamic_cast<const StoreError*>(&error);
    if (!store_error) return false;
    switch (store_error->kind()) {
    case StoreError::Kind::Invalid:
    case StoreError::Kind::Fenced:
    case StoreError::Kind::NotFound:
        return false;
    default:
        return true;
    }
}

}  // namespace certa::storage
